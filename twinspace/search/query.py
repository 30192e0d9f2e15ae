"""What a person types, as an FTS5 query over folded text.

Hand-written because it is one small, total function: every word becomes a quoted FTS5 string
(so no input can reach FTS5's query syntax), the last one a prefix so results follow typing.
"""

from __future__ import annotations

import re
import unicodedata

from twinspace.search.text import fold

MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def query_words(text: str) -> list[str]:
    """The folded words of what was typed (at most MAX_TERMS)."""
    return _WORD.findall(fold(unicodedata.normalize("NFC", text)))[:MAX_TERMS]


def last_is_prefix(words: list[str]) -> bool:
    return bool(words) and len(words[-1]) >= 2


def match_expression(text: str) -> str | None:
    """`"word" "word"*` for the words of `text`; None when it has none."""
    words = query_words(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if last_is_prefix(words):
        quoted[-1] += "*"
    return " ".join(quoted)


def highlighter(text: str) -> re.Pattern[str]:
    """Finds, in folded text, the words a query matched (the last one as a prefix)."""
    words = query_words(text)
    parts = [re.escape(w) for w in words]
    if last_is_prefix(words):
        parts[-1] += r"[^\W_]*"
    parts.sort(key=len, reverse=True)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + r")(?![^\W_])", re.IGNORECASE)
