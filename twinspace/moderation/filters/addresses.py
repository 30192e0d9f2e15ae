"""Street addresses and postal codes, best effort.

Covers the common written forms in Polish ("ul. Długa 5/3", "al. Jana Pawła II 12",
"00-950 Warszawa"), Italian ("via Roma 12", "piazza Garibaldi 3", "40121 Bologna"),
English ("221B Baker Street", "12 High St", "SW1A 1AA", Irish Eircodes), German
("Hauptstraße 5", "Bahnhofstr. 12", "Kärntner Straße 8", "10115 Berlin"), French
("12 rue de la Paix") and Spanish ("calle Mayor 5", "C/ Alcalá 20"). A street needs a
house number: "Piazza San Marco" or "Baker Street" alone is not an address.
"""

from __future__ import annotations

import re

from twinspace.moderation.filters.findings import Category, Finding, finding
from twinspace.moderation.filters.street_addresses import UNITS_AFTER

_ANY_DIGIT = re.compile(r"\d")  # a house number or postcode needs a digit
_UP = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isupper())
_LOW = "".join(chr(c) for c in range(0x61, 0x250) if chr(c).islower())
_CAP = rf"[{_UP}][{_LOW}]+"  # a capitalised word
_NUMBER = r"\d{1,4}[a-zA-Z]?(?:\s?/\s?\d{1,4}[a-zA-Z]?)?"

# Street name: up to five words, at least one capitalised; lower-case particles allowed.
_PARTICLES = (
    r"di|del|della|delle|dei|degli|dello|d'|de|la|las|los|le|les|du|des|l'|"
    r"san|santa|sant'|santo|i|im|am|an|der|von|of|the"
)
_NAME = (
    rf"(?:(?:(?:{_PARTICLES})\s+)*(?:{_CAP}|[IVX]{{1,4}}\b|\d{{1,2}}\s+{_CAP})"
    rf"(?:\s+(?:(?:{_PARTICLES})\s+)*(?:{_CAP}|[IVX]{{1,4}}\b)){{0,4}})"
)
_PL_STREET = (
    r"\b(?:ul|ulica|ulicy|ulic[ęe]|al|aleja|alei|aleje|os|osiedle|osiedlu|pl|plac|placu)"
    r"\.?"
)
_IT_STREET = (
    r"\b(?:via|viale|piazza|piazzale|corso|largo|vicolo|strada|contrada|lungomare|borgo|"
    r"p\.?zza|v\.le|c\.so)"
)
_ES_STREET = r"(?:\b(?:calle|avenida|avda\.?|av\.|plaza|paseo|carrer|rúa|camino)|\bC/)"
_EN_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Place|Pl|Court|Ct|Crescent|"
    r"Terrace|Gardens|Square|Sq|Boulevard|Blvd|Grove|Row|Walk|Mews"
)
_FR_TYPES = r"rue|avenue|av\.|boulevard|bd|place|allée|impasse|chemin|quai|route|cours"
_DE_SUFFIX = r"(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig)"
_DE_WORD = r"(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer|Chaussee)"

_STREETS = [
    # ul. Długa 5/3, al. Jana Pawła II 12, os. Słoneczne 4 m. 12
    re.compile(rf"{_PL_STREET}\s+{_NAME}\s+{_NUMBER}(?:\s*(?:m\.?|lok\.?)\s*\d{{1,4}})?", re.I),
    # via Roma 12, piazza Garibaldi 3, Corso Vittorio Emanuele 45
    re.compile(rf"(?i:{_IT_STREET})\s+{_NAME},?\s+(?:n\.?\s*)?{_NUMBER}"),
    # calle Mayor 5, C/ Alcalá 20, Avenida de la Constitución 12
    re.compile(rf"(?i:{_ES_STREET})\s*{_NAME},?\s+(?:n[º°]\s*)?{_NUMBER}"),
    # 221B Baker Street, 12 High St
    re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_CAP}\s+){{1,3}}(?:{_EN_TYPES})\b\.?"),
    # 12 rue de la Paix, 5 avenue Jean Jaurès
    re.compile(rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:{_FR_TYPES})\s+{_NAME}"),
    # Hauptstraße 5, Bahnhofstr. 12, Lindenweg 7a
    re.compile(rf"\b{_CAP[:-1]}*{_DE_SUFFIX}\s+{_NUMBER}\b"),
    # Kärntner Straße 8, Berliner Allee 3
    re.compile(rf"\b{_CAP}\s+{_DE_WORD}\s+{_NUMBER}\b"),
]
# Postal codes are only taken with a following town, or after a "postal code" word.
_POSTAL = [
    # 00-950 Warszawa
    re.compile(rf"(?<![\d-])\d{{2}}-\d{{3}}(?![\d-])\s+{_CAP}"),
    # 40121 Bologna, 10115 Berlin, 75002 Paris (town followed by punctuation or the end)
    re.compile(rf"(?<![\d.,-])\d{{5}}\s+{_CAP}(?:[-\s]{_CAP})?(?=\s*(?:[,.;:!?)]|$))"),
    # CAP 00184, PLZ 10115, kod pocztowy 30-001, code postal 75002, C.P. 28013
    re.compile(
        r"\b(?:CAP|PLZ|kod(?: pocztowy)?|code postal|c\.\s?p\.|postcode|zip)\s*:?\s*"
        r"(?:\d{2}-\d{3}|\d{4,5})\b",
        re.I,
    ),
    # SW1A 1AA (UK)
    re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}\b"),
    # D02 X285 (Irish Eircode: the last group mixes letters and digits)
    re.compile(
        r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?(?=[0-9AC-FHKNPRTV-Y]*\d)"
        r"(?=[0-9AC-FHKNPRTV-Y]*[AC-FHKNPRTV-Y])[0-9AC-FHKNPRTV-Y]{4}\b"
    ),
]
_QUANTITY_WORDS = frozenset(
    "euro euros dollar dollars złotych people persone menschen leute einwohner jahre "
    "schritte punkte personas habitantes habitants personnes abitanti metri meter mètres "
    "metros km".split()
)


def find_addresses(text: str) -> list[Finding]:
    if _ANY_DIGIT.search(text) is None:
        return []
    findings: list[Finding] = []
    for regex in _STREETS:
        for found in regex.finditer(text):
            start, end = found.span()
            if UNITS_AFTER.match(text, end):
                continue  # "Ulice je dlouhá 500 metrů": a quantity, not a house number
            findings.append(finding(text, Category.ADDRESS, start, end, "street address"))
    findings.extend(find_postal_codes(text))
    return findings


def find_postal_codes(text: str) -> list[Finding]:
    """The postal codes of ``find_addresses`` alone (no streets)."""
    findings: list[Finding] = []
    for regex in _POSTAL:
        for found in regex.finditer(text):
            words = found.group().split()
            if words[-1].lower() in _QUANTITY_WORDS:
                continue
            start, end = found.span()
            findings.append(finding(text, Category.ADDRESS, start, end, "postal code"))
    return findings
