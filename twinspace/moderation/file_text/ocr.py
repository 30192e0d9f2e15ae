"""Is Tesseract installed, with which languages, and which of them to read a pupil's picture in.

Debian ships it as `tesseract-ocr` with one package per language (`tesseract-ocr-pol`, …);
`scripts/install-ocr.sh` installs those of the demo's countries for `make test`.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass

log = logging.getLogger("twinspace.moderation.ocr")

# Tesseract's language codes for the official languages of each registry country.
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "AL": ("sqi",),
    "AM": ("hye",),
    "AT": ("deu",),
    "AZ": ("aze",),
    "BA": ("bos", "hrv", "srp"),
    "BE": ("nld", "fra", "deu"),
    "BG": ("bul",),
    "CY": ("ell", "tur"),
    "CZ": ("ces",),
    "DE": ("deu",),
    "DK": ("dan",),
    "EE": ("est",),
    "ES": ("spa", "cat", "eus", "glg"),
    "FI": ("fin", "swe"),
    "FR": ("fra",),
    "GE": ("kat",),
    "GR": ("ell",),
    "HR": ("hrv",),
    "HU": ("hun",),
    "IE": ("eng", "gle"),
    "IS": ("isl",),
    "IT": ("ita",),
    "JO": ("ara",),
    "LB": ("ara", "fra"),
    "LI": ("deu",),
    "LT": ("lit",),
    "LU": ("ltz", "fra", "deu"),
    "LV": ("lav",),
    "MD": ("ron",),
    "ME": ("srp_latn", "srp"),
    "MK": ("mkd",),
    "MT": ("mlt", "eng"),
    "NL": ("nld",),
    "NO": ("nor",),
    "PL": ("pol",),
    "PT": ("por",),
    "RO": ("ron",),
    "RS": ("srp", "srp_latn"),
    "SE": ("swe",),
    "SI": ("slv",),
    "SK": ("slk",),
    "TN": ("ara", "fra"),
    "TR": ("tur",),
    "UA": ("ukr",),
}
LIST_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Tesseract:
    """What is installed: `available` False means text inside images is not checked."""

    available: bool
    languages: frozenset[str]
    reason: str = ""

    def languages_for(self, country: str | None, always: tuple[str, ...]) -> str | None:
        """The installed languages to read a picture by a pupil of `country` in, as
        Tesseract's "eng+pol"; None when none is installed."""
        wanted = [*always, *COUNTRY_LANGUAGES.get((country or "").upper(), ())]
        chosen = [code for code in dict.fromkeys(wanted) if code in self.languages]
        return "+".join(chosen) if chosen else None


async def probe(binary: str = "tesseract") -> Tesseract:
    """Find Tesseract and its languages (`tesseract --list-langs`)."""
    path = shutil.which(binary)
    if path is None:
        return Tesseract(False, frozenset(), f"{binary!r} is not installed (Debian: tesseract-ocr)")
    try:
        process = await asyncio.create_subprocess_exec(
            path,
            "--list-langs",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        return Tesseract(False, frozenset(), f"{binary!r} cannot be started: {exc}")
    try:
        out, err = await asyncio.wait_for(process.communicate(), LIST_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        return Tesseract(False, frozenset(), f"{binary!r} does not answer")
    lines = (out + err).decode("utf-8", "replace").splitlines()
    languages = frozenset(
        line.strip() for line in lines if line.strip() and " " not in line.strip()
    ) - {"osd"}
    if not languages:
        return Tesseract(False, frozenset(), f"{binary!r} has no language data installed")
    return Tesseract(True, languages)
