import json

import pytest

from stance.data import (DataError, load_intervention_benchmark, load_semeval, load_vast, read_labelled, split_for,
                         validate_corpus)
from conftest import CORPUS


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_and_jsonl(tmp_path):
    csv_rows = read_labelled(write(tmp_path / "a.csv", "text,stance\nSend troops now.,support\nStay out.,AGAINST\n"))
    assert [r["stance"] for r in csv_rows] == ["support", "oppose"]
    jl = write(tmp_path / "a.jsonl", json.dumps({"body": "x y", "lab": "NONE"}) + "\n")
    assert read_labelled(jl, text="body", label="lab")[0]["stance"] == "neutral"


@pytest.mark.parametrize("content, message", [
    ("body,stance\nx,support\n", "header: missing column 'text'"),
    ("text,stance\nx,support\n  ,oppose\n", "line 3: empty 'text'"),
    ("text,stance\nx,maybe\n", "line 2: unknown label 'maybe'"),
    ("id,text,stance\n1,x,support\n1,y,oppose\n", "line 3: duplicated id '1' (first on line 2)"),
    ("text,stance\nx,support\ny\n", "line 3: no label in 'stance' (the row has fewer fields than the header)"),
    ("text,stance\nx,support\ny,\n", "line 3: no label in 'stance'"),  # not "None", read as SemEval's NONE
    ("text,stance\nx,yes\n", "unknown label 'yes'.*use --any-labels"),
    ("", "empty"),
    ("text,stance\n\nfirst text,support\n\nsecond text,maybe\n", "line 5: unknown label 'maybe'"),  # blanks counted
    ('text,stance\n"two\nlines",support\n\n"three\r\nlines\nhere",maybe\n', "line 5: unknown label 'maybe'"),
    ("text,stance,stance\nx,support,oppose\n", "line 1: column 'stance' appears twice"),
    ('text,stance\nok,support\n"never closed,oppose\nz,neutral\n', "line 3: unreadable CSV.*never closed"),
])
def test_errors_name_file_and_line(tmp_path, content, message):
    if content.startswith("body,stance"):  # any file read as CSV has a header, whatever its extension
        with pytest.raises(DataError, match="bad.dat, header: missing column 'text'"):
            read_labelled(write(tmp_path / "bad.dat", content))
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        read_labelled(path)
    assert "bad.csv" in str(err.value)


def test_every_bad_line_is_named_at_once(tmp_path):
    rows = "".join(f"text {i},{'maybe' if i % 2 else 'support'}\n" for i in range(16))
    with pytest.raises(DataError) as err:
        read_labelled(write(tmp_path / "bad.csv", "text,stance\n" + rows + ",oppose\n"))
    lines = str(err.value).splitlines()  # one problem on many lines is said once, with its lines
    assert lines[0].startswith(f"{tmp_path / 'bad.csv'}, lines 3, 5, 7, 9, 11 and 3 more: unknown label 'maybe' in "
                               "'stance' (expected one of")
    assert lines[1] == f"{tmp_path / 'bad.csv'}, line 18: empty 'text'"
    rows = "".join(f"text {i},{label}\n" for i, label in enumerate(["x1", "x2", "support"]))
    with pytest.raises(DataError) as err:
        read_labelled(write(tmp_path / "two.csv", "text,stance\n" + rows))
    assert str(err.value).splitlines()[1] == f"{tmp_path / 'two.csv'}, line 3: unknown label 'x2' in 'stance'"


def test_an_unused_trailing_column_may_be_left_out(tmp_path):
    path = write(tmp_path / "notes.csv", "text,stance,notes\nSend troops now,support\nBring them home,oppose,checked\n")
    assert [r["stance"] for r in read_labelled(path)] == ["support", "oppose"]


def test_a_text_that_is_not_a_string_is_named_as_such(tmp_path):
    path = write(tmp_path / "bad.jsonl", '{"text": "fine", "stance": "support"}\n{"text": 123, "stance": "oppose"}\n')
    with pytest.raises(DataError, match="bad.jsonl, line 2: 'text' is int, expected text"):
        read_labelled(path)


def test_bad_json_and_encoding(tmp_path):
    with pytest.raises(DataError, match="line 2: not valid JSON"):
        read_labelled(write(tmp_path / "a.jsonl", '{"text": "x", "stance": "support"}\n{oops\n'))
    latin = tmp_path / "l.csv"
    latin.write_bytes("text,stance\nfine,oppose\ncaf\xe9,support\n".encode("latin-1"))
    with pytest.raises(DataError, match="line 3: not UTF-8"):
        read_labelled(latin)
    with pytest.raises(DataError, match="line 1: expected a JSON object, got list .JSON Lines"):
        read_labelled(write(tmp_path / "a.jsonl", '[{"text": "x", "stance": "support"}]\n'))
    with pytest.raises(DataError, match="is a folder"):
        read_labelled(tmp_path)
    null_label = write(tmp_path / "n.jsonl", '{"text": "We must send troops", "stance": null}\n')
    with pytest.raises(DataError, match="line 1: no label"):
        read_labelled(null_label)
    with pytest.raises(DataError, match="no such file"):
        read_labelled(tmp_path / "missing.csv")


def test_keep_unknown_labels(tmp_path):
    rows = read_labelled(write(tmp_path / "a.csv", "text,stance\nx,pos\ny,neg\n"), keep_unknown=True)
    assert [r["stance"] for r in rows] == ["pos", "neg"]
    # another label set is kept whole: "neutral" and "none" stay two classes, FAVOR stays FAVOR
    five = write(tmp_path / "b.csv", "text,stance\na,neutral\nb,none\nc,FAVOR\nd,support\n")
    assert [r["stance"] for r in read_labelled(five, keep_unknown=True)] == ["neutral", "none", "FAVOR", "support"]


def test_ids_and_fields_must_be_plain_values(tmp_path):
    with pytest.raises(DataError, match="line 2: 'id' must be a string or a number, got list"):
        read_labelled(write(tmp_path / "a.jsonl", '{"id": "a", "text": "x", "stance": "support"}\n'
                                                   '{"id": [1], "text": "y", "stance": "oppose"}\n'))
    from stance.data import validate_claims

    bad = write(tmp_path / "c.jsonl", '{"id": "c-1", "text": "Send the troops now please.", "stance": "support", '
                                      '"crisis": ["x"]}\n')
    assert validate_claims(bad) == [f"{bad}, line 1: crisis must be a string, got list"]


def test_excel_blank_columns_and_quoted_tsv(tmp_path):
    rows = read_labelled(write(tmp_path / "e.csv", "text,stance,,\nx,support,,\n"))
    assert [(r["text"], r["stance"]) for r in rows] == [("x", "support")]
    quoted = write(tmp_path / "q.tsv", 'text\tstance\n"Para one.\n\nPara two."\tsupport\nnext\toppose\n')
    assert [(r["line"], r["text"]) for r in read_labelled(quoted)] == [(2, "Para one.\n\nPara two."), (5, "next")]
    hand_made = write(tmp_path / "h.tsv", 'text\tstance\n"We cannot stand by," she said.\tsupport\nnext\toppose\n')
    assert [r["stance"] for r in read_labelled(hand_made)] == ["support", "oppose"]  # read, not refused


def test_tab_separated_files_take_quote_marks_as_text(tmp_path):
    sem = write(tmp_path / "sem.txt", 'ID\tTarget\tTweet\tStance\n101\tAtheism\t"God" is not needed\tAGAINST\n'
                                      '102\tAtheism\t"Faith moves mountains\tAGAINST\n103\tAtheism\tPray\tNONE\n')
    rows = load_semeval(sem)
    assert [(r["line"], r["text"], r["stance"]) for r in rows] == [
        (2, '"God" is not needed', "oppose"), (3, '"Faith moves mountains', "oppose"), (4, "Pray", "neutral")]


def test_public_corpus_loaders(tmp_path):
    sem = write(tmp_path / "sem.txt", "ID\tTarget\tTweet\tStance\n1\tAtheism\tGod is great\tAGAINST\n")
    assert load_semeval(sem)[0]["stance"] == "oppose" and load_semeval(sem)[0]["target"] == "Atheism"
    vast = write(tmp_path / "vast.csv", "post,topic_str,label\nsome post,troops,1\nother,troops,2\n")
    assert [r["stance"] for r in load_vast(vast)] == ["support", "neutral"]
    bench = write(tmp_path / "b.csv", "text,stance\nx,support\n")
    with pytest.raises(DataError, match="topic_group"):
        load_intervention_benchmark(bench)


def test_split_is_fixed():
    assert split_for("a-0001") == split_for("a-0001")
    share = sum(split_for(f"x-{i}") == "train" for i in range(2000)) / 2000
    assert 0.75 < share < 0.85


def test_validator_catches_problems(tmp_path):
    good = {"id": "t-1", "text": " ".join(f"word{i}" for i in range(30)), "stance": "support", "means": [],
            "holder": "author", "frame": "cost", "genre": "op_ed", "crisis": "x", "hard": False, "hard_type": None,
            "split": split_for("t-1")}
    rows = [good, {**good, "id": "t-1"}, {**good, "id": "t-3", "stance": "maybe", "split": split_for("t-3")},
            {**good, "id": "t-4", "text": "too short", "split": split_for("t-4")}]
    path = write(tmp_path / "c.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    problems = validate_corpus(path, check_balance=False)
    joined = "\n".join(problems)
    assert "line 2: duplicated id 't-1'" in joined
    assert "line 2: same text as line 1" in joined or "10-word run" in joined
    assert "line 3: stance 'maybe'" in joined
    assert "line 4: 2 words" in joined


def test_real_corpus_passes_its_validator():
    problems = validate_corpus(CORPUS)
    assert problems == []


def test_claims_files_pass_their_validator():
    from pathlib import Path

    from stance.data import validate_claims

    files = sorted((Path(CORPUS).parent / "claims").glob("claims_*.jsonl"))
    assert files, "no claims files"
    for path in files:
        assert validate_claims(path) == []


def test_relevance_files_say_whether_each_text_is_about_intervention():
    from pathlib import Path

    from stance.data import read_records

    files = sorted((Path(CORPUS).parent / "relevance").glob("*.jsonl"))
    assert files, "no relevance files"
    ids, about = set(), set()
    for path in files:
        rows = [r for _, r in read_records(path)]
        assert all(isinstance(r["about"], bool) and r["text"].strip() and r["id"] not in ids for r in rows), path
        assert len({r["id"] for r in rows}) == len(rows), path
        ids |= {r["id"] for r in rows}
        about |= {r["about"] for r in rows}
    assert about == {True, False}  # texts off the topic, and on it in words the corpus rarely uses


def test_claims_validator_catches_problems(tmp_path):
    from stance.data import validate_claims

    rows = [{"id": "x-1", "text": "Arm them now, all of them.", "stance": "support", "crisis": "general"},
            {"id": "x-1", "text": "Too short", "stance": "maybe", "crisis": "general"}]
    path = write(tmp_path / "c.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    joined = "\n".join(validate_claims(path))
    assert "line 2: duplicated id 'x-1'" in joined and "line 2: stance 'maybe'" in joined and "2 words" in joined


def test_a_json_file_holding_one_array_is_read_with_each_record_s_line(tmp_path):
    rows = [{"text": "Send troops now.", "stance": "support"}, {"text": "Stay out.", "stance": "AGAINST"}]
    path = write(tmp_path / "export.json", json.dumps(rows, indent=2))
    assert [(r["line"], r["stance"]) for r in read_labelled(path)] == [(2, "support"), (6, "oppose")]
    lines = write(tmp_path / "lines.json", "".join(json.dumps(r) + "\n" for r in rows))  # JSON Lines named .json
    assert [r["stance"] for r in read_labelled(lines)] == ["support", "oppose"]
    with pytest.raises(DataError, match=r"broken.json, line 9: not valid JSON \(Expecting ','"):
        read_labelled(write(tmp_path / "broken.json", json.dumps(rows, indent=2)[:-3]))  # its last record cut
    with pytest.raises(DataError, match=r"open.json, line 10: not valid JSON \(expected ',' between the array's"):
        read_labelled(write(tmp_path / "open.json", json.dumps(rows, indent=2)[:-1]))  # no closing ']'
    with pytest.raises(DataError, match="export.json, line 2: expected a JSON object, got str$"):
        read_labelled(write(tmp_path / "export.json", '[\n  "just a text"\n]\n'))


def test_a_csv_saved_with_semicolons_gets_a_hint(tmp_path):
    path = write(tmp_path / "excel.csv", "text;stance\nSend troops now.;support\n")
    with pytest.raises(DataError, match=r"\(columns: text;stance\); it looks separated by ';': save it comma-sep"):
        read_labelled(path)


@pytest.mark.parametrize("head, named", [(b"%PDF-1.7\n%\xe2\xe3", "is a PDF: extract its text first"),
                                         (b"PK\x03\x04\x14\x00", "is a zip archive (as .docx"),
                                         (b"\x00\x01", "looks like a binary file")])
def test_files_that_are_not_text_are_named(head, named):
    from stance.data import not_text

    assert not_text("f", head + b"rest").startswith(f"f: {named}")
    assert not_text("f", "plain text, caf\u00e9".encode()) is None


def test_the_verdict_contrast_set_holds_minimal_pairs_of_opposite_labels():
    path = CORPUS.parent / "contrast" / "verdicts.jsonl"
    rows = read_labelled(path)
    assert len({r["id"] for r in rows}) == len(rows) == 300
    pairs: dict = {}
    for r in rows:
        if r["pair"]:
            pairs.setdefault(r["pair"], []).append(r)
        else:
            assert r["stance"] == "neutral"
    assert len(pairs) == 135
    for members in pairs.values():
        assert sorted(m["stance"] for m in members) == ["oppose", "support"]
        first, second = (m["text"].split() for m in members)
        assert first[0] == second[0] and first != second  # one subject, two verdicts
