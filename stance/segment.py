"""Text -> paragraph spans with offsets and a kind; paragraph -> sentences.

Offsets always point into the string the caller gave us, so a result can be traced
back to the source (``text[start:end]`` is the paragraph for plain text, except that a word
hyphenated across a line end is made whole again; for HTML input it is the raw inner HTML
of the ``<p>`` element and ``Paragraph.text`` is its cleaned text). Nothing here needs nltk_data:
sentence splitting uses Punkt with abbreviation parameters we supply instead of the downloadable pickles.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

PROSE, TITLE, HEADING, BYLINE, BOILERPLATE = "prose", "title", "heading", "byline", "boilerplate"
KINDS = (PROSE, TITLE, HEADING, BYLINE, BOILERPLATE)

# One-line notices that frame an article but say nothing about it: phrases prose hardly uses anywhere
# in a line, and words prose does use ("refused to sign up to the sanctions", "argued for copyright
# reform", "the report, published March 3") that mark a notice only when they open the line.
_BOILERPLATE = re.compile(
    r"archive of|all rights reserved|\u00a9|newsletter|click here|read more|advertisement|related:|"
    r"related articles|photo(?:graph)?:|image:|credit:|getty images|reporting by|editing by|additional reporting|"
    r"this (?:article|story|post) (?:is (?:more than|from|part of|an? excerpt)|was|first|originally|has been)|"
    r"originally published|terms of (?:use|service)|listen to this|watch:|video:|\buses? cookies|"
    r"to continue reading|please subscribe|subscribe (?:now|today|here)|\bsign up here|"
    r"sign up (?:for|to) our|follow us on (?:twitter|x|facebook|instagram|linkedin|social)|"
    r"share this (?:article|story|post|page)|\ball times (?:are|local)\b|"
    r"^\W*(?:copyright|subscribe|sign up|follow us|share this|times are|cookies|(?:tweet|email|print) this|"
    r"(?:last )?updated:? \w+ \d|published:? \w+ \d)\b",
    re.IGNORECASE,
)
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # ASCII and Latin-1 capitals: "By \u00c9mile Durand"
_BYLINE = re.compile(rf"^(?:[Bb]y|BY|[Ff]rom)\s+[{_UPPER}][\w.'\u2019-]*(?:\s+[{_UPPER}][\w.'\u2019-]*){{0,3}}"
                     r"(?:\s*(?:,|and|&).*)?$")
_TERMINAL = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]]*$")
_HTML_P = re.compile(r"<(p|h[1-6]|li|blockquote)(?![\w-])[^<>]{0,2000}>(.*?)"
                     r"(?=</\1\s*>|<(?:p|h[1-6]|li|blockquote)(?![\w-])|$)", re.IGNORECASE | re.DOTALL)
_P_TAG = re.compile(r"<p(?![\w-])[^<>]{0,2000}>", re.IGNORECASE)
# Text a page holds outside those elements: a <div>, a table cell or a section with no block inside it.
_BLOCK = r"(?:div|td|th|section|article|main|dd|figcaption|p|h[1-6]|li|blockquote|table|tr|ul|ol)(?![\w-])"
_LEAF = re.compile(rf"<(?:div|td|th|section|article|main|dd|figcaption)(?![\w-])[^<>]{{0,2000}}>"
                   rf"([^<]*(?:<(?!/?{_BLOCK})[^<]*)*)", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,2000}>")
# What a browser never shows as text: scripts, styles, templates and comments.
_UNSHOWN = re.compile(r"<!--.*?(?:-->|$)|<(script|style|noscript|template)(?![\w-])[^<>]{0,2000}>.*?(?:</\1\s*>|$)",
                      re.IGNORECASE | re.DOTALL)
_FRAME = re.compile(r"<(nav|aside|footer)(?![\w-])[^<>]{0,2000}>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")  # zero-width characters and a byte-order mark
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
# A line and its end; Unicode's line separator breaks a line and its paragraph separator a paragraph.
# (A form feed is a page break, often mid-sentence in text from PDFs: only whitespace.)
_LINE = re.compile(r"[^\r\n\u2028\u2029]*(?:\r\n|[\r\n\u2028\u2029])|[^\r\n\u2028\u2029]+$")
_PARAGRAPH_BREAK = "\u2029"

# Abbreviations that end with a period but do not end a sentence (lower case, final period dropped).
ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.u u.s.a u.s.s.r d.c mr mrs ms dr prof gen lt col maj capt sgt adm cmdr brig rev sen rep gov
    pres amb sec dept st mt ft jr sr co corp inc ltd no nos vol fig al etc e.g i.e vs cf approx est jan feb mar apr
    jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun a.m p.m ph.d b.a m.a hon rt""".split()
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the input: where it is and what kind of line it is."""

    start: int
    end: int
    text: str
    kind: str


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split an article into paragraphs, marking titles, bylines and boilerplate. A text of one
    paragraph is prose whatever its shape (a tweet or a survey answer has no title), and so are
    short lines in a text that has no other prose (answers, not headings)."""
    if not isinstance(text, str):
        raise TypeError(f"expected text as str, got {type(text).__name__}")
    shown = _UNSHOWN.sub(lambda m: " " * len(m.group(0)), text) if "<" in text else text  # offsets kept
    html_input = _looks_like_html(shown)
    tagged = _html_spans(shown) if html_input else [(*span, "") for span in _plain_spans(text)]
    tagged = [span for span in tagged if _INVISIBLE.sub("", span[2]).strip()]
    spans, tags = [span[:3] for span in tagged], [span[3] for span in tagged]
    # A page's <h1> is its title, whatever its words, and a menu item before it ("Home") is not; <h2>-<h6>
    # are headings unless they hold a whole sentence of prose (a standfirst set in an <h2>).
    titled = "h1" in tags
    kinds = [TITLE if tag == "h1" else _kind(clean, first=i == 0 and not titled)
             for i, ((_, _, clean), tag) in enumerate(zip(spans, tags))] if len(spans) > 1 else [PROSE]
    kinds = [HEADING if tag in _HEADINGS and (kind != PROSE or len(clean.split()) <= 12) else kind
             for kind, tag, (_, _, clean) in zip(kinds, tags, spans)] if len(spans) > 1 else kinds
    if PROSE not in kinds:  # short lines and nothing else are answers or posts, not an article's headings
        kinds = [PROSE if kind in (TITLE, HEADING) else kind for kind in kinds]
    if html_input:  # a menu, a sidebar's links, a footer: the page's frame, not its headings
        frame = [m.span() for m in _FRAME.finditer(shown)]
        kinds = [BOILERPLATE if kind != PROSE and any(a <= start < b for a, b in frame) else kind
                 for kind, (start, _, _) in zip(kinds, spans)]
    out = []
    for (start, end, clean), kind in zip(spans, kinds):
        if kind == PROSE and not html_input and len(clean.split()) > LONGEST:  # an HTML <p> is the page's own
            out += [Paragraph(start + a, start + b, rejoin_hyphenated(clean[a:b]), PROSE) for a, b in _pieces(clean)]
        else:
            out.append(Paragraph(start, end, clean if html_input else rejoin_hyphenated(clean), kind))
    return out


# A word cut at a line end ("with-\ndrawn"), and the first halves that are words of their own in a
# compound that keeps its hyphen ("long-\nterm", "non-\nstate"), or end a shared one ("pre- and post-war").
_LINE_END_HYPHEN = re.compile(r"\b([A-Za-z]*[a-z])-[ \t]*(?:\r\n|[\r\n\u2028])[ \t]*([a-z]+)")
_KEEPS_HYPHEN = frozenset("""all anti co counter cross de ex full half high long low mid multi no non one two three four
    five six seven eight nine ten post pre pro quasi re self semi short so war well wide""".split())


def rejoin_hyphenated(text: str) -> str:
    """`text` with each word that hard wrapping hyphenated at a line end made whole ("with-\ndrawn" ->
    "withdrawn"), so the lexicon and the n-grams see the word; a compound's own hyphen stays ("no-\nfly",
    "de-\nescalate", "Saudi-\nled")."""
    if "-" not in text:
        return text
    return _LINE_END_HYPHEN.sub(lambda m: m.group(0) if m.group(1).lower() in _KEEPS_HYPHEN or m.group(1)[0].isupper()
                                or m.group(2) in ("and", "or", "nor", "to") else m.group(1) + m.group(2), text)


#: Words in the longest paragraph kept whole. A longer block of plain text (an article pasted or
#: extracted from a PDF without blank lines) is cut at sentence ends into pieces of similar length:
#: the model learned from paragraphs of 25-200 words, and its counts of cues grow with length.
LONGEST = 250


def _pieces(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of about equal runs of whole sentences, none over LONGEST words; a longer
    "sentence" (a transcript with no full stops) is cut between words."""
    sentences = []
    for a, b in sentence_spans(paragraph):
        words = [m.span() for m in _WORD.finditer(paragraph, a, b)]
        if len(words) <= LONGEST:
            sentences.append((a, b))
        else:
            size = -(-len(words) // -(-len(words) // (LONGEST * 3 // 5)))  # even runs of 150 words or fewer
            sentences += [(words[k][0], words[min(k + size, len(words)) - 1][1]) for k in range(0, len(words), size)]
    words = [len(paragraph[a:b].split()) for a, b in sentences]
    target = sum(words) / -(-sum(words) // (LONGEST * 3 // 5))  # pieces of 150 words or fewer, evened out
    pieces, first, count = [], 0, 0
    for i, n in enumerate(words):
        if count and (count + n > LONGEST or count + n / 2 > target):
            pieces.append((sentences[first][0], sentences[i - 1][1]))
            first, count = i, 0
        count += n
    pieces.append((sentences[first][0], sentences[-1][1]))
    return pieces


def _looks_like_html(text: str) -> bool:
    """A page starts with a tag, or has two paragraph tags at least; a plain article that mentions
    "the <p> tag" once is still plain text."""
    tags = _P_TAG.finditer(text)
    if re.match(r"\s*<[!a-zA-Z]", text.lstrip("\ufeff")):
        return next(tags, None) is not None or _LEAF.search(text) is not None
    return next(tags, None) is not None and next(tags, None) is not None


_HEADINGS = frozenset("h2 h3 h4 h5 h6".split())
# Inside one element, paragraphs parted the old way: two line breaks or more, or (in a <div>, a table
# cell or a section, not a <p>) a blank line.
_BR_BREAK = r"(?:<br(?![\w-])[^<>]{0,200}>\s*){2,}"
_HTML_BREAK = {False: re.compile(_BR_BREAK, re.IGNORECASE),
               True: re.compile(_BR_BREAK + r"|\n[ \t\r]*\n\s*", re.IGNORECASE)}


def _element_spans(text: str, start: int, end: int, tag: str) -> list[tuple[int, int, str, str]]:
    """(start, end, clean text, tag) of each paragraph in the element's inner HTML text[start:end]."""
    out = []
    for a, b in _between(_HTML_BREAK[not tag], text, start, end):
        raw = text[a:b]
        clean = _SPACE.sub(" ", rejoin_hyphenated(html.unescape(_TAG.sub(" ", raw)))).strip()
        if clean:
            lead = len(raw) - len(raw.lstrip())
            out.append((a + lead, a + len(raw.rstrip()), clean, tag))
    return out


def _between(separator: re.Pattern, text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [(m.start(), m.end()) for m in separator.finditer(text, start, end)]
    edges = [start] + [x for cut in cuts for x in cut] + [end]
    return list(zip(edges[::2], edges[1::2]))


def _html_spans(text: str) -> list[tuple[int, int, str, str]]:
    """Paragraphs of `text` with their element's tag; its unshown parts (scripts, styles, comments)
    are already blanked."""
    spans, taken = [], []
    for m in _HTML_P.finditer(text):
        spans += _element_spans(text, m.start(2), m.start(2) + len(m.group(2).rstrip()), m.group(1).lower())
        taken.append(m.span(2))
    for m in _LEAF.finditer(text):  # a layout of <div>s or table cells is read too, not lost
        start, end = m.start(1), m.start(1) + len(m.group(1).rstrip())
        if not any(a < end and start < b for a, b in taken):
            spans += _element_spans(text, start, end, "")
    return sorted(spans)


def _plain_spans(text: str) -> list[tuple[int, int, str]]:
    """Blank lines separate paragraphs; inside a block, single-line paragraphs are told
    apart from hard-wrapped prose by how the lines end."""
    spans: list[tuple[int, int, str]] = []
    block: list[tuple[int, int]] = []  # (start, end) of each non-blank line, newline excluded
    for m in _LINE.finditer(text):
        line = m.group(0).rstrip("\r\n\u2028\u2029")
        if _INVISIBLE.sub("", line).strip():
            block.append((m.start(), m.start() + len(line)))
            if not m.group(0).endswith(_PARAGRAPH_BREAK):
                continue
        if block:
            spans.extend(_block_spans(text, block))
            block = []
    if block:
        spans.extend(_block_spans(text, block))
    return spans


# A line ending in one of these words goes on in the next line ("A review is due in" / "June."). Words a
# headline can end on ("A war worth fighting for", "What comes after", "This is who we are") are left out.
_CARRIES_ON = re.compile(r"(?<![\w-])(?:a|an|the|of|in|at|by|with|from|into|and|or|nor|but|than|whose|its|their|"
                         r"our|your)$", re.IGNORECASE)


def _block_spans(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    stripped = [text[s:e].strip() for s, e in lines]
    widths = [len(s) for s in stripped]
    # Hard-wrapped prose: most lines stop mid-sentence at a similar width.
    open_ends = sum(1 for s in stripped[:-1] if not _TERMINAL.search(s))
    wrapped = len(lines) > 2 and open_ends > (len(lines) - 1) / 2
    carried_over = len(lines) == 2 and _CARRIES_ON.search(stripped[0]) and _TERMINAL.search(stripped[1])  # "due in"
    if (len(lines) == 2 and open_ends and not stripped[1].lower().startswith("by ") and not _BYLINE.match(stripped[0])
            and (stripped[1][:1].islower() or stripped[0].endswith((",", "-")) or carried_over)):
        wrapped = True  # a sentence carried over to a second line, not a title over a subtitle or a byline
    groups: list[list[int]] = [[0]]
    widest = max(widths)  # once: a block of many short lines would otherwise take quadratic time
    for i in range(1, len(lines)):
        prev = stripped[i - 1]
        if wrapped:
            short = widths[i - 1] < 0.75 * widest
            # A word hyphenated at the line end carries on, however short the line ("... has with-" / "drawn").
            carried = prev[-1:] == "-" and prev[-2:-1].isalpha() and stripped[i][:1].islower()
            brk = short and not carried and (bool(_TERMINAL.search(prev)) or widths[i - 1] < 0.4 * widest
                                             and not _CARRIES_ON.search(prev))
        else:
            brk = True
        if brk:
            groups.append([i])
        else:
            groups[-1].append(i)
    out = []
    for g in groups:
        start, end = lines[g[0]][0], lines[g[-1]][1]
        raw = text[start:end]
        lead = len(raw) - len(raw.lstrip().lstrip("\ufeff").lstrip())  # a byte-order mark is not text
        start, end = start + lead, start + len(raw.rstrip())
        out.append((start, end, text[start:end]))
    return out


def _kind(paragraph: str, first: bool) -> str:
    words = paragraph.split()
    if len(words) <= 30 and _BOILERPLATE.search(paragraph) or not any(c.isalnum() for c in paragraph):
        return BOILERPLATE  # a notice, or a rule of dashes or stars
    if len(words) <= 10 and _BYLINE.match(paragraph):
        return BYLINE
    if len(words) <= 20 and not paragraph.rstrip("\"'\u201d\u2019").endswith((".", ";", ",")):
        if first:
            return TITLE
        if len(words) <= 12 and not paragraph.endswith(("?", "!")):
            return HEADING
    return PROSE


@lru_cache(maxsize=1)
def _sentence_tokenizer():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


# A sentence end Punkt cannot doubt: ".", "?" or "!" after a word of two or more letters, then the
# text's end or a space and a capital (perhaps after an opening quote).
_PLAIN_END = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,})[.?!](?=\s+[\"\u201c'\u2018]?[A-Z]|\s*\Z)")
_MARK = re.compile(r"[.?!]")
_BLANK = re.compile(r"\s*")
_ODD_SPACE = re.compile(r"[^\S \t\n\r\x0b\x0c]")  # no-break, thin, ideographic space, \x1c-\x1f, ...


@lru_cache(maxsize=768)  # a block of StanceClassifier.BLOCK texts, as the lexicon caches
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence (start, end) offsets within `text` (cached: features, sentiment, means and holders
    all need the sentences of the same paragraph)."""
    if not text.strip():
        return ()
    return _plain_sentence_spans(text) or _joined_marks(_sentence_tokenizer().span_tokenize(text), text)


def _joined_marks(spans, text: str) -> tuple[tuple[int, int], ...]:
    """Punkt's spans with a run of bare marks joined to the sentence before it: Punkt cuts
    "Stop the war!!!" into "Stop the war!!" and "!", and VADER scores "!" as a sentence of its own."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and not any(c.isalnum() for c in text[start:end]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return tuple(out)


def _plain_sentence_spans(text: str) -> tuple[tuple[int, int], ...] | None:
    """Punkt's spans for a text whose every ".", "?" and "!" is a plain sentence end (two texts in
    three), found without running Punkt, which takes six times longer; None for any other text.
    Tests compare the two on our corpus and on random texts full of abbreviations and quotes."""
    if _ODD_SPACE.search(text):  # Punkt looks for the word before a mark by ASCII whitespace only
        return None
    ends = []
    for m in _PLAIN_END.finditer(text):
        if text[m.end() - 1] == "." and m.group(1).lower() in ABBREVIATIONS:
            return None
        ends.append(m.end())
    if len(ends) != len(_MARK.findall(text)):
        return None
    spans, start = [], 0
    for end in ends:
        after = _BLANK.match(text, end).end()  # the next sentence starts after the whitespace
        if after == len(text):
            break
        spans.append((start, end))
        start = after
    spans.append((start, len(text.rstrip())))
    return tuple(spans)


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, in order."""
    return [text[s:e] for s, e in sentence_spans(text)]
