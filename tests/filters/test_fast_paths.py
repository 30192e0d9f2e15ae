# ruff: noqa: RUF001 (letters of many scripts are test data)
"""The speed-ups of docs/pupil-safety-evaluation.md ("Speed") answer exactly as before.

Plain words are looked up in tables and an Aho-Corasick automaton instead of the word-list
regexes; a cheap screen skips the word-list tokens, the e-mail pattern and the handle
phrases; Unicode folding takes one ``str.translate`` pass; ``phonenumbers.parse`` is only
called for digits with a region's general shape. Each is compared here with the slow path.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import phonenumbers
import pytest

from twinspace.moderation.filters import PARTICIPATING_REGIONS, default_wordlists
from twinspace.moderation.filters.lexicon import default_lexicons
from twinspace.moderation.filters.normalize import _CONFUSABLES, _fold, normalize
from twinspace.moderation.filters.offensive import _compile, find_offensive
from twinspace.moderation.filters.phones import _may_be_valid
from twinspace.moderation.filters.street_addresses import find_street_addresses


def _plain_variants(word: str) -> list[str]:
    return [word, word + "s", word + "ing", word[:-1], word + word[-1], "x" + word, word * 2]


def test_word_tables_agree_with_the_regexes() -> None:
    compiled = _compile(default_wordlists())
    indices = [
        compiled.folded.words,
        compiled.folded.exception_words,
        compiled.folded.phrases.heads,
    ]
    words = {w for index in indices for e in index.entries for w in _plain_variants(e.words[0])}
    checked = 0
    for index in indices:
        for word in sorted(words):
            if not word.isalpha():
                continue
            assert index.match(word) == index.match_by_patterns(word), word
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    "text",
    [
        "See you at the museum on Friday!",
        "you are a dick",
        "Der Pullover ist zu dick",
        "f.u.c.k this",
        "fuuuuck",
        "sh1t happens",
        "k u r w a",
        "kurwa mać",
        "what the f*ck",
        "¡coño!",
        "cono de helado",
        "moby dick is a book",
        "send nudes",
        "A a a a a",
    ],
)
def test_the_screen_never_hides_a_word(text: str) -> None:
    matcher = _compile(default_wordlists()).folded
    norm = normalize(text)
    assert matcher.scan(norm) == matcher.scan_tokens(norm), text


def test_the_screen_skips_ordinary_messages() -> None:
    matcher = _compile(default_wordlists()).folded
    assert matcher._nothing_listed(normalize("Our museum visit is on Friday!").text)
    assert not matcher._nothing_listed(normalize("see you, dick").text)
    assert find_offensive("what the fuuuck", default_wordlists()) != []


def test_one_pass_folding_matches_the_character_loop() -> None:
    rng = random.Random(16)
    alphabet = (
        "aąäåæbcčćdđeéëęfghiíıjklłmnñoóöøœpqrsśšßtuúüvwxyýzźż"
        "абвгдежзиклмнопрстуфхцчшщъьюяєіїђћџ"
        "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ"
        "ＡＢ１２ﬁ\u200b\u00ad\u0301 .,-!?ǅ"
    ) + "".join(_CONFUSABLES)
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        for accents in (True, False):
            fast = normalize(text, fold_accents=accents)
            slow = _slow_normalize(text, accents)
            assert (fast.text, fast.starts, fast.ends) == slow, repr(text)


def _slow_normalize(text: str, fold_accents: bool) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The character loop alone (normalize.py before its translate pass)."""
    import unicodedata

    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = len(text) - 1
    for index, char in enumerate(text):
        look_alike = _CONFUSABLES.get(char)
        latin = (index > 0 and text[index - 1].isascii() and text[index - 1].isalpha()) or (
            index < last and text[index + 1].isascii() and text[index + 1].isalpha()
        )
        folded = look_alike if look_alike is not None and latin else _fold(char, fold_accents)
        if unicodedata.combining(char) and ends:
            ends[-1] = index + 1
            composed = unicodedata.normalize("NFC", out[-1] + folded)
            if len(composed) == 1:
                out[-1] = composed
                continue
        for piece in folded:
            out.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return "".join(out), tuple(starts), tuple(ends)


def test_the_shape_check_never_rules_out_a_valid_number() -> None:
    rng = random.Random(7)
    for region in PARTICIPATING_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            digits = "".join(c for c in national if c.isdigit())
            assert _may_be_valid(digits, region), (region, national)
        for _ in range(200):
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(6, 13)))
            try:
                number = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number_for_region(number, region):
                assert _may_be_valid(digits, region), (region, digits)


def _evaluation_texts() -> list[str]:
    data = Path(__file__).resolve().parents[1] / "data"
    texts = [
        json.loads(line)["text"]
        for path in sorted((data / "safety_eval").glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    texts += [
        json.loads(line)["text"]
        for line in (data / "moderation_eval.jsonl").read_text("utf-8").splitlines()
    ]
    return texts


def test_the_street_screen_finds_what_every_pattern_finds() -> None:
    """Street patterns are skipped when the message's lexicon hits hold no street, "street
    after" or live/home/address word, and the "I live" pattern is tried only where such a
    word begins; upper case and dotted abbreviations included."""
    lexicons = default_lexicons()
    texts = _evaluation_texts()
    texts += [text.upper() for text in texts] + [text.replace(" ", ". ", 1) for text in texts]
    compared = 0
    for text in texts:
        fast = find_street_addresses(text, lexicons)
        assert fast == find_street_addresses(text, lexicons, screen=False), text
        compared += bool(fast)
    assert compared > 100
