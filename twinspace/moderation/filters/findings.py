"""What every text filter returns: a category, an exact span and a reason a teacher can read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    OFFENSIVE = "offensive"
    PHONE = "phone"
    EMAIL = "email"
    SOCIAL_HANDLE = "social_handle"
    EXTERNAL_LINK = "external_link"
    ADDRESS = "address"
    SELF_HARM = "self_harm"


@dataclass(frozen=True, slots=True)
class Finding:
    """One match; ``start``/``end`` are offsets into the original text (``text[start:end]``)."""

    category: Category
    start: int
    end: int
    excerpt: str
    rule: str
    language: str | None = None


def finding(
    text: str,
    category: Category,
    start: int,
    end: int,
    rule: str,
    language: str | None = None,
) -> Finding:
    """Build a finding whose excerpt is cut from ``text`` itself, so it can never drift."""
    return Finding(category, start, end, text[start:end], rule, language)


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Sort findings and drop those overlapping an earlier (or longer) one of the same category."""
    kept: list[Finding] = []
    last_end: dict[Category, int] = {}
    for item in sorted(findings, key=lambda f: (f.start, -f.end, f.category)):
        if item.start < last_end.get(item.category, -1):
            continue
        kept.append(item)
        last_end[item.category] = item.end
    return kept
