"""Saving and loading models, and the shipped default model.

Model files are code: unpickling runs whatever the file says. So:

* ``save`` writes skops by default, a format that names every type it holds; ``load_model``
  loads skops files only when every type in them is on our allowlist.
* Pickle/joblib files load only with ``trust=True``.
* The shipped model is a pickle whose SHA-256 is recorded in ``models/manifest.json`` inside the
  package, and is refused if the digest differs. Plain pickle, not joblib: joblib's unpickler runs in
  Python and took 0.17 s to load it, pickle's 0.02 s, a tenth of the cold start of ``stance analyze``.
* If the installed scikit-learn differs from the one that built the shipped model, the model is
  rebuilt from the training data bundled beside it and cached in the user's cache directory,
  so it never loads with version warnings.

Every file records the library, scikit-learn and nltk versions and the label set.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import pickle
import sys
import tempfile
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path

from .classifier import StanceClassifier

MODELS_DIR = Path(__file__).parent / "models"
MANIFEST = MODELS_DIR / "manifest.json"
DEFAULT_MODEL = MODELS_DIR / "default.pkl"
BUNDLED_DATA = MODELS_DIR / "training.jsonl.gz"
LIBRARY = "intervention-stance"

#: Types a skops model file may contain. Anything else is refused.
TRUSTED_TYPES = (
    "stance.classifier.StanceClassifier", "stance.features.LexiconFeatures", "stance.features.SentimentFeatures",
    "stance.features.TextNormalizer", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration", "sklearn.isotonic.IsotonicRegression",
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.svm._classes.LinearSVC", "sklearn.pipeline.Pipeline", "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer", "sklearn.feature_extraction.text.TfidfTransformer",
    "stance.features.CharNgramTfidf",
    "stance.features.WordNgramTfidf",
    "stance.features.MeanWordVectors",
    "numpy.float32", "numpy.float64", "numpy.int64", "numpy.int32", "numpy.dtype", "numpy.ndarray",
    "builtins.slice", "scipy.sparse._csr.csr_matrix", "scipy.sparse._csr.csr_array",
)


class ModelError(ValueError):
    """A model file that cannot be used: missing, foreign, tampered or incompatible."""


class StanceWarning(UserWarning):
    """Something the user should know about a model, e.g. a version difference."""


def versions() -> dict[str, str]:
    import nltk
    import sklearn

    from . import __version__

    return {"library": LIBRARY, "stance": __version__, "scikit-learn": sklearn.__version__, "nltk": nltk.__version__,
            "python": ".".join(map(str, sys.version_info[:2]))}


def sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _strip(model: StanceClassifier) -> StanceClassifier:
    # TfidfVectorizer keeps every pruned term in stop_words_; sklearn documents it as safe to drop.
    for step in model.pipeline_.named_steps["features"].transformer_list:
        vec = step[1].steps[-1][1] if hasattr(step[1], "steps") else step[1]
        if hasattr(vec, "stop_words_"):
            del vec.stop_words_
    return model


def _atomic_write(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes files private; a saved model is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_save_path(path: str | os.PathLike) -> None:
    """Refuse, before any training, a path a model cannot be saved to."""
    path = Path(path)
    if path.is_dir():
        raise ModelError(f"{path}: is a folder; give a file name, e.g. {path / 'model.skops'}")
    in_the_way = next((p for p in path.parents if p.exists()), None)
    if in_the_way is not None and not in_the_way.is_dir():
        raise ModelError(f"{in_the_way}: is a file, so it cannot hold {path}")


def save_model(model: StanceClassifier, path: str | os.PathLike) -> Path:
    """Save a fitted model: skops unless the name ends in .joblib/.pkl (faster, but loads only when trusted)."""
    path = Path(path)
    if not hasattr(model, "pipeline_"):
        raise ModelError("cannot save an unfitted model: call fit() first")
    check_save_path(path)
    payload = {"metadata": {**versions(), "labels": [str(c) for c in model.classes_]}, "model": _strip(model)}
    if path.suffix.lower() in (".joblib", ".pkl", ".pickle"):  # as load_model reads them: "M.JOBLIB" too
        import joblib

        _atomic_write(path, lambda tmp: joblib.dump(payload, tmp, compress=3))
    else:
        import skops.io as sio

        _atomic_write(path, lambda tmp: sio.dump(payload, tmp, compression=zipfile.ZIP_DEFLATED))
    return path


def load_model(path: str | os.PathLike, trust: bool = False) -> StanceClassifier:
    """Load a model saved with ``save``. Pickle/joblib files need ``trust=True``."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    if zipfile.is_zipfile(path):
        payload = _load_skops(path)
    elif trust:
        import joblib

        try:
            payload = joblib.load(path)
        except Exception as exc:
            raise ModelError(f"{path}: not a readable model file ({type(exc).__name__}: {exc})") from exc
    elif path.suffix.lower() in (".joblib", ".pkl", ".pickle"):
        raise ModelError(f"{path}: this is not a skops file; pickle/joblib files can run arbitrary code when loaded. "
                         "Load it only if you made it yourself, with trust=True (CLI: --trust-model).")
    elif path.stat().st_size == 0:
        raise ModelError(f"{path}: is empty, not a model file")
    elif _first_bytes(path, 2) == b"PK":
        raise ModelError(f"{path}: a damaged or truncated .skops file (an interrupted copy?); save or copy it again")
    else:
        raise ModelError(f"{path}: not a model file (expected a .skops file saved by stance, or .joblib/.pkl)")
    return _check_payload(payload, path)


def _first_bytes(path: Path, n: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


#: Plain values a skops file describes with a type too.
_PLAIN_TYPES = frozenset(f"builtins.{t}" for t in ("str", "int", "float", "bool", "list", "dict", "tuple", "NoneType"))


def _types_in(path: Path) -> set[str]:
    """Every type a skops file names, read from its schema: skops's own check passes the types skops
    trusts by default (a FunctionTransformer holding any numpy function, say), ours passes only these."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found, stack = set(), [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__module__" in node and "__class__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _load_skops(path: Path) -> dict:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
        named = _types_in(path)
    except Exception as exc:
        raise ModelError(f"{path}: not a valid skops model file, damaged or truncated? "
                         f"({type(exc).__name__}: {exc})") from exc
    foreign = sorted((set(untrusted) | named) - set(TRUSTED_TYPES) - _PLAIN_TYPES)
    if foreign:
        raise ModelError(f"{path}: refused, the file holds types stance does not trust: {', '.join(foreign)}")
    try:
        return sio.load(path, trusted=list(untrusted))
    except Exception as exc:
        raise ModelError(f"{path}: could not be loaded ({type(exc).__name__}: {exc})") from exc


def _check_payload(payload, path: Path) -> StanceClassifier:
    if not isinstance(payload, dict) or not isinstance(payload.get("metadata"), dict) or "model" not in payload:
        raise ModelError(f"{path}: not a stance model file (no metadata)")
    meta, model = payload["metadata"], payload["model"]
    if meta.get("library") != LIBRARY:
        raise ModelError(f"{path}: made by {meta.get('library')!r}, not by {LIBRARY}")
    if not isinstance(model, StanceClassifier) or not hasattr(model, "classes_"):
        raise ModelError(f"{path}: does not hold a fitted StanceClassifier")
    if [str(c) for c in model.classes_] != list(meta.get("labels", [])):
        raise ModelError(f"{path}: label set {list(model.classes_)} differs from the recorded {meta.get('labels')}")
    now = versions()
    if meta.get("stance") != now["stance"]:
        warnings.warn(f"{path} was made with stance {meta.get('stance')}, you have {now['stance']}: our hand-made "
                      "features may have changed since; retrain it, or check it with `stance evaluate`",
                      StanceWarning, stacklevel=3)
    if meta.get("scikit-learn") != now["scikit-learn"]:
        warnings.warn(f"{path} was made with scikit-learn {meta.get('scikit-learn')}, you have {now['scikit-learn']}: "
                      "retrain it with `stance train` to be sure of its predictions", StanceWarning, stacklevel=3)
    return model


# --- the shipped default model -------------------------------------------------------------------

DEFAULT_PARAMS: dict = {}


def read_bundled_data() -> tuple[list[str], list[str | None], list[list[str] | None], list[bool | None]]:
    """Texts, stance labels, means annotations and whether each is about intervention, as the shipped
    models learned them; None where a row has no such annotation (short claims carry no means,
    off-topic texts written for relevance train no stance)."""
    with gzip.open(BUNDLED_DATA, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return ([r["text"] for r in rows], [r["stance"] for r in rows], [r["means"] for r in rows],
            [r.get("about") for r in rows])


def _train_bundle(texts: list[str], labels: list[str | None], means: list[list[str] | None],
                  about: list[bool | None], params: dict) -> dict:
    from .means import MeansDetector
    from .relevance import RelevanceDetector

    def rows(column):
        return [(t, v) for t, v in zip(texts, column) if v is not None]

    stance, annotated, judged = rows(labels), rows(means), rows(about)
    bundle = {"stance": _strip(StanceClassifier(**params).fit(*zip(*stance))),
              "means": MeansDetector().fit(*zip(*annotated))}
    if judged:  # bundled data from before relevance existed has none
        bundle["relevance"] = RelevanceDetector().fit(*zip(*judged))
    return bundle


def build_default_model(corpus: str | os.PathLike = "training_data/corpus.jsonl",
                        claims: str | None = None) -> dict:
    """Train the shipped models (stance, and which means a paragraph discusses) on the train split of
    our corpus plus the train split of our short claims (which teach one-sentence inputs); write them,
    their manifest and the bundled copy of the training data that lets any install rebuild them.
    Deterministic."""
    import glob

    from .data import read_labelled, read_records, split_for

    records = [r for r in read_labelled(corpus) if r.get("split", "train") == "train"]
    means = [sorted({m["means"] for m in r.get("means", [])}) for r in records]
    claims = claims or str(Path(corpus).parent / "claims" / "claims_*.jsonl")
    paths = sorted(glob.glob(claims))
    if not paths:
        raise FileNotFoundError(f"no short-claims files match {claims}")
    about = [r.get("frame") != "unrelated" for r in records]
    for path in paths:
        short = [r for r in read_labelled(path) if split_for(r["id"]) == "train"]
        records += short
        means += [None] * len(short)
        about += [None if r["stance"] == "neutral" else True for r in short]  # a neutral claim may be off-topic
    texts, labels = [r["text"] for r in records], [r["stance"] for r in records]
    for path in sorted(glob.glob(str(Path(corpus).parent / "relevance" / "*.jsonl"))):  # for relevance only
        extra = [r for _, r in read_records(path) if (r.get("split") or split_for(r["id"])) == "train"]  # pairs: one split
        texts += [r["text"] for r in extra]
        labels += [None] * len(extra)
        means += [None] * len(extra)
        about += [bool(r["about"]) for r in extra]
    bundle = _train_bundle(texts, labels, means, about, DEFAULT_PARAMS)
    MODELS_DIR.mkdir(exist_ok=True)
    _atomic_write(DEFAULT_MODEL, lambda tmp: _dump(bundle, tmp))
    data = "".join(json.dumps({"text": t, "stance": s, "means": m, "about": a}, ensure_ascii=False) + "\n"
                   for t, s, m, a in zip(texts, labels, means, about))
    _atomic_write(BUNDLED_DATA, lambda tmp: Path(tmp).write_bytes(gzip.compress(data.encode("utf-8"), mtime=0)))
    manifest = {**versions(), "labels": [str(c) for c in bundle["stance"].classes_], "params": DEFAULT_PARAMS,
                "n_train": sum(label is not None for label in labels),  # the stance model's rows
                "sha256": sha256(DEFAULT_MODEL), "data_sha256": sha256(BUNDLED_DATA)}
    manifest.pop("python")
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    clear_cache()
    return manifest


def cache_dir() -> Path:
    """Where rebuilt models live: $STANCE_CACHE_DIR, else the platform's user cache folder."""
    if os.environ.get("STANCE_CACHE_DIR"):
        return Path(os.environ["STANCE_CACHE_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "stance"


def load_default_model() -> StanceClassifier:
    """The shipped classifier, verified against its recorded SHA-256 (rebuilt once per scikit-learn
    version). Yours to change: refitting it or setting its parameters leaves ``analyze()`` as it was."""
    import copy

    return copy.deepcopy(shared_default_model())


def shared_default_model() -> StanceClassifier:
    """The one loaded copy that ``analyze()`` and the CLI use; not to be changed."""
    return _default_bundle()["stance"]


def load_default_means():
    """The shipped MeansDetector, from the same verified file as the classifier."""
    return _default_bundle()["means"]


def load_default_relevance():
    """The shipped RelevanceDetector, from the same verified file as the classifier (None for a model
    rebuilt from bundled data older than it)."""
    return _default_bundle().get("relevance")


def clear_cache() -> None:
    """Forget the loaded default models (after rebuilding them, or in tests)."""
    _default_bundle.cache_clear()


def _dump(bundle: dict, path) -> None:
    with open(path, "wb") as fh:
        pickle.dump(bundle, fh, protocol=5)


def _load(path: Path) -> dict:
    """Only for our own files, after their digest was checked."""
    with open(path, "rb") as fh:
        return pickle.load(fh)


@lru_cache(maxsize=1)
def _default_bundle() -> dict:
    import sklearn

    if not MANIFEST.is_file() or not DEFAULT_MODEL.is_file():
        raise ModelError(f"the default model is missing from {MODELS_DIR}; build it with `make model`")
    manifest = json.loads(MANIFEST.read_text())
    if sha256(DEFAULT_MODEL) != manifest["sha256"]:
        raise ModelError(f"{DEFAULT_MODEL}: SHA-256 differs from the manifest; the file was changed. Reinstall stance.")
    if manifest["scikit-learn"] == sklearn.__version__:
        return _load(DEFAULT_MODEL)
    return _rebuilt_default(manifest)


def _rebuilt_default(manifest: dict) -> dict:
    import sklearn

    if sha256(BUNDLED_DATA) != manifest["data_sha256"]:
        raise ModelError(f"{BUNDLED_DATA}: SHA-256 differs from the manifest; reinstall stance")
    key = f"default-{manifest['stance']}-{manifest['data_sha256'][:12]}-sklearn{sklearn.__version__}"
    cached, digest_file = cache_dir() / f"{key}.pkl", cache_dir() / f"{key}.sha256"
    if cached.is_file() and digest_file.is_file() and sha256(cached) == digest_file.read_text().strip():
        try:
            bundle = _load(cached)
            if isinstance(bundle, dict) and isinstance(bundle.get("stance"), StanceClassifier):
                return bundle
        except Exception:  # a damaged cache is rebuilt, like a missing one
            pass
    print(f"stance: the shipped model was built with scikit-learn {manifest['scikit-learn']}, you have "
          f"{sklearn.__version__}; rebuilding it from the bundled training data (once) into {cached}",
          file=sys.stderr)
    bundle = _train_bundle(*read_bundled_data(), params=manifest["params"])
    try:
        _atomic_write(cached, lambda tmp: _dump(bundle, tmp))
        digest_file.write_text(sha256(cached))
    except OSError as exc:
        warnings.warn(f"could not keep the rebuilt model in {cached.parent} ({exc.strerror or exc}); it will be "
                      "rebuilt in every new process. Set STANCE_CACHE_DIR to a folder you can write.",
                      StanceWarning, stacklevel=2)
    return bundle
