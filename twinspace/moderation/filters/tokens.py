"""A message as canonical word tokens, each with its span in the original text.

Tokens are lower-case and accent-folded (``normalize``), stretched letters are collapsed
("fuuuck" -> "fuck"), and a word mixing letters with leetspeak digits is read as letters
("1d10t" -> "idiot"). ``line`` joins the tokens with single spaces (and a space at each end)
for the lexicon matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from twinspace.moderation.filters.normalize import normalize

_TOKEN = re.compile(r"[^\W_]+")
_RUNS = re.compile(r"(.)\1{2,}")
_LEET = str.maketrans("013457@$", "oleastas")


class Token(NamedTuple):
    text: str  # canonical form
    start: int  # span in the original message
    end: int
    capitalised: bool  # as written: "Anna", not "anna"


@dataclass(frozen=True, slots=True)
class TokenView:
    tokens: tuple[Token, ...]
    line: str
    token_at: dict[int, int]  # offset in ``line`` -> token index
    ends: frozenset[int]  # offsets in ``line`` right after a token


@lru_cache(maxsize=65536)
def _canonical(word: str) -> str:
    if not word.isalpha():
        letters = sum(c.isalpha() for c in word)
        if letters and letters >= len(word) - letters:
            word = word.translate(_LEET)
    return _RUNS.sub(r"\1", word) if len(word) > 2 else word


@lru_cache(maxsize=256)
def token_view(text: str) -> TokenView:
    norm = normalize(text)
    starts, ends_of = norm.starts, norm.ends
    tokens: list[Token] = []
    pieces: list[str] = [""]
    token_at: dict[int, int] = {}
    ends: list[int] = []
    position = 1
    for found in _TOKEN.finditer(norm.text):
        first, last = found.span()
        start = starts[first]
        canonical = _canonical(found.group())
        token_at[position] = len(tokens)
        tokens.append(Token(canonical, start, ends_of[last - 1], text[start].isupper()))
        position += len(canonical)
        ends.append(position)
        position += 1
        pieces.append(canonical)
    pieces.append("")
    return TokenView(tuple(tokens), " ".join(pieces), token_at, frozenset(ends))
