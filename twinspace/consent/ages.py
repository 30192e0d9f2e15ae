"""Ages of digital consent per country (policy data, `digital_consent_ages.json`, with the
source of every figure) and a pupil's age from what their account records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class ConsentAge:
    country: str
    age: int
    source: str  # the citation from the data file


@cache
def _data() -> dict[str, object]:
    text = resources.files("twinspace.consent").joinpath("digital_consent_ages.json").read_text()
    data: dict[str, object] = json.loads(text)
    return data


def consent_age(country: str | None) -> ConsentAge:
    """The age below which a pupil of a school in `country` needs a guardian's consent."""
    data = _data()
    countries = data["countries"]
    sources = data["sources"]
    assert isinstance(countries, dict) and isinstance(sources, dict)
    entry = countries.get((country or "").upper()) or data["default"]
    assert isinstance(entry, dict)
    return ConsentAge((country or "").upper(), int(entry["age"]), str(sources[entry["source"]]))


def known_countries() -> dict[str, int]:
    countries = _data()["countries"]
    assert isinstance(countries, dict)
    return {code: int(entry["age"]) for code, entry in countries.items()}


def youngest_age(birth_year: int | None, birth_month: int | None, today: date) -> int | None:
    """The pupil's age today, counted as the youngest their recorded birth year (and month)
    allows: born on the last day of that month, or of December when the month is unknown.
    None when no birth year is recorded."""
    if birth_year is None:
        return None
    month = birth_month or 12
    age = today.year - birth_year
    if today.month <= month:  # the birthday may still be ahead this year
        age -= 1
    return max(age, 0)
