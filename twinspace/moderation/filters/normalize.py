"""Text normalisation for matching, with an exact map back to original offsets.

Lower-cases, folds compatibility forms (full-width, ligatures, math letters), strips
diacritics (optional), expands ß/æ/œ, drops invisible format characters (zero-width
spaces, soft hyphens) and maps Cyrillic/Greek look-alikes that sit next to Latin letters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters NFKD does not decompose (folded only together with the accents).
_SPECIAL = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
    "\u0131": "i", "ħ": "h", "Ħ": "h",
}  # fmt: skip


def _look_alikes() -> dict[str, str]:
    """Cyrillic and Greek letters that look Latin, by Unicode name."""
    table: dict[str, str] = {}
    both = {
        "CYRILLIC": {"A": "a", "IE": "e", "KA": "k", "O": "o", "ER": "p", "ES": "c", "TE": "t",
                     "HA": "x", "BYELORUSSIAN-UKRAINIAN I": "i", "JE": "j", "DZE": "s",
                     "VE": "b", "EM": "m", "EN": "h"},
        "GREEK": {"ALPHA": "a", "EPSILON": "e", "IOTA": "i", "KAPPA": "k", "OMICRON": "o",
                  "RHO": "p", "TAU": "t"},
    }  # fmt: skip
    for script, letters in both.items():
        for name, latin in letters.items():
            for case in ("SMALL", "CAPITAL"):
                table[unicodedata.lookup(f"{script} {case} LETTER {name}")] = latin
    table[unicodedata.lookup("CYRILLIC SMALL LETTER U")] = "y"
    table[unicodedata.lookup("CYRILLIC SMALL LETTER KOMI DE")] = "d"
    table[unicodedata.lookup("CYRILLIC SMALL LETTER QA")] = "q"
    table[unicodedata.lookup("CYRILLIC SMALL LETTER WE")] = "w"
    for name, latin in {"UPSILON": "u", "NU": "v"}.items():
        table[unicodedata.lookup(f"GREEK SMALL LETTER {name}")] = latin
    for name, latin in {"BETA": "b", "MU": "m", "NU": "n", "CHI": "x", "ZETA": "z",
                        "UPSILON": "y", "ETA": "h"}.items():  # fmt: skip
        table[unicodedata.lookup(f"GREEK CAPITAL LETTER {name}")] = latin
    return table


# Only applied next to a Latin letter, so Ukrainian or Greek words stay as they are.
_CONFUSABLES = _look_alikes()


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """``text`` is normalised; its character ``k`` came from ``original[starts[k]:ends[k]]``."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised slice ``text[start:end]`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=4096)
def _fold(char: str, fold_accents: bool) -> str:
    special = _SPECIAL.get(char) if fold_accents else None
    if special is not None:
        return special
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if fold_accents:
        decomposed = unicodedata.normalize("NFKD", char.casefold())
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    if category.startswith("M"):
        return char
    return unicodedata.normalize("NFKC", char.casefold())


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def normalize(text: str, *, fold_accents: bool = True) -> NormalizedText:
    """Normalise once per text: the word lists, the lexicons and the token view share it."""
    return _normalize(text, fold_accents)


class _OneToOne(dict[int, str]):
    """``str.translate`` table: a character's fold when it is one character that does not
    depend on its neighbours; otherwise a marker that sends the text down the slow path."""

    def __init__(self, fold_accents: bool) -> None:
        super().__init__()
        self.fold_accents = fold_accents

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold(char, self.fold_accents)
        simple = len(folded) == 1 and not unicodedata.combining(char) and folded != _MARKER
        self[code] = folded if simple else _MARKER
        return self[code]


_MARKER = "￿"  # a noncharacter: never part of a pupil's text
_ONE_TO_ONE = {True: _OneToOne(True), False: _OneToOne(False)}
_LOOK_ALIKE_NEXT_TO_LATIN = re.compile(
    "[A-Za-z][{0}]|[{0}][A-Za-z]".format(re.escape("".join(_CONFUSABLES)))
)


@lru_cache(maxsize=512)
def _normalize(text: str, fold_accents: bool) -> NormalizedText:
    if text.isascii():
        offsets = tuple(range(len(text)))
        return NormalizedText(text, text.lower(), offsets, tuple(i + 1 for i in offsets))
    # Most messages fold character for character (accents, other scripts): one C-level pass,
    # offsets unchanged (docs/pupil-safety-evaluation.md, "Speed").
    folded_text = text.translate(_ONE_TO_ONE[fold_accents])
    if _MARKER not in folded_text and _LOOK_ALIKE_NEXT_TO_LATIN.search(text) is None:
        offsets = tuple(range(len(text)))
        return NormalizedText(text, folded_text, offsets, tuple(range(1, len(text) + 1)))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        look_alike = _CONFUSABLES.get(char)
        if look_alike is not None and (
            (index > 0 and _is_ascii_letter(text[index - 1]))
            or (index < last and _is_ascii_letter(text[index + 1]))
        ):
            folded = look_alike
        else:
            folded = _fold(char, fold_accents)
        if unicodedata.combining(char) and ends:
            # A combining mark belongs to the letter before it: dropped or composed with it.
            ends[-1] = index + 1
            composed = unicodedata.normalize("NFC", out[-1] + folded)
            if len(composed) == 1:
                out[-1] = composed
                continue
        if not folded:
            continue
        for piece in folded:
            out.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return NormalizedText(text, "".join(out), tuple(starts), tuple(ends))
