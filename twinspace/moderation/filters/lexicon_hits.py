"""The lexicon matches of one message, grouped by section, with its guessed language.

Computed once per message and shared by the harm and invitation filters. The language
guess (the language with most ``[common]`` words) decides false friends: a word listed as
offensive in one language and as ``[safe]`` in the language the message is written in is
not a finding when the message has more common words of that other language
("Der Pullover ist zu dick", Swedish "slutet", Portuguese "meia hora").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from twinspace.moderation.filters.lexicon import Hit, Lexicons, matcher_for
from twinspace.moderation.filters.tokens import TokenView, token_view


@dataclass(frozen=True, slots=True)
class MessageHits:
    view: TokenView
    sections: dict[str, tuple[Hit, ...]]
    language: str | None
    votes: Counter[str]  # language -> its [common] words in the message
    safe: dict[int, frozenset[str]]  # token index -> languages in which it is ordinary

    def of(self, section: str) -> tuple[Hit, ...]:
        return self.sections.get(section, ())

    def false_friend(self, hit: Hit) -> bool:
        return self.ordinary(hit.entry.language, range(hit.first, hit.last + 1))

    def ordinary(self, language: str | None, indices: range | list[int]) -> bool:
        """Whether these tokens, flagged in ``language``, are ordinary words of a language
        the message is more likely written in (more of its ``[common]`` words): "Der
        Pullover ist zu dick" passes, "you absolute dick" does not."""
        shared: frozenset[str] | None = None
        for index in indices:
            here = self.safe.get(index, frozenset())
            shared = here if shared is None else shared & here
        if not shared:
            return False
        own = self.votes[language] if language is not None else 0
        return any(self.votes[other] > own for other in shared if other != language)


def _guess(votes: Counter[str]) -> str | None:
    if not votes:
        return None
    ranked = votes.most_common(2)
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


@lru_cache(maxsize=256)
def message_hits(text: str, lexicons: Lexicons) -> MessageHits:
    view = token_view(text)
    hits = matcher_for(lexicons).hits(view.line, view.token_at, view.ends)
    # One-letter words ("a", "i", "å" folded to "a") are shared by too many languages to vote.
    votes = Counter(
        hit.entry.language
        for hit in hits
        if hit.entry.section == "common"
        and (len(hit.entry.words) > 1 or len(hit.entry.words[0]) > 1)
    )
    sections: dict[str, list[Hit]] = {}
    safe: dict[int, set[str]] = {}
    for hit in hits:
        sections.setdefault(hit.entry.section, []).append(hit)
        if hit.entry.section == "safe":
            for index in range(hit.first, hit.last + 1):
                safe.setdefault(index, set()).add(hit.entry.language)
    return MessageHits(
        view,
        {name: tuple(found) for name, found in sections.items()},
        _guess(votes),
        votes,
        {index: frozenset(languages) for index, languages in safe.items()},
    )
