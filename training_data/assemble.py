"""Merge the writers' part files into corpus.jsonl and print the datacard's tables.

    python training_data/assemble.py            # merge parts/*.jsonl -> corpus.jsonl
    python training_data/assemble.py --stats    # only print the tables for DATACARD.md

Merging normalises whitespace, assigns the fixed split (stance.data.split_for), and drops
paragraphs that break the corpus rules (length, a shared 10-word run with an earlier
paragraph), reporting each drop so a writer can fix it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from stance.data import FIELDS, split_for, validate_corpus

HERE = Path(__file__).parent
WORD = re.compile(r"[a-z0-9']+")


_TOPICS = {"sanctions": "sanctions", "arms": "arming", "training": "arming", "funding": "arming",
           "peacekeeping": "peacekeeping", "humanitarian_aid": "humanitarian", "no_fly_zone": "humanitarian"}


def _general_topic(r: dict) -> str:
    """Principle-level paragraphs ("general") grouped by the kind of intervention they argue about,
    so that no single key dominates and grouped cross-validation has meaningful groups."""
    for m in r.get("means", []):
        if m.get("means") in _TOPICS:
            return "general_" + _TOPICS[m["means"]]
    return "general_force"


def merge() -> None:
    rows, seen, dropped = [], {}, Counter()
    for part in sorted((HERE / "parts").glob("part_*.jsonl")):
        for n, line in enumerate(part.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                print(f"{part.name}:{n}: bad JSON, dropped")
                dropped["json"] += 1
                continue
            r["text"] = " ".join(str(r.get("text", "")).split())
            r.setdefault("hard", False)
            r.setdefault("hard_type", None)
            r["split"] = split_for(str(r.get("id")))
            if r.get("crisis") == "general":
                r["crisis"] = _general_topic(r)
            words = WORD.findall(r["text"].lower())
            if not 20 <= len(words) <= 250:
                dropped["length"] += 1
                continue
            grams = {tuple(words[i:i + 10]) for i in range(len(words) - 9)}
            clash = next((seen[g] for g in grams if g in seen), None)
            if clash:
                print(f"{part.name}:{n} ({r.get('id')}): shares a 10-word run with {clash}, dropped")
                dropped["overlap"] += 1
                continue
            for g in grams:
                seen[g] = r.get("id")
            rows.append({f: r.get(f) for f in FIELDS})
    out = HERE / "corpus.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} paragraphs to {out}; dropped {dict(dropped)}")


def table(counter: Counter, total: int, title: str, top: int | None = None) -> str:
    lines = [f"| {title} | n | % |", "|---|---:|---:|"]
    for k, v in counter.most_common(top):
        lines.append(f"| {k} | {v} | {100 * v / total:.1f} |")
    return "\n".join(lines)


def stats() -> None:
    path = HERE / "corpus.jsonl"
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    n = len(rows)
    lengths = sorted(len(WORD.findall(r["text"].lower())) for r in rows)
    print(f"paragraphs: {n}; words min {lengths[0]}, median {lengths[n // 2]}, max {lengths[-1]}\n")
    for field in ("stance", "split", "genre", "frame", "hard_type", "holder_kind"):
        if field == "holder_kind":
            c = Counter("author" if r["holder"] == "author" else "named actor" for r in rows)
        else:
            c = Counter(str(r[field]) for r in rows)
        print(table(c, n, field) + "\n")
    print(table(Counter(r["crisis"] for r in rows), n, "crisis") + "\n")
    print(table(Counter(m["means"] + ":" + m["stance"] for r in rows for m in r["means"]), n, "means:stance") + "\n")
    by = Counter((r["split"], r["stance"]) for r in rows)
    print("| split | support | oppose | neutral |\n|---|---:|---:|---:|")
    for s in ("train", "test"):
        print(f"| {s} | {by[(s, 'support')]} | {by[(s, 'oppose')]} | {by[(s, 'neutral')]} |")
    openings = Counter(" ".join(r["text"].split()[:3]) for r in rows)
    print("\nMost repeated 3-word openings:", openings.most_common(8))
    tri = Counter(g for r in rows for g in {" ".join(t) for t in zip(*(WORD.findall(r["text"].lower())[i:]
                                                                       for i in range(3)))})
    print("Trigrams in the most paragraphs:", tri.most_common(12))
    problems = validate_corpus(path)
    print(f"\nvalidator: {len(problems)} problem(s)", *problems[:20], sep="\n")


if __name__ == "__main__":
    if "--stats" not in sys.argv:
        merge()
    stats()
