"""benchmarks/run.py end to end on tiny data of our own, in the layouts of the real benchmark files."""

import csv
import json
import re
import subprocess
import sys

import pytest

from conftest import DATA, ROOT, read_jsonl

SEMEVAL = {"support": "FAVOR", "oppose": "AGAINST", "neutral": "NONE"}


def _write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _tiny_layout(tmp_path):
    rows = read_jsonl(DATA / "tiny.jsonl")
    shared = tmp_path / "shared"
    for split, copy in (("train", 0), ("test", 1)):
        _write_csv(shared / "semeval2016" / f"{split}.csv", ["id", "target", "text", "stance"],
                   [[n, target, f"{r['text']} #SemST {copy}", SEMEVAL[r["stance"]]]
                    for n, r in enumerate(rows) for target in ("Atheism", "Hillary Clinton")])
    _write_csv(shared / "intervention" / "dev.csv", ["id", "text", "stance", "topic_group"],
               [[n, r["text"], r["stance"], f"group{n % 6}"] for n, r in enumerate(rows)])
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"t-{n}-{copy}", "text": r["text"] + ("" if copy else " Indeed."),
                                          "stance": r["stance"], "means": [], "holder": "author",
                                          "crisis": f"crisis{n % 6}", "split": "test" if copy == 2 else "train"})
                              + "\n" for copy in range(3) for n, r in enumerate(rows)), encoding="utf-8")
    return shared, corpus


def _run(*args):
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def _table(markdown, title):
    """The rows of the table under the heading that starts with `title`, as lists of cells."""
    section = markdown.split(f"### {title}", 1)[1].split("###", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]


@pytest.mark.slow
def test_benchmarks_run_on_tiny_data_and_write_their_tables(tmp_path):
    shared, corpus = _tiny_layout(tmp_path)
    out = tmp_path / "RESULTS.md"
    done = _run("--shared", shared, "--corpus", corpus, "--only", "semeval,intervention,corpus,means", "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results") and "scikit-learn" in text
    semeval = {row[0]: row for row in _table(text, "SemEval-2016")}
    for system in ("StanceClassifier() per target", "SVM-ngrams (rerun here)", "majority class"):
        assert 0 <= float(semeval[system][1]) <= 100
        assert all(0 <= float(v) <= 100 for v in semeval[system][2:4])  # one column per target
    assert semeval["SVM-ngrams (organisers' baseline, published)"][1] == "68.98"
    spread = re.search(r"rows shuffled first \(seeds 0-4\) it scores F_avg (\S+) on average \((\S+)-(\S+)\), "
                       r"against (\S+) in the files' own order", text)
    mean, low, high, own = map(float, spread.groups())
    assert low <= mean <= high and own == float(semeval["StanceClassifier() per target"][1])
    dev = {row[0]: row for row in _table(text, "Intervention benchmark")}
    assert 0 <= float(dev["shipped model (trained only on our corpus and short claims)"][1]) <= 1
    assert float(dev["majority class"][1]) < 0.34  # one class of three right: macro-F1 at most 1/3
    assert re.search(r"bootstrap CI 0\.\d{3}-[01]\.\d{3}", text)
    ours = {row[0]: row for row in _table(text, "Our corpus")}
    assert ours["shipped model on the test split"][1] == "24"
    assert ours["StanceClassifier(), 5-fold CV grouped by crisis (train split)"][1] == "48"
    assert "Holder accuracy" in text and "over 24 paragraphs" in text


def test_benchmarks_skip_what_is_missing(tmp_path):
    _, corpus = _tiny_layout(tmp_path)
    out = tmp_path / "RESULTS.md"
    done = _run("--shared", tmp_path / "nothing", "--corpus", corpus, "--only", "semeval,intervention", "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert "SemEval-2016: skipped" in text and "Intervention benchmark: skipped" in text
