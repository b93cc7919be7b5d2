"""Reading labelled files, mapping other corpora's labels to ours, and checking our corpus.

Every error names the file and the line (1-based, as an editor shows it), because users
feed us spreadsheets and exports and need to find the bad row.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Iterator

LABELS = ("support", "oppose", "neutral")

#: Other corpora's stance labels, mapped to ours.
LABEL_MAP = {
    "support": "support", "oppose": "oppose", "neutral": "neutral",
    "favor": "support", "favour": "support", "pro": "support", "for": "support",
    "against": "oppose", "con": "oppose", "anti": "oppose", "none": "neutral", "neither": "neutral",
}
VAST_LABELS = {"0": "oppose", "1": "support", "2": "neutral"}


class DataError(ValueError):
    """A labelled file that cannot be used; the message names the file and line."""


def allow_long_csv_fields() -> None:
    """Let CSV fields hold whole articles: Python's csv stops at 131,072 characters by default."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def csv_reader(fh, path, delimiter: str = ",", quoted: bool = True) -> csv.DictReader:
    """A DictReader over `fh` with its header checked. In a CSV a quoted field left open is an error,
    not the rest of the file read as one text; a TSV is read leniently, as hand-made ones often hold
    quote marks as text. `quoted=False` is for SemEval's tab-separated .txt files, written without
    quoting: a tweet's lone quote mark would otherwise swallow the rows after it."""
    allow_long_csv_fields()
    reader = csv.DictReader(fh, delimiter=delimiter, strict=delimiter == ",",
                            **({} if quoted else {"quoting": csv.QUOTE_NONE}))
    try:
        names = reader.fieldnames
    except csv.Error as exc:
        raise DataError(f"{path}, line 1: unreadable header ({exc})") from None
    if not names:
        raise DataError(f"{path}: the file is empty (no header row)")
    twice = [name for name, count in Counter(names).items() if count > 1 and name.strip()]  # not Excel's blanks
    if twice:
        raise DataError(f"{path}, line {reader.line_num}: column {twice[0]!r} appears twice in the header")
    return reader


def csv_rows(reader: csv.DictReader, path) -> Iterator[tuple[int, dict]]:
    """(first line, record) for each row: a quoted text may span several lines, blank lines are skipped."""
    while True:
        after = reader.line_num  # the last line of the record before
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            opened = " (a quoted text is never closed)" if "end of data" in str(exc) else ""
            raise DataError(f"{path}, line {after + 1}: unreadable CSV: {exc}{opened}") from None
        fields = [v for v in record.values() if isinstance(v, str)] + list(record.get(None) or ())
        yield reader.line_num - sum(v.count("\n") + v.count("\r") - v.count("\r\n") for v in fields), record


def read_records(path: str | os.PathLike) -> Iterator[tuple[int, dict]]:
    """(line number, record) from a CSV, TSV (quoted as pandas and Excel write it), JSONL, JSON array or
    SemEval .txt file (tab-separated, unquoted), by its extension."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path}: is a folder, expected a CSV/TSV/JSONL file")
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            if suffix in (".jsonl", ".ndjson", ".json"):
                array = json_array(fh, path, suffix)
                for n, record in array if array is not None else _json_lines(fh, path):
                    if not isinstance(record, dict):
                        hint = "" if array is not None else " (JSON Lines: one object per line, not one array)"
                        raise DataError(f"{path}, line {n}: expected a JSON object, got {type(record).__name__}{hint}")
                    yield n, record
            else:
                reader = csv_reader(fh, path, delimiter="\t" if suffix in (".tsv", ".txt") else ",",
                                    quoted=suffix != ".txt")
                for n, record in csv_rows(reader, path):
                    if None in record:
                        raise DataError(f"{path}, line {n}: more fields than the header has")
                    yield n, record
    except UnicodeDecodeError:
        raise DataError(f"{path}, line {_first_bad_line(path)}: not UTF-8 text") from None


def _json_lines(fh, path) -> Iterator[tuple[int, object]]:
    for n, line in enumerate(fh, 1):
        if line.strip():
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}, line {n}: not valid JSON ({exc.msg})") from None


def json_array(fh, path, suffix: str) -> Iterator[tuple[int, object]] | None:
    """(line, element) for each element of a .json file holding one JSON array, the usual export
    (``json.dump(records, f, indent=2)``), each named by the line it starts on; None for any other file,
    which is JSON Lines, to be read from `fh`'s start. The elements before a syntax error still come out."""
    if suffix != ".json":
        return None
    first = " "
    while first.isspace():
        first = fh.read(1)
    fh.seek(0)
    return _array_elements(fh.read(), path) if first == "[" else None


_SPACE = re.compile(r"\s*")


def _array_elements(text: str, path) -> Iterator[tuple[int, object]]:
    decoder, line, counted = json.JSONDecoder(), 1, 0
    pos = _SPACE.match(text, text.index("[") + 1).end()
    while not text.startswith("]", pos):
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
        line, counted = line + text.count("\n", counted, pos), pos
        yield line, value
        pos = _SPACE.match(text, end).end()
        if text.startswith(",", pos):
            pos = _SPACE.match(text, pos + 1).end()
        elif not text.startswith("]", pos):
            break
    if not text.startswith("]", pos) or text[pos + 1:].strip():
        line += text.count("\n", counted, pos)
        raise DataError(f"{path}, line {line}: not valid JSON (expected ',' between the array's elements, or ']' "
                        "at its end and nothing after it)")


#: The first bytes of files given for articles that are not UTF-8 text, and what to do about each.
_NOT_TEXT = ((b"%PDF", "a PDF: extract its text first (e.g. `pdftotext file.pdf`)"),
             (b"PK\x03\x04", "a zip archive (as .docx, .xlsx and .odt files are): save it as plain text or CSV first"),
             (b"\xd0\xcf\x11\xe0", "an old Word or Excel file (.doc, .xls): save it as plain text or CSV first"),
             (b"\x1f\x8b", "gzip-compressed: decompress it first (gunzip)"),
             (b"\xff\xfe", 'UTF-16 text ("Unicode" in Notepad): save it as UTF-8'),
             (b"\xfe\xff", "UTF-16 text: save it as UTF-8"))


def not_text(name, head: bytes) -> str | None:
    """Why a file starting with `head` is not text, or None. A PDF or Word file is named as such: "not
    UTF-8, save it as UTF-8" would send its user looking for an encoding setting."""
    for magic, what in _NOT_TEXT:
        if head.startswith(magic):
            return f"{name}: is {what}"
    return f"{name}: looks like a binary file, not text" if b"\x00" in head else None


def separator_hint(columns) -> str:
    """A hint when a header was read as one column: a CSV saved with ';' (Excel in much of Europe) or
    tabs, or a .tsv that is comma-separated."""
    names = [str(c) for c in columns if c is not None]
    if len(names) == 1:
        for sep, what, fix in ((";", "';'", "save it comma-separated"), ("\t", "tabs", "name it .tsv"),
                               (",", "commas", "name it .csv")):
            if sep in names[0]:
                return f"; it looks separated by {what}: {fix}"
    return ""


def not_utf8(name, exc: UnicodeDecodeError) -> str:
    """The message for text that is not UTF-8, naming its line and the byte."""
    line = exc.object.count(b"\n", 0, exc.start) + 1
    return f"{name}, line {line}: not UTF-8 text (byte {exc.object[exc.start]:#04x}); save it as UTF-8"


def _first_bad_line(path: Path) -> int:
    for n, line in enumerate(path.read_bytes().splitlines(), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return n
    return 1


def _short_row(path, record: dict) -> str:
    """Why a value may be missing: csv fills a row with fewer fields than the header with None."""
    short = None in record.values() and Path(path).suffix.lower() in (".csv", ".tsv", ".txt")
    return " (the row has fewer fields than the header)" if short else ""


def read_labelled(path: str | os.PathLike, text: str = "text", label: str = "stance",
                  label_map: dict[str, str] | None = None, keep_unknown: bool = False) -> list[dict]:
    """Records with non-empty `text` and a known `label`, renamed to ``text``/``stance``.

    Labels are mapped through `label_map` (default: ours plus SemEval's FAVOR/AGAINST/NONE);
    pass ``keep_unknown=True`` to keep every label as it is, mapping none (training on another
    label set, where "neutral" and "none" may well be two classes).
    """
    mapping = {k.lower(): v for k, v in (label_map or LABEL_MAP).items()}
    records, seen_ids, problems = [], {}, {}  # problem -> its lines, so that one said on many lines is said once
    listed = None  # the first unknown label's problem, which lists the labels we know
    json_lines = Path(path).suffix.lower() in (".jsonl", ".ndjson", ".json")
    for n, rec in read_records(path):
        missing = [col for col in (text, label) if col not in rec]
        if missing:  # in a CSV/TSV a header problem, named as one; in JSON Lines this record's
            problem = (f"missing column {missing[0]!r} (columns: {', '.join(map(str, rec))}){separator_hint(rec)}; "
                       "choose others with --text-column/--label-column")
            if not json_lines:
                raise DataError(f"{path}, header: {problem}")
            problems.setdefault(problem, []).append(n)
            continue
        problem = _row_problem(path, rec, text, label, mapping, keep_unknown, seen_ids, n)
        if problem:
            if problem.startswith("unknown label"):
                if listed is not None and problem != listed:
                    problem = problem.split(" (expected", 1)[0]  # the labels we know are listed once
                listed = listed or problem
            problems.setdefault(problem, []).append(n)
            continue
        records.append({**rec, "text": rec[text], "stance": str(rec[label]).strip() if keep_unknown
                        else mapping[str(rec[label]).strip().lower()], "line": n})
    if problems:  # all of them at once, so that one run finds every line to fix
        said = [f"{path}, {_lines(lines)}: {problem}" for problem, lines in list(problems.items())[:5]]
        more = sum(map(len, list(problems.values())[5:]))
        raise DataError("\n".join(said) + (f"; and {more} more line{'s' * (more > 1)}" if more else ""))
    if not records:
        raise DataError(f"{path}: no labelled rows")
    return records


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:5])) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
    return f"line{'s' * (len(numbers) > 1)} {shown}"


def _row_problem(path, rec: dict, text: str, label: str, mapping: dict, keep_unknown: bool, seen_ids: dict,
                 n: int) -> str | None:
    body, raw = rec[text], rec[label]
    if body is None:
        return f"no value in {text!r}{_short_row(path, rec)}"
    if not isinstance(body, str):
        return f"{text!r} is {type(body).__name__}, expected text"
    if not body.strip():
        return f"empty {text!r}"
    if raw is None or not str(raw).strip():  # not "None", which would read as SemEval's NONE
        return f"no label in {label!r}{_short_row(path, rec) if raw is None else ''}"
    raw = str(raw).strip()
    if not keep_unknown and raw.lower() not in mapping:
        return (f"unknown label {raw!r} in {label!r} (expected one of: {', '.join(sorted(set(mapping)))}; "
                "to keep your own labels as they are, use --any-labels or keep_unknown=True)")
    rid = rec.get("id")
    if not isinstance(rid, (str, int, float, type(None))):
        return f"'id' must be a string or a number, got {type(rid).__name__}"
    if rid not in (None, ""):
        if rid in seen_ids:
            return f"duplicated id {rid!r} (first on line {seen_ids[rid]})"
        seen_ids[rid] = n
    return None


def load_semeval(path: str | os.PathLike) -> list[dict]:
    """SemEval-2016 Task 6 (tab-separated ID/Target/Tweet/Stance, or a CSV with those columns)."""
    first = Path(path).open(encoding="utf-8-sig", errors="replace").readline()
    text = "Tweet" if "Tweet" in first else "text"
    label = "Stance" if "Stance" in first else "stance"
    rows = read_labelled(path, text=text, label=label)
    target = "Target" if "Target" in rows[0] else "target"
    return [{**r, "target": r.get(target)} for r in rows]


def load_vast(path: str | os.PathLike) -> list[dict]:
    """VAST (Allaway & McKeown 2020): post, topic_str, label (0 con, 1 pro, 2 neutral)."""
    rows = read_labelled(path, text="post", label="label", label_map=VAST_LABELS)
    return [{**r, "target": r.get("topic_str")} for r in rows]


def load_intervention_benchmark(path: str | os.PathLike) -> list[dict]:
    """Our intervention benchmark CSVs: text, stance, topic_group."""
    rows = read_labelled(path)
    for r in rows:
        if "topic_group" not in r:
            raise DataError(f"{path}, line {r['line']}: missing column 'topic_group'")
    return rows


# --- the corpus validator ------------------------------------------------------------------------

MEANS = ("ground_troops", "air_strikes", "no_fly_zone", "arms", "training", "funding", "logistics", "intelligence",
         "peacekeeping", "sanctions", "humanitarian_aid", "diplomacy")
GENRES = ("news_report", "op_ed", "editorial", "official_statement", "parliamentary_speech", "think_tank_analysis",
          "reader_comment", "social_post", "debate_argument")
FRAMES = ("humanitarian_duty", "security_threat", "credibility", "legality_mandate", "sovereignty", "cost",
          "quagmire", "civilian_harm", "blowback", "effectiveness", "exit_strategy", "colonial_history",
          "public_opinion", "alliance_obligation", "regional_stability", "economic_interest",
          "background", "chronology", "procedure", "balanced", "unrelated")
HARD_TYPES = ("limited_support", "conditional", "sarcasm", "rhetorical_question", "negation", "lifting_sanctions",
              "ending_mission", "hindsight", "both_sides", "attributed", "concessive", "implicit")
FIELDS = ("id", "text", "stance", "means", "holder", "frame", "genre", "crisis", "hard", "hard_type", "split")
_WORD = re.compile(r"[a-z0-9']+")


def split_for(record_id: str) -> str:
    """The fixed train/test split of a corpus id: about 80/20, from a hash, never changing."""
    import hashlib

    return "train" if int(hashlib.sha256(record_id.encode()).hexdigest()[:8], 16) % 100 < 80 else "test"


def validate_corpus(path: str | os.PathLike, shingle: int = 10, check_balance: bool = True) -> list[str]:
    """Problems in a corpus file, one message each naming the line. Empty list: all good."""
    problems: list[str] = []
    ids: dict[str, int] = {}
    texts: dict[str, int] = {}
    shingles: dict[tuple, int] = {}
    labels: Counter = Counter()
    crises: Counter = Counter()
    lengths = []
    try:
        records = list(read_records(path))
    except DataError as exc:
        return [str(exc)]
    for n, r in records:
        where = f"{path}, line {n}"
        words = _check_record(n, where, r, FIELDS, ids, texts, 20, 250, problems)
        if words is None:
            continue
        if r["genre"] not in GENRES:
            problems.append(f"{where}: genre {r['genre']!r} is not one of the codebook's genres")
        if r["frame"] not in FRAMES:
            problems.append(f"{where}: frame {r['frame']!r} is not one of the codebook's frames")
        if r["split"] not in ("train", "test") or r["split"] != split_for(str(r["id"])):
            problems.append(f"{where}: split {r['split']!r} differs from the fixed split {split_for(str(r['id']))!r}")
        if not isinstance(r["hard"], bool) or (r["hard"] and r["hard_type"] not in HARD_TYPES):
            problems.append(f"{where}: hard must be true/false, and hard_type one of {HARD_TYPES} when true")
        if not isinstance(r["means"], list) or any(
                not isinstance(m, dict) or m.get("means") not in MEANS or m.get("stance") not in LABELS
                for m in r["means"]):
            problems.append(f"{where}: means must be a list of {{means, stance}} with known values")
        if not isinstance(r["holder"], str) or not r["holder"].strip():
            problems.append(f"{where}: holder must be 'author' or the actor's name")
        for i in range(len(words) - shingle + 1):
            gram = tuple(words[i:i + shingle])
            first = shingles.setdefault(gram, n)
            if first != n:
                problems.append(f"{where}: shares the {shingle}-word run {' '.join(gram)!r} with line {first}")
                break
        labels[r["stance"]] += 1
        crises[r["crisis"]] += 1
        lengths.append(len(words))
    total = sum(labels.values())
    if check_balance and total:
        for lab in LABELS:
            if labels[lab] / total < 0.25:
                problems.append(f"{path}: label {lab!r} is {labels[lab] / total:.1%} of the corpus (minimum 25%)")
        for crisis, c in crises.items():
            if c / total > 0.05:
                problems.append(f"{path}: crisis {crisis!r} is {c / total:.1%} of the corpus (maximum 5%)")
    return problems


def validate_claims(path: str | os.PathLike, max_words: int = 25) -> list[str]:
    """Problems in a file of short labelled claims (id, text, stance, crisis), one message per line."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    texts: dict[str, int] = {}
    try:
        records = list(read_records(path))
    except DataError as exc:
        return [str(exc)]
    for n, r in records:
        shortest = 1 if r.get("stance") == "neutral" else 3  # a fragment ("war", "Yes.") takes no side
        _check_record(n, f"{path}, line {n}", r, ("id", "text", "stance", "crisis"), seen, texts, shortest,
                      max_words, problems)
    return problems


def _check_record(n: int, where: str, r: dict, fields, ids: dict, texts: dict, min_words: int, max_words: int,
                  problems: list[str]) -> list[str] | None:
    """Checks every labelled file shares: fields, text, unique id and text, label, length. Returns the
    text's words, or None when the record is too broken to check further."""
    missing = [f for f in fields if f not in r]
    if missing:
        problems.append(f"{where}: missing field(s) {', '.join(missing)}")
        return None
    not_plain = [f for f in ("id", "stance", "crisis") if f in fields and not isinstance(r[f], (str, int))]
    if not_plain:
        problems.append(f"{where}: {', '.join(not_plain)} must be a string, got "
                        f"{', '.join(type(r[f]).__name__ for f in not_plain)}")
        return None
    if not isinstance(r["text"], str) or not r["text"].strip():
        problems.append(f"{where}: empty text")
        return None
    if r["id"] in ids:
        problems.append(f"{where}: duplicated id {r['id']!r} (first on line {ids[r['id']]})")
    ids[r["id"]] = n
    if r["stance"] not in LABELS:
        problems.append(f"{where}: stance {r['stance']!r} is not one of {LABELS}")
    words = _WORD.findall(r["text"].lower())
    if not min_words <= len(words) <= max_words:
        problems.append(f"{where}: {len(words)} words, outside {min_words}-{max_words}")
    key = " ".join(words)
    if key in texts:
        problems.append(f"{where}: same text as line {texts[key]}")
    texts[key] = n
    return words
