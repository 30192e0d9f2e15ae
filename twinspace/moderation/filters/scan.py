"""One entry point over all text filters, and masking for the policy action "mask"."""

from __future__ import annotations

import re
from collections.abc import Iterable

from twinspace.moderation.filters.addresses import find_addresses, find_postal_codes
from twinspace.moderation.filters.config import FilterConfig
from twinspace.moderation.filters.emails import find_emails
from twinspace.moderation.filters.findings import Category, Finding, resolve_overlaps
from twinspace.moderation.filters.handles import find_handles
from twinspace.moderation.filters.harm import find_harm
from twinspace.moderation.filters.invitations import GENERIC, find_invitations
from twinspace.moderation.filters.lexicon_hits import message_hits
from twinspace.moderation.filters.links import find_links
from twinspace.moderation.filters.offensive import find_disguised_lexicon_words, find_offensive
from twinspace.moderation.filters.phones import find_phones
from twinspace.moderation.filters.street_addresses import (
    borrowed_street_word,
    find_postcodes,
    find_street_addresses,
    public_place,
)

DEFAULT_CONFIG = FilterConfig()


def scan_text(
    text: str, *, config: FilterConfig = DEFAULT_CONFIG, region_hint: str | None = None
) -> list[Finding]:
    """All findings in ``text``, sorted by position, non-overlapping within a category.

    ``region_hint`` (the author's country, e.g. "PL") is tried first when naming the
    country of a nationally written phone number.
    """
    if not text or text.isspace():
        return []
    wanted = config.categories
    findings: list[Finding] = []
    lexicons = config.lexicons
    emails = find_emails(text, lexicons.words("at"), lexicons.words("dot"))
    if Category.EMAIL in wanted:
        findings.extend(emails)
    taken = [(f.start, f.end) for f in emails]
    if Category.OFFENSIVE in wanted:
        listed = find_offensive(text, config.wordlists)
        listed += find_disguised_lexicon_words(text, lexicons)
        findings.extend(_not_false_friends(text, listed, config))
    if wanted & {Category.OFFENSIVE, Category.SELF_HARM}:
        findings.extend(f for f in find_harm(text, config.lexicons) if f.category in wanted)
    if Category.PHONE in wanted:
        phones = _outside(
            find_phones(text, config.phone_regions, region_hint, config.lexicons), taken
        )
        findings.extend(_not_postcodes(text, phones))
    if Category.SOCIAL_HANDLE in wanted:
        findings.extend(_outside(find_handles(text), taken))
        findings.extend(find_invitations(text, config.lexicons))
    if Category.EXTERNAL_LINK in wanted:
        findings.extend(find_links(text, config.allowed_domains, skip=taken))
    if Category.ADDRESS in wanted:
        streets = find_addresses(text) + find_street_addresses(text, lexicons)
        public = [
            f
            for f in streets
            if f.rule in ("street address", "postal code") and public_place(text, f.start, lexicons)
        ]
        addresses = [
            f
            for f in _outside(streets, taken)
            if f.rule not in ("street address", "postal code")
            or not (
                # "el Museo Reina Sofía, en la calle Santa Isabel 52": the museum's address,
                # and the postcode that follows it ("30 avenue Corentin-Cariou, 75019 Paris")
                f in public
                or any(p.start < f.start <= p.end + _POSTCODE_AFTER for p in public)
                # "Ganamos al Getafe 3-0": Spanish "al", not Polish "al." (aleja)
                or borrowed_street_word(text, f.start, f.end, lexicons)
            )
        ]
        findings.extend(addresses)
        if addresses and Category.PHONE in wanted:
            findings = _postcodes_after_towns(text, findings, addresses)
        if addresses and Category.OFFENSIVE in wanted:
            findings = _street_names_kept(text, findings, addresses, config)
    if any(f.category in (Category.PHONE, Category.EMAIL) for f in findings):
        findings = [f for f in findings if not f.rule.startswith(GENERIC)]
    return resolve_overlaps(findings)


# Characters between a public place's street and the postcode after it (", ").
_POSTCODE_AFTER = 3


# "…, ap. 14, Cluj-Napoca 400117": a short number after the town that ends a street
# address (a comma, then one to three capitalised words) is its postcode (Romanian
# postcodes follow the town), not a phone number.
_TOWN_BEFORE = re.compile(r",\s*(?:[^\W\d_][^\W\d_]*(?:[.-][^\W\d_]*)?\s+){1,3}$")
_TOWN_GAP = 60  # characters from the street's end to the number
_POSTCODE_DIGITS = range(4, 7)


def _postcodes_after_towns(
    text: str, findings: list[Finding], addresses: list[Finding]
) -> list[Finding]:
    def postcode(phone: Finding) -> bool:
        if phone.category is not Category.PHONE or text[phone.start] == "+":
            return False
        if sum(c.isdigit() for c in phone.excerpt) not in _POSTCODE_DIGITS:
            return False
        town = _TOWN_BEFORE.search(text, max(0, phone.start - _TOWN_GAP), phone.start)
        if town is None or not any(word[:1].isupper() for word in town.group().split()):
            return False
        return any(0 <= phone.start - a.end <= _TOWN_GAP for a in addresses)

    return [f for f in findings if not postcode(f)]


def _not_postcodes(text: str, phones: list[Finding]) -> list[Finding]:
    """Drop national phone numbers that are a postcode before a town: Portuguese
    "4050-262 Porto" is also a valid Luxembourg number. A number written with its country
    code ("+351 ...", "00351 ...") stays a phone (docs/pupil-safety-evaluation.md, "Fifth
    round")."""
    if not phones:
        return phones
    national = [f for f in phones if text[f.start] != "+" and not text.startswith("00", f.start)]
    if not national:
        return phones
    postcodes = find_postal_codes(text) + find_postcodes(text)
    if not postcodes:
        return phones
    return [
        f
        for f in phones
        if text[f.start] == "+"
        or text.startswith("00", f.start)
        or not any(p.start <= f.start and f.end <= p.end for p in postcodes)
    ]


def _not_false_friends(text: str, findings: list[Finding], config: FilterConfig) -> list[Finding]:
    """Drop word-list findings that are ordinary words of the message's own language."""
    if not findings:
        return findings
    hits = message_hits(text, config.lexicons)
    if not hits.safe:
        return findings
    kept = []
    for item in findings:
        inside = [
            index
            for index, token in enumerate(hits.view.tokens)
            if item.start <= token.start and token.end <= item.end
        ]
        if not hits.ordinary(item.language, inside):
            kept.append(item)
    return kept


def _street_names_kept(
    text: str, findings: list[Finding], addresses: list[Finding], config: FilterConfig
) -> list[Finding]:
    """Drop offensive findings that are a street's name and an ordinary word of some
    language: "Pikk 7" is Long Street in Tallinn (Estonian ``pikk``), not Norwegian ``pikk``;
    "elan Pikk tänav 12". A swear word that is no ordinary word anywhere stays a finding."""
    offensive = [f for f in findings if f.category is Category.OFFENSIVE]
    if not offensive:
        return findings
    hits = message_hits(text, config.lexicons)
    dropped: set[int] = set()
    for item in offensive:
        if not any(a.start <= item.start and item.end < a.end for a in addresses):
            continue
        inside = [
            index
            for index, token in enumerate(hits.view.tokens)
            if item.start <= token.start and token.end <= item.end
        ]
        if inside and all(hits.safe.get(index) for index in inside):
            dropped.add(id(item))
    return [f for f in findings if id(f) not in dropped]


def _outside(findings: Iterable[Finding], taken: list[tuple[int, int]]) -> list[Finding]:
    return [f for f in findings if not any(f.start < end and start < f.end for start, end in taken)]


def mask(text: str, findings: Iterable[Finding], *, mask_char: str = "*") -> str:
    """Replace every non-space character inside a finding's span; length is preserved."""
    if len(mask_char) != 1:
        raise ValueError("mask_char must be one character")
    chars = list(text)
    for item in findings:
        for index in range(max(item.start, 0), min(item.end, len(chars))):
            if not chars[index].isspace():
                chars[index] = mask_char
    return "".join(chars)
