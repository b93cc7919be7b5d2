"""Labelling whole archives: streaming, parallel, resumable; and the Dask route.

Memory stays flat because input is read lazily and results leave in chunks. Output is
appended one whole chunk per write, each row carries its article's paragraph count, and a
rerun keeps only articles whose rows are all there, so an interrupt (Ctrl-C, kill, crash)
costs at most the chunk in flight and never an article half-written.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
import re
import sys
from numbers import Integral
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np

from .analysis import Analysis, _stance_model, analyze_batch
from .data import (DataError, allow_long_csv_fields, csv_reader, csv_rows, json_array, not_text, not_utf8,
                   separator_hint)

#: What `run_batch` writes, by the output's extension: JSON Lines, or CSV.
OUTPUT_SUFFIXES = (".jsonl", ".ndjson", ".csv")
#: Files read as one article each (plain text or an HTML page), alone or in a folder.
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def row_fields(model=None) -> tuple[str, ...]:
    """The columns of the rows written for `model`: a p_<label> for each of its own labels, in the order
    `stance analyze --format csv` gives them. An empty text yields them without labelling anything."""
    return ("id", "n_paragraphs", *analyze_batch([""], model=model)[0].record_fields())


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` items; if reading fails, the items read before the failure still come out."""
    it = iter(items)
    while True:
        chunk: list = []
        try:
            chunk.extend(itertools.islice(it, size))
        except Exception:
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
        yield chunk


def _key_text(item, id_field: str, text_field: str) -> tuple:
    """(the item's own key, None if it has none; its text)."""
    if isinstance(item, dict):
        key = item.get(id_field)
        if text_field not in item:
            return key, BadRecord(f"no {text_field!r} field (fields: {', '.join(map(str, item))}); "
                                  "name the field of texts with text_field= (--text-column)")
        return key, item[text_field]
    if isinstance(item, tuple) and len(item) == 2:
        return item
    return None, item


def _missing(value) -> bool:
    """None, NaN or pandas' NA: how a DataFrame holds an empty cell."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NAType"


def _keyed(items: Iterable, id_field: str, text_field: str, need_ids: bool = False,
           unique: bool = True) -> Iterator[tuple]:
    """(key, text) for each item: its own key (id), or else its position. Never some of each, as a
    position could then pass for another item's id: an item that breaks the rule the first one set is
    an error. A missing text (None, or NaN from pandas) is named as such, not as a float."""
    by_position = None
    seen: dict = {}  # an id given twice would mix two texts' rows wherever results are joined
    for i, item in enumerate(items):
        key, text = _key_text(item, id_field, text_field)
        own = not _missing(key) and key != ""
        if by_position is None:
            by_position = not own and not need_ids
        if own != by_position:  # keyed as the first item was
            missing = BadRecord(f"no text ({text!r}: the value is missing)") if _missing(text) else None
            if own and unique and seen.setdefault(_hashable(key), i) != i:
                missing = BadRecord(f"id {key!r} repeats the item at position {seen[_hashable(key)]}; ids must be "
                                    "unique")
            yield (key if own else i), missing or text
            continue
        plain = not own and isinstance(text, str) and not isinstance(text, BadRecord)
        start = f" (its text starts {text[:40]!r})" if plain else ""  # what names an item without an id
        fix = f"give every item an {id_field!r}, or none"
        if need_ids:
            why = f"no {id_field!r}{start}"
            fix = "analyze_bag needs one on every record, as positions repeat in each partition"
        elif own:
            why = f"item {i} has {id_field!r} {key!r}, but the items before it have none and are keyed by position"
        else:
            why = f"item {i} has no {id_field!r}{start}, but the items before it have one"
        yield (i if by_position else None), BadRecord(f"{why}; {fix}")


def _hashable(key):
    try:
        hash(key)
        return key
    except TypeError:
        return repr(key)


def _label_chunk(chunk: list, model) -> list:
    """(key, Analysis or error message) for each item; one bad text does not sink the chunk."""
    if any(isinstance(t, BadRecord) for _, t in chunk):  # the others still go through in one call
        labelled = iter(_label_chunk([(k, t) for k, t in chunk if not isinstance(t, BadRecord)], model))
        return [(k, str(t)) if isinstance(t, BadRecord) else next(labelled) for k, t in chunk]
    try:
        return list(zip([k for k, _ in chunk], analyze_batch([t for _, t in chunk], model=model)))
    except (TypeError, ValueError):
        out = []
        for key, text in chunk:
            try:
                out.append((key, analyze_batch([text], model=model)[0]))
            except (TypeError, ValueError) as exc:
                out.append((key, f"{type(exc).__name__}: {exc}"))
        return out


def analyze_many(items: Iterable, model=None, n_jobs: int = 1, chunk_size: int = 256, id_field: str = "id",
                 text_field: str = "text", errors: str = "raise") -> Iterator[tuple[object, Analysis | str]]:
    """Yield ``(key, Analysis)`` for each text, in input order, streaming chunk by chunk.

    `items` may be strings (key = position), ``(key, text)`` pairs, a dict of ``{key: text}``, dicts
    with `id_field` and `text_field` (key = the id; dicts without one are keyed by position, but one
    input cannot mix the two), a pandas Series (key = its index) or a pandas DataFrame with those
    columns (key = the id column, else the row's index). Ids must be unique (an index need not be). With
    ``errors="keep"`` a bad item yields ``(key, error message)`` instead of raising (key None for an item
    whose id is missing). ``n_jobs`` > 1 labels chunks in joblib worker processes.
    """
    if errors not in ("raise", "keep"):
        raise ValueError("errors must be 'raise' or 'keep'")
    if isinstance(items, (str, bytes)):
        raise TypeError("analyze_many() takes many texts (a list, a file's records, ...), got a single "
                        f"{type(items).__name__}; use analyze() for one text")
    _check_sizes(chunk_size, n_jobs)
    if hasattr(items, "columns"):  # iterating a DataFrame would give its column names
        if text_field not in items.columns:
            raise ValueError(f"the DataFrame has no {text_field!r} column (it has {list(items.columns)}); "
                             "name the column of texts with text_field=")
        unique = id_field in items.columns  # an index may repeat (pd.concat): its keys only place the rows
        keys = items[id_field] if unique else items.index
        items = zip(keys.tolist(), items[text_field].tolist())
    elif hasattr(items, "tolist") and hasattr(items, "index") and not callable(items.index):  # a Series
        items, unique = zip(items.index.tolist(), items.tolist()), False
    else:
        unique = True
        if isinstance(items, Mapping):  # iterating a dict would give its keys
            items = items.items()
    return _labelled(items, model, n_jobs, chunk_size, id_field, text_field, errors, unique=unique)


def _labelled(items, model, n_jobs, chunk_size, id_field, text_field, errors, need_ids=False, unique=True):
    chunks = _chunks(_keyed(items, id_field, text_field, need_ids, unique), chunk_size)
    if n_jobs == 1:
        labelled = (_label_chunk(c, model) for c in chunks)
    else:
        from joblib import Parallel, delayed

        labelled = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs")(
            delayed(_label_chunk)(c, model) for c in chunks)
    for chunk in labelled:
        for key, result in chunk:
            if isinstance(result, str) and errors == "raise":
                raise ValueError(result if key is None else f"item {key!r}: {result}")
            yield key, result


def _check_sizes(chunk_size: int, n_jobs: int) -> None:
    if not isinstance(chunk_size, Integral) or chunk_size < 1:  # numpy integers are fine too
        raise ValueError(f"chunk_size must be a whole number of texts, at least 1; got {chunk_size!r}")
    if not isinstance(n_jobs, Integral) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a number of processes (1, 2, ...) or -1 for all cores; got {n_jobs!r}")


def result_rows(key, analysis: Analysis) -> list[dict]:
    """The flat paragraph rows written for one article, with the columns of `row_fields`."""
    rows = analysis.to_records()
    return [{"id": key, "n_paragraphs": len(rows), **r} for r in rows]


# --- input ---------------------------------------------------------------------------------------

def read_articles(path: str | os.PathLike, id_field: str = "id", text_field: str = "text", ignored: list | None = None,
                  keep: Sequence[str] = (), kept: dict | None = None) -> Iterator[tuple]:
    """(id, text) pairs from a JSONL/JSON/CSV/TSV file, a folder of articles or one article, read lazily.
    An article is a .txt, .html or .htm file (any case); a folder's (in subfolders too) are keyed by their
    path in it without the extension ("2023/c"); the names of its other files go to `ignored`, for the
    run's report (hidden ones, such as .git or .DS_Store, are passed over). Malformed records (not UTF-8,
    no id, no text, an id seen before) come through as (id, BadRecord) so they can be reported and
    skipped; a CSV without the id or text column, or a JSON array that breaks off, stops at once. The
    `keep` fields of each good record go to `kept`, by id (None where a record lacks one), for the caller
    to pop with its result."""
    path = Path(path)
    if keep and (path.is_dir() or path.suffix.lower() in ARTICLE_SUFFIXES):
        raise DataError(f"{path}: only records have columns to keep ({', '.join(keep)}); give a JSONL/CSV file")
    if path.is_dir():
        files = sorted((f.relative_to(path).as_posix(), f) for f in path.rglob("*")
                       if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts))
        texts = [(name, f) for name, f in files if f.suffix.lower() in ARTICLE_SUFFIXES]
        if not texts:
            raise DataError(f"{path}: a folder with no .txt or .html files; give a folder of articles or a "
                            "JSONL/CSV file")
        if ignored is not None:
            ignored.extend(name for name, f in files if f.suffix.lower() not in ARTICLE_SUFFIXES)
        named: dict[str, str] = {}
        for name, file in texts:
            key = name[:-len(file.suffix)]
            first = named.setdefault(key, name)
            yield (key, _article_file(file)) if first == name else (
                name, BadRecord(f"{file}: its id {key!r} is that of {first} too; rename one of them"))
        return
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    with open(path, "rb") as raw:
        problem = not_text(path, raw.read(8192))
    if problem:
        raise DataError(problem)
    if suffix in ARTICLE_SUFFIXES:  # one article
        yield path.stem, _article_file(path)
        return
    seen: dict[str, str] = {}
    # Bad bytes are kept as surrogates so that one bad record is reported, not the whole file lost.
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        if suffix in (".jsonl", ".ndjson", ".json"):
            array = json_array(fh, path, suffix)
            if array is not None:
                for i, (n, rec) in enumerate(array, 1):
                    yield _kept(_record_pair(rec, n, path, id_field, text_field, seen, record=i), rec, keep, kept)
                return
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    why = "not UTF-8 text" if _BAD_BYTE.search(line) else f"not valid JSON ({exc.msg})"
                    yield f"line-{n}", BadRecord(f"{path}, line {n}: {why}")
                    continue
                yield _kept(_record_pair(rec, n, path, id_field, text_field, seen), rec, keep, kept)
        else:
            reader = csv_reader(fh, path, delimiter="\t" if suffix == ".tsv" else ",")
            missing = [c for c in (id_field, text_field) if c not in reader.fieldnames]
            if missing:
                raise DataError(f"{path}: no column {' or '.join(map(repr, missing))} (columns: "
                                f"{', '.join(reader.fieldnames)}){separator_hint(reader.fieldnames)}; choose others "
                                "with --id-column/--text-column")
            absent = [c for c in keep if c not in reader.fieldnames]
            if absent:
                raise DataError(f"{path}: no column {' or '.join(map(repr, absent))} to keep (columns: "
                                f"{', '.join(reader.fieldnames)})")
            for n, rec in csv_rows(reader, path):
                if None in rec:  # an unquoted comma in the text: its end would be lost without a word
                    key = rec.get(id_field) or f"line-{n}"
                    yield key, BadRecord(f"{path}, line {n}: more fields than the header has (a text with commas "
                                         "must be in double quotes)")
                    continue
                yield _kept(_record_pair(rec, n, path, id_field, text_field, seen), rec, keep, kept)


def _source_and_name(column: str) -> tuple[str, str]:
    """"outlet" keeps the input's outlet as outlet; "stance:gold" keeps the input's stance as gold."""
    source, colon, name = column.partition(":")
    if not source.strip() or (colon and not name.strip()):
        raise DataError(f"cannot keep column {column!r}: give a column name, or column:new_name")
    return source.strip(), (name or source).strip()


def _kept(pair: tuple, rec, keep: Sequence[str], kept: dict | None) -> tuple:
    if keep and kept is not None and not isinstance(pair[1], BadRecord):
        kept[pair[0]] = {c: rec.get(c) for c in keep}
    return pair


# A bad byte read with surrogateescape, or a lone surrogate escaped in JSON ("\\ud83d" from a cut-off emoji):
# neither can be written as UTF-8, so a record holding one would stop every rerun at the same place.
_BAD_BYTE = re.compile("[\ud800-\udfff]")


def _garbled(value) -> bool:
    if isinstance(value, str):
        return bool(_BAD_BYTE.search(value))
    if isinstance(value, dict):
        return any(_garbled(k) or _garbled(v) for k, v in value.items())
    return isinstance(value, list) and any(_garbled(v) for v in value)


class BadRecord(str):
    """An input record that cannot be analysed, carrying the reason."""


def _article_file(path: Path) -> str:
    """The text of one .txt article, or a BadRecord saying why there is none."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return BadRecord(f"{path}: cannot read ({exc.strerror})")
    problem = not_text(path, data[:8192])
    if problem:
        return BadRecord(problem)
    try:
        return _checked_text(data.decode("utf-8-sig"), path)
    except UnicodeDecodeError as exc:
        return BadRecord(not_utf8(path, exc))


def _checked_text(text: str, where) -> str:
    return text if text.strip() else BadRecord(f"{where}: no text")


def _record_pair(rec, n: int, path: Path, id_field: str, text_field: str, seen: dict[str, str], record: int = 0):
    """(id, text) of the record on line `n`, or (id, BadRecord) naming the line; also the record's place
    in a JSON array (`record`), as json.dump without indent writes them all on one line."""
    at = f"line {n}, record {record}" if record else f"line {n}"
    where, bad = f"{path}, {at}", f"record-{record}" if record else f"line-{n}"
    if not isinstance(rec, dict):
        return bad, BadRecord(f"{where}: expected an object with {id_field!r} and {text_field!r}")
    key = rec.get(id_field)
    if _garbled(rec):  # named by its id when that is readable and its own, else by its place
        own = isinstance(key, (str, int)) and key != "" and not _garbled(str(key)) and str(key) not in seen
        if own:
            seen[str(key)] = at
        return key if own else bad, BadRecord(f"{where}: not UTF-8 text")
    if key in (None, ""):
        return bad, BadRecord(f"{where}: missing {id_field!r}")
    if str(key) in seen:
        return bad, BadRecord(f"{where}: id {key!r} repeats {seen[str(key)]}; ids must be unique")
    seen[str(key)] = at
    if text_field not in rec:
        return key, BadRecord(f"{where}: no {text_field!r} field (fields: {', '.join(map(str, rec))}); "
                              "choose another with --text-column")
    text = rec[text_field]
    if not isinstance(text, str):
        return key, BadRecord(f"{where}: {text_field!r} is {type(text).__name__}, expected text")
    return key, _checked_text(text, where)


# --- output and resume ---------------------------------------------------------------------------

def _finished_ids(output: Path, fields: tuple[str, ...], n_kept: int = 0) -> set:
    """Ids already complete in `output` (all their rows present). Rows of an article cut short by an
    interrupt are dropped from the file here. Failed records are not done: a rerun tries them again."""
    if not output.is_file():
        return set()
    rows = _read_rows(output, fields, n_kept)
    counts: dict[str, int] = {}
    expected: dict[str, int] = {}
    for r in rows:
        key = str(r["id"])
        counts[key] = counts.get(key, 0) + 1
        expected[key] = int(r["n_paragraphs"])
    complete = {k for k, n in counts.items() if n == expected[k]}
    if len(complete) != len(counts) or _has_partial_tail(output):
        keep = [r for r in rows if str(r["id"]) in complete]
        tmp = output.with_suffix(output.suffix + ".tmp")
        tmp.write_text(_format_rows(keep, output, fields, header=True), encoding="utf-8")
        os.replace(tmp, output)
    return complete


def _has_partial_tail(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return False
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) != b"\n"


def _read_rows(path: Path, fields: tuple[str, ...], n_kept: int = 0) -> list[dict]:
    """The rows of an earlier run's output, without a last row cut short by an interrupt; anything
    else in the file, or rows with other columns than this run's, are refused, not overwritten."""
    text = path.read_text(encoding="utf-8", errors="replace")
    whole = text[:text.rfind("\n") + 1]  # only what was written to the end of a line is trusted
    if path.suffix.lower() == ".csv":
        if not whole:
            return []  # not even the header was finished
        allow_long_csv_fields()
        reader = csv.DictReader(io.StringIO(whole))
        _check_columns(path, tuple(reader.fieldnames or ()), fields, n_kept)
        rows = [r for r in reader if None not in r and all(v is not None for v in r.values())
                and r["n_paragraphs"].isdigit()]
        return rows[:-1] if whole.count('"') % 2 else rows  # cut after a line break inside a quoted text
    rows = []
    for line in whole.splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            row = None  # a line we wrote whole is always valid JSON
        ours = isinstance(row, dict) and isinstance(row.get("n_paragraphs"), int)
        _check_columns(path, tuple(row) if ours else (), fields, n_kept)
        rows.append(row)
    return rows


def _check_columns(path: Path, columns: tuple, fields: tuple[str, ...], n_kept: int = 0) -> None:
    """Refuse an earlier output whose rows this run's would not match, saying why: so that one file
    never mixes two models' labels. The last `n_kept` fields are the input columns this run keeps."""
    if columns == fields:
        return
    if columns[:2] != ("id", "n_paragraphs"):
        raise DataError(f"{path}: exists and is not the output of `stance batch` (no 'id' and 'n_paragraphs' "
                        "in its rows); give another output path")
    ours = fields[:len(fields) - n_kept]
    if columns[:len(ours)] == ours:  # the same model's rows; only the input columns kept differ
        theirs = ", ".join(columns[len(ours):]) or "none"
        raise DataError(f"{path}: written keeping the input column(s) {theirs}, and this run keeps "
                        f"{', '.join(fields[len(ours):]) or 'none'}; keep the same ones to go on, or give a new "
                        "output path")
    if "relevance" not in columns:
        why = "by stance 0.2 or older, without the 'relevance' column"
    else:
        theirs, ours = ([c for c in cols if c.startswith("p_")] for cols in (columns, fields))
        lacking = [c for c in fields if c not in columns]
        if theirs != ours:
            why = f"with a model of other labels (its columns {', '.join(theirs)}; this model's {', '.join(ours)})"
        else:
            why = (f"by another version of stance, without the column(s) {', '.join(lacking)}" if lacking
                   else f"by another version of stance, with the columns {', '.join(columns)}")
    raise DataError(f"{path}: written {why}; give a new output path, so that one file does not mix two models' labels")


def model_path_for(output: str | os.PathLike) -> Path:
    """Where `run_batch` records which model and version of stance wrote OUTPUT: OUTPUT.model.json."""
    output = Path(output)
    return output.with_name(output.name + ".model.json")


#: Texts whose probabilities identify a model's labelling: one written to a file and loaded again
#: (skops or joblib), or run with other n_jobs, gives the same ones; another model does not.
_PROBES = ("The alliance must send more troops before the city falls.", "Bring the soldiers home now.",
           "The council meets on Monday to discuss the mandate.", "Sanctions hurt ordinary people; lift them.",
           "Arming the rebels would only prolong the war.", "The airlift saved thousands of lives.",
           "Ministers debated the farm budget.", "We must not send peacekeepers into a war with no peace to keep.",
           "Critics say the strikes killed civilians.", "Keep the embargo until the junta steps down.")


def model_fingerprint(model) -> str:
    """What identifies a model's labelling: its labels and its probabilities on fixed texts, rounded."""
    import hashlib

    resolved = _stance_model(model)
    proba = np.round(resolved.predict_proba(list(_PROBES)), 6)
    seen = json.dumps([[str(c) for c in resolved.classes_], proba.tolist()])
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def _check_model(output: Path, model) -> dict:
    """Refuse to resume an output that another model, or another version of stance, began: the rows
    would mix two labellings that nothing in them tells apart. Returns the record to keep beside the
    output. An output begun before records existed (stance 0.4) is resumed on the column check alone."""
    from . import __version__

    record = model_path_for(output)
    ours = {"stance": __version__, "model": model_fingerprint(model)}
    if output.is_file() and output.stat().st_size and record.is_file():
        try:
            theirs = json.loads(record.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            theirs = None
        if not isinstance(theirs, dict):
            raise DataError(f"{record}: damaged; it records which model began {output.name}. Give a new output "
                            "path, or delete the record if you are sure this model began it")
        if theirs.get("model") != ours["model"]:
            raise DataError(f"{output}: begun with another model (fingerprint {theirs.get('model')}; this one is "
                            f"{ours['model']}); give a new output path, so that one file does not mix two models")
        if theirs.get("stance") != ours["stance"]:
            raise DataError(f"{output}: begun by stance {theirs.get('stance')}, and this is stance {ours['stance']}; "
                            "give a new output path, or finish it with that version")
    return ours


def _write_record(record: Path, identity: dict) -> None:
    tmp = record.with_name(record.name + ".tmp")
    tmp.write_text(json.dumps(identity) + "\n", encoding="utf-8")
    os.replace(tmp, record)


def _format_rows(rows: list[dict], output: Path, fields: tuple[str, ...], header: bool) -> str:
    if output.suffix.lower() == ".csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        if header:
            writer.writeheader()
        # a kept JSON column may hold a list or an object: as JSON, which a reader can parse back
        writer.writerows({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                          for k, v in r.items()} for r in rows)
        return buf.getvalue()
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _append(path: Path, text: str) -> None:
    """One write per chunk, flushed to disk before the next chunk starts."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def errors_path_for(output: str | os.PathLike) -> Path:
    """Where `run_batch` writes the records that failed, unless told otherwise: OUTPUT.errors.jsonl."""
    output = Path(output)
    return output.with_name(output.name + ".errors.jsonl")


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during `run_batch`, after what was labelled so far was written; `stats` counts it."""

    def __init__(self, stats: dict):
        super().__init__()
        self.stats = stats


def run_batch(input_path: str | os.PathLike, output_path: str | os.PathLike, model=None, n_jobs: int = 1,
              chunk_size: int = 256, id_field: str = "id", text_field: str = "text",
              errors_path: str | os.PathLike | None = None, progress: bool | None = None,
              keep: Sequence[str] = ()) -> dict:
    """Label every article of `input_path` into `output_path`, resuming where a previous run stopped.
    Records that fail go to `errors_path` (default: OUTPUT.errors.jsonl, rewritten each run) and are
    tried again by the next run. The input's `keep` columns (an outlet, a date) are copied to each of the
    record's rows, after the others, so the output needs no merge ("stance:gold" keeps the input's
    stance as gold; a CSV must have them; the kept columns no JSON record had are listed in
    `never_kept`). OUTPUT.model.json records the model and the
    version of stance, and a rerun with others is refused. Returns counts: done before, labelled now,
    failed now, and the names of a folder's files that are not articles (`ignored`). Ctrl-C raises
    BatchInterrupted, with those counts."""
    _check_sizes(chunk_size, n_jobs)
    output = Path(output_path)
    if output.is_dir():
        raise DataError(f"{output}: is a folder; name an output file in it, ending .jsonl or .csv")
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise DataError(f"{output}: cannot write {output.suffix or 'a file without an extension'}; name the output "
                        ".jsonl (JSON Lines) or .csv")
    errors = Path(errors_path) if errors_path else errors_path_for(output)
    if not Path(input_path).exists():
        raise FileNotFoundError(f"{input_path}: no such file or folder")
    pairs = [_source_and_name(column) for column in keep]  # (input column, output name)
    names = [name for _, name in pairs]
    model = _stance_model(model) if isinstance(model, (str, os.PathLike)) else model  # loaded once, not per use
    fields = row_fields(model)
    for name in names:
        if name in fields or names.count(name) > 1:
            why = (f"the output has a column of that name; keep it under another, e.g. {name}:input_{name}"
                   if name in fields else "it is named twice")
            raise DataError(f"cannot keep column {name!r}: {why} (the output's columns: {', '.join(fields)})")
    fields += tuple(names)
    keep = tuple(dict.fromkeys(source for source, _ in pairs))  # the input columns to read
    for folder in {output.parent, errors.parent}:  # as `stance train --out` does, before any work is done
        folder.mkdir(parents=True, exist_ok=True)
    source = Path(input_path).resolve()
    record = model_path_for(output)
    if output.resolve() == source:
        raise DataError(f"{output}: the output is the input; give another path")
    if record.resolve() == source:
        raise DataError(f"{source}: is where this run records its model ({record.name}); give another output path")
    if errors.resolve() in (source, output.resolve(), record.resolve()):
        what = {source: "input", output.resolve(): "output"}.get(errors.resolve(), "model record")
        raise DataError(f"{errors}: the errors file is the {what}; give another path")
    identity = _check_model(output, model)
    done = _finished_ids(output, fields, len(names))
    errors.unlink(missing_ok=True)  # this run's failures only: earlier ones are retried below
    header = output.suffix.lower() == ".csv" and (not output.is_file() or output.stat().st_size == 0)
    recorded = output.is_file() and output.stat().st_size > 0  # rows of an earlier run: record their model now
    if recorded:
        _write_record(record, identity)
    stats = {"skipped": len(done), "labelled": 0, "failed": 0, "paragraphs": 0, "ignored": [], "never_kept": []}
    valued: set = set()  # the kept columns that some record gave a value
    kept: dict = {}  # the kept columns of the records on their way through analyze_many, by id
    todo = _not_done(read_articles(input_path, id_field, text_field, ignored=stats["ignored"], keep=keep, kept=kept),
                     done, kept)
    bar = _progress(progress)
    rows_buf, err_buf = [], []

    def flush():
        nonlocal header, recorded
        rows, errs = rows_buf[:], err_buf[:]
        rows_buf.clear()  # before writing: a failed write must not be repeated by the final flush
        err_buf.clear()
        if rows:
            if not recorded:  # with this run's first rows, not before: a run that fails on its input leaves none
                _write_record(record, identity)
                recorded = True
            _append(output, _format_rows(rows, output, fields, header))
            header = False
        if errs:
            _append(errors, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errs))

    good = ((k, t) for k, t in _split_bad(todo, err_buf, stats))
    try:
        for key, result in analyze_many(good, model=model, n_jobs=n_jobs, chunk_size=chunk_size, errors="keep"):
            found = kept.pop(key, {})
            valued.update(c for c, v in found.items() if v is not None)
            extra = {name: found.get(source) for source, name in pairs}
            if isinstance(result, str):
                err_buf.append({"id": key, "error": result})
                stats["failed"] += 1
            elif not (rows := result_rows(key, result)):  # only markup or invisible characters
                err_buf.append({"id": key, "error": _NO_PARAGRAPHS})
                stats["failed"] += 1
            else:
                rows_buf.extend({**r, **extra} for r in rows)
                stats["labelled"] += 1
                stats["paragraphs"] += len(rows)
            if bar is not None:
                bar.update(1)
            if stats["labelled"] % chunk_size == 0:
                flush()
    except KeyboardInterrupt:
        raise BatchInterrupted(stats) from None  # the `finally` below still writes what was labelled
    finally:  # an input error or an interrupt further on keeps what was labelled so far
        flush()
        if bar is not None:
            bar.close()
    if stats["labelled"]:  # a JSON record may lack a field, but a column no record has is likely misspelt
        stats["never_kept"] = [c for c in keep if c not in valued]
    return stats


_NO_PARAGRAPHS = "no paragraph to label: the text holds only markup, spaces or invisible characters"


def _not_done(pairs, done: set, kept: dict):
    """The articles an earlier run did not finish; a bad record is reported on every run."""
    for key, text in pairs:
        if isinstance(text, BadRecord) or str(key) not in done:
            yield key, text
        else:
            kept.pop(key, None)


def _split_bad(pairs, err_buf: list, stats: dict):
    for key, text in pairs:
        if isinstance(text, BadRecord):
            err_buf.append({"id": key, "error": str(text)})
            stats["failed"] += 1
        else:
            yield key, text


def _progress(progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from ._optional import require

    return require("tqdm", "progress").tqdm(unit=" articles", file=sys.stderr)


# --- beyond one machine --------------------------------------------------------------------------

def analyze_bag(bag, id_field: str = "id", text_field: str = "text"):
    """Paragraph rows for a ``dask.bag`` of ``{id, text}`` records, one model per worker process.

    Run it on any Dask scheduler, e.g. ``dask.distributed.Client(LocalCluster())`` or a real cluster:
    ``analyze_bag(db.read_text("articles-*.jsonl").map(json.loads)).to_dataframe()``. A record that fails,
    one without an id too, gives a row ``{"id": ..., "error": why}`` (id None when it has none).
    """
    return bag.map_partitions(_bag_partition, id_field, text_field)


def _bag_partition(records, id_field: str, text_field: str) -> list[dict]:
    rows = []
    for key, result in _labelled(records, None, 1, 256, id_field, text_field, "keep", need_ids=True):
        if isinstance(result, str):
            rows.append({"id": key, "error": result})
        else:
            rows.extend(result_rows(key, result) or [{"id": key, "error": _NO_PARAGRAPHS}])
    return rows
