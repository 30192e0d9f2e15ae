# ruff: noqa: RUF001 (Greek and Ukrainian sentences are test data)
"""Rules from the twelfth round's dev messages (docs/pupil-safety-evaluation.md, "Twelfth
round"), each tested on sentences of its own: number words glued to digits in a phone number,
and Greek and Cyrillic letters disguised by the symbols that disguise Latin ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.filters.findings import categories
from twinspace.moderation.filters.lexicon import LexiconMatcher, load_lexicons


@pytest.mark.parametrize(
    "text",
    [
        "llámame: seis2cero 4 cinco 1 dos 3 4",
        "mój numer: pięć0 1 dwa 3 4 5 6 sześć 7",
        "il mio numero è tre4sette 12 34 567",
        "appelle-moi au zéro6 12 34 56 78",
    ],
)
def test_number_words_glued_to_digits_are_read_as_digits(text: str) -> None:
    assert "phone" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # a glued word that is no number word, or too few digits for a phone number
        "we meet in room 4b at 3pm, bring the covid19 poster and the mp3 files",
        "la respuesta es tres4cinco, no seis",
        "level2boss beat me 3 times, then 4x4 grid, 12 points",
    ],
)
def test_glued_words_that_are_no_phone_number_pass(text: str) -> None:
    assert "phone" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "ρε μ@λ@κα σταμάτα",
        "τι μ4λ4κια είναι αυτή",
        "πουτ@να εργασία, δεν τελειώνει",
        "ти с*ка, відстань",
    ],
)
def test_greek_and_cyrillic_swear_words_disguised_with_symbols_are_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "η εργασία έχει 4 μέρη και 3 εικόνες",
        "στείλε στο maria@school.gr την παρουσίαση",
        "зустріч о 4 годині, 3 поверх",
    ],
)
def test_digits_and_at_signs_beside_greek_and_cyrillic_words_pass(text: str) -> None:
    assert "offensive" not in categories(text)


def _matcher(tmp_path: Path, body: str) -> LexiconMatcher:
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "en.txt").write_text(body, encoding="utf-8")
    (tmp_path / "lexicons" / "de.txt").write_text("[filler]\nmal\n", encoding="utf-8")
    return LexiconMatcher(load_lexicons(tmp_path, languages=["en", "de"]))


# invented words, so that no built-in entry or filler takes part
_BODY = "[exclusion]\nzorp blat quux\n[common]\nblat quux\n[filler]\nfoo\nbar\nbaz\n"


def test_a_phrase_is_found_across_its_languages_fillers(tmp_path: Path) -> None:
    matcher = _matcher(tmp_path, _BODY)
    words = tuple("so zorp blat foo quux".split())
    hits = matcher.hits_across_fillers(words)
    assert [(hit.first, hit.last, hit.entry.section) for hit in hits] == [(1, 4, "exclusion")]


@pytest.mark.parametrize(
    "sentence",
    [
        "zorp blat quux",  # nothing skipped: the plain matcher finds it
        "zorp blat foo bar baz quux",  # three fillers: too far apart
        "zorp blat mal quux",  # a filler of another language
        "zorp blat qux quux",  # not a filler
    ],
)
def test_only_up_to_two_fillers_of_the_same_language_are_skipped(
    tmp_path: Path, sentence: str
) -> None:
    matcher = _matcher(tmp_path, _BODY)
    assert matcher.hits_across_fillers(tuple(sentence.split())) == []


def test_common_words_do_not_vote_twice_across_fillers(tmp_path: Path) -> None:
    matcher = _matcher(tmp_path, _BODY)
    assert matcher.hits_across_fillers(tuple("it blat foo quux".split())) == []


@pytest.mark.parametrize(
    "text",
    [
        # mocking comparisons with nouns that are no animals; a Turkish name that is a Polish
        # comparison noun ("burak", beetroot) still names the classmate
        "you look like a scarecrow in that jacket",
        "Mia, du siehst aus wie ein Clown",
        "wyglądasz jak strach na wróble",
        "Burak tam bir maymun gibi zıplıyor 😂",
        # group orders to shut a classmate out
        "everyone block him, he's so annoying",
        "ignoriert sie einfach alle, die nervt",
        # a family's poverty, a parent's language
        "your parents can't even afford a phone for you lol",
        "din mamma kan inte ens prata svenska",
        # veiled threats, sending away
        "you'd better watch out on your way home",
        "this isn't over between us, Kai",
        "go sit somewhere else, nobody wants you here",
        "who even invited you here",
    ],
)
def test_the_twelfth_rounds_bullying_and_threat_families_are_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "gave away all my stuff today, won't need it anymore",
        "i wrote a goodbye letter to my parents",
        "i won't be here much longer",
        "cut myself again last night",
        # a filler inside a phrase
        "no one would even notice if i was gone",
        "nobody needs me anymore",
    ],
)
def test_the_twelfth_rounds_self_harm_families_are_self_harm(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # "I" is no classmate's name; idioms and costumes are no mocking comparison
        "I slept like a baby last night",
        "he is built like a tank, great defender",
        "Anna dressed up like a witch for Halloween, so cool",
        "Tim, wie funktioniert ein Kühlschrank?",
        "do you like potatoes?",
        # sleeping in, a pupil asking for help against a stranger, a school budget
        "i hope i don't wake up before noon lol, weekend",
        "how do I block this account? it keeps sending me spam",
        "I blocked him because he scared me, can you help?",
        "we can't afford the trip to Paris this year",
        "I can't even speak German yet, help me with the poster",
        # kind words that look like the veiled threats
        "take care on your way home, it's icy",
        "I'll find you at break to finish the slides",
        "nobody needs me to bring anything tomorrow?",
    ],
)
def test_idioms_costumes_and_requests_for_help_pass(text: str) -> None:
    assert categories(text) == set()
