"""The lexicon matches of one message, grouped by section, with its guessed language.

Computed once per message and shared by the harm and invitation filters. The language
guess (the language with most ``[common]`` words) decides false friends: a word listed as
offensive in one language and as ``[safe]`` in the language the message is written in is
not a finding when the message has more common words of that other language
("Der Pullover ist zu dick", Swedish "slutet", Portuguese "meia hora").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from twinspace.moderation.filters.lexicon import Hit, Lexicons, matcher_for
from twinspace.moderation.filters.tokens import TokenView, token_view

# The letters beyond a-z each language writes (lower case). A message written with letters
# that the language of a listed swear word never uses, all of them letters of the language in
# which that word is ordinary, is read as written in the latter even when it holds none of its
# [common] words: "Pikk vahetund, lähme õue!" (Estonian "long"; Norwegian has no ä or õ).
ALPHABETS: dict[str, frozenset[str]] = {
    language: frozenset(letters)
    for language, letters in {
        "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
        "cs": "áčďéěíňóřšťúůýž",
        "da": "æøåé",
        "de": "äöüß",
        "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
        "en": "",
        "es": "áéíñóúü",
        "et": "äöüõšž",
        "fi": "äöåšž",
        "fr": "àâæçéèêëîïôœùûüÿ",
        "ga": "áéíóú",
        "hr": "čćđšž",
        "hu": "áéíóöőúüű",
        "is": "áðéíóúýþæö",
        "it": "àèéìíîòóùú",
        "lt": "ąčęėįšųūž",
        "lv": "āčēģīķļņšūž",
        "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
        "mt": "ċġħżàèìòù",
        "nl": "éëïöüáè",
        "no": "æøåéèêóòâô",
        "pl": "ąćęłńóśźż",
        "pt": "áâãàçéêíóôõú",
        "ro": "ăâîșțşţ",
        "sk": "áäčďéíĺľňóôŕšťúýž",
        "sl": "čšž",
        "sq": "çë",
        "sr": "čćđšžабвгдђежзијклљмнњопрстћуфхцчџш",
        "sv": "åäöé",
        "tr": "çğıöşüâî",
        "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    }.items()
}


class _Sections(dict[str, tuple[Hit, ...]]):
    def __missing__(self, section: str) -> tuple[Hit, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class MessageHits:
    text: str
    view: TokenView
    sections: dict[str, tuple[Hit, ...]]
    language: str | None
    votes: Counter[str]  # language -> its [common] words in the message
    safe: dict[int, frozenset[str]]  # token index -> languages in which it is ordinary

    # of(section): the section's hits, () when none; a C-level lookup, since the rules ask
    # some fifty times per message
    of: Callable[[str], tuple[Hit, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sections = (
            self.sections if isinstance(self.sections, _Sections) else _Sections(self.sections)
        )
        object.__setattr__(self, "of", sections.__getitem__)

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
        others = [other for other in shared if other != language]
        if any(self.votes[other] > own for other in others):
            return True
        return any(
            self.votes[other] == own and self.written_in(other, language) for other in others
        )

    def written_in(self, language: str, rather_than: str | None) -> bool:
        """Whether every letter beyond a-z in the message is one ``language`` writes, and
        some is one ``rather_than`` never writes."""
        letters = {c for c in self.text.lower() if c > "\x7f" and c.isalpha()}
        own = ALPHABETS.get(language)
        if not letters or own is None or not letters <= own:
            return False
        return rather_than is None or not letters <= ALPHABETS.get(rather_than, frozenset())


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
    matcher = matcher_for(lexicons)
    hits = matcher.hits(view.line, view.token_at, view.ends)
    hits += matcher.hits_across_fillers(tuple(token.text for token in view.tokens))
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
        text,
        view,
        _Sections((name, tuple(found)) for name, found in sections.items()),
        _guess(votes),
        votes,
        {index: frozenset(languages) for index, languages in safe.items()},
    )
