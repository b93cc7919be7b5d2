"""Many cue lists matched in one pass over a text's words.

Each cue list is a set of regular expressions, and its matches are defined as those of
``re.finditer`` with ``(?<![\\w-])(?:longest pattern first|...)(?![\\w-])``. Scanning a text
once per list made the lexicon a third of the classifier's time, although most of our
patterns are finite sets of phrases ("ground (?:troops|forces)"). So a list whose patterns all
spell out finitely many phrases, each starting and ending inside a word, is matched by looking
up the text's words in a table of those phrases; the others keep their regular expression.
The matches are the same (tests compare both on our corpus).
"""

from __future__ import annotations

import re
from itertools import accumulate, product

_WORD = re.compile(r"[\w-]+")
_WORD_SPLIT = re.compile(r"([\w-]+)")
_LIMIT = 5_000  # phrases one pattern may spell out before we leave it to the regex
_QUANTIFIERS = frozenset("*+{")


def bounded_regex(patterns, flags: int = 0) -> re.Pattern[str]:
    """The reference definition: alternatives longest first so "ground troops" wins over
    "troops", each match a run of whole words."""
    body = "|".join(f"(?:{p})" for p in _longest_first(patterns))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def _longest_first(patterns) -> list[str]:
    return sorted(set(patterns), key=lambda p: (-len(p), p))  # ties in a fixed order, whatever the hash seed


def spell_out(pattern: str) -> list[str] | None:
    """Every string `pattern` matches, in the order the regex engine tries them, or None when the
    pattern is not a small finite set (``\\w+``, ``*``, character classes with escapes...)."""
    try:
        options, rest = _sequence(pattern, 0)
    except _NotFinite:
        return None
    return options if rest == len(pattern) else None


class _NotFinite(Exception):
    pass


def _sequence(p: str, i: int) -> tuple[list[str], int]:
    """Options of the atoms from `i` up to a top-level '|' or ')'."""
    options = [""]
    while i < len(p) and p[i] not in "|)":
        atom, i = _atom(p, i)
        if i < len(p) and p[i] == "?":
            i += 1
            if i < len(p) and p[i] == "?":  # lazy: tries the empty option first
                raise _NotFinite
            atom = atom + [""]  # greedy: the atom, then without it
        if i < len(p) and p[i] in _QUANTIFIERS or len(options) * len(atom) > _LIMIT:
            raise _NotFinite
        options = ["".join(pair) for pair in product(options, atom)]
    return options, i


def _atom(p: str, i: int) -> tuple[list[str], int]:
    ch = p[i]
    if p.startswith("(?:", i):
        options, i = _sequence(p, i + 3)
        while i < len(p) and p[i] == "|":
            more, i = _sequence(p, i + 1)
            options += more
            if len(options) > _LIMIT:
                raise _NotFinite
        if i >= len(p):
            raise _NotFinite
        return options, i + 1
    if ch == "[":
        end = p.find("]", i)
        chars = p[i + 1:end]
        if end < 0 or not chars or any(c in chars for c in "\\^[") or "-" in chars[1:-1]:  # a range
            raise _NotFinite
        return list(dict.fromkeys(chars)), end + 1
    if ch == "\\":
        if i + 1 >= len(p) or p[i + 1].isalnum():
            raise _NotFinite
        return [p[i + 1]], i + 2
    if ch in "().^$*+?{":
        raise _NotFinite
    return [ch], i + 1


class PhraseMatcher:
    """Matches of named pattern lists, exactly as `bounded_regex(patterns, flags)` finds them.

    With no flags, a list goes to the phrase table if all its patterns spell out phrases that begin
    and end with a word character; a phrase's rank is its place in the regex's order of trying, so
    where several start at one word the one the regex would take wins, and matches of one list never
    overlap. Any flag (e.g. IGNORECASE) keeps every list a regex.
    """

    def __init__(self, named_patterns: dict[str, tuple[str, ...]], flags: int = 0):
        self.names = tuple(named_patterns)
        self._phrases: dict[str, list[tuple[int, int]]] = {}  # phrase -> [(list index, rank)]
        self._reach: dict[str, int] = {}  # first word -> most words a phrase starting with it spans
        self._tabled: list[int] = []
        self._regexes: dict[str, re.Pattern[str]] = {}  # the lists left to their regex
        for index, name in enumerate(self.names):
            phrases = None if flags else self._spelled(named_patterns[name])
            if not phrases:
                self._regexes[name] = bounded_regex(named_patterns[name], flags)
                continue
            self._tabled.append(index)
            for rank, phrase in enumerate(phrases):
                self._phrases.setdefault(phrase, []).append((index, rank))
                words = _WORD.findall(phrase)
                self._reach[words[0]] = max(self._reach.get(words[0], 0), len(words))

    @staticmethod
    def _spelled(patterns) -> list[str] | None:
        phrases = []
        for pattern in _longest_first(patterns):
            spelled = spell_out(pattern)
            if spelled is None or any(not s or not _is_word(s[0]) or not _is_word(s[-1]) for s in spelled):
                return None
            phrases += spelled
        return list(dict.fromkeys(phrases))  # a repeat can never win: its first rank already would

    def find(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """(start, end) of every match in `text`, by name, in text order."""
        found = {name: [m.span() for m in regex.finditer(text)] for name, regex in self._regexes.items()}
        if not self._tabled:
            return {name: found[name] for name in self.names}
        # Separators and words alternate in `pieces`, so word k ends at offsets[2k + 1]; only words that
        # can open a phrase (a few in ten) are looked at in Python.
        pieces = _WORD_SPLIT.split(text)
        offsets = list(accumulate(map(len, pieces)))
        words = pieces[1::2]
        hits: list[list[tuple[int, int]]] = [[] for _ in self.names]
        free = [0] * len(self.names)  # where each list's next match may start
        reach, phrases = self._reach, self._phrases
        for k, word in enumerate(words):
            span = reach.get(word)
            if span is None:
                continue
            start = offsets[2 * k]
            best: dict[int, tuple[int, int]] = {}
            for stop in offsets[2 * k + 1:2 * (k + span):2]:
                for index, rank in phrases.get(text[start:stop], ()):
                    if start >= free[index] and (index not in best or rank < best[index][0]):
                        best[index] = (rank, stop)
            for index, (_, stop) in best.items():
                hits[index].append((start, stop))
                free[index] = stop
        for index in self._tabled:
            found[self.names[index]] = hits[index]
        return {name: found[name] for name in self.names}


def _is_word(ch: str) -> bool:
    return ch == "-" or ch.isalnum() or ch == "_"
