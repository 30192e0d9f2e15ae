"""The small grammar the harm rules share: a finding from a run of tokens, questions,
negations right before a word, pairs of lexicon hits near each other, and "you".

Used by ``harm.py`` (constructions of one or two lexicon sections) and ``harm_parts.py``
(rules that combine several weak parts)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from twinspace.moderation.filters.findings import Category, Finding, finding
from twinspace.moderation.filters.lexicon import Hit
from twinspace.moderation.filters.lexicon_hits import MessageHits

_CLAUSE_END = re.compile(r"[.!?\n]")
_PAIR_GAP = 6  # words between the two parts of a pair
# Languages whose possessives are endings (Hungarian "titkodat", your secret): no "your".
_ENDINGS = frozenset({"hu", "tr", "fi"})


def _span(text: str, hits: MessageHits, first: int, last: int) -> tuple[int, int]:
    tokens = hits.view.tokens
    return tokens[first].start, tokens[last].end


def _make(
    text: str, hits: MessageHits, first: int, last: int, category: Category, rule: str, lang: str
) -> Finding:
    start, end = _span(text, hits, first, last)
    return finding(text, category, start, end, f"{rule} ({lang})", lang)


def _question(text: str, hits: MessageHits, first: int) -> bool:
    """The clause from token ``first`` on ends with a question mark ("nobody told you?")."""
    tail = text[hits.view.tokens[first].start :]
    clause = _CLAUSE_END.search(tail)
    return clause is not None and clause.group() == "?"


def _negated_before(hits: MessageHits, hit: Hit) -> bool:
    """A negation of the hit's language right before it, or right after it when it opens
    the message or clause: a negated imperative ("don't disappear", "Verschwinde nicht",
    "ne tűnj el") or a negated threat ("you won't regret it"; seventh round)."""
    language = hit.entry.language
    for n in hits.of("negation"):
        if n.entry.language != language:
            continue
        if n.last == hit.first - 1:
            return True
        if n.first == hit.last + 1 and hit.first == 0:
            return True
    return False


def _pairs(
    hits: MessageHits, one: str, other: str, gap: int = _PAIR_GAP
) -> Iterator[tuple[Hit, Hit]]:
    others = hits.of(other)
    if not others:
        return
    for a in hits.of(one):
        for b in others:
            if b.entry.language != a.entry.language:
                continue
            if _within(a, b, gap):
                yield a, b
                break


def _within(one: Hit, other: Hit, gap: int) -> bool:
    """At most ``gap`` words between two hits, in either order."""
    return abs(other.first - one.last) <= gap or abs(one.first - other.last) <= gap


def _you_between(hits: MessageHits, language: str, low: int, high: int) -> bool:
    """A second-person word ("you", "your", an object "you") of ``language`` starting at a
    token from ``low`` to ``high``."""
    return any(
        h.entry.language == language and low <= h.first <= high
        for section in ("you", "your", "you_obj")
        for h in hits.of(section)
    )


def _second_person(hits: MessageHits, language: str) -> bool:
    """A second-person word anywhere, or a language whose possessives are endings."""
    return language in _ENDINGS or _you_between(hits, language, 0, len(hits.view.tokens))
