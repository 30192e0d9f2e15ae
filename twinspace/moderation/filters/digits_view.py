"""A message with its disguised digits written as digits, mapped back to the original.

Pupils hide phone numbers from filters; this view undoes the usual tricks so the phone
filter can read the number:

- "double" and "triple" before a digit word ("oh seven nine double five");
- number words of every lexicon, mixed with digits ("zero six, trente-neuf, 12 45 78",
  "tre-tre-nove 123 45 67"), with tens and units joined ("treinta y cuatro" -> 34);
- letters standing for digits inside a run of digits ("6o1", "0l76", a Cyrillic Ze for 3);
- number words glued to digits ("seis5cinco");
- keycap emoji (0️⃣), full-width and other Unicode digits, zero-width characters;
- separators phone filters do not expect between digits (``_ , * | ~ ·``).

Only runs with at least two number words that give at least six digits are rewritten, so
"one of the two" stays text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from twinspace.moderation.filters.lexicon import Lexicons, canonical_words
from twinspace.moderation.filters.tokens import Token, token_view

_DROP = frozenset("\ufe0f\ufe0e\u20e3")
_ODD_SEPARATORS = frozenset("_,*|~·•\uff0c\uff0d\uff0e\uff0f\uff3f\u3000")
_LOOK_ALIKE_DIGITS = str.maketrans("oO\u043e\u041elI\u0417\u0437", "00001133")
_MIN_RUN_DIGITS = 6
# A single number word among digits is ordinary text ("2024-09-01 to 2025-06-30",
# "Nací el 03/11/2010 en Bilbao": "to" and "en" are numbers in Danish and Swedish).
_MIN_RUN_WORDS = 2
# Punctuation allowed between the words of a spelled-out number, and the invisible marks
# that may sit between them (a keycap's, zero-width characters: "6\ufe0f\u20e3 nueve",
# "4\u200b1\u200b9 trettio").
_INVISIBLE = frozenset(
    "\ufe0e\ufe0f\u20e3\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)
_RUN_GLUE = (
    frozenset(" \t,.-\u2013/:;_")
    | _INVISIBLE
    # their full-width forms (a full-width hyphen between full-width digits) and the
    # ideographic space
    | frozenset("\uff0c\uff0e\uff0d\uff0f\uff1a\uff1b\uff3f\u3000")
)
# A lone letter that looks like a digit counts as one between two number words or digits
# ("nueve cuatro O 2-ocho-3", "7 l 4"), never at a run's edge ("O 2", "I 2" stay text).
_LONE_DIGITS = {"o": "0", "O": "0", "\u043e": "0", "\u041e": "0", "\u03bf": "0", "\u039f": "0"}
_LONE_DIGITS |= {"l": "1", "I": "1", "\u0417": "3", "\u0437": "3"}


@dataclass(frozen=True, slots=True)
class DigitsView:
    text: str
    starts: tuple[int, ...]  # view offset -> where its original text starts
    ends: tuple[int, ...]  # ... and ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _look_alike(word: str) -> str | None:
    """ "6o1" -> "601", "O6" -> "06": a token of digits with a few letters that look like
    digits (a two-character one counts only inside a run of six digits or more, _runs)."""
    digits = sum(c.isdigit() for c in word)
    if digits == len(word) or len(word) < 2 or digits < min(2, len(word) - 1):
        return None
    converted = word.translate(_LOOK_ALIKE_DIGITS)
    return converted if converted.isdigit() else None


def _value(token: Token, original: str, numbers: dict[str, str]) -> str | None:
    raw = _visible(original[token.start : token.end])
    if raw.isdigit():
        return "".join(str(unicodedata.digit(c)) for c in raw)
    converted = _look_alike(raw)
    if converted is not None:
        return converted
    return numbers.get(token.text) or _glued(raw, numbers)


_GLUED_PIECES = re.compile(r"\d+|\D+")


def _glued(raw: str, numbers: dict[str, str]) -> str | None:
    """ "seis5cinco" -> "655": number words glued to digits, every piece a digit or a word."""
    if raw.isalpha() or not any(c.isalpha() for c in raw):
        return None
    digits: list[str] = []
    for piece in _GLUED_PIECES.findall(raw):
        if piece.isdigit():
            digits.append("".join(str(unicodedata.digit(c)) for c in piece))
            continue
        words = canonical_words(piece)
        value = numbers.get(words[0]) if len(words) == 1 else None
        if value is None:
            return None
        digits.append(value)
    return "".join(digits)


def _runs(
    text: str, tokens: tuple[Token, ...], numbers: dict[str, str], joiners: frozenset[str]
) -> list[tuple[int, int, str]]:
    """Replacements (start, end, digits) for runs that contain a number word."""
    replacements: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens):
        run: list[tuple[Token, str]] = []
        words = disguised = 0
        cursor = index
        while cursor < len(tokens):
            token = tokens[cursor]
            if run and not all(c in _RUN_GLUE for c in text[run[-1][0].end : token.start]):
                break
            value = _value(token, text, numbers)
            if value is None and token.text in _REPEATS:
                value = _repeated(text, tokens, cursor, numbers)
            if value is None and run and token.text in joiners:
                value = ""
            lone = value is None and run and _lone_digit(text, tokens, cursor, numbers)
            if lone:
                value = _LONE_DIGITS[_visible(text[token.start : token.end])]
            if value is None:
                break
            raw = _visible(text[token.start : token.end])
            if not raw.isdigit() and value:  # a joiner ("and", "y") is no number word
                if lone:
                    disguised += 1
                elif _look_alike(raw) is None:  # "seis5cinco" is two number words
                    words += sum(not piece.isdigit() for piece in _GLUED_PIECES.findall(raw))
                else:
                    disguised += 1
            run.append((token, value))
            cursor += 1
        digits = sum(len(v) for _t, v in run)
        spelled = (
            words >= _MIN_RUN_WORDS
            or (disguised and not words)
            # one long number word among enough digits ("harminc 123 4567"); short ones
            # ("en", "to", "uno") are words of other languages too
            or (words == 1 and digits >= _ONE_WORD_DIGITS and _long_word_in(run, text))
        )
        if spelled and digits >= _MIN_RUN_DIGITS:
            replacements.extend(_composed(run))
            for (before, _v), (after, _w) in pairwise(run):
                if before.end < after.start:  # "six, trente-neuf": the glue is a space
                    replacements.append((before.end, after.start, " "))
        index = max(cursor, index + 1)
    return replacements


# A run with a single number word is rewritten only with this many digits or more, and a
# word of at least _LONG_WORD letters.
_ONE_WORD_DIGITS = 8
_LONG_WORD = 4


def _long_word_in(run: list[tuple[Token, str]], text: str) -> bool:
    return any(
        len(token.text) >= _LONG_WORD and token.text.isalpha() and value
        for token, value in run
        if not _visible(text[token.start : token.end]).isdigit()
    )


def _visible(raw: str) -> str:
    """A token without the invisible marks inside it ("4\u200b1\u200b9" is 419)."""
    return "".join(c for c in raw if c not in _INVISIBLE) if _INVISIBLE.intersection(raw) else raw


def _lone_digit(text: str, tokens: tuple[Token, ...], at: int, numbers: dict[str, str]) -> bool:
    raw = text[tokens[at].start : tokens[at].end]
    if raw not in _LONE_DIGITS or at + 1 >= len(tokens):
        return False
    glue = text[tokens[at].end : tokens[at + 1].start]
    return all(c in _RUN_GLUE for c in glue) and _value(tokens[at + 1], text, numbers) is not None


# "double five" is 55, "triple oh" 000: how British pupils say a phone number
# (docs/pupil-safety-evaluation.md, "Sixth round"). The repeat word stands for the copies
# before the digit word that follows it.
_REPEATS = {"double": 1, "triple": 2}


def _repeated(text: str, tokens: tuple[Token, ...], at: int, numbers: dict[str, str]) -> str | None:
    if at + 1 >= len(tokens) or not all(
        c in _RUN_GLUE for c in text[tokens[at].end : tokens[at + 1].start]
    ):
        return None
    digit = _value(tokens[at + 1], text, numbers)
    if digit is None or len(digit) != 1:
        return None
    return digit * _REPEATS[tokens[at].text]


def _composed(run: list[tuple[Token, str]]) -> list[tuple[int, int, str]]:
    """Round numbers followed by smaller ones are one number: "trente-neuf" -> 39,
    "seiscientos cuarenta y cuatro" -> 644, "yüz yirmi üç" -> 123, "soixante-dix-huit" -> 78,
    "quatre-vingt-neuf" -> 89 (docs/pupil-safety-evaluation.md, "Fifth round")."""
    out: list[tuple[int, int, str]] = []
    pending: tuple[int, str] | None = None  # (index in out, value) of the last round number
    for index, (token, given) in enumerate(run):
        value = given
        if token.text == "quatre" and index + 1 < len(run) and run[index + 1][0].text in _VINGT:
            value = ""  # French "quatre-vingt(s)" is 80: the next word carries it
            pending = None
        elif token.text in _VINGT and index and run[index - 1][0].text == "quatre":
            value = "80"
        if value == "":
            out.append((token.start, token.end, ""))
            continue
        if pending is not None and not token.text.isdigit():  # "vingt, 12 34": two numbers
            at, head = pending
            zeros = len(head) - len(head.rstrip("0"))
            start, end, _digits = out[at]
            if head in ("60", "80") and len(value) == 2 and value.startswith("1"):
                # French "soixante-dix" (70), "quatre-vingt-douze" (92): 60 or 80 and a teen
                combined = str(int(head) + int(value))
                out[at] = (start, end, combined)
                out.append((token.start, token.end, ""))
                pending = (at, combined) if combined.endswith("0") else None
                continue
            if value != "0" and 0 < zeros and len(value) <= zeros and head.strip("0"):
                out[at] = (start, end, head[: len(head) - len(value)])
                out.append((token.start, token.end, value))
                pending = (len(out) - 1, value) if value.endswith("0") else None
                continue
        pending = (len(out), value) if len(value) >= 2 and value.endswith("0") else None
        out.append((token.start, token.end, value))
    return out


_VINGT = frozenset({"vingt", "vingts"})


@lru_cache(maxsize=8)
def _joiners(lexicons: Lexicons) -> frozenset[str]:
    return frozenset(" ".join(canonical_words(w)) for w in lexicons.words("joiner"))


# Characters that may hide a digit or split a number: keycap marks, invisible format
# characters, non-ASCII digits (full-width and others) and odd separators.
_SUSPECT = re.compile(
    r"[\ufe0e\ufe0f\u20e3\u00ad\u200b-\u200f\u2060-\u2064\ufeff]|(?![0-9])\d"
    r"|\d\s?[_,*|~\u00b7\u2022]+\s?\d"
)


def digits_view(text: str, lexicons: Lexicons) -> DigitsView | None:
    """The rewritten message, or None when nothing in it needed rewriting."""
    view = token_view(text)
    if _SUSPECT.search(text) is None and not _maybe_spelled(text, view.tokens, lexicons.numbers):
        return None
    joiners = _joiners(lexicons)
    replacements = {
        start: (end, digits)
        for start, end, digits in _runs(text, view.tokens, lexicons.numbers, joiners)
    }
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    index = 0
    changed = False
    while index < len(text):
        replaced = replacements.get(index)
        if replaced is not None:
            end, digits = replaced
            changed = changed or digits != text[index:end]
            if not digits and out and out[-1] != " ":
                digits = " "
            same = len(digits) == end - index  # digit for digit; else each spans the word
            for position, digit in enumerate(digits):
                out.append(digit)
                starts.append(index + position if same else index)
                ends.append(index + position + 1 if same else end)
            index = end
            continue
        char = text[index]
        if char in _DROP or unicodedata.category(char) == "Cf":
            changed = True
            if ends:
                ends[-1] = index + 1  # a keycap's marks belong to its digit
            index += 1
            continue
        if char.isdigit() and not char.isascii():
            char = str(unicodedata.digit(char, 0))
            changed = True
        elif char in _ODD_SEPARATORS and out and out[-1].isdigit():
            if _digit_follows(text, index, char):
                char = " "
                changed = True
        out.append(char)
        starts.append(index)
        ends.append(index + 1)
        index += 1
    return DigitsView("".join(out), tuple(starts), tuple(ends)) if changed else None


def _maybe_spelled(text: str, tokens: tuple[Token, ...], numbers: dict[str, str]) -> bool:
    """A word mixing digits and letters ("6o1", "seis5cinco"), two number words, or one long
    number word in a message with six digits or more ("harminc 123 4567")."""
    if _MIXED_WORD.search(text) is not None:
        return True
    words = 0
    for token in tokens:
        if token.text in numbers:
            words += 1
            if words >= _MIN_RUN_WORDS:
                return True
            if len(token.text) >= _LONG_WORD and _ASCII_DIGIT.findall(text)[_ONE_WORD_DIGITS - 3 :]:
                return True  # one long number word among six digits or more
    return False


_ASCII_DIGIT = re.compile(r"[0-9]")


_MIXED_WORD = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")


def _digit_follows(text: str, index: int, separator: str) -> bool:
    """A digit comes next; after a comma at once ("070,123"), since "Straße 7, 79098" is not
    one number."""
    if separator == ",":
        before = len(text[:index]) - len(text[:index].rstrip("0123456789"))
        after = len(text[index + 1 :]) - len(text[index + 1 :].lstrip("0123456789"))
        return 1 <= after <= 4 and before <= 4  # not a decimal such as 3,141592653
    for char in text[index + 1 : index + 4]:
        if char.isdigit():
            return True
        if char not in _ODD_SEPARATORS and char != " " and char not in _DROP:
            return False
    return False
