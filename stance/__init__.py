"""stance: each paragraph's stance toward intervention, and its sentiment.

    >>> import stance
    >>> result = stance.analyze(text)               # the shipped model, offline
    >>> for p in result.prose: print(p.stance, p.confidence, p.means)
    >>> for key, a in stance.analyze_many(texts, n_jobs=2): ...
    >>> clf = stance.StanceClassifier().fit(texts, labels); clf.save("my.skops")
    >>> clf = stance.load_model("my.skops")
"""

__version__ = "0.5.0"

from .analysis import Analysis, ParagraphResult, analyze  # noqa: E402
from .batch import analyze_many, run_batch  # noqa: E402
from .classifier import LABELS, StanceClassifier  # noqa: E402
from .persistence import ModelError, load_default_model, load_model  # noqa: E402

__all__ = ["analyze", "analyze_many", "run_batch", "StanceClassifier", "LABELS", "load_default_model", "load_model",
           "ModelError", "Analysis", "ParagraphResult", "__version__"]
