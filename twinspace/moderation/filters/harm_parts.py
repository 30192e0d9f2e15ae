"""Harm found by combining weak parts, none of which is harm alone: a threat's condition and
its menace, two ways of keeping a classmate out, and two signs of a pupil's goodbye
(docs/pupil-safety-evaluation.md, "Thirteenth round"). The helpers' names keep their
underscore: they are this package's grammar (``harm_grammar.py``), not an API."""

from __future__ import annotations

from collections.abc import Iterator

from twinspace.moderation.filters.findings import Category, Finding
from twinspace.moderation.filters.harm_grammar import (
    _make,
    _negated_before,
    _pairs,
    _question,
    _second_person,
)
from twinspace.moderation.filters.lexicon import Hit
from twinspace.moderation.filters.lexicon_hits import MessageHits

# A threat, part by part (thirteenth round): a condition ("if you tell the teacher", "one
# more time and") with a menace ("you'll see", a violent verb, "I'll post", a split threat's
# first part), or a violent verb with a time ("tomorrow", "after school") in a message aimed
# at "you"; game talk and questions pass.
_MENACES = ("see_then", "see", "violent", "expose_verb", "threat_start")
_PARTS_GAP = 20  # words between the two parts


def _threat_parts(text: str, hits: MessageHits) -> Iterator[Finding]:
    if hits.of("game"):
        return
    pairs = [("if_again", menace) for menace in _MENACES] + [("violent", "when_later")]
    for first_part, second_part in pairs:
        for one, other in _pairs(hits, first_part, second_part, _PARTS_GAP):
            language = one.entry.language
            # a condition is said to "you" itself ("jak jeszcze raz to zrobisz"); a violent
            # verb needs a "you" in the message
            if first_part == "violent" and not _second_person(hits, language):
                continue
            if _negated_before(hits, other) or _question(text, hits, max(one.first, other.first)):
                continue
            first, last = min(one.first, other.first), max(one.last, other.last)
            yield _make(text, hits, first, last, Category.OFFENSIVE, "threat", language)
            return


# Exclusion, part by part (thirteenth round): two different ways of keeping a classmate out
# in one message ("don't invite her, nobody wants her there anyway", "ignore him, nobody
# can stand him"), whoever is named and however.
_KEEPING_OUT = ("leave_out", "nobody_wants", "shun")


def _kept_out(text: str, hits: MessageHits) -> Iterator[Finding]:
    by_language: dict[str, list[Hit]] = {}
    for section in _KEEPING_OUT:
        for hit in hits.of(section):
            if _negated_before(hits, hit) or _question(text, hits, hit.first):
                continue
            found = by_language.setdefault(hit.entry.language, [])
            if all(h.entry.section != section for h in found):
                found.append(hit)
    for language, found in by_language.items():
        if len(found) >= 2:
            first, last = min(h.first for h in found), max(h.last for h in found)
            yield _make(text, hits, first, last, Category.OFFENSIVE, "exclusion", language)
            return


# A pupil's goodbye, sign by sign (thirteenth round): any two signs of one language in a
# message, at least one of them strong, are self-harm ("gave my stuff away. bye everyone",
# "nobody needs me anyway, soon I'll be gone"). A weak sign alone says little: "thanks for
# everything, I won't be here next year" is a pupil changing schools.
_STRONG_SIGNS: tuple[str, ...] = ("gave_away", "give_away", "not_needed", "gone_me")
_STRONG_SIGNS += ("unnoticed", "without_me", "burden", "useless_me")
_WEAK_SIGNS = ("goodbye", "not_here", "last_time")


def _goodbye_signs(text: str, hits: MessageHits) -> Iterator[Finding]:
    by_language: dict[str, tuple[set[str], set[str], list[Hit]]] = {}
    for kinds, strong in ((_STRONG_SIGNS, True), (_WEAK_SIGNS, False)):
        for section in kinds:
            for hit in hits.of(section):
                if _negated_before(hits, hit) or hits.false_friend(hit):
                    continue
                if section != "give_away" and _question(text, hits, hit.first):
                    # "If I was gone last week? Nobody would notice the plants"; "who wants
                    # my guitar?" asks by its nature
                    continue
                strongs, weaks, found = by_language.setdefault(
                    hit.entry.language, (set(), set(), [])
                )
                (strongs if strong else weaks).add(section)
                found.append(hit)
    for language, (strongs, weaks, found) in by_language.items():
        if len(strongs) + len(weaks) >= 2 and strongs:
            first = min(h.first for h in found)
            last = max(h.last for h in found)
            yield _make(text, hits, first, last, Category.SELF_HARM, "self-harm", language)
            return
