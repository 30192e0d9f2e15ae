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


def match_expression(text: str) -> str | None:
    """`"word" "word"*` for the words of `text`; None when it has none."""
    folded = fold(unicodedata.normalize("NFC", text))
    words = _WORD.findall(folded)[:MAX_TERMS]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if len(words[-1]) >= 2:
        quoted[-1] += "*"
    return " ".join(quoted)
