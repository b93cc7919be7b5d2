import json
import sys

import numpy as np
import pytest

from stance.batch import analyze_bag, analyze_many, run_batch
from stance.data import DataError

ARTICLES = [{"id": f"a{i}", "text": f"Title {i}\n\nThe council should send more peacekeepers now, officials said.\n\n"
             f"Critics warned the mission would fail and cost billions ({i})."} for i in range(12)]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def rows_of(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_analyze_many_streams_in_order(small_model):
    got = list(analyze_many(ARTICLES, model=small_model, chunk_size=5))
    assert [k for k, _ in got] == [a["id"] for a in ARTICLES]
    assert all(len(a.prose) == 2 for _, a in got)
    plain = list(analyze_many(["One text here.", "Another."], model=small_model))
    assert [k for k, _ in plain] == [0, 1]


def test_analyze_many_takes_a_dataframe_by_its_columns(small_model):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": ["a1", "a2"], "text": ["The alliance should send troops.", "Troops must come home."]})
    got = list(analyze_many(frame, model=small_model))
    assert [k for k, _ in got] == ["a1", "a2"] and all(len(a.prose) == 1 for _, a in got)
    by_index = list(analyze_many(frame[["text"]].set_axis([7, 9]), model=small_model))
    assert [k for k, _ in by_index] == [7, 9]
    with pytest.raises(ValueError, match="no 'body' column.*'id', 'text'"):
        analyze_many(frame, model=small_model, text_field="body")


def test_analyze_many_keys_a_dict_and_a_series_by_their_keys(small_model):
    texts = {"art1": "The alliance should send troops.", "art2": "Troops must come home."}
    got = list(analyze_many(texts, model=small_model))
    assert [k for k, _ in got] == ["art1", "art2"]
    assert [a.prose[0].text for _, a in got] == list(texts.values())  # the texts, not the keys
    pd = pytest.importorskip("pandas")
    series = list(analyze_many(pd.Series(texts), model=small_model))
    assert [k for k, _ in series] == ["art1", "art2"]
    assert [a.to_dict() for _, a in series] == [a.to_dict() for _, a in got]


def test_a_record_without_the_text_field_says_which_fields_it_has(small_model, tmp_path):
    kept = list(analyze_many([{"id": "x", "body": "Send troops."}, ARTICLES[0]], model=small_model, errors="keep"))
    assert "no 'text' field (fields: id, body)" in kept[0][1] and len(kept[1][1].prose) == 2
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "x", "body": "Send troops."}])
    stats = run_batch(src, tmp_path / "new" / "folder" / "out.jsonl", model=small_model, progress=False)
    assert stats["failed"] == 1  # and the output's folder was made, as `stance train --out` does
    errors = rows_of(tmp_path / "new" / "folder" / "out.jsonl.errors.jsonl")
    assert "line 1: no 'text' field (fields: id, body); choose another with --text-column" in errors[0]["error"]


def test_analyze_many_is_lazy(small_model):
    def endless():
        i = 0
        while True:
            yield f"Paragraph number {i} about troops."
            i += 1

    stream = analyze_many(endless(), model=small_model, chunk_size=4)
    first = [next(stream) for _ in range(6)]
    assert [k for k, _ in first] == list(range(6))


def test_parallel_matches_serial(small_model):
    serial = [a.to_dict() for _, a in analyze_many(ARTICLES, model=small_model, chunk_size=3)]
    parallel = [a.to_dict() for _, a in analyze_many(ARTICLES, model=small_model, chunk_size=3, n_jobs=2)]
    assert serial == parallel


def test_bad_items(small_model):
    with pytest.raises(ValueError, match="item 1"):
        list(analyze_many(["fine text", None], model=small_model))
    kept = list(analyze_many(["fine text", 5], model=small_model, errors="keep"))
    assert isinstance(kept[1][1], str) and "int" in kept[1][1]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_run_batch_and_errors_file(small_model, tmp_path, suffix):
    rows = ARTICLES[:5] + [{"id": "bad1", "text": 17}, {"text": "no id"}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / f"out{suffix}"
    stats = run_batch(src, out, model=small_model, chunk_size=2, progress=False)
    assert stats == {"skipped": 0, "labelled": 5, "failed": 2, "paragraphs": 15, "ignored": [], "never_kept": []}
    errors = rows_of(tmp_path / f"out{suffix}.errors.jsonl")
    assert {e["id"] for e in errors} == {"bad1", "line-7"}
    assert "expected text" in errors[0]["error"]
    if suffix == ".jsonl":
        assert {r["id"] for r in rows_of(out)} == {a["id"] for a in ARTICLES[:5]}


def test_resume_after_interrupt_loses_nothing(small_model, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES)
    out = tmp_path / "out.jsonl"
    run_batch(write_jsonl(tmp_path / "first.jsonl", ARTICLES[:6]), out, model=small_model, chunk_size=3,
              progress=False)
    # simulate a kill in the middle of writing article a6: two of its three rows and half a line
    partial = rows_of(out)[:3]
    with open(out, "a") as fh:
        for r in partial[:2]:
            fh.write(json.dumps({**r, "id": "a6"}) + "\n")
        fh.write('{"id": "a6", "n_parag')
    stats = run_batch(src, out, model=small_model, chunk_size=3, progress=False)
    assert stats["skipped"] == 6 and stats["labelled"] == 6
    rows = rows_of(out)
    assert [r["id"] for r in rows][::3] == [a["id"] for a in ARTICLES]  # each article once, whole, in order
    assert len(rows) == 36
    again = run_batch(src, out, model=small_model, progress=False)
    assert again["labelled"] == 0 and again["skipped"] == 12


def test_folder_of_txt_files(small_model, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text("The alliance must act now.", encoding="utf-8")
    (folder / "two.txt").write_bytes(b"\xff\xfe broken")
    out = tmp_path / "out.csv"
    stats = run_batch(folder, out, model=small_model, progress=False)
    assert stats["labelled"] == 1 and stats["failed"] == 1
    assert out.read_text().splitlines()[0].startswith("id,n_paragraphs")


def test_missing_input(tmp_path, small_model):
    with pytest.raises(FileNotFoundError, match="no such file"):
        run_batch(tmp_path / "nope.jsonl", tmp_path / "out.jsonl", model=small_model, progress=False)


def test_failed_records_are_retried_once_fixed(small_model, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:2] + [{"id": "late", "text": None}])
    out = tmp_path / "out.jsonl"
    assert run_batch(src, out, model=small_model, progress=False)["failed"] == 1
    write_jsonl(src, ARTICLES[:2] + [{"id": "late", "text": "The council must send peacekeepers."}])
    stats = run_batch(src, out, model=small_model, progress=False)
    assert stats["skipped"] == 2 and stats["labelled"] == 1 and stats["failed"] == 0
    assert not (tmp_path / "out.jsonl.errors.jsonl").exists()  # the errors file holds this run's failures
    assert {r["id"] for r in rows_of(out)} == {"a0", "a1", "late"}


def test_bad_records_named_and_the_rest_labelled(small_model, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join([json.dumps(ARTICLES[0]).encode() + b"\n",
                              b'{"id": "latin", "text": "caf\xe9 troops"}\n',
                              json.dumps({"id": "a0", "text": "again"}).encode() + b"\n",
                              json.dumps({"id": "blank", "text": "  \n "}).encode() + b"\n",
                              json.dumps({"id": "invisible", "text": "\u200b"}).encode() + b"\n",
                              json.dumps({"id": "markup", "text": "<p></p><p> </p>"}).encode() + b"\n",
                              json.dumps(ARTICLES[1]).encode() + b"\n"]))
    out = tmp_path / "out.jsonl"
    stats = run_batch(src, out, model=small_model, progress=False)
    assert stats["labelled"] == 2 and stats["failed"] == 5
    errors = {e["id"]: e["error"] for e in rows_of(tmp_path / "out.jsonl.errors.jsonl")}
    assert "line 2: not UTF-8" in errors["latin"]  # named by its id, which is readable
    assert "repeats line 1" in errors["line-3"]
    assert "no text" in errors["blank"]
    assert "no paragraph" in errors["invisible"] and "no paragraph" in errors["markup"]  # reported, not lost


def test_csv_without_the_text_column_stops_at_once(small_model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,body\n1,The council should act.\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"no column 'text' \(columns: id, body\)"):
        run_batch(src, tmp_path / "out.jsonl", model=small_model, progress=False)
    stats = run_batch(src, tmp_path / "out.jsonl", model=small_model, text_field="body", progress=False)
    assert stats["labelled"] == 1


def test_a_csv_row_with_more_fields_than_the_header_is_an_error_not_a_cut_text(small_model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('id,text,outlet\nx1,"The council should act, now.",Post\nx2,NATO should withdraw, and soon.,Post\n'
                   "x3,The council should send aid.,Post\n", encoding="utf-8")
    stats = run_batch(src, tmp_path / "out.jsonl", model=small_model, progress=False)
    assert (stats["labelled"], stats["failed"]) == (2, 1)
    assert {r["id"] for r in rows_of(tmp_path / "out.jsonl")} == {"x1", "x3"}
    (error,) = rows_of(tmp_path / "out.jsonl.errors.jsonl")
    assert error["id"] == "x2" and "line 3: more fields than the header has" in error["error"]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_kept_input_columns_reach_every_row_of_their_record(small_model, tmp_path, suffix):
    records = [{**a, "outlet": f"Outlet {i}", "date": f"2024-01-0{i + 1}"} for i, a in enumerate(ARTICLES[:3])]
    del records[1]["date"]  # a record without one gets an empty value
    src = write_jsonl(tmp_path / "in.jsonl", records + [{"id": "bad", "text": "", "outlet": "X"}])
    out = tmp_path / f"out{suffix}"
    stats = run_batch(src, out, model=small_model, keep=["outlet", "date"], chunk_size=1, progress=False)
    assert (stats["labelled"], stats["failed"]) == (3, 1)
    if suffix == ".csv":
        import csv
        with open(out, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert list(rows[0])[-2:] == ["outlet", "date"] and rows[-1]["date"] == "2024-01-03"
    else:
        rows = rows_of(out)
        assert list(rows[0])[-2:] == ["outlet", "date"]
    assert {(r["id"], r["outlet"]) for r in rows} == {(f"a{i}", f"Outlet {i}") for i in range(3)}
    assert {r["date"] for r in rows if r["id"] == "a1"} == ({""} if suffix == ".csv" else {None})
    assert run_batch(src, out, model=small_model, keep=["outlet", "date"], progress=False)["skipped"] == 3
    with pytest.raises(DataError, match=r"written keeping the input column\(s\) outlet, date, and this run keeps "
                                        r"outlet; keep the same ones"):
        run_batch(src, out, model=small_model, keep=["outlet"], progress=False)
    with pytest.raises(DataError, match="cannot keep column 'text': the output has a column of that name"):
        run_batch(src, tmp_path / "other.jsonl", model=small_model, keep=["text"], progress=False)
    gold = write_jsonl(tmp_path / "gold.jsonl", [{**a, "stance": "oppose"} for a in ARTICLES[:2]])
    with pytest.raises(DataError, match="cannot keep column 'stance': .* keep it under another, e.g. stance:input_stance"):
        run_batch(gold, tmp_path / "g.jsonl", model=small_model, keep=["stance"], progress=False)
    stats = run_batch(gold, tmp_path / "g.jsonl", model=small_model, keep=["stance:gold", "outlet"], progress=False)
    rows = rows_of(tmp_path / "g.jsonl")
    assert list(rows[0])[-2:] == ["gold", "outlet"] and {r["gold"] for r in rows} == {"oppose"}
    assert stats["never_kept"] == ["outlet"]
    with pytest.raises(DataError, match="give a column name, or column:new_name"):
        run_batch(gold, tmp_path / "h.jsonl", model=small_model, keep=["stance:"], progress=False)
    with pytest.raises(DataError, match="only records have columns to keep"):
        run_batch(tmp_path, tmp_path / "third.jsonl", model=small_model, keep=["outlet"], progress=False)


def test_long_csv_fields_and_tsv(small_model, tmp_path):
    long_text = "The council should send more peacekeepers now. " * 3000  # 140,000 characters in one field
    src = tmp_path / "in.tsv"
    src.write_text(f"id\ttext\nbig\t{long_text}\n", encoding="utf-8")
    assert run_batch(src, tmp_path / "out.jsonl", model=small_model, progress=False)["labelled"] == 1


def test_refuses_to_overwrite_what_it_did_not_write(small_model, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:2])
    with pytest.raises(DataError, match="the output is the input;"):
        run_batch(src, src, model=small_model, progress=False)
    other = write_jsonl(tmp_path / "other.jsonl", ARTICLES[:1])
    with pytest.raises(DataError, match="not the output of `stance batch`"):
        run_batch(src, other, model=small_model, progress=False)
    assert rows_of(other) == ARTICLES[:1]


def test_rows_already_labelled_are_written_when_the_input_breaks(small_model, tmp_path, monkeypatch):
    import stance.batch

    def breaks_after_three(path, id_field, text_field, ignored, **kept):
        yield from ((a["id"], a["text"]) for a in ARTICLES[:3])
        raise DataError(f"{path}, line 5: unreadable CSV")

    monkeypatch.setattr(stance.batch, "read_articles", breaks_after_three)
    out = tmp_path / "out.jsonl"
    (tmp_path / "in.csv").write_text("id,text\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 5"):
        run_batch(tmp_path / "in.csv", out, model=small_model, chunk_size=100, progress=False)
    assert [r["id"] for r in rows_of(out)][::3] == [a["id"] for a in ARTICLES[:3]]


def test_sizes_and_single_strings_are_checked(small_model):
    with pytest.raises(ValueError, match="chunk_size"):
        analyze_many(["a text"], model=small_model, chunk_size=0)
    with pytest.raises(ValueError, match="n_jobs"):
        analyze_many(["a text"], model=small_model, n_jobs=0)
    with pytest.raises(TypeError, match="use analyze"):
        analyze_many("one text", model=small_model)
    assert len(list(analyze_many(["a text", "another"], model=small_model, chunk_size=np.int64(1)))) == 2


@pytest.mark.slow
def test_dask_local_cluster(tmp_path):
    db = pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        bag = db.from_sequence(ARTICLES[:4] + [{"id": "bad", "text": None}, {"id": "empty", "text": ""},
                                               {"text": "No id, so no key unique across partitions."}], npartitions=2)
        rows = analyze_bag(bag).compute()
    assert {r["id"] for r in rows} == {"a0", "a1", "a2", "a3", "bad", "empty", None}
    assert next(r for r in rows if r["id"] is None)["error"].startswith("no 'id' (its text starts 'No id, so")
    assert "error" in next(r for r in rows if r["id"] == "empty")
    assert sum(1 for r in rows if r["id"] == "a0") == 3
    assert "error" in next(r for r in rows if r["id"] == "bad")


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_resume_after_a_cut_at_any_byte(small_model, tmp_path, suffix):
    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:3])
    clean = tmp_path / f"clean{suffix}"
    run_batch(src, clean, model=small_model, progress=False)
    whole = clean.read_bytes()
    out = tmp_path / f"out{suffix}"
    for cut in range(0, len(whole), 97):  # a kill -9 while writing, at many places
        out.write_bytes(whole[:cut])
        run_batch(src, out, model=small_model, progress=False)
        assert out.read_bytes() == whole, cut


def test_foreign_output_and_errors_onto_output_refused(small_model, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:1] + [{"id": "empty", "text": ""}])
    notes = tmp_path / "notes.jsonl"
    notes.write_text("My notes\nimportant line two\n", encoding="utf-8")
    with pytest.raises(DataError, match="not the output of `stance batch`"):
        run_batch(src, notes, model=small_model, progress=False)
    assert notes.read_text(encoding="utf-8") == "My notes\nimportant line two\n"
    out = tmp_path / "out.jsonl"
    run_batch(src, out, model=small_model, progress=False)
    with pytest.raises(DataError, match="the errors file is the output"):
        run_batch(src, out, model=small_model, errors_path=out, progress=False)
    assert [r["id"] for r in rows_of(out)] == ["a0"] * 3


def test_a_failed_errors_write_does_not_repeat_rows(small_model, tmp_path, monkeypatch):
    import stance.batch

    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:2] + [{"id": "bad", "text": 5}])
    out = tmp_path / "out.jsonl"
    append = stance.batch._append

    def disk_full_for_errors(path, text):
        if path.name.endswith(".errors.jsonl"):
            raise OSError(28, "No space left on device")
        append(path, text)

    monkeypatch.setattr(stance.batch, "_append", disk_full_for_errors)
    with pytest.raises(OSError):
        run_batch(src, out, model=small_model, progress=False)
    assert [r["id"] for r in rows_of(out)] == ["a0"] * 3 + ["a1"] * 3


def test_multi_line_records_named_by_their_first_line_and_bad_lines_always_reported(small_model, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text('id,text\nline-4,"The council\nshould act."\nline-4,"again"\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    for _ in range(2):  # the real id "line-4" is done after the first run; the bad line 4 is still reported
        run_batch(src, out, model=small_model, progress=False)
        errors = rows_of(tmp_path / "out.jsonl.errors.jsonl")
        assert [e["error"].split(", ", 1)[1] for e in errors] == ["line 4: id 'line-4' repeats line 2; ids must be unique"]


def test_a_tsv_with_quoted_multi_paragraph_texts_is_read_whole(tmp_path):
    from stance.batch import read_articles

    path = tmp_path / "a.tsv"
    path.write_text('id\ttext\na1\t"Para one.\n\nPara two."\na2\tPlain one.\n', encoding="utf-8")
    assert list(read_articles(path)) == [("a1", "Para one.\n\nPara two."), ("a2", "Plain one.")]


def test_a_csv_output_from_before_the_relevance_column_is_named_as_such(small_model, tmp_path):
    from stance.batch import row_fields

    out = tmp_path / "out.csv"
    out.write_text(",".join(f for f in row_fields(small_model) if f != "relevance") + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="stance 0.2 or older, without the 'relevance' column"):
        run_batch(write_jsonl(tmp_path / "in.jsonl", ARTICLES[:1]), out, model=small_model, progress=False)
    out.write_text(",".join(f for f in row_fields(small_model) if f != "sentiment") + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="by another version of stance, without the column.s. sentiment; give a new"):
        run_batch(tmp_path / "in.jsonl", out, model=small_model, progress=False)


def test_a_jsonl_output_from_before_the_relevance_column_is_not_mixed_with_new_rows(small_model, tmp_path):
    out = write_jsonl(tmp_path / "out.jsonl", [{"id": "a0", "n_paragraphs": 1, "index": 0, "text": "old row"}])
    with pytest.raises(DataError, match="without the 'relevance' column"):
        run_batch(write_jsonl(tmp_path / "in.jsonl", ARTICLES[:2]), out, model=small_model, progress=False)


def test_a_missing_input_makes_no_output_folder(small_model, tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        run_batch(tmp_path / "missing.jsonl", tmp_path / "new" / "out.jsonl", model=small_model, progress=False)
    assert not (tmp_path / "new").exists()


def test_a_bad_record_does_not_make_its_chunk_go_one_text_at_a_time(small_model, monkeypatch):
    import stance.batch

    calls = []
    label = stance.batch.analyze_batch
    monkeypatch.setattr(stance.batch, "analyze_batch", lambda texts, model: calls.append(len(texts)) or label(texts, model))
    items = [{"id": "x", "body": "no text field"}] + ARTICLES[:5]
    got = list(analyze_many(items, model=small_model, errors="keep"))
    assert [k for k, _ in got] == ["x"] + [a["id"] for a in ARTICLES[:5]] and isinstance(got[0][1], str)
    assert calls == [5]


@pytest.fixture(scope="module")
def semeval_model():
    """A model on another label set, as `stance train semeval.csv --any-labels` makes."""
    from stance import StanceClassifier

    texts = ["We must send troops to protect them.", "Arm the rebels now, it is our duty.",
             "The alliance should strike at once.", "Sanctions are right and must stay.",
             "Bring the soldiers home today.", "This war is none of our business.", "Air strikes only kill civilians.",
             "End the mission and withdraw.", "The summit opens on Monday in Geneva.", "The force has 4,000 troops.",
             "Ministers met to discuss the budget.", "The report was published last year."]
    return StanceClassifier().fit(texts, ["FAVOR"] * 4 + ["AGAINST"] * 4 + ["NONE"] * 4)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_model_of_other_labels_writes_its_own_columns(semeval_model, small_model, tmp_path, suffix):
    import csv

    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:3])
    out = tmp_path / f"out{suffix}"
    assert run_batch(src, out, model=semeval_model, progress=False)["labelled"] == 3
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert [c for c in rows[0] if c.startswith("p_")] == ["p_AGAINST", "p_FAVOR", "p_NONE"]
    else:
        rows = rows_of(out)
        assert [c for c in rows[0] if c.startswith("p_")] == ["p_AGAINST", "p_FAVOR", "p_NONE"]
    prose = [r for r in rows if r["kind"] == "prose"]
    assert len(prose) == 6 and all(0 < float(r["p_FAVOR"]) < 1 and r["stance"] in ("FAVOR", "AGAINST", "NONE")
                                   for r in prose)
    before = out.read_bytes()
    assert run_batch(src, out, model=semeval_model, progress=False)["skipped"] == 3  # resumes with the same model
    with pytest.raises(DataError, match=r"begun with another model"):
        run_batch(src, out, model=small_model, progress=False)
    assert out.read_bytes() == before
    from stance.batch import model_path_for

    model_path_for(out).unlink()  # without the record, the columns still tell the label sets apart
    with pytest.raises(DataError, match=r"other labels \(its columns p_AGAINST, p_FAVOR, p_NONE; this model's "
                                        r"p_support, p_oppose, p_neutral\); give a new output path"):
        run_batch(src, out, model=small_model, progress=False)
    assert out.read_bytes() == before


def test_a_json_array_export_is_read_and_a_run_where_all_fail_exits_1(small_model, tmp_path, capsys):
    from stance.cli import main

    src = tmp_path / "export.json"
    src.write_text(json.dumps(ARTICLES[:2] + [{"id": "x", "text": 5}], indent=2), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stats = run_batch(src, out, model=small_model, progress=False)
    assert stats["labelled"] == 2 and stats["failed"] == 1
    assert rows_of(tmp_path / "out.jsonl.errors.jsonl")[0]["error"].endswith(
        "export.json, line 10, record 3: 'text' is int, expected text")
    one_line = tmp_path / "one_line.json"  # json.dump without indent: ids of bad records stay apart
    one_line.write_text(json.dumps([{"text": "no id"}, {"text": "none either"}]), encoding="utf-8")
    assert main(["batch", str(one_line), str(tmp_path / "o.jsonl"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "0 failed" not in err and "error: no article tried could be labelled (2 in all); why is in" in err
    assert [e["id"] for e in rows_of(tmp_path / "o.jsonl.errors.jsonl")] == ["record-1", "record-2"]
    assert main(["batch", str(src), str(out), "--no-progress"]) == 1  # begun with another model: refused
    assert "begun with another model" in capsys.readouterr().err
    assert main(["batch", str(src), str(tmp_path / "d.jsonl"), "--no-progress"]) == 0
    assert main(["batch", str(src), str(tmp_path / "d.jsonl"), "--no-progress"]) == 0  # finished work, one still bad


def test_analyze_many_never_mixes_ids_and_positions(small_model):
    texts = ["The council should act.", "Troops must come home."]
    by_position = list(analyze_many([{"text": texts[0]}, {"id": 0, "text": texts[1]}], model=small_model,
                                    errors="keep"))
    assert by_position[0][0] == 0 and by_position[1] == (1, (
        "item 1 has 'id' 0, but the items before it have none and are keyed by position; give every item an 'id', "
        "or none"))
    by_id = list(analyze_many([{"id": 1, "text": texts[0]}, {"text": texts[1]}], model=small_model, errors="keep"))
    assert by_id[0][0] == 1 and by_id[1][0] is None and "item 1 has no 'id'" in by_id[1][1]
    with pytest.raises(ValueError, match=r"^item 1 has no 'id' \(its text starts 'Troops must"):
        list(analyze_many([{"id": 1, "text": texts[0]}, {"id": "", "text": texts[1]}], model=small_model))


def test_analyze_bag_partitions_need_ids():
    from stance.batch import _bag_partition

    rows = _bag_partition([{"id": "a0", "text": "Send troops."}, {"text": "No id here."}, "a plain string"], "id",
                          "text")
    assert rows[0]["id"] == "a0" and "error" not in rows[0]
    assert [(r["id"], r["error"].split(";")[0]) for r in rows[1:]] == [
        (None, "no 'id' (its text starts 'No id here.')"), (None, "no 'id' (its text starts 'a plain string')")]


def test_a_missing_text_in_a_dataframe_is_named_with_its_row(small_model):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"id": ["a1", "a2"], "text": ["The alliance should send troops.", float("nan")]})
    with pytest.raises(ValueError, match=r"^item 'a2': no text \(nan: the value is missing\)$"):
        list(analyze_many(frame, model=small_model))
    kept = list(analyze_many(frame.astype({"text": "string"}), model=small_model, errors="keep"))
    assert kept[1] == ("a2", "no text (<NA>: the value is missing)")


def test_a_folder_is_read_whole_html_pages_too_and_what_is_not_an_article_reported(small_model, tmp_path, capsys):
    from stance.batch import read_articles
    from stance.cli import main

    folder = tmp_path / "articles"
    (folder / "2023").mkdir(parents=True)
    (folder / ".git").mkdir()
    for name in ("a.txt", "B.TXT", "2023/c.txt", ".git/HEAD.txt", ".DS_Store"):
        (folder / name).write_text(f"The alliance must act now ({name}).", encoding="utf-8")
    (folder / "d.md").write_text("# notes", encoding="utf-8")
    (folder / "page.HTML").write_text("<html><body><nav>Home</nav><p>The alliance must act now.</p>"
                                      "<p>Critics disagree.</p></body></html>", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    (folder / "report.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")  # a PDF given a .txt name
    ignored = []
    assert [k for k, _ in read_articles(folder, ignored=ignored)] == ["2023/c", "B", "a", "page", "report"]
    assert ignored == ["d.md", "report.pdf"]
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(folder), str(out), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "labelled 4 articles (5 paragraphs), skipped 0 already done, 1 failed; skipped 2 files that are not " \
           ".txt or .html: d.md, report.pdf" in err
    assert "report.txt: is a PDF: extract its text first" in rows_of(tmp_path / "out.jsonl.errors.jsonl")[0]["error"]
    assert sorted({r["id"] for r in rows_of(out)}) == ["2023/c", "B", "a", "page"]
    assert [r["text"] for r in rows_of(out) if r["id"] == "page"] == ["The alliance must act now.", "Critics disagree."]
    one = run_batch(folder / "page.HTML", tmp_path / "one.jsonl", model=small_model, progress=False)
    assert one["labelled"] == 1 and {r["id"] for r in rows_of(tmp_path / "one.jsonl")} == {"page"}


def test_an_output_it_cannot_write_is_refused_before_any_work(small_model, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:1])
    for name in ("out.tsv", "new/out.parquet", "out"):
        with pytest.raises(DataError, match=r"cannot write (\.tsv|\.parquet|a file without an extension); name the "
                                            r"output \.jsonl \(JSON Lines\) or \.csv"):
            run_batch(src, tmp_path / name, model=small_model, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_ctrl_c_says_what_was_written_and_that_a_rerun_resumes(small_model, tmp_path, monkeypatch, capsys):
    import stance.batch
    from stance.cli import main

    def interrupted_after_three(path, id_field, text_field, ignored, **kept):
        yield from ((a["id"], a["text"]) for a in ARTICLES[:3])
        raise KeyboardInterrupt

    monkeypatch.setattr(stance.batch, "read_articles", interrupted_after_three)
    monkeypatch.setattr("stance.cli._model", lambda args: small_model)
    src, out = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:5]), tmp_path / "out.jsonl"
    assert main(["batch", str(src), str(out), "--no-progress", "--chunk-size", "1"]) == 130
    assert capsys.readouterr().err == (
        "stance: interrupted: labelled 3 articles (9 paragraphs), skipped 0 already done, 0 failed; those are in "
        f"{out}, and running the same command again goes on from there\n")
    assert [r["id"] for r in rows_of(out)][::3] == ["a0", "a1", "a2"]


def test_a_csv_separated_by_semicolons_gets_a_hint_and_a_pdf_is_named(small_model, tmp_path):
    src = tmp_path / "excel.csv"
    src.write_text("id;text\n1;The council should act.\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"\(columns: id;text\); it looks separated by ';': save it comma-separated; "):
        run_batch(src, tmp_path / "out.jsonl", model=small_model, progress=False)
    pdf = tmp_path / "articles.csv"
    pdf.write_bytes(b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n5 0 obj")
    with pytest.raises(DataError, match=r"articles.csv: is a PDF: extract its text first"):
        run_batch(pdf, tmp_path / "out.jsonl", model=small_model, progress=False)


def test_a_rerun_with_another_model_or_version_is_refused(small_model, semeval_model, tmp_path, monkeypatch):
    import stance
    from stance.batch import model_path_for

    src = write_jsonl(tmp_path / "in.jsonl", ARTICLES[:4])
    out = tmp_path / "out.jsonl"
    run_batch(write_jsonl(tmp_path / "half.jsonl", ARTICLES[:2]), out, model=small_model, progress=False)
    record = json.loads(model_path_for(out).read_text())
    assert record["stance"] == stance.__version__ and len(record["model"]) == 32
    saved = small_model.save(tmp_path / "same.skops")  # the same model, written and loaded again, goes on
    assert run_batch(write_jsonl(tmp_path / "three.jsonl", ARTICLES[:3]), out, model=saved, progress=False,
                     n_jobs=2, chunk_size=1)["skipped"] == 2
    other = small_model.__class__(**small_model.get_params()).set_params(C=0.5)  # same labels, other weights
    other.fit(*zip(*[(a["text"], lab) for a, lab in zip(ARTICLES * 2, ["support", "oppose", "neutral"] * 8)]))
    before = out.read_text()
    with pytest.raises(DataError, match="begun with another model"):
        run_batch(src, out, model=other, progress=False)
    assert out.read_text() == before  # nothing mixed in, nothing lost
    monkeypatch.setattr(stance, "__version__", "9.9.9")
    with pytest.raises(DataError, match=r"begun by stance .*, and this is stance 9\.9\.9"):
        run_batch(src, out, model=small_model, progress=False)
    monkeypatch.undo()
    assert run_batch(src, out, model=small_model, progress=False)["skipped"] == 3  # the same model goes on
    model_path_for(out).unlink()  # an output begun before the record existed: resumed, and recorded now
    assert run_batch(src, out, model=small_model, progress=False)["skipped"] == 4
    assert model_path_for(out).is_file()
    model_path_for(out).write_text("[]")
    with pytest.raises(DataError, match="model.json: damaged"):
        run_batch(src, out, model=small_model, progress=False)
    with pytest.raises(DataError, match="is where this run records its model"):
        run_batch(model_path_for(out), out, model=small_model, progress=False)
    with pytest.raises(DataError, match="the errors file is the model record"):
        run_batch(src, out, model=small_model, progress=False, errors_path=model_path_for(out))


def test_kept_columns_no_record_has_are_named(small_model, tmp_path):
    import csv

    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "outlet"])
        w.writerows([a["id"], a["text"], "X"] for a in ARTICLES[:2])
    with pytest.raises(DataError, match=r"in.csv: no column 'outlt' to keep \(columns: id, text, outlet\)"):
        run_batch(src, tmp_path / "o.jsonl", model=small_model, keep=["outlt"], progress=False)
    nested = write_jsonl(tmp_path / "in.jsonl", [{**ARTICLES[0], "meta": {"tags": ["a", "é"]}}])
    stats = run_batch(nested, tmp_path / "o.csv", model=small_model, keep=["meta", "outlt"], progress=False)
    assert stats["never_kept"] == ["outlt"]
    with open(tmp_path / "o.csv", newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert json.loads(row["meta"]) == {"tags": ["a", "é"]}  # JSON, not a Python repr


def test_a_record_whose_id_is_not_utf8_is_named_by_its_line(small_model, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "caf\xe9", "text": "Send troops."}\n{"id": "n", "text": "x", "meta": {"a": "\xe9"}}\n')
    stats = run_batch(src, tmp_path / "out.jsonl", model=small_model, progress=False)
    errors = {e["id"]: e["error"] for e in rows_of(tmp_path / "out.jsonl.errors.jsonl")}
    assert stats["failed"] == 2 and set(errors) == {"line-1", "n"}  # a nested bad byte is caught too
    assert all("not UTF-8" in e for e in errors.values())


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM to catch")
def test_sigterm_ends_a_parallel_batch_as_ctrl_c_does_with_no_workers_left_behind(tmp_path):
    """`kill`, `timeout` and schedulers send SIGTERM: before, the workers outlived the command, and
    anything reading its output waited for them."""
    import signal
    import subprocess
    import time

    rows = [{"id": f"n{i}", "text": f"Story {i}.\n\nThe council should send more peacekeepers, officials said {i}.\n\n"
             "Critics warned that air strikes would only prolong the war."} for i in range(6000)]
    src, out = write_jsonl(tmp_path / "in.jsonl", rows), tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "stance", "batch", str(src), str(out), "--jobs", "2", "--chunk-size", "32",
               "--no-progress"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not (out.is_file() and out.stat().st_size) and proc.poll() is None and time.time() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)  # returns only once no worker holds the pipes
    assert proc.returncode == 143 and err.startswith("stance: terminated: labelled ")
    done = {r["id"] for r in rows_of(out)}
    assert 0 < len(done) < len(rows)
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0 and {r["id"] for r in rows_of(out)} == {r["id"] for r in rows}


def test_analyze_many_refuses_an_id_given_twice_as_batch_does(small_model):
    items = [{"id": "a", "text": "Send troops."}, {"id": "b", "text": "Stay out."}, {"id": "a", "text": "Other."}]
    got = list(analyze_many(items, model=small_model, errors="keep"))
    assert [k for k, _ in got] == ["a", "b", "a"] and got[2][1] == "id 'a' repeats the item at position 0; ids must be unique"
    with pytest.raises(ValueError, match="item 'a': id 'a' repeats the item at position 0"):
        list(analyze_many(items, model=small_model))
    assert len(list(analyze_many(["same", "same"], model=small_model))) == 2  # positions never repeat


def test_a_lone_surrogate_or_a_repeated_id_in_a_garbled_record_is_reported_not_written(small_model, tmp_path):
    src = tmp_path / "in.json"  # a JSON array: nested values are checked as in JSON Lines
    src.write_text('[{"id": "a", "text": "Send troops now \\ud83d"}, {"id": "b", "text": "Send troops.", '
                   '"meta": {"x": ["\\udce9"]}}, {"id": "c", "text": "Stay out."}]', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    for _ in range(2):  # a rerun is not stuck on it either
        stats = run_batch(src, out, model=small_model, progress=False, keep=["meta"])
        errors = {e["id"]: e["error"] for e in rows_of(tmp_path / "out.jsonl.errors.jsonl")}
        assert set(errors) == {"a", "b"} and all("not UTF-8" in e for e in errors.values())
    assert stats["failed"] == 2 and {r["id"] for r in rows_of(out)} == {"c"}
    lines = tmp_path / "in.jsonl"
    lines.write_bytes(b'{"id": "a", "text": "Send troops."}\n{"id": "a", "text": "caf\xe9"}\n')
    run_batch(lines, tmp_path / "o2.jsonl", model=small_model, progress=False)
    assert [e["id"] for e in rows_of(tmp_path / "o2.jsonl.errors.jsonl")] == ["line-2"]  # not the output's "a"


def test_a_repeated_dataframe_index_is_no_id(small_model):
    pd = pytest.importorskip("pandas")
    frame = pd.concat([pd.DataFrame({"text": ["Send troops.", "Stay out."]})] * 2)  # index 0, 1, 0, 1
    assert [k for k, _ in analyze_many(frame, model=small_model)] == [0, 1, 0, 1]
    with pytest.raises(ValueError, match="id 1 repeats the item at position 0"):
        list(analyze_many(frame.assign(id=[1, 2, 1, 3]), model=small_model))
