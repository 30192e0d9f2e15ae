"""Text as the index sees it: folded so that accents and case never matter, in every language.

SQLite's unicode61 tokenizer leaves letters such as ł, ø, đ and the Greek tonos alone, so the
index stores folded text. Folding keeps every character's position (one character in, one
out), so a match found in folded text marks the same characters of the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pydantic import BaseModel

# letters with no decomposition that readers still type without their stroke or ligature
_PLAIN = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ħ": "h",
        "Ħ": "H",
        "\u0131": "i",  # dotless i
        "ŀ": "l",
        "Ŀ": "L",
        "ŧ": "t",
        "Ŧ": "T",
        "ð": "d",
        "Ð": "D",
        "æ": "a",
        "Æ": "A",
        "œ": "o",
        "Œ": "O",
        "ß": "s",
    }
)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    plain = char.translate(_PLAIN)
    if plain != char:
        return plain
    base = [c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)]
    if len(base) == 1:
        return base[0]
    return char


def fold(text: str) -> str:
    """Accents and strokes removed, one character per character (case is the tokenizer's)."""
    if text.isascii():
        return text
    return "".join(_fold_char(c) for c in text)


class Segment(BaseModel):
    """A run of text; `match` marks the words that matched the query."""

    text: str
    match: bool


def matched_ranges(original: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where `pattern` (made by query.highlighter) matches `original`, through its folding."""
    return [m.span() for m in pattern.finditer(fold(original))]


def segments(
    original: str, ranges: list[tuple[int, int]], start: int = 0, end: int = -1
) -> list[Segment]:
    """`original[start:end]` cut into plain and matched segments."""
    end = len(original) if end < 0 else end
    out: list[Segment] = []
    cursor = start
    for a, b in ranges:
        a, b = max(a, start), min(b, end)
        if a >= b or a < cursor:
            continue
        if a > cursor:
            out.append(Segment(text=original[cursor:a], match=False))
        out.append(Segment(text=original[a:b], match=True))
        cursor = b
    if cursor < end:
        out.append(Segment(text=original[cursor:end], match=False))
    return out


def snippet(original: str, ranges: list[tuple[int, int]], *, width: int = 160) -> list[Segment]:
    """About `width` characters around the first match, cut at spaces, with ellipses."""
    if len(original) <= width:
        return segments(original, ranges)
    first = ranges[0][0] if ranges else 0
    start = max(0, first - width // 3)
    if start > 0:
        space = original.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(original), start + width)
    if end < len(original):
        space = original.rfind(" ", start, end)
        end = space if space > first else end
    out = segments(original, ranges, start, end)
    if start > 0:
        out.insert(0, Segment(text="…", match=False))
    if end < len(original):
        out.append(Segment(text="…", match=False))
    return out
