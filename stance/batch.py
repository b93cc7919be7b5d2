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
import os
import re
import sys
from numbers import Integral
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .analysis import Analysis, analyze_batch
from .data import DataError, allow_long_csv_fields, csv_reader, csv_rows, not_utf8

ROW_FIELDS = ("id", "n_paragraphs", "index", "kind", "start", "end", "stance", "confidence", "p_support",
              "p_oppose", "p_neutral", "relevance", "sentiment", "compound", "means", "holders", "evidence", "text")


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


def _key_text(item, position: int, id_field: str, text_field: str):
    if isinstance(item, dict):
        key = item.get(id_field, position)
        if text_field not in item:
            return key, BadRecord(f"no {text_field!r} field (fields: {', '.join(map(str, item))}); "
                                  "name the field of texts with text_field= (--text-column)")
        return key, item[text_field]
    if isinstance(item, tuple) and len(item) == 2:
        return item
    return position, item


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
    with `id_field` and `text_field`, a pandas Series (key = its index) or a pandas DataFrame with
    those columns (key = the id column, else the row's index). With ``errors="keep"`` a bad item
    yields ``(key, error message)`` instead of raising. ``n_jobs`` > 1 labels chunks in joblib
    worker processes.
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
        keys = items[id_field] if id_field in items.columns else items.index
        items = zip(keys.tolist(), items[text_field].tolist())
    elif hasattr(items, "tolist") and hasattr(items, "index") and not callable(items.index):  # a Series
        items = zip(items.index.tolist(), items.tolist())
    elif isinstance(items, Mapping):  # iterating a dict would give its keys
        items = items.items()
    return _labelled(items, model, n_jobs, chunk_size, id_field, text_field, errors)


def _labelled(items, model, n_jobs, chunk_size, id_field, text_field, errors):
    pairs = (_key_text(item, i, id_field, text_field) for i, item in enumerate(items))
    chunks = _chunks(pairs, chunk_size)
    if n_jobs == 1:
        labelled = (_label_chunk(c, model) for c in chunks)
    else:
        from joblib import Parallel, delayed

        labelled = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="2*n_jobs")(
            delayed(_label_chunk)(c, model) for c in chunks)
    for chunk in labelled:
        for key, result in chunk:
            if isinstance(result, str) and errors == "raise":
                raise ValueError(f"item {key!r}: {result}")
            yield key, result


def _check_sizes(chunk_size: int, n_jobs: int) -> None:
    if not isinstance(chunk_size, Integral) or chunk_size < 1:  # numpy integers are fine too
        raise ValueError(f"chunk_size must be a whole number of texts, at least 1; got {chunk_size!r}")
    if not isinstance(n_jobs, Integral) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a number of processes (1, 2, ...) or -1 for all cores; got {n_jobs!r}")


def result_rows(key, analysis: Analysis) -> list[dict]:
    """The flat paragraph rows written for one article."""
    rows = analysis.to_records()
    return [{"id": key, "n_paragraphs": len(rows), **{k: r.get(k) for k in ROW_FIELDS[2:]}} for r in rows]


# --- input ---------------------------------------------------------------------------------------

def read_articles(path: str | os.PathLike, id_field: str = "id", text_field: str = "text") -> Iterator[tuple]:
    """(id, text) pairs from a JSONL/CSV/TSV file, a folder of .txt files or one .txt file, read lazily.
    Malformed records (not UTF-8, no id, no text, an id seen before) come through as (id, BadRecord)
    so they can be reported and skipped; a CSV without the id or text column stops at once."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise DataError(f"{path}: a folder with no .txt files; give a folder of .txt articles or a JSONL/CSV file")
        yield from map(_article_file, files)
        return
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    with open(path, "rb") as raw:
        if b"\x00" in raw.read(8192):
            raise DataError(f"{path}: looks like a binary file, not text")
    if suffix == ".txt":  # one article
        yield _article_file(path)
        return
    seen: dict[str, int] = {}
    # Bad bytes are kept as surrogates so that one bad record is reported, not the whole file lost.
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        if suffix in (".jsonl", ".ndjson", ".json"):
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                if _BAD_BYTE.search(line):
                    yield f"line-{n}", BadRecord(f"{path}, line {n}: not UTF-8 text")
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield f"line-{n}", BadRecord(f"{path}, line {n}: not valid JSON ({exc.msg})")
                    continue
                yield _record_pair(rec, n, path, id_field, text_field, seen)
        else:
            reader = csv_reader(fh, path, delimiter="\t" if suffix == ".tsv" else ",")
            missing = [c for c in (id_field, text_field) if c not in reader.fieldnames]
            if missing:
                raise DataError(f"{path}: no column {' or '.join(map(repr, missing))} (columns: "
                                f"{', '.join(reader.fieldnames)}); choose others with --id-column/--text-column")
            for n, rec in csv_rows(reader, path):
                if any(_BAD_BYTE.search(v) for v in rec.values() if isinstance(v, str)):
                    yield f"line-{n}", BadRecord(f"{path}, line {n}: not UTF-8 text")
                    continue
                yield _record_pair(rec, n, path, id_field, text_field, seen)


_BAD_BYTE = re.compile("[\udc80-\udcff]")


class BadRecord(str):
    """An input record that cannot be analysed, carrying the reason."""


def _article_file(path: Path) -> tuple[str, str]:
    try:
        return path.stem, _checked_text(path.read_bytes().decode("utf-8-sig"), path)
    except UnicodeDecodeError as exc:
        return path.stem, BadRecord(not_utf8(path, exc))
    except OSError as exc:
        return path.stem, BadRecord(f"{path}: cannot read ({exc.strerror})")


def _checked_text(text: str, where) -> str:
    return text if text.strip() else BadRecord(f"{where}: no text")


def _record_pair(rec, n: int, path: Path, id_field: str, text_field: str, seen: dict[str, int]):
    if not isinstance(rec, dict):
        return f"line-{n}", BadRecord(f"{path}, line {n}: expected an object with {id_field!r} and {text_field!r}")
    key = rec.get(id_field)
    if key in (None, ""):
        return f"line-{n}", BadRecord(f"{path}, line {n}: missing {id_field!r}")
    first = seen.setdefault(str(key), n)
    if first != n:
        return f"line-{n}", BadRecord(f"{path}, line {n}: id {key!r} repeats line {first}; ids must be unique")
    if text_field not in rec:
        return key, BadRecord(f"{path}, line {n}: no {text_field!r} field (fields: {', '.join(map(str, rec))}); "
                              "choose another with --text-column")
    text = rec[text_field]
    if not isinstance(text, str):
        return key, BadRecord(f"{path}, line {n}: {text_field!r} is {type(text).__name__}, expected text")
    return key, _checked_text(text, f"{path}, line {n}")


# --- output and resume ---------------------------------------------------------------------------

def _finished_ids(output: Path) -> set:
    """Ids already complete in `output` (all their rows present). Rows of an article cut short by an
    interrupt are dropped from the file here. Failed records are not done: a rerun tries them again."""
    if not output.is_file():
        return set()
    rows = _read_rows(output)
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
        tmp.write_text(_format_rows(keep, output, header=True), encoding="utf-8")
        os.replace(tmp, output)
    return complete


def _has_partial_tail(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return False
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) != b"\n"


def _read_rows(path: Path) -> list[dict]:
    """The rows of an earlier run's output, without a last row cut short by an interrupt; anything
    else in the file is refused, not overwritten."""
    text = path.read_text(encoding="utf-8", errors="replace")
    foreign = DataError(f"{path}: exists and is not the output of `stance batch` (no 'id' and 'n_paragraphs' "
                        "in its rows); give another output path")
    older = DataError(f"{path}: written by stance 0.2 or older, without the 'relevance' column; give a new output "
                      "path, so that one file does not mix two models' labels")
    whole = text[:text.rfind("\n") + 1]  # only what was written to the end of a line is trusted
    if path.suffix.lower() == ".csv":
        if not whole:
            return []  # not even the header was finished
        allow_long_csv_fields()
        reader = csv.DictReader(io.StringIO(whole))
        if tuple(reader.fieldnames or ()) == tuple(f for f in ROW_FIELDS if f != "relevance"):
            raise older
        if tuple(reader.fieldnames or ()) != ROW_FIELDS:
            raise foreign
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
            raise foreign from None  # a line we wrote whole is always valid JSON
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("n_paragraphs"), int):
            raise foreign
        if "relevance" not in row:
            raise older
        rows.append(row)
    return rows


def _format_rows(rows: list[dict], output: Path, header: bool) -> str:
    if output.suffix.lower() == ".csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=ROW_FIELDS, lineterminator="\n")
        if header:
            writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def _append(path: Path, text: str) -> None:
    """One write per chunk, flushed to disk before the next chunk starts."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def run_batch(input_path: str | os.PathLike, output_path: str | os.PathLike, model=None, n_jobs: int = 1,
              chunk_size: int = 256, id_field: str = "id", text_field: str = "text",
              errors_path: str | os.PathLike | None = None, progress: bool | None = None) -> dict:
    """Label every article of `input_path` into `output_path`, resuming where a previous run stopped.
    Records that fail go to `errors_path` (default: OUTPUT.errors.jsonl, rewritten each run) and are
    tried again by the next run. Returns counts: done before, labelled now, failed now."""
    _check_sizes(chunk_size, n_jobs)
    output = Path(output_path)
    errors = Path(errors_path) if errors_path else output.with_name(output.name + ".errors.jsonl")
    if not Path(input_path).exists():
        raise FileNotFoundError(f"{input_path}: no such file or folder")
    for folder in {output.parent, errors.parent}:  # as `stance train --out` does, before any work is done
        folder.mkdir(parents=True, exist_ok=True)
    source = Path(input_path).resolve()
    if output.resolve() == source:
        raise DataError(f"{output}: the output is the input; give another path")
    if errors.resolve() in (source, output.resolve()):
        raise DataError(f"{errors}: the errors file is the {'input' if errors.resolve() == source else 'output'}; "
                        "give another path")
    done = _finished_ids(output)
    errors.unlink(missing_ok=True)  # this run's failures only: earlier ones are retried below
    header = output.suffix.lower() == ".csv" and (not output.is_file() or output.stat().st_size == 0)
    todo = ((k, t) for k, t in read_articles(input_path, id_field, text_field)
            if isinstance(t, BadRecord) or str(k) not in done)  # a bad record is reported on every run
    stats = {"skipped": len(done), "labelled": 0, "failed": 0, "paragraphs": 0}
    bar = _progress(progress)
    rows_buf, err_buf = [], []

    def flush():
        nonlocal header
        rows, errs = rows_buf[:], err_buf[:]
        rows_buf.clear()  # before writing: a failed write must not be repeated by the final flush
        err_buf.clear()
        if rows:
            _append(output, _format_rows(rows, output, header))
            header = False
        if errs:
            _append(errors, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errs))

    good = ((k, t) for k, t in _split_bad(todo, err_buf, stats))
    try:
        for key, result in analyze_many(good, model=model, n_jobs=n_jobs, chunk_size=chunk_size, errors="keep"):
            if isinstance(result, str):
                err_buf.append({"id": key, "error": result})
                stats["failed"] += 1
            elif not (rows := result_rows(key, result)):  # only markup or invisible characters
                err_buf.append({"id": key, "error": _NO_PARAGRAPHS})
                stats["failed"] += 1
            else:
                rows_buf.extend(rows)
                stats["labelled"] += 1
                stats["paragraphs"] += len(rows)
            if bar is not None:
                bar.update(1)
            if stats["labelled"] % chunk_size == 0:
                flush()
    finally:  # an input error or an interrupt further on keeps what was labelled so far
        flush()
        if bar is not None:
            bar.close()
    return stats


_NO_PARAGRAPHS = "no paragraph to label: the text holds only markup, spaces or invisible characters"


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
    ``analyze_bag(db.read_text("articles-*.jsonl").map(json.loads)).to_dataframe()``.
    """
    return bag.map_partitions(_bag_partition, id_field, text_field)


def _bag_partition(records, id_field: str, text_field: str) -> list[dict]:
    rows = []
    for key, result in analyze_many(records, id_field=id_field, text_field=text_field, errors="keep"):
        if isinstance(result, str):
            rows.append({"id": key, "error": result})
        else:
            rows.extend(result_rows(key, result) or [{"id": key, "error": _NO_PARAGRAPHS}])
    return rows
