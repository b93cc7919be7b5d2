"""analyze(): an article in, one result per paragraph out, as plain frozen dataclasses.

Only prose paragraphs get a stance; titles, bylines and boilerplate are kept (so the
paragraph indices match what a reader sees) but carry ``stance=None``. The article
summary averages the prose paragraphs' probabilities, weighting each by its length,
because one long argued paragraph says more than a one-line aside, and by its relevance,
because a paragraph about something else says nothing about intervention (`counts` still
counts every prose paragraph's label). The article's `relevance` is its prose paragraphs' relevance
weighted by length: the share of what it says that is about intervention, for filtering an archive.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import sentiment as _sentiment
from .classifier import LABELS, StanceClassifier
from .data import LABEL_MAP
from .holders import find_holders, main_of
from .means import means_stances
from .segment import PROSE, split_paragraphs


@dataclass(frozen=True)
class ParagraphResult:
    """One paragraph: where it is, its kind, and (for prose) stance, sentiment and why."""

    index: int
    text: str
    start: int
    end: int
    kind: str
    stance: str | None = None
    probabilities: dict[str, float] = field(default_factory=dict)
    confidence: float | None = None
    sentiment: _sentiment.Sentiment | None = None
    evidence: tuple[tuple[str, float], ...] = ()
    means: tuple = ()
    holders: tuple = ()
    relevance: float | None = None  # the probability that the paragraph is about intervention at all

    @property
    def holder(self) -> str | None:
        """Who voices the stance: the first actor the paragraph attributes it to, else "author" (also
        for a neutral or NONE paragraph, which voices none); None for titles and other non-prose lines."""
        return main_of(self.holders, self.stance) if self.kind == PROSE else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["holder"] = self.holder
        d["evidence"] = [{"feature": f, "weight": w} for f, w in self.evidence]
        d["means"] = [m.to_dict() for m in self.means]
        d["holders"] = [h.to_dict() for h in self.holders]
        return d


@dataclass(frozen=True)
class Analysis:
    """All paragraphs of one text, plus an article-level summary of the prose ones."""

    paragraphs: tuple[ParagraphResult, ...]
    stance: str | None
    probabilities: dict[str, float]
    counts: dict[str, int]
    sentiment: float | None
    labels: tuple[str, ...] = ()
    relevance: float | None = None  # of the prose, weighted by length; None without prose or a relevance model

    @property
    def prose(self) -> list[ParagraphResult]:
        return [p for p in self.paragraphs if p.kind == PROSE]

    def to_dict(self) -> dict:
        return {"stance": self.stance, "probabilities": self.probabilities, "counts": self.counts,
                "sentiment": self.sentiment, "relevance": self.relevance, "labels": list(self.labels),
                "paragraphs": [p.to_dict() for p in self.paragraphs]}

    def to_json(self, **kwargs) -> str:
        """JSON that any UTF-8 file can hold: a lone surrogate in the text (from bytes decoded with
        ``errors="surrogateescape"``) is written as a \\u escape, not as a character UTF-8 refuses."""
        kwargs.setdefault("ensure_ascii", False)
        out = json.dumps(self.to_dict(), **kwargs)
        try:
            out.encode("utf-8")
        except UnicodeEncodeError:
            out = json.dumps(self.to_dict(), **{**kwargs, "ensure_ascii": True})
        return out

    def record_fields(self) -> list[str]:
        """The columns of `to_records`, also when there is no paragraph to fill them."""
        return ["index", "kind", "start", "end", "stance", "confidence", *(f"p_{label}" for label in self.labels),
                "relevance", "sentiment", "compound", "means", "holder", "holders", "evidence", "text"]

    def to_records(self) -> list[dict]:
        """One flat row per paragraph (columns: `record_fields`): what CSV and DataFrames want."""
        rows = []
        for p in self.paragraphs:
            row = {"index": p.index, "kind": p.kind, "start": p.start, "end": p.end, "stance": p.stance,
                   "confidence": p.confidence}
            for label in self.labels:
                row[f"p_{label}"] = p.probabilities.get(label)
            row["relevance"] = p.relevance
            s = p.sentiment
            row.update({"sentiment": s.label if s else None, "compound": s.compound if s else None,
                        "means": "; ".join(f"{m.means}:{m.stance}" for m in p.means), "holder": p.holder,
                        "holders": "; ".join(dict.fromkeys(h.holder for h in p.holders)),
                        "evidence": "; ".join(f for f, _ in p.evidence), "text": p.text})
            rows.append(row)
        return rows

    def to_dataframe(self):
        """The paragraphs as a pandas DataFrame (needs the ``pandas`` extra)."""
        from ._optional import require

        return require("pandas", "pandas").DataFrame(self.to_records(), columns=self.record_fields())


def _check_text(text) -> str:
    if isinstance(text, bytes):
        raise TypeError("analyze() takes text as str, got bytes: decode it first, e.g. data.decode('utf-8')")
    if not isinstance(text, str):
        raise TypeError(f"analyze() takes text as str, got {type(text).__name__}")
    return text


def _stance_model(model) -> StanceClassifier:
    """The model to label with: the shipped one, a fitted StanceClassifier, one saved at a path, or
    the best StanceClassifier of a fitted search (GridSearchCV and the like)."""
    from .persistence import load_model, shared_default_model

    if model is None:
        return shared_default_model()
    if isinstance(model, (str, os.PathLike)):
        return load_model(model)
    model = getattr(model, "best_estimator_", model)
    if not isinstance(model, StanceClassifier):
        raise TypeError(f"model must be a fitted StanceClassifier (or the path of a saved one), got "
                        f"{type(model).__name__}; analyze() needs its explanations, which a Pipeline around it hides")
    check_is_fitted(model, "pipeline_")
    return model


def analyze(text: str, model=None, evidence: int = 5) -> Analysis:
    """Split `text` into paragraphs and label each prose paragraph's stance and sentiment."""
    return analyze_batch([text], model=model, evidence=evidence)[0]


def analyze_batch(texts: list[str], model=None, evidence: int = 5) -> list[Analysis]:
    """analyze() over several texts with one model call, which is much faster than one call each.
    `model` decides the stance; which means a paragraph discusses, and whether it is about
    intervention at all, always come from the shipped MeansDetector and RelevanceDetector.
    Stances are the model's labels as strings (a model fitted on 0/1/2 gives "0"/"1"/"2"), so that a
    result reads the same in Python as in its JSON and CSV forms."""
    from .persistence import load_default_means, load_default_relevance

    model = _stance_model(model)
    split = [split_paragraphs(_check_text(t)) for t in texts]
    prose = [p.text for paras in split for p in paras if p.kind == PROSE]
    labels = [str(c) for c in model.classes_]
    order = sorted(range(len(labels)), key=lambda i: (LABELS.index(labels[i]) if labels[i] in LABELS else 3, labels[i]))
    labels = [labels[i] for i in order]
    means_detector, relevance = load_default_means(), load_default_relevance()
    done = []  # (probabilities, evidence, sentiment, means, holders, relevance) per prose paragraph
    step = StanceClassifier.BLOCK  # a block at a time, finished while its per-text caches are warm
    for start in range(0, len(prose), step):
        block = prose[start:start + step]
        proba, why = model.predict_proba_explained(block, top=evidence)
        about = relevance.predict_proba(block)[:, 1] if relevance is not None else [None] * len(block)
        for text, row, reasons, detected, p_about in zip(block, proba[:, order], why, means_detector.predict(block),
                                                         about):
            stance = labels[int(np.argmax(row))]
            if p_about is not None and p_about < 0.5:  # not about intervention: "a hospital strike" names no means
                detected = frozenset()  # (test split: means micro-F1 unchanged; false means on off-topic texts 23 -> 12)
            # The means rules speak our labels whatever the model's: its own label fills in only if it maps
            # to one of ours ("pro", "FAVOR"), so one column never mixes two vocabularies.
            ours = LABEL_MAP.get(stance.lower())
            done.append((row, reasons, _sentiment.score(text), means_stances(text, ours, detected),
                         find_holders(text), None if p_about is None else round(float(p_about), 4)))
    out, k = [], 0
    for paras in split:
        results = []
        for i, p in enumerate(paras):
            if p.kind != PROSE:
                results.append(ParagraphResult(i, p.text, p.start, p.end, p.kind))
                continue
            row, reasons, sentiment, means, holders, p_about = done[k]
            best = int(np.argmax(row))
            results.append(ParagraphResult(
                i, p.text, p.start, p.end, p.kind, labels[best],
                {lab: round(float(v), 4) for lab, v in zip(labels, row)}, round(float(row[best]), 4),
                sentiment, tuple(reasons), tuple(means), tuple(holders), p_about))
            k += 1
        out.append(_summarise(results, labels))
    return out


def _summarise(results: list[ParagraphResult], labels: list[str]) -> Analysis:
    prose = [r for r in results if r.kind == PROSE]
    counts = {lab: sum(r.stance == lab for r in prose) for lab in labels}
    if not prose:
        return Analysis(tuple(results), None, {}, counts, None, tuple(labels))
    lengths = np.array([len(r.text.split()) or 1 for r in prose], dtype=float)
    about = None if any(r.relevance is None for r in prose) else np.array([r.relevance for r in prose])
    weights = lengths if about is None else lengths * np.maximum(about, 0.01)
    probs = np.array([[r.probabilities[lab] for lab in labels] for r in prose])
    mean = weights @ probs / weights.sum()
    compound = float(weights @ np.array([r.sentiment.compound for r in prose]) / weights.sum())
    relevance = None if about is None else round(float(lengths @ about / lengths.sum()), 4)
    return Analysis(tuple(results), labels[int(np.argmax(mean))],
                    {lab: round(float(v), 4) for lab, v in zip(labels, mean)}, counts, round(compound, 4),
                    tuple(labels), relevance)
