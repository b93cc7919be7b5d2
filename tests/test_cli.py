import csv
import io
import json
import subprocess
import sys

import pytest

from stance.cli import main
from conftest import DATA, ROOT

EXAMPLE = ROOT / "examples" / "sahel_airlift.txt"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_analyze_table(capsys):
    code, out, _ = run(capsys, "analyze", str(EXAMPLE))
    assert code == 0
    assert " about " in out.splitlines()[2] and all(  # each prose row shows its relevance after its confidence
        0 < float(line.split()[4]) <= 1 for line in out.splitlines() if " prose " in line)
    assert "title" in out and "byline" in out and "boilerplate" in out
    assert sum(line.split()[1] == "prose" for line in out.splitlines() if line[:3].strip().isdigit()) == 4


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_analyze_formats(capsys, fmt):
    code, out, _ = run(capsys, "analyze", str(EXAMPLE), "--format", fmt)
    assert code == 0
    if fmt == "json":
        doc = json.loads(out)
        assert doc["file"] == str(EXAMPLE) and doc["paragraphs"][0]["kind"] == "title"
        assert "means" in doc["paragraphs"][3] and "holders" in doc["paragraphs"][3]
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert len(rows) == 7 and all("stance" in r for r in rows)
        assert all(0 < r["relevance"] <= 1 for r in rows if r["kind"] == "prose")
    else:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == 7 and {"file", "stance", "p_support", "relevance", "means", "holders"} <= set(rows[0])


def test_analyze_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Troops must go home now.\n")))
    code, out, _ = run(capsys, "analyze", "-", "--format", "jsonl")
    assert code == 0 and json.loads(out)["kind"] == "prose"


def test_analyze_bad_files(capsys, tmp_path):
    code, _, err = run(capsys, "analyze", str(tmp_path / "missing.txt"))
    assert code == 1 and "missing.txt: no such file" in err
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02")
    code, _, err = run(capsys, "analyze", str(binary))
    assert code == 1 and "binary" in err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Fine.\n\ncaf\xe9 au lait")
    code, _, err = run(capsys, "analyze", str(bad))
    assert code == 1 and "bad.txt, line 3: not UTF-8 text (byte 0xe9)" in err
    code, _, err = run(capsys, "analyze", str(tmp_path))
    assert code == 1 and "folder" in err
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    code, _, err = run(capsys, "analyze", str(pdf))
    assert code == 1 and err == f"stance: error: {pdf}: is a PDF: extract its text first (e.g. `pdftotext file.pdf`)\n"
    docx = tmp_path / "article.docx"
    docx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00word/document.xml")
    code, _, err = run(capsys, "analyze", str(docx))
    assert code == 1 and "article.docx: is a zip archive (as .docx, .xlsx and .odt files are)" in err


def test_of_several_files_a_bad_one_is_reported_and_the_others_labelled(capsys, tmp_path):
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02")
    good = tmp_path / "g.txt"
    good.write_text("The council should send peacekeepers now.", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(EXAMPLE), str(binary), str(good), "--format", "jsonl")
    assert code == 1 and err.count("stance: error: ") == 1 and "b.txt" in err
    files = [json.loads(line)["file"] for line in out.splitlines()]
    assert files[0] == str(EXAMPLE) and files[-1] == str(good) and str(binary) not in files
    code, out, err = run(capsys, "analyze", str(binary), str(good), "--format", "json")
    assert code == 1 and [d["file"] for d in json.loads(out)] == [str(good)]  # several files: a list, always
    code, out, err = run(capsys, "analyze", str(binary), str(tmp_path / "missing.txt"))
    assert code == 1 and out == "" and "none of the 2 files could be read" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["analyze"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["analyze", "x", "--format", "xml"])
    assert exc.value.code == 2


def test_os_errors_and_bad_sizes_are_one_line(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("text,stance\n" + "".join(f"text number {i},{lab}\n" for i, lab in
                                              enumerate(["support", "oppose", "neutral"] * 4)), encoding="utf-8")
    code, _, err = run(capsys, "train", str(data), "--out", str(tmp_path))
    assert code == 1 and err == f"stance: error: {tmp_path}: is a folder; give a file name, e.g. {tmp_path}/model.skops\n"
    code, _, err = run(capsys, "train", str(data), "--out", str(data / "m.skops"))
    assert code == 1 and err == f"stance: error: {data}: is a file, so it cannot hold {data / 'm.skops'}\n"
    (tmp_path / "out.jsonl").mkdir()
    articles = tmp_path / "a.jsonl"
    articles.write_text('{"id": 1, "text": "The council must act."}\n', encoding="utf-8")
    code, _, err = run(capsys, "batch", str(articles), str(tmp_path / "out.jsonl"))
    assert code == 1 and err.startswith("stance: error: ") and "Traceback" not in err and "out.jsonl" in err
    with pytest.raises(SystemExit) as exit_:
        main(["batch", str(data), str(tmp_path / "o.jsonl"), "--chunk-size", "0"])
    assert exit_.value.code == 2 and "at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["batch", str(data), str(tmp_path / "o.jsonl"), "--jobs", "0"])
    assert exit_.value.code == 2 and "at least 1 (or -1 for all cores)" in capsys.readouterr().err


def test_batch_warns_of_a_kept_column_no_record_has(capsys, tmp_path):
    articles = tmp_path / "a.jsonl"
    articles.write_text('{"id": 1, "text": "The council must act.", "outlet": "X"}\n', encoding="utf-8")
    code, _, err = run(capsys, "batch", str(articles), str(tmp_path / "o.jsonl"), "--keep-columns", "outlet,stnce",
                       "--no-progress")
    assert code == 0 and "warning: no record labelled in this run (1 in all) had a value for 'stnce': misspelt" in err
    assert "'outlet'" not in err


@pytest.mark.parametrize("name, content", [("e.jsonl", ""), ("h.csv", "id,text\n"), ("a.json", "[]")])
def test_batch_with_nothing_to_label_fails_as_an_empty_csv_does(capsys, tmp_path, name, content):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "batch", str(source), str(tmp_path / "o.jsonl"), "--no-progress")
    assert code == 1 and f"{source}: nothing to label" in err


def test_a_batch_that_fails_on_its_input_leaves_no_files_behind(capsys, tmp_path):
    source = tmp_path / "export.csv"
    source.write_text("id,body\n1,The council must act.\n", encoding="utf-8")
    code, _, err = run(capsys, "batch", str(source), str(tmp_path / "out.csv"), "--no-progress")
    assert code == 1 and "no column 'text'" in err and sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]
    code, _, err = run(capsys, "batch", str(source), str(tmp_path), "--no-progress")
    assert code == 1 and f"{tmp_path}: is a folder; name an output file in it" in err


def test_evaluate_lists_as_many_mistakes_as_asked_and_says_how_many_there_are(capsys, tmp_path):
    swap = {"support": "oppose", "oppose": "support", "neutral": "support"}  # gold labels made mostly wrong
    rows = [json.loads(line) for line in (DATA / "tiny.jsonl").read_text(encoding="utf-8").splitlines()]
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text("".join(json.dumps({**r, "stance": swap[r["stance"]]}) + "\n" for r in rows), encoding="utf-8")
    _, out, _ = run(capsys, "evaluate", str(wrong), "--mistakes", "all", "--format", "json")
    mistakes = len(json.loads(out)["errors"])
    assert mistakes > len(rows) // 2
    code, out, _ = run(capsys, "evaluate", str(wrong), "--mistakes", "1")
    shown = out.split("most confident mistakes", 1)[1].splitlines()
    assert code == 0 and f"1 of {mistakes} shown" in shown[0] and len(shown) == 2


def test_evaluate_names_the_file_whose_labels_the_model_lacks(capsys, tmp_path):
    data = tmp_path / "gold.csv"
    data.write_text("text,stance\nSend troops.,FAVOR\nWithdraw now.,AGAINST\n", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(data), "--any-labels")
    assert code == 1 and f"{data}: gold label(s) ['AGAINST', 'FAVOR'] are not among the model's labels" in err
    code, out, _ = run(capsys, "evaluate", str(DATA / "tiny.jsonl"), "--min-relevance", "0.5", "--format", "json")
    assert code == 0 and json.loads(out)["extra"]["min_relevance"] == 0.5
    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", str(data), "--min-relevance", "50"])
    assert exit_.value.code == 2 and "expected a probability from 0 to 1, got '50'" in capsys.readouterr().err


def test_help_has_examples(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0 and "examples:" in capsys.readouterr().out


def test_train_then_evaluate_then_analyze_with_model(capsys, tmp_path):
    model = tmp_path / "m.skops"
    code, out, _ = run(capsys, "train", str(DATA / "tiny.jsonl"), "--out", str(model))
    assert code == 0 and model.is_file() and "trained on 24" in out
    code, out, _ = run(capsys, "evaluate", str(DATA / "tiny.jsonl"), "--model", str(model), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["n"] == 24 and {"macro_f1", "f_avg", "per_class", "confusion"} <= set(report)
    code, out, _ = run(capsys, "evaluate", str(DATA / "tiny.jsonl"), "--model", str(model))
    assert "F_avg=" in out and "confusion" in out
    code, out, _ = run(capsys, "analyze", str(EXAMPLE), "--model", str(model), "--format", "json")
    assert code == 0 and json.loads(out)["stance"] in ("support", "oppose", "neutral")


def test_train_with_other_columns_and_errors(capsys, tmp_path):
    src = tmp_path / "d.csv"
    rows = [json.loads(line) for line in (DATA / "tiny.jsonl").read_text().splitlines()]
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["body", "label"])
        w.writerows([r["text"], r["stance"]] for r in rows)
    code, _, _ = run(capsys, "train", str(src), "--out", str(tmp_path / "m.skops"), "--text-column", "body",
                     "--label-column", "label")
    assert code == 0
    code, _, err = run(capsys, "train", str(src), "--out", str(tmp_path / "m.skops"))
    assert code == 1 and "header: missing column 'text'" in err


def test_train_with_word_vectors(capsys, tmp_path):
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("troops 0.5 0.1\nsanctions 0.2 0.9\nsend 0.3 0.3\n", encoding="utf-8")
    model = tmp_path / "m.skops"
    code, _, _ = run(capsys, "train", str(DATA / "tiny.jsonl"), "--out", str(model), "--word-vectors", str(vectors))
    assert code == 0
    from stance import load_model

    assert "vectors__dim1" in load_model(model).feature_names()  # the vectors are in the model
    vectors.unlink()  # the saved model has its own copy
    code, out, _ = run(capsys, "analyze", str(EXAMPLE), "--model", str(model), "--format", "json")
    assert code == 0 and json.loads(out)["stance"] in ("support", "oppose", "neutral")
    bad = tmp_path / "bad.txt"
    bad.write_text("troops 0.5 0.1\nsanctions 0.2\n", encoding="utf-8")
    code, _, err = run(capsys, "train", str(DATA / "tiny.jsonl"), "--out", str(model), "--word-vectors", str(bad))
    assert code == 1 and "bad.txt, line 2" in err and "Traceback" not in err


def test_train_on_a_single_class_fails_cleanly(capsys, tmp_path):
    src = tmp_path / "one.csv"
    src.write_text("text,stance\nSend troops now please.,support\nArm them at once.,support\n", encoding="utf-8")
    code, _, err = run(capsys, "train", str(src), "--out", str(tmp_path / "m.skops"))
    assert code == 1 and "two classes" in err and "Traceback" not in err


def test_untrusted_model_refused(capsys, tmp_path):
    evil = tmp_path / "evil.pkl"
    evil.write_bytes(b"\x80\x04not really a model")
    code, _, err = run(capsys, "analyze", str(EXAMPLE), "--model", str(evil))
    assert code == 1 and "--trust-model" in err


def test_validate(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", str(DATA / "tiny.jsonl"), "--no-balance")
    assert code == 1 and "missing field" in out
    other = tmp_path / "other.jsonl"
    other.write_text("".join(f'{{"id": "r{i}", "text": "Text {i}."}}\n' for i in range(5)), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(other), "--no-balance")
    assert code == 1 and out.count("missing field(s)") == 1 and "line 1: missing" in out
    assert "(also lines 2, 3, 4, 5)" in out
    assert "5 problem(s)" in err


def test_python_dash_m(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "stance", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("stance ")


def test_seed_article_end_to_end(shared):
    proc = subprocess.run([sys.executable, "-m", "stance", "analyze", str(shared / "seed" / "mali_article.txt"),
                           "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    paras = json.loads(proc.stdout)["paragraphs"]
    assert [p["kind"] for p in paras] == ["title", "boilerplate", "prose", "prose", "prose", "boilerplate"]
    assert all(p["stance"] in ("support", "oppose", "neutral") for p in paras if p["kind"] == "prose")
    means = {m["means"]: m["stance"] for m in paras[2]["means"]}
    assert means["logistics"] == "support" and means["ground_troops"] == "oppose"


def test_a_reader_that_goes_away_is_not_an_error(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "stance", "analyze", str(EXAMPLE), "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # as `| head -c 0` would
    err = proc.stderr.read().decode()
    assert proc.wait() == 0 and err == ""


def test_utf16_files_from_windows_editors_are_read(capsys, tmp_path):
    path = tmp_path / "notepad.txt"
    path.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("utf-16"))  # with its byte-order mark
    code, out, _ = run(capsys, "analyze", str(path), "--format", "json")
    _, plain, _ = run(capsys, "analyze", str(EXAMPLE), "--format", "json")
    assert code == 0 and json.loads(out)["paragraphs"] == json.loads(plain)["paragraphs"]


def test_csv_of_an_empty_file_still_names_its_columns(capsys, tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(tmp_path / "empty.txt"), "--format", "csv")
    _, full, _ = run(capsys, "analyze", str(EXAMPLE), "--format", "csv")
    assert code == 0 and "no text to label" in err and out.splitlines() == full.splitlines()[:1]


def test_a_data_file_given_to_analyze_is_read_but_pointed_to_batch(capsys, tmp_path):
    data = tmp_path / "labels.csv"
    data.write_text("text,stance\nSend troops now,support\nBring them home,oppose\n", encoding="utf-8")
    code, out, err = run(capsys, "analyze", str(data), "--format", "jsonl")
    assert code == 0 and "use `stance batch`" in err
    assert all(json.loads(line)["kind"] == "prose" for line in out.splitlines())  # short lines, no other prose
