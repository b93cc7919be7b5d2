"""Who voices a stance: the author, or an actor the paragraph quotes or reports.

Attribution in news prose follows a few shapes: "Carney said", "said the minister",
"according to the ministry", "the former ambassador urged". We find those with patterns
and keep offsets so a reader can check each one. A bare pronoun ("he said") is tied to the
last named holder before it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .segment import sentence_spans

# "Called" counts when it judges ('called the shipments "a reckless escalation"'), not when it names
# ('the operation, called the "Sahel Shield"').
_VERBS = (r"said|says|say|told reporters|told|stated|urged|urges|warned|warns|argued|argues|insisted|insists|"
          r"claimed|claims|added|noted|notes|suggested|suggests|declared|declares|announced|announces|wrote|writes|"
          r"called for|calls for|cautioned|demanded|demands|pledged|vowed|acknowledged|conceded|countered|replied|"
          r"informed|denounced|condemned|welcomed|rejected|opposed|endorsed|accused(?! of\b)|critici[sz]ed|praised|"
          r"appealed|objected|reiterated|stressed|emphasi[sz]ed|affirmed|contends|maintains|"
          r"(?<!, )called(?= (?:the |it |them |this |that )[^.;:\"\u201c\u2018]{0,60}[\"\u201c\u2018](?:an? |[a-z]))")
_TITLE = r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Prof|Col|Lt|Adm|Amb)\.?"
# A name's words are bounded: "A.B.C.A.B.C..." would otherwise be rescanned from each capital (quadratic).
_NAME = (r"(?:" + _TITLE + r" )?[A-Z][\w'\u2019.-]{0,40}"
         r"(?:(?: (?:of|de|del|al|bin|van|von|the))? [A-Z][\w'\u2019.-]{0,40}){0,5}")
# A role's words are neither attribution verbs nor auxiliaries: "the ministry said it opposed" is
# "the ministry", and "the request was under review, said ..." names nobody.
_ROLE = (r"(?:[Tt]he|[Aa]n?|[Oo]ne|[Ss]everal|[Mm]any|[Ss]ome|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er)"
         rf"(?: (?!(?:{_VERBS}|is|are|was|were|will|would|has|have|had|can|could|should|must)\b)"
         rf"(?:[a-z][\w'-]*|[A-Z]{{2,5}}\b|(?:[A-Z]\.){{2,4}})){{1,5}}")  # "the UN envoy", "a U.S. official"
# After the verb ("said the minister") only a name or a role ending in an actor noun counts,
# so "said the request was under review" does not make "the request..." a holder.
_ACTOR_NOUN = (r"(?:minister|ministry|spokes(?:man|woman|person)|officials?|president|secretary|ambassador|"
               r"general|commander|senator|diplomats?|analysts?|envoys?|chief|leaders?|government|department|"
               r"council|union|alliance|coalition|agency|group|mission|office|campaigners?|lawmakers?|mps?|"
               r"experts?|observers?|sources?|residents?|veterans?|officer|critics?|supporters?|advocates?|"
               r"activists?|witness(?:es)?|villagers|monitors|workers|protesters|panel|committee|cabinet|parliament|"
               r"party|court|commission|investigators|delegation|administration)")
# A name's role: "the African Union's high-level panel on the crisis said", "Estonia's prime minister said".
_OWNED_ROLE = (rf"(?<=['\u2019]s)(?: [a-z][\w-]*){{0,3}} {_ACTOR_NOUN}"
               r"(?: (?:on|for|in|of) (?:the |an? )?[a-z][\w-]*(?: [a-z][\w-]*)?)?")
_ACTOR = rf"\b(?:(?:{_ROLE})(?: {_NAME})?|(?:[Tt]he )?{_NAME}(?:{_OWNED_ROLE})?)"
# "said a Western diplomat", "said the head of the Norwegian team", "said a spokesman for the group".
_AFTER = (rf"\b(?:(?:{_ROLE.replace('{1,5}', '{0,3}').replace('[a-z][', '[A-Za-z][')} "
          rf"(?:{_ACTOR_NOUN}|head|director)(?: (?:of|for) (?:the |an? )?(?:[A-Za-z][\w'-]* ){{0,3}}[A-Za-z][\w'-]*)?)"
          rf"(?: {_NAME})?|{_NAME})")
_PATTERNS = (
    re.compile(rf"(?P<who>{_ACTOR}),?(?: [a-z]+ly)? (?P<cue>{_VERBS})\b"),
    re.compile(rf"\b(?P<cue>{_VERBS}) (?P<who>{_AFTER})(?=[,.;]| in | on | at | who | that |$)"),
    re.compile(rf"\b(?P<cue>(?i:according to|in the view of|in the words of)) (?P<who>{_ACTOR}(?: {_ACTOR_NOUN})?)"),
    # A participle after "with": "..., with their envoys saying the force should stay".
    re.compile(rf"\b[Ww]ith (?P<who>(?:(?:[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[A-Z][\w.'-]*['\u2019]s) )?(?:[a-z][\w-]* ){{0,2}}"
               rf"{_ACTOR_NOUN}) (?P<cue>saying|arguing|warning|insisting|urging|calling for|demanding)\b"),
    # A bare plural after a clause: "..., a rebel stronghold, activists said", "..., Western diplomats said".
    re.compile(rf"(?<=, )(?:(?:and|but|while|as|so|yet|though|although|because|when) )?"
               rf"(?P<who>(?:(?:[A-Z][\w.'-]*|[a-z]+) ){{0,2}}{_ACTOR_NOUN}) (?P<cue>{_VERBS})\b"),
)
# A speaker named before an apposition: "Sen. John Reed, a Democrat, said" is Reed, not "Democrat".
# An apposition that is itself an attribution ("which Reed said he opposed") names the holder inside it;
# a verb followed by a role ("..., said the ministry") has a speaker of its own.
_ATTRIBUTING_CLAUSE = re.compile(rf"(?:which|that)\b.*\b(?:{_VERBS})\b")
_SPEAKER_AFTER = re.compile(rf"(?:{_VERBS}) {_ROLE.replace('{1,5}', '{0,3}')} {_ACTOR_NOUN}(?=[,.;]| in | on | at |$)")
_APPOSITIVE = re.compile(rf"(?P<who>{_ACTOR}), (?P<apposition>(?:(?:an?|the|who|which|one of|speaking|writing|"
                         rf"addressing|interviewed|asked|accused|charged|known) |[A-Z][\w.-]*['\u2019]s )[^,;:\"\u201c\u201d]{{1,80}}), "
                         rf"(?:[a-z]+ly )?(?P<cue>{_VERBS})\b")
# A sentence that opens with its speaker: "[PLACE, date —] A group of clan elders in the south said ...".
_DATE = r"(?:\d{1,2} )?[A-Z][a-z]+\.?(?: \d{1,2})?(?:,? \(?\d{4}\)?)?"  # "Nov. 13, 2015", "14 January 2011"
_DATELINE = rf"(?:[A-Z][A-Z .'-]+(?:, [A-Z][a-z]+)?(?:, {_DATE})? (?:\u2014|--|-) )?"
# ... or after a scene-setting opener: "In Washington, officials said", "Speaking in Brussels, the chief said".
_OPENER = (r"(?:(?:In|At|From|Speaking (?:in|at|to [a-z]+(?: in)?)) (?:the )?[A-Z][^,;:]{0,40}, |"
           r"(?:Yesterday|Today|Earlier|Later|On [A-Z][a-z]+|Last [a-z]+),? )?")
_NOUNS_IN_LY = r"(?:ally|family|assembly|rally|italy|july|supply|daily|weekly|monthly|anomaly|monopoly|homily)"


def _subject(verbs: str) -> re.Pattern:
    return re.compile(rf"(?P<dateline>{_DATELINE}){_OPENER}(?P<who>[A-Za-z][^,;:\"\u201c\u201d()]{{1,90}}?)"
                      rf"(?: (?:on|last|this|late|early) [A-Z]?[a-z]+(?: [a-z]+)?)?,? "
                      rf"(?:(?!{_NOUNS_IN_LY}\b)[a-z]+ly )?(?P<cue>{verbs})\b(?! by\b)")


# A paragraph's first sentence may also open with an official act, which voices a stance as plainly as
# speech in news and statements: "The Vatican renewed its appeal", "The European Union welcomes the
# launch", "Italy's defence minister called on Thursday for a halt". It counts only as news reports it
# (under a dateline, in a statement's present tense, or on a given day): elsewhere such acts are mostly
# history the author argues from ("Washington supported the coup in 1973").
_ACTS = (r"asked|asks|requested|requests|protested|protests|welcomes|condemns|rejects|affirms|reaffirmed|reaffirms|"
         r"reiterates|endorses|approved|approves|supports|supported|backed|dismissed|dismisses|pressed|appeals|"
         r"confirmed|resolved|renewed|expressed|expresses|defended|called on|called for|calls on|calls for|"
         r"recognises|recognizes|(?:has |have )?(?:today |now |also )?(?:proposed|ordered|decided|adopted|established|"
         r"instructed|agreed|voted|imposed)|proposes|orders|decides|adopts|informs|lodged|introduced|declined|agrees|"
         r"votes|imposes")
_ACT = re.compile(_ACTS)
_ON_A_DAY = re.compile(r"\b(?:on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|yesterday|today|"
                       r"this (?:week|morning)|last (?:week|night))\b")
_SUBJECT, _FIRST_SUBJECT = _subject(_VERBS), _subject(f"{_VERBS}|{_ACTS}")
# Words that open a clause, not a name: "When asked, the minister said", "Nobody asked the Afghans".
_CLAUSE_OPENERS = frozenset("when if while after before although though because unless once as since nobody no "
                            "everybody everyone someone anyone".split())
# A "subject" holding one of these is a clause, not a name: "Critics will", "Those who".
_AUX = frozenset("will would did does do has have had is are was were can could may might should must not who "
                 "which that declined to".split())
_OPENING_ROLE = re.compile(rf"\s*(?P<who>(?:[Tt]he|[Aa]n?) (?:[a-z][\w-]* ){{0,3}}(?:minister|president|secretary|"
                           rf"ambassador|general|commander|senator|envoy|chief|spokes(?:man|woman|person)|official|"
                           rf"leader|chair(?:man|woman)?|foreign minister))\b")
_PRONOUN = re.compile(rf"\b(?P<who>[Hh]e|[Ss]he|[Tt]hey) (?P<cue>{_VERBS})\b")
# A holder never ends in a function word, a pronoun or a figure: "what it" in "what it says", "nothing"
# in "nothing suggests", "2021" in "in 2021 said": such a match is a clause, not a name. Nor in a thing
# that cannot hold a view: "the record shows", "history suggests", "the treaty says" are the author arguing.
_NO_HEAD = frozenset(
    "it its itself they them their theirs me my we us our you your him his her he she one who whom whose which "
    "that this these those what to and or but nor so the a an now then later never always often also still "
    "already only even just ever both first nobody nothing someone anyone everyone everybody somebody own being "
    "cannot record history evidence experience logic situation precedent theory facts truth reality data figures "
    "numbers arithmetic maths lesson lessons law charter treaty mandate".split())
_NOT_ACTORS = frozenset({"he", "she", "they", "we", "i", "you", "it", "this", "that", "there", "which", "who", "what", "and", "but", "so", "the", "a",
                         "report", "the report", "a report", "the study", "a study", "the article",
                         # a day in "the minister on Thursday urged": when, not who
                         "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
                         "yesterday", "tonight"})
# "people familiar with the talks said": the holder is who knows, not what they know of
_OBJECT_OF = re.compile(r"\b(?!(?:and|or|but|as|while|when|so)\b)[A-Za-z][\w'-]*(?: [a-z][\w'-]*)? "
                        r"(?:familiar with|close to|briefed on|involved in|aware of|with knowledge of) \Z")


@dataclass(frozen=True)
class Holder:
    """An actor voicing a view in the paragraph, with the attribution cue that names it."""

    holder: str
    cue: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"holder": self.holder, "cue": self.cue, "start": self.start, "end": self.end}


def _clean(who: str) -> str:
    who = who.strip(" ,")
    if who.endswith(".") and "." not in who.rsplit(" ", 1)[-1][:-1]:
        who = who[:-1]  # a sentence's full stop, not an abbreviation such as "U.N."
    for lead in ("But ", "And ", "So ", "Yet ", "Meanwhile ", "However "):
        if who.startswith(lead):
            who = who[len(lead):]
    return who


def _speaker_follows(text: str, m: re.Match) -> bool:
    """Whether a comma parts `who` from its verb and the verb names its own speaker after it: then
    what comes before the comma is a clause, not a speaker."""
    return "," in text[m.end("who"):m.start("cue")] and bool(_PATTERNS[1].match(text, m.start("cue")))


def find_holders(text: str) -> list[Holder]:
    """Attributed actors in order of appearance; empty when the author speaks alone."""
    found: dict[int, Holder] = {}
    for n, (lo, hi) in enumerate(sentence_spans(text) or [(0, len(text))]):
        taken: list[tuple[int, int]] = []  # this sentence's holders, and appositions (they describe, not name)

        def add(who: str, start: int, cue: str) -> bool:
            end = start + len(who)
            last = who.rsplit(" ", 1)[-1]  # as written, but for a lone word: "Nathan Law" is a name, "Nothing" not
            if (last if " " in who else last.lower()) in _NO_HEAD or last.isdigit() \
                    or any(a < end and start < b for a, b in taken):
                return False
            found[start] = Holder(who, cue, start, end)
            taken.append((start, end))
            return True

        for m in _APPOSITIVE.finditer(text, lo, hi):
            who = _clean(m.group("who"))
            if who.lower() in _NOT_ACTORS or len(who) < 2 or _ATTRIBUTING_CLAUSE.match(m.group("apposition")) \
                    or _SPEAKER_AFTER.match(text, m.start("cue")):  # "which Reed said ...", "said the ministry"
                continue
            if add(who, m.start("who") + m.group("who").find(who), m.group("cue")):
                taken.append(m.span("apposition"))
        m = (_SUBJECT if n else _FIRST_SUBJECT).match(text, lo, hi)
        if m and _ACT.fullmatch(m.group("cue")) and not (m.group("dateline") or m.group("cue").endswith("s")
                                                          or _ON_A_DAY.search(text, lo, hi)):
            m = _SUBJECT.match(text, lo, hi)  # an act with no sign of news
        if m and len(m.group("who").split()) <= 12 and not _AUX.intersection(m.group("who").lower().split()) \
                and not _speaker_follows(text, m):  # "Troops entered Mosul, said the ministry"
            who = _clean(m.group("who"))  # without a leading "But", "So": "So when people here say"
            if who and who.lower() not in _NOT_ACTORS and who.split()[0].lower() not in _CLAUSE_OPENERS:
                add(who, m.start("who") + m.group("who").find(who), m.group("cue"))
        for pattern in _PATTERNS:
            for m in pattern.finditer(text, lo, hi):
                who = _clean(m.group("who"))
                if who.lower() in _NOT_ACTORS or len(who) < 2:
                    continue
                if pattern is _PATTERNS[0] and _speaker_follows(text, m):
                    continue  # "Mosul, the second city, said the ministry"
                if pattern is _PATTERNS[1] and m.group("cue") in ("told", "informed"):
                    continue  # "told a visiting delegation": the one told listens
                if who.split()[0].lower() in _CLAUSE_OPENERS:
                    continue  # "When Chad's government asked"
                start = m.start("who") + m.group("who").find(who)
                if known := _OBJECT_OF.search(text, max(lo, start - 50), start):
                    who, start = text[known.start():start] + who, known.start()
                add(who, start, m.group("cue"))
    by_end = sorted(found.values(), key=lambda h: h.end)
    ends = [h.end for h in by_end]
    starts = {h.start for h in by_end}
    for m in _PRONOUN.finditer(text):
        k = bisect_right(ends, m.start())  # the holders that end before the pronoun
        if m.start() in starts:
            continue
        if k:
            found[m.start()] = Holder(by_end[k - 1].holder, m.group("cue"), m.start("who"), m.end("who"))
        elif m.group("who").lower() != "they" and (first := _OPENING_ROLE.match(text)):
            # no holder before it: the person the paragraph opens on ("The defence minister opened by
            # arguing ... 'We must act,' she said")
            found[m.start()] = Holder(first.group("who"), m.group("cue"), m.start("who"), m.end("who"))
    return sorted(found.values(), key=lambda h: h.start)


def main_holder(text: str, stance: str | None = None) -> str:
    """The holder a one-label summary would credit: the first attributed actor, else the author.
    A neutral paragraph voices no stance, so its holder is the author (the codebook's rule)."""
    return "author" if _no_side(stance) else main_of(find_holders(text))  # no need to look


#: Labels that take no side, in our label set and in others' (SemEval's NONE).
NO_SIDE = frozenset({"neutral", "none"})


def main_of(holders, stance: str | None = None) -> str:
    """`main_holder` from holders already found."""
    return holders[0].holder if holders and not _no_side(stance) else "author"


def _no_side(stance) -> bool:
    return stance is not None and str(stance).lower() in NO_SIDE
