"""The `stance` command: a thin argparse front, one public function per subcommand.

Exit status: 0 success, 1 failure (bad file, bad model, failing validation, a batch in which every
article failed), 2 bad usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import sys
import threading
from pathlib import Path

EXAMPLES = """examples:
  stance analyze article.txt                  a table of paragraphs, stance and sentiment
  stance analyze a.txt b.txt --format jsonl   one JSON object per paragraph
  cat article.txt | stance analyze -          read standard input
  stance train data.csv --out my.skops        train on a CSV/JSONL with text and stance columns
  stance evaluate dev.csv --model my.skops    macro-F1, F_avg, per-class scores, confusion matrix
  stance batch articles.jsonl out.jsonl --jobs 2   label an archive, resumable
  stance batch in.csv out.csv --keep-columns outlet,date   ... with the outlet and date on every row
  stance validate training_data/corpus.jsonl  check a corpus against the codebook
"""


class Failure(Exception):
    """A problem to report in one line and exit 1."""


def _read_input(name: str) -> tuple[str, str]:
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(name)
        if path.is_dir():
            raise Failure(f"{name}: is a folder; use `stance batch` for folders of articles")
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise Failure(f"{name}: no such file") from None
        except OSError as exc:
            raise Failure(f"{name}: cannot read ({exc.strerror})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark ("Unicode" in Notepad)
        try:
            return name, data.decode("utf-16")
        except UnicodeDecodeError:
            raise Failure(f"{name}: starts as UTF-16 text but is not; save it as UTF-8") from None
    from .data import not_text, not_utf8

    problem = not_text(name, data[:8192])
    if problem:
        raise Failure(problem)
    try:
        return name, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Failure(not_utf8(name, exc)) from None


def _model(args):
    """The model named by --model; None for the shipped one (so batch workers each load it themselves)."""
    if not getattr(args, "model", None):
        return None
    from .persistence import load_model

    return load_model(args.model, trust=args.trust_model)


def cmd_analyze(args) -> int:
    from .analysis import analyze_batch

    inputs, failed = [], 0
    for name in args.files:  # a file that cannot be read is reported; the others are still labelled
        try:
            inputs.append(_read_input(name))
        except Failure as exc:
            if len(args.files) == 1:
                raise
            print(f"stance: error: {exc}", file=sys.stderr)
            failed += 1
    if not inputs:
        raise Failure(f"none of the {len(args.files)} files could be read")
    for name, _ in inputs:
        if Path(name).suffix.lower() in (".csv", ".tsv", ".jsonl", ".ndjson", ".json"):
            print(f"stance: {name} is read as one article; to label each of its records, use `stance batch`",
                  file=sys.stderr)
    for name, text in inputs:
        if not text.strip():
            print(f"stance: {name}: no text to label", file=sys.stderr)
    analyses = analyze_batch([t for _, t in inputs], model=_model(args))
    out = sys.stdout
    if args.format == "json":
        docs = [{"file": n, **a.to_dict()} for (n, _), a in zip(inputs, analyses)]
        json.dump(docs[0] if len(args.files) == 1 else docs, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "jsonl":
        for (n, _), a in zip(inputs, analyses):
            for p in a.paragraphs:
                out.write(json.dumps({"file": n, **p.to_dict()}, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        rows = [{"file": n, **r} for (n, _), a in zip(inputs, analyses) for r in a.to_records()]
        writer = csv.DictWriter(out, fieldnames=["file", *analyses[0].record_fields()], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for (n, _), a in zip(inputs, analyses):
            out.write(_table(n, a))
    return 1 if failed else 0


def _table(name: str, analysis) -> str:
    about = "" if analysis.relevance is None else f"  about={analysis.relevance:.2f}"
    lines = [f"{name}: overall {analysis.stance or '-'} "
             + " ".join(f"{k}={v:.2f}" for k, v in analysis.probabilities.items()) + about, "",
             f"{'#':>3}  {'kind':<11} {'stance':<8} {'conf':>5} {'about':>5}  {'sentiment':<16} {'means':<34} text"]
    for p in analysis.paragraphs:
        snippet = " ".join(p.text.split())
        snippet = snippet[:57] + "..." if len(snippet) > 60 else snippet
        if p.stance is None:
            lines.append(f"{p.index:>3}  {p.kind:<11} {'-':<8} {'':>5} {'':>5}  {'':<16} {'':<34} {snippet}")
            continue
        means = ", ".join(f"{m.means}:{m.stance[:3]}" for m in p.means)
        means = means[:31] + "..." if len(means) > 34 else means
        senti = f"{p.sentiment.label} {p.sentiment.compound:+.2f}"
        about = "-" if p.relevance is None else f"{p.relevance:.2f}"
        lines.append(f"{p.index:>3}  {p.kind:<11} {p.stance:<8} {p.confidence:>5.2f} {about:>5}  {senti:<16} "
                     f"{means:<34} {snippet}")
    return "\n".join(lines) + "\n\n"


def cmd_train(args) -> None:
    from .classifier import StanceClassifier
    from .data import read_labelled
    from .persistence import check_save_path

    check_save_path(args.out)  # before training, not after
    records = read_labelled(args.data, text=args.text_column, label=args.label_column, keep_unknown=args.any_labels)
    model = StanceClassifier(C=args.C, word_vectors=args.word_vectors)
    model.fit([r["text"] for r in records], [r["stance"] for r in records])
    path = model.save(args.out)
    print(f"trained on {len(records)} paragraphs ({', '.join(map(str, model.classes_))}); saved {path}")


def cmd_evaluate(args) -> None:
    from .data import read_labelled
    from .evaluation import evaluate
    from .persistence import shared_default_model

    records = read_labelled(args.data, text=args.text_column, label=args.label_column, keep_unknown=args.any_labels)
    model = _model(args) or shared_default_model()
    if args.min_relevance is not None:
        from .evaluation import _neutral_label

        try:
            _neutral_label([str(c) for c in model.classes_], args.min_relevance)
        except ValueError as exc:  # about the model, not the data
            raise Failure(f"--min-relevance: {exc}") from None
    try:
        report = evaluate(model, [r["text"] for r in records], [r["stance"] for r in records],
                          ids=[r.get("id") or f"line {r['line']}" for r in records],  # what a reader can find
                          min_relevance=args.min_relevance, errors=args.mistakes)
    except ValueError as exc:  # the labels do not fit the model: say which file holds them
        raise Failure(f"{args.data}: {exc}") from None
    if args.format == "json":
        print(report.to_json(indent=2))
    elif args.format == "markdown":
        print(report.to_markdown(title=f"Evaluation on {args.data}"))
    else:
        print(report.to_text())


def cmd_batch(args) -> None:
    from .batch import BatchInterrupted, errors_path_for, run_batch

    try:
        stats = run_batch(args.input, args.output, model=_model(args), n_jobs=args.jobs, chunk_size=args.chunk_size,
                          id_field=args.id_column, text_field=args.text_column, errors_path=args.errors,
                          progress=not args.no_progress and None,
                          keep=[c.strip() for c in args.keep_columns.split(",") if c.strip()])
    except BatchInterrupted as exc:
        where = (f"those are in {args.output}, and running" if exc.stats["labelled"] or exc.stats["skipped"]
                 else "running")
        raise KeyboardInterrupt(f"{_batch_summary(exc.stats)}; {where} the same command again goes on from there") \
            from None
    print(_batch_summary(stats), file=sys.stderr)
    if stats["never_kept"]:
        print(f"warning: no record labelled in this run ({stats['labelled']} in all) had a value for "
              f"{', '.join(map(repr, stats['never_kept']))}: misspelt in --keep-columns?", file=sys.stderr)
    if not (stats["failed"] or stats["labelled"] or stats["skipped"]):  # as an empty CSV (no header) fails
        raise Failure(f"{args.input}: nothing to label (no records)")
    if stats["failed"] and not stats["labelled"] and not stats["skipped"]:  # a rerun of finished work is no failure
        raise Failure(f"no article tried could be labelled ({stats['failed']} in all); why is in "
                      f"{args.errors or errors_path_for(args.output)}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _batch_summary(stats: dict) -> str:
    ignored = stats["ignored"]
    text = (f"labelled {_count(stats['labelled'], 'article')} ({_count(stats['paragraphs'], 'paragraph')}), "
            f"skipped {stats['skipped']} already done, {stats['failed']} failed")
    if ignored:
        names = ", ".join(ignored[:3]) + (f" and {len(ignored) - 3} more" if len(ignored) > 3 else "")
        text += (f"; skipped {len(ignored)} file{'s that are' if len(ignored) > 1 else ' that is'} not .txt or "
                 f".html: {names}")
    return text


def cmd_validate(args) -> None:
    from .data import validate_corpus

    problems = validate_corpus(args.corpus, check_balance=not args.no_balance)
    for p in _collapsed(problems)[: args.max]:
        print(p)
    if problems:
        raise Failure(f"{len(problems)} problem(s) in {args.corpus}")
    print(f"{args.corpus}: OK")


def _collapsed(problems: list[str]) -> list[str]:
    """Problems with one message on many lines (a file of another layout misses the same fields
    everywhere) given once, naming the first few other lines that have it."""
    by_message: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for p in problems:
        head, sep, message = p.partition(": ")
        where, _, line = head.rpartition(", line ")
        by_message.setdefault((where, message) if sep and where else (p, ""), []).append((p, line))
    out = []
    for found in by_message.values():
        first, lines = found[0][0], [line for _, line in found[1:]]
        if lines:
            more = ", ".join(lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
            first += f" (also line{'s' if len(lines) > 1 else ''} {more})"
        out.append(first)
    return out


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def _count_of_mistakes(value: str) -> int:
    if value == "all":
        return sys.maxsize
    if not value.isdecimal() or not value.isascii():
        raise argparse.ArgumentTypeError(f"expected a number of mistakes to list, or 'all', got {value!r}")
    return int(value)


def _jobs(value: str) -> int:
    try:
        return -1 if value == "-1" else _positive(value)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, at least 1 (or -1 for all cores), "
                                         f"got {value!r}") from None


def _probability(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"expected a probability from 0 to 1, got {value!r}")
    return number


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="stance", description="Each paragraph's stance toward intervention, "
                                     "and its sentiment.", epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"stance {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def model_opts(p):
        p.add_argument("--model", metavar="PATH", help="a model saved with `stance train` (default: the shipped one)")
        p.add_argument("--trust-model", action="store_true",
                       help="allow a pickle/joblib model file (it can run code: only files you made)")

    def column_opts(p):
        p.add_argument("--text-column", default="text", help="column holding the text (default: text)")
        p.add_argument("--label-column", default="stance", help="column holding the label (default: stance)")
        p.add_argument("--any-labels", action="store_true",
                       help="keep labels as they are instead of mapping them to support/oppose/neutral")

    p = sub.add_parser("analyze", help="label the paragraphs of articles", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="text or HTML files, or - for standard input; of several, one that cannot be read is "
                        "reported and the others labelled (exit status 1)")
    p.add_argument("--format", choices=("table", "json", "jsonl", "csv"), default="table",
                   help="json: one object for one file, a list for several (in scripts, jsonl or csv keep one "
                        "shape whatever the number of files)")
    model_opts(p)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("train", help="train a model on a labelled CSV/JSONL file")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--out", required=True, metavar="MODEL",
                   help="where to save: .skops (safe to load), or .joblib/.pkl (faster; loads only with --trust-model)")
    p.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength (default 1.0)")
    p.add_argument("--word-vectors", metavar="PATH",
                   help="pretrained word vectors, a word2vec/GloVe text file (e.g. glove.6B.100d.txt); the model "
                        "saves a copy")
    column_opts(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score a model on a labelled CSV/JSONL file")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--min-relevance", type=_probability, metavar="P",
                   help="count a text the relevance model puts below P (e.g. 0.5) as neutral, as a user who "
                        "filters off-topic text would")
    p.add_argument("--mistakes", type=_count_of_mistakes, default=10, metavar="N",
                   help="list the N most confident mistakes (default 10; 'all' lists every one)")
    model_opts(p)
    column_opts(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("batch", help="label an archive of articles, resumably")
    p.add_argument("input", metavar="INPUT", help="JSONL/JSON/CSV/TSV with id and text columns, or a folder of "
                   ".txt/.html articles (subfolders too), or one article")
    p.add_argument("output", metavar="OUTPUT", help="paragraph rows: .jsonl or .csv")
    p.add_argument("--jobs", type=_jobs, default=1, help="worker processes (default 1; -1: all cores)")
    p.add_argument("--chunk-size", type=_positive, default=256, help="articles per chunk written (default 256)")
    p.add_argument("--id-column", default="id")
    p.add_argument("--text-column", default="text")
    p.add_argument("--keep-columns", metavar="COLS", default="",
                   help="input columns copied to every row of their record, comma-separated (e.g. outlet,date); "
                        "column:name renames one (e.g. stance:gold, as the output has a stance column)")
    p.add_argument("--errors", metavar="PATH", help="where failed records go (default: OUTPUT.errors.jsonl)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    model_opts(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("validate", help="check a labelled corpus against the codebook")
    p.add_argument("corpus", metavar="CORPUS")
    p.add_argument("--no-balance", action="store_true", help="skip the label and crisis balance checks")
    p.add_argument("--max", type=int, default=50, help="show at most this many problems")
    p.set_defaults(func=cmd_validate)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, `timeout`, `docker stop`, a scheduler) ends a run as Ctrl-C does: what was
    labelled is kept and worker processes are stopped, rather than left running on their own."""


def _terminate(signum, frame):
    raise _Terminated()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .data import DataError
    from .persistence import ModelError

    # Only where SIGTERM would kill us anyway: on the main thread (signals go there), not if a caller chose
    # to ignore it, and not on Windows, where it never arrives.
    ours = (threading.current_thread() is threading.main_thread() and sys.platform != "win32"
            and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
    if ours:
        signal.signal(signal.SIGTERM, _terminate)
    try:
        status = args.func(args) or 0
    except (Failure, DataError, ModelError, FileNotFoundError, ValueError) as exc:
        print(f"stance: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (`| head`): not an error, and nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 0
    except OSError as exc:  # a folder where a file should be, no permission, a full disk
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"stance: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        terminated = any(isinstance(e, _Terminated) for e in _chain(exc))  # batch re-raises it with its counts
        print(f"stance: {'terminated' if terminated else 'interrupted'}{f': {exc}' if str(exc) else ''}",
              file=sys.stderr)
        return 143 if terminated else 130
    finally:
        if ours:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return status


def _chain(exc: BaseException):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__
