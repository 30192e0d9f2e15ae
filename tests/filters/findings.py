"""What the filter tests ask of a sentence: the categories `scan_text` finds in it."""

from __future__ import annotations

from twinspace.moderation.filters import scan_text


def categories(text: str) -> set[str]:
    return {finding.category.value for finding in scan_text(text)}
