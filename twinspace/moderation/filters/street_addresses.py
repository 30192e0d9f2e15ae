"""Home addresses in every language, from each lexicon's street words and national postcodes.

Complements ``addresses.py`` (the hand-written forms of six languages) with generic shapes:

- street word, name, house number: "via Garibaldi 12", "Strada Florilor nr. 12",
  "вул. Шевченка, 12", "Οδός Ερμού 25", "Rruga e Durrësit nr. 15";
- house number, street word, name: "12 rue Victor Hugo", "12 Bóthar na Trá",
  "12, Triq il-Kbira";
- name, street word, house number: "Kossuth Lajos utca 12", "Brīvības ielā 55-3",
  "Atatürk Caddesi No: 12", "Pilies g. 5", "Pikk tn 7-5";
- a compound street name and a number: "Storgatan 12", "Nørregade 12", "Hämeenkatu 12",
  "Kerkstraat 12", "Hafnarstræti 25";
- "I live" and a capitalised name with a number: "bydlím na Hlavnej 15", also after the
  town: "elan Pärnus, Rüütli 22";
- a postcode and a town after a comma: "…, 602 00 Brno", "…, 0155 Oslo", "3511 AB Utrecht",
  "1100-053 Lisboa", "LV-1010", "QRM 1234".

A street needs a capitalised name and a house number; a bare number is never an address.
A street in a sentence that names a place open to the public (the lexicons' ``[public]``
words: "Museo Reina Sofía, calle Santa Isabel 52") is that place's address, not a pupil's,
unless the message also says "I live" or names a home (``[live]``, ``[home]``); ``scan.py``
applies this to the streets of ``addresses.py`` as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from twinspace.moderation.filters.findings import Category, Finding, finding
from twinspace.moderation.filters.lexicon import Lexicons
from twinspace.moderation.filters.lexicon_hits import message_hits

_ANY_DIGIT = re.compile(r"\d")  # a house number or postcode needs a digit
_RANGES = ((0x41, 0x250), (0x370, 0x400), (0x400, 0x530))
_UP = "".join(chr(c) for a, b in _RANGES for c in range(a, b) if chr(c).isupper())
_LOW = "".join(chr(c) for a, b in _RANGES for c in range(a, b) if chr(c).islower())
_QUOTES = "\"'\u201e\u201c\u201d\u00ab\u00bb\u201a\u2018\u2019"  # straight, curly, guillemets
_WORD = rf"[{_QUOTES}]?[{_UP}{_LOW}][{_LOW}{_UP}'\u2019\-]*[{_QUOTES}]?"
_CAP = rf"[{_QUOTES}]?[{_UP}][{_LOW}{_UP}'\u2019\-]*"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_NUMBER_WORD = r"(?i:nr|no|n|nº|n°|\u0431\u0440|br|č|numri|num|numero)\.?:?\s*"
_HOUSE = r"\d{1,4}[a-zA-Z]?(?:\s?[/-]\s?\d{1,4}[a-zA-Z]?)?(?![\d,.]\d)"
_POSTCODES = re.compile(
    rf"(?:,\s*)(?:\d{{3}}\s\d{{2}}|\d{{4,5}}|\d{{4}}\s?[A-Z]{{2}})\s+{_CAP}"  # , 602 00 Brno
    # , 400123 Cluj-Napoca (Romanian: six digits, a space after the comma; no CSV row)
    rf"|,[ \t]+\d{{6}}[ \t]+{_CAP}"
    rf"|\b\d{{4}}-\d{{3}}\s+{_CAP}"  # 1100-053 Lisboa
    r"|\b(?:LV|LT)-\d{4,5}\b"  # LV-1010
    r"|\b[A-Z]{3}\s\d{4}\b",  # QRM 1234 (Malta)
)
UNITS_AFTER = re.compile(
    r"\s*(?:%|€|kg|km|cm|m\b|min|h\b|lat|let|years|jahre|ans|años|anni|anos|år|ár|vuotta|"
    r"yaş|років|години|"
    # quantities after a number: metres, people, hours, money ("Ulice je dlouhá 500 metrů")
    r"met(?:er|re|r|ro|ri|ar)\w*|метар\w*|метр\w*|kč|dinar\w*|динар\w*|ljudi|људи|lidí|"
    r"personas|habitantes|hodin\w*|sati\b|сати|часов\w*|eur\w*|евр\w*|"
    # days, weeks, hours ("ven a Madrid 3 días", "Tartus 2 päeva")
    r"d[ií]as?\b|semanas?|horas?\b|päev\w*|nädal\w*|tund\w*|days?\b|weeks?\b|hours?\b|"
    r"tage?\b|wochen?\b|stunden?\b|jours?\b|semaines?\b|heures?\b|giorni\b|settiman\w*|"
    r"dni\b|dn[ií]\b|týdn\w*|tygodni\w*)",
    re.IGNORECASE,
)


def _alternatives(words: tuple[str, ...]) -> str:
    # The words of a phrase are apart: "mi casa", "mi. casa" (tokens the lexicon hits see).
    escaped = [r"(?:\.\s*|\s+)".join(map(re.escape, w.rstrip(".").split())) for w in words]
    return "(?:" + "|".join(escaped) + ")"


@lru_cache(maxsize=8)
def _patterns(lexicons: Lexicons) -> tuple[re.Pattern[str], ...]:
    before = _alternatives(lexicons.words("street"))
    after = _alternatives(lexicons.words("street_after"))
    suffix = (
        "(?:" + "|".join(re.escape(w.rstrip(".")) for w in lexicons.words("street_suffix")) + ")"
    )
    # "I live" and home words ("elame", "tule külla:", "ven a mi casa,") before a name and a
    # house number: "Elame Pärnus, Pikk 9-1", "tule meile, Karja 5-2".
    # The word "address" too: "saada kaart aadressile Pikk 8".
    live = _alternatives(
        lexicons.words("live") + lexicons.words("home") + lexicons.words("address")
    )
    patterns = [
        re.compile(
            rf"(?<!\w)(?i:{before})(?:\.\s*|\s+)(?P<name>{_NAME}),?\s+(?:{_NUMBER_WORD})?(?P<house>{_HOUSE})"
        ),
        re.compile(rf"(?<![\w.,])\d{{1,4}}[a-zA-Z]?,?\s+(?i:{before})\.?\s+(?P<name>{_NAME})"),
        re.compile(
            rf"(?<!\w)(?P<name>{_NAME})\s+(?i:{after})\.?,?\s+(?:{_NUMBER_WORD})?(?P<house>{_HOUSE})"
        ),
        re.compile(rf"(?<!\w)(?P<name>{_CAP}{suffix})\.?\s+(?P<house>{_HOUSE})(?!\w)"),
        re.compile(
            # up to two short words ("na", "w", "at the"), or up to three words of a place near the
            # home: "mieszkam nad piekarnią na Długiej 45" (docs/pupil-safety-evaluation.md,
            # "Sixth round")
            rf"(?<!\w)(?i:{live})[,:]?\s+(?:(?:[{_LOW}]{{1,4}}[,:]?\s+){{0,2}}|(?:[{_LOW}]{{1,12}}[,:]?\s+){{1,3}})"
            # the town, also after its postcode: "A címem: 8200 Veszprém, Jutasi 12.", or
            # with a preposition after it: "mieszka w Krakowie na Floriańskiej 7"
            rf"(?:(?:\d{{4,5}}\s+)?{_CAP}(?:,\s+|\s+[{_LOW}]{{1,3}}\s+))?"
            rf"(?P<name>{_CAP}(?:\s+{_CAP}){{0,2}}),?"
            rf"\s+(?P<house>{_HOUSE})"
        ),
    ]
    return tuple(patterns)


def _public_pattern(public_words: Iterable[str]) -> re.Pattern[str] | None:
    # A word of six letters or more also ends a compound: "kunstimuuseum", "Stadtbibliothek".
    words = [
        ("" if len(w.removesuffix("*")) >= 6 else r"(?<!\w)")
        + re.escape(w.removesuffix("*"))
        + (r"\w*" if w.endswith("*") else "")
        for w in public_words
    ]
    return re.compile(rf"(?i:{'|'.join(words)})(?!\w)") if words else None


_ADDRESS_WORDS = ("live", "home", "address", "street", "street_after")


@lru_cache(maxsize=256)
def _public_of(lexicons: Lexicons, language: str) -> tuple[re.Pattern[str], ...]:
    """The public words of the message's language, and those of six letters or more of any
    language ("Muzeum" in an English sentence): in a message read as Finnish, Estonian
    "turu*" (market) is no public word ("asuu Turussa, Aurakatu 5" is in Turku)."""
    own = _public_pattern(lexicons.raw.get((language, "public"), ()))
    long = _public_long(lexicons)
    return tuple(pattern for pattern in (own, long) if pattern is not None)


@lru_cache(maxsize=8)
def _public_long(lexicons: Lexicons) -> re.Pattern[str] | None:
    return _public_pattern([w for w in lexicons.words("public") if len(w.removesuffix("*")) >= 6])


@lru_cache(maxsize=8)
def _public_and_live(
    lexicons: Lexicons,
) -> tuple[re.Pattern[str] | None, re.Pattern[str], re.Pattern[str] | None]:
    public = _public_pattern(lexicons.words("public"))
    home = lexicons.words("live") + lexicons.words("home")
    live = re.compile(rf"(?<!\w)(?i:{_alternatives(home)})(?!\w)")
    meet_words = lexicons.words("meet")
    meet = re.compile(rf"(?<!\w)(?i:{_alternatives(meet_words)})(?!\w)") if meet_words else None
    return public, live, meet


# How close before a street the public place must be named to own it (characters).
PLACE_BEFORE_STREET = 40
# ... and a meeting-point word ("we meet at", "Treffpunkt", "quedamos en"), which may stand
# before the place's own name.
MEET_BEFORE_STREET = 60

# A sentence ends at ! ? or a new line, or at a full stop before a capital ("str. 12" and
# "1936. aastal" do not end one).
_SENTENCE_END = re.compile(rf"[!?\n]|\.\s+(?=[{_UP}])")


def _sentence_start(text: str, at: int) -> int:
    """Where the sentence holding text[at] begins."""
    begin = 0
    for found in _SENTENCE_END.finditer(text, 0, at):
        begin = found.end()
    return begin


def public_place(text: str, start: int, lexicons: Lexicons) -> bool:
    """Whether the street starting at text[start] belongs to a public place named just before it in
    its sentence ("Eesti Rahva Muuseum asub Tartus, Muuseumi tee 2") in a message without
    "I live" or a home word."""
    public, live, meet = _public_and_live(lexicons)
    if live.search(text) is not None:
        return False
    begin = _sentence_start(text, start)
    # A meeting point opens the sentence ("Treffpunkt: ...", "Quedamos en el Reina Sofía,
    # calle Santa Isabel 52, a las 11"): a place named by its own name, not a home
    # (docs/pupil-safety-evaluation.md, "Fifth round").
    if meet is not None and any(
        start - found.end() <= MEET_BEFORE_STREET for found in meet.finditer(text, begin, start)
    ):
        return True
    hits = message_hits(text, lexicons)
    language = hits.language
    if language is None:  # few common words: the language of its "I live" or street words
        named = {h.entry.language for section in _ADDRESS_WORDS for h in hits.of(section)}
        language = named.pop() if len(named) == 1 else None
    patterns: tuple[re.Pattern[str], ...] = (public,) if public is not None else ()
    if language is not None:
        patterns = _public_of(lexicons, language)  # the message's own language's places
    # The place must name the street, just before it ("Museo Reina Sofía, calle Santa Isabel
    # 52"): a public word after the street or far before it ("come to Baker Street 12, it is
    # next to the library") leaves a home address a home address. A public word inside the
    # street's own name ("Bahnhofstr. 12", "Kirkeveien 7") says nothing either.
    return any(
        start - found.end() <= PLACE_BEFORE_STREET
        for pattern in patterns
        for found in pattern.finditer(text, begin, start)
    )


def borrowed_street_word(text: str, start: int, end: int, lexicons: Lexicons) -> bool:
    """Whether the street text[start:end] rests on a street word of other languages that is
    an ordinary word of the language the message is written in: Polish and Lithuanian "al."
    (aleja) is Spanish "al" ("Ganamos al Getafe 3-0"), Polish "os." (osiedle) is Spanish and
    Portuguese "os". The word is ordinary when it is a ``[common]`` word of a language with
    more common words in the message than every language it is a street word of; a street
    word of the message's own language ("calle", "ul.") is never borrowed."""
    hits = message_hits(text, lexicons)
    tokens = hits.view.tokens
    street: dict[int, set[str]] = {}
    for hit in hits.of("street") + hits.of("street_after"):
        token = tokens[hit.first]
        if hit.first == hit.last and start <= token.start and token.end <= end:
            street.setdefault(hit.first, set()).add(hit.entry.language)
    if not street:
        return False
    common: dict[int, set[str]] = {}
    for hit in hits.of("common"):
        if hit.first == hit.last and hit.first in street:
            common.setdefault(hit.first, set()).add(hit.entry.language)
    votes = hits.votes
    for index, languages in street.items():
        own = max(votes[language] for language in languages)
        # The word's own vote does not count: "al. Jana Pawła II 12" is Polish.
        if not any(votes[other] - 1 > own for other in common.get(index, set()) - languages):
            return False
    return True


def _capitalised(word: str) -> bool:
    """ "Garibaldi", "„Раковски“", "il-Kbira": a capital starts the word or a hyphenated part."""
    return any(part.lstrip(_QUOTES)[:1].isupper() for part in word.split("-"))


# Words for "at (an hour)" right before a number.
_TIME_BEFORE = re.compile(  # \u0443 is the Cyrillic preposition (Serbian, Ukrainian)
    r"(?<!\w)(?i:a las|a la|alle|all'|at|um|à|om|kell|klo|kl\.|às|ás|στις|saat|в|\u0443|u|o|v)"
    r"\s+$"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?\n]\s*)$")


def _capitalised_street_word(text: str, start: int, before_street: bool) -> bool:
    """A street word written with a capital inside a sentence is part of the name:
    "Булевар ослобођења 45", "Bulevar oslobođenja 12", "Ulica kralja Tomislava 3" (the rest
    of the name is lower-case in these languages). At the start of a sentence it says nothing.
    """
    if before_street or not text[start : start + 1].isupper():
        return False
    return _SENTENCE_START.search(text, 0, start) is None


# The lexicon section a pattern of ``_patterns`` cannot match without (None: no screen).
# Street words are single words, so the message's lexicon hits (computed once per message
# and shared with the other filters) hold every one the patterns could match: a message
# without any skips those patterns (docs/pupil-safety-evaluation.md, "Speed").
_NEEDS = ("street", "street", "street_after", None, "live")
_LIVE = ("live", "home", "address")


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that can only begin where one of ``starts``
    is: left to right, never overlapping a match already found."""
    end = 0
    for start in starts:
        if start < end:
            continue
        found = pattern.match(text, start)
        if found is not None:
            end = max(found.end(), start + 1)
            yield found


def _streets(text: str, lexicons: Lexicons, *, screen: bool = True) -> Iterator[tuple[int, int]]:
    present: set[str | None] = {None, "street", "street_after", "live"}
    live_starts: list[int] | None = None
    if screen:
        hits = message_hits(text, lexicons)
        present = {None} | {section for section in ("street", "street_after") if hits.of(section)}
        live_hits = [hit for section in _LIVE for hit in hits.of(section)]
        if live_hits:
            present.add("live")
            # The "I live" pattern begins with one of these words: try it only where the
            # lexicon found one, not at every position (docs/pupil-safety-evaluation.md,
            # "Fifth round", "Speed").
            tokens = hits.view.tokens
            live_starts = sorted({tokens[hit.first].start for hit in live_hits})
    for pattern, needs in zip(_patterns(lexicons), _NEEDS, strict=True):
        if needs not in present:
            continue
        candidates = (
            _matches_at(pattern, text, live_starts)
            if needs == "live" and live_starts is not None
            else pattern.finditer(text)
        )
        for found in candidates:
            # The name word next to the street word is capitalised ("Kossuth Lajos utca",
            # "ulici kralja Zvonimira"), so "Wir sind auf Platz 2" is no address.
            words = found["name"].split()
            before_street = found.start("name") == found.start()
            named = _capitalised(words[-1]) if before_street else any(map(_capitalised, words))
            if not named and not _capitalised_street_word(text, found.start(), before_street):
                continue
            if UNITS_AFTER.match(text, found.end()):
                continue  # "Anna 12 years", "Seite 45 %"
            house = found.start("house") if "house" in found.re.groupindex else -1
            if house > 0 and _TIME_BEFORE.search(text, 0, house) is not None:
                continue  # "en la Plaza de España a las 5": an hour, not a house number
            yield found.span()


def find_street_addresses(text: str, lexicons: Lexicons, *, screen: bool = True) -> list[Finding]:
    """``screen=False`` runs every pattern (the slow path the tests compare with)."""
    if _ANY_DIGIT.search(text) is None:
        return []
    findings = [
        finding(text, Category.ADDRESS, start, end, "street address")
        for start, end in _streets(text, lexicons, screen=screen)
    ]
    findings.extend(find_postcodes(text))
    return findings


def find_postcodes(text: str) -> list[Finding]:
    """National postcodes with their town: "…, 602 00 Brno", "4050-262 Porto"."""
    findings = []
    for found in _POSTCODES.finditer(text):
        start = found.start() + (len(found.group()) - len(found.group().lstrip(", ")))
        findings.append(finding(text, Category.ADDRESS, start, found.end(), "postal code"))
    return findings
