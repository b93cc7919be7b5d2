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
import sys
from pathlib import Path
from typing import Iterable, Iterator

from .analysis import Analysis, analyze_batch

ROW_FIELDS = ("id", "n_paragraphs", "index", "kind", "start", "end", "stance", "confidence", "p_support",
              "p_oppose", "p_neutral", "sentiment", "compound", "means", "holders", "evidence", "text")


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _key_text(item, position: int, id_field: str, text_field: str):
    if isinstance(item, dict):
        return item.get(id_field, position), item.get(text_field)
    if isinstance(item, tuple) and len(item) == 2:
        return item
    return position, item


def _label_chunk(chunk: list, model) -> list:
    """(key, Analysis or error message) for each item; one bad text does not sink the chunk."""
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

    `items` may be strings (key = position), ``(key, text)`` pairs or dicts with `id_field` and
    `text_field`. With ``errors="keep"`` a bad item yields ``(key, error message)`` instead of raising.
    ``n_jobs`` > 1 labels chunks in joblib worker processes.
    """
    if errors not in ("raise", "keep"):
        raise ValueError("errors must be 'raise' or 'keep'")
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


def result_rows(key, analysis: Analysis) -> list[dict]:
    """The flat paragraph rows written for one article."""
    rows = analysis.to_records()
    return [{"id": key, "n_paragraphs": len(rows), **{k: r.get(k) for k in ROW_FIELDS[2:]}} for r in rows]


# --- input ---------------------------------------------------------------------------------------

def read_articles(path: str | os.PathLike, id_field: str = "id", text_field: str = "text") -> Iterator[tuple]:
    """(id, text) pairs from a JSONL/CSV file or a folder of .txt files, read lazily.
    Malformed records come through as (id, BadRecord) so they can be reported and skipped."""
    path = Path(path)
    if path.is_dir():
        for f in sorted(path.glob("*.txt")):
            try:
                yield f.stem, f.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError) as exc:
                yield f.stem, BadRecord(f"{f}: cannot read as UTF-8 text ({exc})")
        return
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or folder")
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield f"line-{n}", BadRecord(f"{path}, line {n}: not valid JSON ({exc.msg})")
                    continue
                yield _record_pair(rec, n, path, id_field, text_field)
        else:
            reader = csv.DictReader(fh)
            for rec in reader:
                yield _record_pair(rec, reader.line_num, path, id_field, text_field)


class BadRecord(str):
    """An input record that cannot be analysed, carrying the reason."""


def _record_pair(rec, n: int, path: Path, id_field: str, text_field: str):
    if not isinstance(rec, dict):
        return f"line-{n}", BadRecord(f"{path}, line {n}: expected an object with {id_field!r} and {text_field!r}")
    key = rec.get(id_field)
    if key in (None, ""):
        return f"line-{n}", BadRecord(f"{path}, line {n}: missing {id_field!r}")
    text = rec.get(text_field)
    if not isinstance(text, str):
        return key, BadRecord(f"{path}, line {n}: {text_field!r} is {type(text).__name__}, expected text")
    return key, text


# --- output and resume ---------------------------------------------------------------------------

def _finished_ids(output: Path, errors: Path) -> set:
    """Ids already complete in `output` (all their rows present) or already reported in `errors`.
    Rows of an article cut short by an interrupt are dropped from the file here."""
    done: set = set()
    if errors.is_file():
        for line in errors.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                done.add(str(json.loads(line)["id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                pass
    if not output.is_file():
        return done
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
    return done | complete


def _has_partial_tail(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return False
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) != b"\n"


def _read_rows(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        return [r for r in rows if r.get("n_paragraphs") not in (None, "") and None not in r]
    rows = []
    for line in text.splitlines(keepends=True):
        if line.endswith("\n"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
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
    Returns counts: done before, labelled now, failed now."""
    output = Path(output_path)
    errors = Path(errors_path) if errors_path else output.with_name(output.name + ".errors.jsonl")
    done = _finished_ids(output, errors)
    header = output.suffix.lower() == ".csv" and (not output.is_file() or output.stat().st_size == 0)
    todo = ((k, t) for k, t in read_articles(input_path, id_field, text_field) if str(k) not in done)
    stats = {"skipped": len(done), "labelled": 0, "failed": 0, "paragraphs": 0}
    bar = _progress(progress)
    rows_buf, err_buf = [], []

    def flush():
        nonlocal header
        if rows_buf:
            _append(output, _format_rows(rows_buf, output, header))
            header = False
        if err_buf:
            _append(errors, "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in err_buf))
        rows_buf.clear()
        err_buf.clear()

    good = ((k, t) for k, t in _split_bad(todo, err_buf, stats))
    for key, result in analyze_many(good, model=model, n_jobs=n_jobs, chunk_size=chunk_size, errors="keep"):
        if isinstance(result, str):
            err_buf.append({"id": key, "error": result})
            stats["failed"] += 1
        else:
            rows = result_rows(key, result)
            rows_buf.extend(rows)
            stats["labelled"] += 1
            stats["paragraphs"] += len(rows)
        if bar is not None:
            bar.update(1)
        if stats["labelled"] % chunk_size == 0:
            flush()
    flush()
    if bar is not None:
        bar.close()
    return stats


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
            rows.extend(result_rows(key, result))
    return rows
