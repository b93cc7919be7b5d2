"""Scale benchmark for `stance batch`: throughput with 1 and 2 processes, memory as the corpus
grows, and the cost of a resume. Writes benchmarks/SCALE.md (which benchmarks/run.py copies into
RESULTS.md).

    python benchmarks/scale.py                 # 200,000 paragraphs (about 10-20 minutes on 2 cores)
    python benchmarks/scale.py --paragraphs 20000

The synthetic corpus is made of our own training paragraphs, grouped five to an article, each
article numbered so no two are identical (the library caches nothing across articles that way).
Memory is the peak resident set of the whole process tree (the batch process and its workers),
sampled from /proc every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(path: Path, paragraphs: int, per_article: int = 5) -> int:
    rows = [json.loads(line)["text"] for line in (ROOT / "training_data" / "corpus.jsonl").open(encoding="utf-8")]
    with open(path, "w", encoding="utf-8") as fh:
        for a in range(paragraphs // per_article):
            body = "\n\n".join(rows[(a * per_article + k) % len(rows)] for k in range(per_article))
            fh.write(json.dumps({"id": f"art{a:07d}", "text": f"Dispatch {a}\n\n{body}"}) + "\n")
    return paragraphs // per_article


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as fh:
                rss[int(entry)] = next((int(line.split()[1]) for line in fh if line.startswith("VmRSS")), 0)
            children.setdefault(ppid, []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_batch(src: Path, out: Path, jobs: int, kill_after: float | None = None) -> dict:
    cmd = [sys.executable, "-m", "stance", "batch", str(src), str(out), "--jobs", str(jobs), "--no-progress"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the batch process and its workers, as a crash would
    _, err = proc.communicate()
    done.set()
    sampler.join()
    return {"seconds": time.perf_counter() - start, "peak_mb": peak / 1024, "stderr": err.strip()[-300:],
            "code": proc.returncode}


def paragraphs_in(out: Path) -> int:
    """Prose paragraphs written (each article also has a title row, which is not counted)."""
    if not out.exists():
        return 0
    return sum(json.loads(line)["kind"] == "prose" for line in out.open(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SCALE.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        small, big = tmp / "small.jsonl", tmp / "big.jsonl"
        n_small = min(20_000, args.paragraphs)
        make_corpus(small, n_small)
        make_corpus(big, args.paragraphs)
        for jobs in (1, 2):
            out = tmp / f"big-{jobs}.jsonl"
            r = run_batch(big, out, jobs)
            n = paragraphs_in(out)
            rows.append([f"{args.paragraphs:,} paragraphs, --jobs {jobs}", f"{n / r['seconds']:.0f}",
                         f"{r['peak_mb']:.0f}", f"{r['seconds']:.0f}"])
            print(rows[-1], r["stderr"], flush=True)
        out = tmp / "small-2.jsonl"
        r = run_batch(small, out, 2)
        rows.append([f"{n_small:,} paragraphs, --jobs 2", f"{paragraphs_in(out) / r['seconds']:.0f}",
                     f"{r['peak_mb']:.0f}", f"{r['seconds']:.0f}"])
        print(rows[-1], flush=True)
        # resume: a run killed half way, then restarted; and a rerun with nothing left to do
        out = tmp / "resume.jsonl"
        first = run_batch(small, out, 2, kill_after=rows[-1][3] and float(rows[-1][3]) / 2)
        kept = paragraphs_in(out)
        second = run_batch(small, out, 2)
        total = paragraphs_in(out)
        again = run_batch(small, out, 2)
        unique = len({(json.loads(line)["id"], json.loads(line)["index"]) for line in out.open()})
    resume = [["killed after", f"{first['seconds']:.0f} s", f"{kept:,} paragraphs kept"],
              ["resumed run", f"{second['seconds']:.0f} s", f"{total:,} paragraphs in the end, {unique:,} unique "
               f"(expected {n_small:,})"],
              ["rerun with all done (skip cost)", f"{again['seconds']:.1f} s", again["stderr"]]]
    text = ("\n### Scale: `stance batch` (paragraphs per second, peak memory of the whole process tree)\n\n"
            "Command: `python benchmarks/scale.py --paragraphs {:,}`\n\n".format(args.paragraphs)
            + "| run | paragraphs/s | peak MB | seconds |\n|---|---|---|---|\n"
            + "\n".join("| " + " | ".join(r) + " |" for r in rows)
            + "\n\nResume after `kill -9` half way (20,000 paragraphs, --jobs 2):\n\n| step | time | result |\n"
              "|---|---|---|\n" + "\n".join("| " + " | ".join(r) + " |" for r in resume) + "\n")
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
