"""Metrics, cross-validation, reports and plots that users can publish from.

F_avg is SemEval-2016 Task 6's official score: the mean F1 of the two stance-bearing
classes (support/FAVOR and oppose/AGAINST) over all predictions, with the neutral class
predicted and counted in precision and recall but not averaged in. Confidence
intervals come from a bootstrap over items, so they widen honestly on small test sets.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass, field
from numbers import Real

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, StratifiedKFold

POSITIVE = ("support", "favor", "favour")  # compared in lower case: FAVOR, Favor, ...
NEGATIVE = ("oppose", "against")


def f_avg(y_true, y_pred, labels: tuple[str, str] | None = None) -> float | None:
    """Mean F1 of the support and oppose classes (SemEval-2016's F_avg), over those of the two that
    occur in `y_true` or `y_pred`: a class nobody used has no F1, and counting it as 0 would halve a
    perfect score. None when neither occurs, or when `labels` is not given and neither class can be
    told from the labels' names (say 0/1/2, or pro/con): a score of 0.0 there would read as a real one."""
    y_true, y_pred = np.asarray(y_true, dtype=object).astype(str), np.asarray(y_pred, dtype=object).astype(str)
    if labels is None:
        present = sorted(set(y_true) | set(y_pred))
        positive = next((v for v in present if v.lower() in POSITIVE), None)
        negative = next((v for v in present if v.lower() in NEGATIVE), None)
        if positive is None and negative is None:
            return None
        labels = (positive or "support", negative or "oppose")
    labels = [str(label) for label in labels]  # compared as text, as sklearn wants one type (1 and "1" alike)
    used = [label for label in labels if label in set(y_true) | set(y_pred)]
    if not used:
        return None
    return float(np.mean(f1_score(y_true, y_pred, labels=used, average=None, zero_division=0)))


def expected_calibration_error(y_true, proba: np.ndarray, classes, bins: int = 10) -> tuple[float, list[dict]]:
    """ECE of the top-label confidence, and the reliability-diagram bins behind it."""
    proba = np.asarray(proba)
    if classes is None or proba.ndim != 2 or proba.shape != (len(y_true), len(classes)):
        raise ValueError(f"probabilities need one row per item and one column per class (pass classes=model.classes_); "
                         f"got shape {proba.shape} for {len(y_true)} items and classes {classes}")
    conf = proba.max(axis=1)
    correct = np.asarray(classes, dtype=object)[proba.argmax(axis=1)] == np.asarray(y_true, dtype=object)
    edges = np.linspace(0, 1, bins + 1)
    table, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi) if lo > 0 else (conf >= lo) & (conf <= hi)
        if mask.any():
            acc, mean_conf = float(correct[mask].mean()), float(conf[mask].mean())
            ece += mask.mean() * abs(acc - mean_conf)
            table.append({"lo": round(lo, 2), "hi": round(hi, 2), "n": int(mask.sum()), "accuracy": round(acc, 4),
                          "confidence": round(mean_conf, 4)})
    return float(ece), table


def bootstrap_ci(y_true, y_pred, metric=None, n: int = 1000, level: float = 0.95, seed: int = 0, labels=None):
    """Percentile bootstrap interval of `metric` (default macro-F1 over `labels`, else over the labels
    present) over items. Give `labels` when a class is rare: a resample without it would otherwise
    average over fewer classes than the point estimate and lift the interval."""
    labels = None if labels is None else list(labels)
    metric = metric or (lambda t, p: f1_score(t, p, labels=labels, average="macro", zero_division=0))
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    if len(y_true) != len(y_pred) or not len(y_true):
        raise ValueError(f"need as many predictions as gold labels, at least one; got {len(y_true)} and {len(y_pred)}")
    rng = np.random.default_rng(seed)
    scores = [metric(y_true[idx], y_pred[idx]) for idx in (rng.integers(0, len(y_true), len(y_true)) for _ in range(n))]
    return float(np.quantile(scores, (1 - level) / 2)), float(np.quantile(scores, 1 - (1 - level) / 2))


@dataclass
class Report:
    """Scores of one evaluation, with everything needed to reproduce a table or a plot."""

    n: int
    accuracy: float
    macro_f1: float
    macro_f1_ci: tuple[float, float]
    f_avg: float | None
    per_class: dict[str, dict[str, float]]
    labels: list[str]
    confusion: list[list[int]]
    ece: float | None = None
    reliability: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    def to_markdown(self, title: str = "Evaluation") -> str:
        lo, hi = self.macro_f1_ci
        lines = [f"## {title}", "", f"n = {self.n}", "",
                 "| metric | value |", "|---|---|", f"| accuracy | {self.accuracy:.3f} |",
                 f"| macro-F1 | {self.macro_f1:.3f} (95% CI {lo:.3f}-{hi:.3f}) |"]
        if self.f_avg is not None:
            lines.append(f"| F_avg | {self.f_avg:.3f} |")
        if self.ece is not None:
            lines.append(f"| ECE | {self.ece:.3f} |")
        if "below_min_relevance" in self.extra:
            lines.append(f"| counted neutral: relevance below {self.extra['min_relevance']} | "
                         f"{self.extra['below_min_relevance']} |")
        lines += ["", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for lab, m in self.per_class.items():
            lines.append(f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
        lines += ["", "Confusion matrix (rows: true, columns: predicted)", "",
                  "| | " + " | ".join(self.labels) + " |", "|---" * (len(self.labels) + 1) + "|"]
        lines += [f"| {lab} | " + " | ".join(map(str, row)) + " |" for lab, row in zip(self.labels, self.confusion)]
        if self.errors:
            lines += ["", "Most confident mistakes", "", "| item | true | predicted | confidence | evidence | text |",
                      "|---|---|---|---|---|---|"]
            cell = lambda v: str(v).replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines += [f"| {cell(e['item'])} | {e['gold']} | {e['predicted']} | {e['confidence']:.2f} | "
                      f"{cell('; '.join(e['evidence'][:3]))} | {cell(e['text'][:120])} |" for e in self.errors]
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        lo, hi = self.macro_f1_ci
        out = [f"n={self.n}  accuracy={self.accuracy:.3f}  macro-F1={self.macro_f1:.3f} [{lo:.3f}, {hi:.3f}]  "
               + (f"F_avg={self.f_avg:.3f}" if self.f_avg is not None else "")
               + (f"  ECE={self.ece:.3f}" if self.ece is not None else "")
               + (f"  (counted neutral, relevance below {self.extra['min_relevance']}: "
                  f"{self.extra['below_min_relevance']})" if "below_min_relevance" in self.extra else ""), "",
               f"{'class':<10}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}"]
        out += [f"{lab:<10}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10}"
                for lab, m in self.per_class.items()]
        width = max(len(lab) for lab in self.labels) + 2
        out += ["", "confusion (rows true, cols predicted)", " " * width + "".join(f"{lab:>10}" for lab in self.labels)]
        out += [f"{lab:<{width}}" + "".join(f"{v:>10}" for v in row) for lab, row in zip(self.labels, self.confusion)]
        if self.errors:
            wrong = self.n - sum(row[i] for i, row in enumerate(self.confusion))
            more = f"; {len(self.errors)} of {wrong} shown" if wrong > len(self.errors) else ""
            out += ["", f"most confident mistakes (item: true -> predicted, confidence: text{more})"]
            out += [f"{str(e['item']):>5}: {e['gold']} -> {e['predicted']}, {e['confidence']:.2f}: "
                    + " ".join(e["text"].split())[:90] for e in self.errors]
        return "\n".join(out)


def score(y_true, y_pred, proba: np.ndarray | None = None, classes=None, labels=None, seed: int = 0) -> Report:
    """A Report from gold labels, predictions and (optionally) probabilities."""
    y_true, y_pred = list(map(str, y_true)), list(map(str, y_pred))
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} gold labels but {len(y_pred)} predictions")
    if not y_true:
        raise ValueError("nothing to evaluate: no labelled items")
    classes = None if classes is None else [str(c) for c in classes]  # compared with the labels, as str
    labels = list(labels or sorted(set(y_true) | set(y_pred), key=_label_order))
    with warnings.catch_warnings():  # one class in the file and in the predictions is a fine, if easy, test
        warnings.filterwarnings("ignore", "A single label was found", UserWarning)
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
        per_class = {lab: {"precision": round(float(a), 4), "recall": round(float(b), 4), "f1": round(float(c), 4),
                           "support": int(d)} for lab, a, b, c, d in zip(labels, p, r, f, s)}
        ece, rel = (expected_calibration_error(y_true, proba, classes) if proba is not None else (None, []))
        fav = f_avg(y_true, y_pred)
        macro = f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
        return Report(n=len(y_true), accuracy=round(float(accuracy_score(y_true, y_pred)), 4),
                      macro_f1=round(float(macro), 4),
                      macro_f1_ci=tuple(round(x, 4) for x in bootstrap_ci(y_true, y_pred, seed=seed, labels=labels)),
                      f_avg=None if fav is None else round(fav, 4), per_class=per_class, labels=labels,
                      confusion=confusion_matrix(y_true, y_pred, labels=labels).tolist(),
                      ece=None if ece is None else round(ece, 4), reliability=rel)


def _label_order(label: str):
    order = ["support", "FAVOR", "oppose", "AGAINST", "neutral", "NONE"]
    return (order.index(label) if label in order else len(order), label)


def evaluate(model, texts: list[str], labels: list[str], errors: int = 10, ids: list | None = None,
             min_relevance: float | None = None) -> Report:
    """Hold-out evaluation of a fitted model, with its most confident mistakes explained. Mistakes name
    their item by `ids` (e.g. record ids or file lines) when given, else by position from 1.
    `min_relevance` scores the pipeline the README recommends for text that may be off the topic: an
    item the shipped relevance model puts below it counts as the model's neutral label (probability 1)."""
    classes = [str(c) for c in model.classes_]
    unknown = sorted({str(g) for g in labels} - set(classes))
    if unknown:
        raise ValueError(f"gold label(s) {unknown} are not among the model's labels {classes}: every such item "
                         "would count as wrong. Map the labels to the model's, or evaluate a model trained on them")
    if ids is not None and len(ids) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(ids)} ids")
    neutral = None if min_relevance is None else _neutral_label(classes, min_relevance)
    proba, why = model.predict_proba_explained(texts, top=5)
    if neutral is not None:
        from .persistence import load_default_relevance

        detector = load_default_relevance()
        if detector is None:
            raise ValueError("min_relevance needs the shipped relevance model, which this install's default "
                             "model (rebuilt from older bundled data) lacks")
        low = detector.predict_proba(texts)[:, 1] < min_relevance
        proba[low] = np.eye(len(classes))[classes.index(neutral)]
        why = [[(f"relevance below {min_relevance}", 1.0)] if off else w for off, w in zip(low, why)]
    pred = [classes[i] for i in proba.argmax(axis=1)]
    report = score(labels, pred, proba, classes)
    report.errors = _confident_errors(texts, labels, pred, proba, why, errors, ids)
    if neutral is not None:
        report.extra = {"min_relevance": float(min_relevance), "below_min_relevance": int(low.sum())}
    return report


def _neutral_label(classes: list[str], min_relevance) -> str:
    from .data import LABEL_MAP

    if isinstance(min_relevance, bool) or not isinstance(min_relevance, Real) or not 0 <= min_relevance <= 1:
        raise ValueError(f"min_relevance must be a number from 0 to 1, got {min_relevance!r}")
    neutral = [c for c in classes if LABEL_MAP.get(c.lower()) == "neutral"]
    if not neutral:
        raise ValueError(f"min_relevance needs a neutral label to give off-topic text, and the model's labels "
                         f"{classes} have none (neutral, none, neither, ...); evaluate without it")
    return neutral[0]


def _confident_errors(texts, gold, pred, proba, why, k: int, ids: list | None = None) -> list[dict]:
    """`index` counts from 0 (for Python lists); `item` is what a reader looks up: an id, or the position from 1."""
    wrong = [i for i, (g, p) in enumerate(zip(gold, pred)) if str(g) != str(p)]
    wrong.sort(key=lambda i: -proba[i].max())
    return [{"index": i, "item": ids[i] if ids is not None else i + 1, "gold": str(gold[i]), "predicted": str(pred[i]),
             "confidence": round(float(proba[i].max()), 4),
             "evidence": [f for f, _ in why[i]], "text": texts[i][:300]} for i in wrong[:k]]


def cross_validate(texts: list[str], labels: list[str], estimator=None, k: int = 5, groups=None,
                   seed: int = 0, errors: int = 10, ids: list | None = None) -> Report:
    """Out-of-fold predictions from stratified k-fold, or grouped k-fold when `groups` is given
    (e.g. crises: measures transfer to crises the model never saw), scored as one Report; `ids` as
    in `evaluate`."""
    from .classifier import StanceClassifier

    estimator = estimator if estimator is not None else StanceClassifier()
    texts, labels = list(texts), np.asarray(list(labels))  # numpy's own dtype: sklearn refuses object ints
    if ids is not None and len(ids) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(ids)} ids")
    splitter = _folds(k, groups, seed)
    folds = splitter.split(texts, labels, groups)
    pred = np.empty(len(texts), dtype=object)
    proba, why = None, [None] * len(texts)
    classes = sorted(set(labels), key=_label_order)
    for train, test in folds:
        model = clone(estimator).fit([texts[i] for i in train], labels[train])
        p_fold, w = model.predict_proba_explained([texts[i] for i in test], top=5)
        p = np.zeros((len(test), len(classes)))  # a class no training text of this fold had: probability 0
        learned = list(model.classes_)
        for j, c in enumerate(classes):
            if c in learned:
                p[:, j] = p_fold[:, learned.index(c)]
        if proba is None:
            proba = np.zeros((len(texts), len(classes)))
        proba[test] = p
        pred[test] = [classes[j] for j in p.argmax(axis=1)]
        for i, e in zip(test, w):
            why[i] = e
    report = score(labels, pred, proba, classes)
    report.errors = _confident_errors(texts, labels, list(pred), proba, why, errors, ids)
    report.extra = {"cv": "grouped" if groups is not None else "stratified", "folds": splitter.get_n_splits()}
    return report


def _folds(k: int, groups, seed: int):
    """Grouped k-fold (at most one fold per group), else stratified k-fold over shuffled items."""
    if groups is not None:
        return GroupKFold(n_splits=min(k, len(set(groups))))
    return StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)


def learning_curve(texts: list[str], labels: list[str], estimator=None, sizes=(0.1, 0.25, 0.5, 0.75, 1.0),
                   k: int = 5, groups=None, seed: int = 0) -> list[dict]:
    """Cross-validated macro-F1 as the training set grows (each size a random subset of a fold's
    training part, not its first rows: a file sorted by label would otherwise start with one class)."""
    from sklearn.model_selection import learning_curve as sk_curve

    from .classifier import StanceClassifier

    estimator = estimator if estimator is not None else StanceClassifier()
    n, train, test = sk_curve(estimator, list(texts), list(labels), groups=groups, train_sizes=list(sizes),
                              cv=_folds(k, groups, seed), scoring="f1_macro", shuffle=True, random_state=seed)
    return [{"n_train": int(a), "train_f1": round(float(b.mean()), 4), "test_f1": round(float(c.mean()), 4),
             "test_f1_std": round(float(c.std()), 4)} for a, b, c in zip(n, train, test)]


# --- plots ---------------------------------------------------------------------------------------

def _figure(size):
    """A matplotlib Figure not managed by pyplot: saving it never switches the user's backend
    (which would silently stop inline plots in a notebook)."""
    from ._optional import require

    return require("matplotlib.figure", "plots").Figure(figsize=size)


def _finish(fig, ax, xlabel: str, ylabel: str, path: str, legend: bool = True) -> str:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def plot_confusion(report: Report, path: str):
    fig = _figure((4, 3.5))
    ax = fig.subplots()
    ax.imshow(np.asarray(report.confusion), cmap="Blues")
    ax.set_xticks(range(len(report.labels)), report.labels)
    ax.set_yticks(range(len(report.labels)), report.labels)
    for i, row in enumerate(report.confusion):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center")
    return _finish(fig, ax, "predicted", "true", path, legend=False)


def plot_reliability(report: Report, path: str):
    fig = _figure((4, 4))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect")
    ax.plot([b["confidence"] for b in report.reliability], [b["accuracy"] for b in report.reliability], "o-",
            label=f"model (ECE {report.ece:.3f})" if report.ece is not None else "model")
    return _finish(fig, ax, "confidence", "accuracy", path)


def plot_learning_curve(curve: list[dict], path: str):
    fig = _figure((5, 3.5))
    ax = fig.subplots()
    ax.errorbar([c["n_train"] for c in curve], [c["test_f1"] for c in curve], [c["test_f1_std"] for c in curve],
                marker="o", label="cross-validated")
    ax.plot([c["n_train"] for c in curve], [c["train_f1"] for c in curve], "s--", label="training")
    return _finish(fig, ax, "training paragraphs", "macro-F1", path)
