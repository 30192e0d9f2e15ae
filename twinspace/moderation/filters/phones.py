"""Phone numbers of every participating country, found with ``phonenumbers``.

A cheap regex picks digit runs that could be phone numbers (six or more digits with
light separators); context rules drop dates, year and page ranges, decimals, prices,
quantities, sums and ISBNs; only the survivors go to ``phonenumbers``: international
numbers (``+CC``, ``00CC``) once, national ones region by region (a quick ``parse``
first, then ``PhoneNumberMatcher`` with ``Leniency.VALID`` to confirm the match).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import phonenumbers
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberMatcher,
)

from twinspace.moderation.filters.digits_view import digits_view
from twinspace.moderation.filters.findings import Category, Finding, finding
from twinspace.moderation.filters.lexicon import Lexicons

# Keep phonenumbers' compiled metadata patterns: with every participating region in use they
# no longer fit the re module's own cache and were recompiled on every message.
if hasattr(phonenumbers, "enable_pattern_cache"):
    phonenumbers.enable_pattern_cache()

_MIN_DIGITS = 6
_MAX_DIGITS = 17
_SEPARATOR = r"[ \t\u00a0\u202f.\-\u2013/()]"
_CANDIDATE = re.compile(
    r"(?<![\w+])(?<!\d[.,])"  # not glued to a word, a "+" or a decimal number
    r"(?:\(\s?)?\+?"
    r"\d(?:" + _SEPARATOR + r"{0,3}\d){5,24}"
    r"\)?(?!\w)"
)
_DIGIT = re.compile(r"\d")
_GROUP = re.compile(r"\S+")
_GAP = re.compile(r"\d\s+\(?\+?\d")
_MAX_GROUPS = 8  # a phone number is written in at most this many groups
_SPLIT_BUDGET = 64  # attempts per message at splitting runs of numbers
# Digit counts of phone numbers, most common first (national formats, then the rest).
_LENGTH_RANK = {n: i for i, n in enumerate((9, 10, 11, 8, 12, 7, 13, 6, 14, 15, 16, 17))}
_DATE = re.compile(
    r"(?:[0-3]?\d\s?[./-]\s?[01]?\d\s?[./-]\s?(?:\d{2}|\d{4})"
    r"|\d{4}\s?[./-]\s?[01]?\d\s?[./-]\s?[0-3]?\d)"
)
_YEARS = re.compile(r"(?:1[5-9]|20)\d\d\s?(?:[-\u2013/]|\s)\s?(?:(?:1[5-9]|20)\d\d|\d\d)")
_RANGE = re.compile(r"(\d{1,4})\s?[-\u2013]\s?(\d{1,4})")
_DECIMAL = re.compile(r"\d{1,4}[.,]\d{5,}")
_THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+")
_DIGITS_UP = "01234567890123456789"
_DIGITS_DOWN = "98765432109876543210"
_MATH_BEFORE = re.compile(r"(?:[=\u00d7*÷^<>≈]|\d\s*[x\u00d7+\-/:])\s*$")
# A "+" right after a number is a sum ("12+5"); after a space it may start the next number.
_MATH_AFTER = re.compile(r"(?:\s*[=\u00d7*÷^<>≈]|\s*[x\u00d7]\s*\d|\+|\s+\+\s+\d)")
_MONEY_BEFORE = re.compile(
    r"(?:[€$£¥₺₴₾]|\b(?:eur|pln|usd|gbp|chf|czk|huf|ron|sek|nok|dkk))\s*$", re.I
)
# Numbers introduced as codes, IDs or PINs: "Meeting ID: 845 2193 7765", "Kod: 583 920".
_CODE_BEFORE = re.compile(
    r"\b(?:isbn|issn|id|pin|code|codes|kod|kodu|codice|c[óo]digo|passcode|password|"
    r"has[łl]o|passwort|kennwort|contrase[ñn]a|meeting|reuni[óo]n|riunione|r[ée]union|"
    r"spotkani[ae]|besprechung|kahoot|order|bestellung|zam[óo]wieni[ae]|commande|pedido|"
    r"ordine|matricola|iban|tracking|serial)\b[^\d\n]{0,24}$",
    re.I,
)
_UNIT_AFTER = re.compile(
    r"\s*(?:[%‰°€$£]|(?:zł|zl|pln|eur|euros?|usd|dollars?|kr|lei|lv|ft|kn|km|m|cm|mm|kg|g|t|l|ml|"
    r"mb|gb|kb|px|people|persons|inhabitants|residents|students|pupils|views|likes|"
    r"followers|years|points|steps|mieszkańców|osób|ludzi|lat|punktów|uczniów|złotych|"
    r"abitanti|persone|anni|punti|passi|studenti|einwohner|menschen|leute|jahre|punkte|"
    r"schüler|schritte|habitants|personnes|ans|élèves|habitantes|personas|años|"
    r"puntos|alumnos|pasos)\b)",
    re.I,
)


_TIME_AFTER = re.compile(r"[:h]\d\d(?!\d)")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")


def _looks_numeric_not_phone(
    text: str, start: int, end: int, digits: str, disguised: bool = False
) -> bool:
    """Dates, ranges, sums, prices, codes...; a typed run such as 123456789 is a placeholder
    unless it was ``disguised`` (keycaps, words): hiding it shows it is meant."""
    raw = text[start:end].strip("() ")
    if _DATE.fullmatch(raw) or _YEARS.fullmatch(raw) or _DECIMAL.fullmatch(raw):
        return True
    span = _RANGE.fullmatch(raw)
    if span is not None and int(span.group(1)) < int(span.group(2)):
        return True  # pages 120-145
    if _THOUSANDS.fullmatch(raw) and digits.endswith("000"):
        return True  # 2 800 000 (a quantity)
    if len(set(digits)) == 1:
        return True  # 000 000 000
    if (
        raw == digits
        and not disguised
        and (
            (digits.startswith(("012", "123")) and digits in _DIGITS_UP)
            or (digits.startswith("987") and digits in _DIGITS_DOWN)
        )
    ):
        return True  # 123456789: a typed placeholder
    if len(digits) == 13 and digits.startswith(("978", "979")):
        return True  # ISBN-13
    before = text[max(0, start - 12) : start]
    after = text[end : end + 24]
    return bool(
        _TIME_AFTER.match(after)  # "04-12 19:00": a date and an hour
        or _MATH_BEFORE.search(before)
        or _MATH_AFTER.match(after)
        or _MONEY_BEFORE.search(before)
        or _CODE_BEFORE.search(text[max(0, start - 40) : start])
        or _UNIT_AFTER.match(after)
    )


def _country(number: PhoneNumber) -> str:
    if number.country_code is None:
        return "international"
    region = phonenumbers.region_code_for_country_code(number.country_code)
    return str(region) if region and region != "ZZ" else "international"


def _international(candidate: str) -> list[tuple[int, int, str]]:
    head = len(candidate) - len(candidate.lstrip("( "))
    probe = candidate
    double_zero = candidate.startswith("00", head)
    if double_zero:
        probe = candidate[:head] + " +" + candidate[head + 2 :]  # same length: offsets hold
    return [
        (head if double_zero and m.start == head + 1 else m.start, m.end, _country(m.number))
        for m in PhoneNumberMatcher(probe, None, leniency=Leniency.POSSIBLE)
    ]


@lru_cache(maxsize=512)
def _lengths(region: str) -> tuple[frozenset[int], str | None]:
    """Possible national-number lengths of a region, and its plain trunk prefix ("0")."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return frozenset(), None
    lengths = frozenset(metadata.general_desc.possible_length or ())
    prefix = metadata.national_prefix
    simple = metadata.national_prefix_for_parsing in (None, prefix)
    return (lengths, prefix) if simple else (frozenset(), None)


def _may_fit(digits: str, region: str) -> bool:
    """A cheap length check before ``phonenumbers.parse`` (an empty table never rules out)."""
    lengths, prefix = _lengths(region)
    if not lengths or len(digits) in lengths:
        return True
    return prefix is not None and digits.startswith(prefix) and len(digits) - len(prefix) in lengths


@lru_cache(maxsize=512)
def _general_shape(region: str) -> tuple[tuple[int, ...], re.Pattern[str] | None]:
    """The lengths and a pattern every valid national number of a region matches, or no
    pattern where the region rewrites its numbers while parsing (then nothing is ruled out).

    ``is_valid_number_for_region`` accepts a national significant number that matches the
    general description and the description of one number type (phonenumberutil's
    ``_number_type_helper``); both are required here, the types as one alternation."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if (
        metadata is None
        or metadata.general_desc is None
        or metadata.national_prefix_transform_rule
        or not metadata.general_desc.national_number_pattern
        or not metadata.general_desc.possible_length
    ):
        return (), None
    general = metadata.general_desc
    # A valid number also matches the pattern of one number type (fixed line, mobile, toll
    # free ...): the general pattern and the union of the types' patterns must both match.
    kinds = [
        desc.national_number_pattern
        for desc in (
            metadata.premium_rate,
            metadata.toll_free,
            metadata.shared_cost,
            metadata.voip,
            metadata.personal_number,
            metadata.pager,
            metadata.uan,
            metadata.voicemail,
            metadata.fixed_line,
            metadata.mobile,
        )
        if desc is not None and desc.national_number_pattern
    ]
    if not kinds:
        return (), None
    pattern = (
        rf"(?=(?:{general.national_number_pattern})$)(?:"
        + "|".join(f"(?:{kind})" for kind in kinds)
        + ")"
    )
    return tuple(general.possible_length), re.compile(pattern)


def _may_be_valid(digits: str, region: str) -> bool:
    """Whether some tail of ``digits`` has the region's general shape.

    ``is_valid_number_for_region`` needs the national significant number (what is left of
    the digits once a prefix, a country code or a trunk prefix is stripped) to have one of
    the region's lengths and to match its general pattern, so a candidate none of whose
    tails does can skip ``phonenumbers.parse``, the largest cost of this filter
    (docs/pupil-safety-evaluation.md, "Speed").
    """
    lengths, pattern = _general_shape(region)
    if pattern is None or not digits.isascii():
        return True
    size = len(digits)
    return any(n <= size and pattern.fullmatch(digits, size - n) for n in lengths)


@lru_cache(maxsize=32)
def _national(candidate: str, digits: str, regions: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Cached for a few calls only: a message and its disguised-digits view hold the same
    plain numbers (no larger, so benchmarks over a fixed set measure fresh messages)."""
    for region in regions:
        if not _may_fit(digits, region) or not _may_be_valid(digits, region):
            continue
        try:
            number = phonenumbers.parse(candidate, region)
        except NumberParseException:
            continue
        if not phonenumbers.is_valid_number_for_region(number, region):
            continue
        matches = [
            (m.start, m.end, region)
            for m in PhoneNumberMatcher(candidate, region, leniency=Leniency.VALID)
            if sum(c.isdigit() for c in m.raw_string) >= _MIN_DIGITS
        ]
        if matches:
            return matches
    return []


def _confirm(
    text: str, start: int, end: int, regions: Sequence[str], disguised: bool = False
) -> list[tuple[int, int, str]]:
    """Phone numbers in ``text[start:end]``, offsets relative to the text."""
    candidate = text[start:end]
    digits = "".join(_DIGIT.findall(candidate))
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
        return []
    if _looks_numeric_not_phone(text, start, end, digits, disguised):
        return []
    matches = []
    if candidate.lstrip("( ").startswith(("+", "00")):
        matches = _international(candidate)
    if not matches:
        matches = list(_national(candidate, digits, tuple(regions)))
    return [(start + m_start, start + m_end, region) for m_start, m_end, region in matches]


def _split(
    text: str, start: int, end: int, regions: Sequence[str], budget: list[int]
) -> list[tuple[int, int, str]]:
    """Numbers written one after another ("601 234 567 602 345 678").

    From each group, windows of following groups are tried, the most common phone-number
    lengths first. ``budget`` holds the attempts left for the whole message, so long runs
    of digits cannot make a message expensive to scan.
    """
    groups = [g.span() for g in _GROUP.finditer(text, start, end)]
    sizes = [sum(c.isdigit() for c in text[a:b]) for a, b in groups]
    results: list[tuple[int, int, str]] = []
    first = 0
    while first < len(groups):
        windows = []
        total = 0
        for last in range(first, min(len(groups), first + _MAX_GROUPS)):
            total += sizes[last]
            whole = (first, last) == (0, len(groups) - 1)
            if total in _LENGTH_RANK and not whole:
                windows.append((_LENGTH_RANK[total], last))
        found: list[tuple[int, int, str]] = []
        for _rank, last in sorted(windows):
            if budget[0] <= 0:
                return results
            budget[0] -= 1
            found = _confirm(text, groups[first][0], groups[last][1], regions)
            if found:
                results.extend(found)
                first = last
                break
        first += 1
    return results


def find_phones(
    text: str,
    regions: Sequence[str],
    region_hint: str | None = None,
    lexicons: Lexicons | None = None,
) -> list[Finding]:
    """Phone numbers in ``text``; ``region_hint`` (the author's country) is tried first.

    With ``lexicons``, numbers written partly in words or disguised (keycaps, letters for
    digits, zero-width characters, odd separators) are found through ``digits_view``.
    """
    findings = _find_phones(text, regions, region_hint)
    if lexicons is None:
        return findings
    view = digits_view(text, lexicons)
    if view is None:
        return findings
    for found in _find_phones(view.text, regions, region_hint, disguised=True):
        start, end = view.span(found.start, found.end)
        if _COMMA_THOUSANDS.fullmatch(text[start:end]):
            continue  # 1,234,567: a quantity
        if any(f.start < end and start < f.end for f in findings):
            continue
        rule = found.rule.replace("phone number", "phone number, disguised")
        findings.append(finding(text, Category.PHONE, start, end, rule))
    return sorted(findings, key=lambda f: f.start)


def _find_phones(
    text: str, regions: Sequence[str], region_hint: str | None, *, disguised: bool = False
) -> list[Finding]:
    if len(_DIGIT.findall(text)) < _MIN_DIGITS:
        return []
    ordered = tuple(regions)
    if region_hint and region_hint.upper() in phonenumbers.SUPPORTED_REGIONS:
        hint = region_hint.upper()
        ordered = (hint, *(r for r in ordered if r != hint))
    findings: list[Finding] = []
    budget = [_SPLIT_BUDGET]
    for found in _CANDIDATE.finditer(text):
        start, end = found.span()
        digits = "".join(_DIGIT.findall(found.group()))
        if _looks_numeric_not_phone(text, start, end, digits, disguised):
            continue  # a date, a sum, a meeting ID...: its parts are not phones either
        matches = _confirm(text, start, end, ordered, disguised)
        if not matches and _GAP.search(text, start, end):
            matches = _split(text, start, end, ordered, budget)
        for m_start, m_end, region in matches:
            findings.append(
                finding(text, Category.PHONE, m_start, m_end, f"phone number ({region})")
            )
    return findings
