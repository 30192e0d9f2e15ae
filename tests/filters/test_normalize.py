"""Normalisation keeps an exact map back to original offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from twinspace.moderation.filters.normalize import normalize


def test_folding() -> None:
    assert normalize("ŁÓDŹ Straße ÆON œuvre").text == "lodz strasse aeon oeuvre"
    assert normalize("coño", fold_accents=False).text == "coño"
    assert normalize("con\u0303o", fold_accents=False).text == "coño"
    assert normalize("a\u200bb\u00adc").text == "abc"


def test_expansion_maps_back_to_one_character() -> None:
    norm = normalize("aß!")
    assert norm.text == "ass!"
    assert norm.span(0, 3) == (0, 2)
    assert norm.span(1, 2) == (1, 2)


def test_look_alikes_only_inside_latin_words() -> None:
    assert normalize("fu\u0441k").text == "fuck"
    assert normalize("сук").text == "сук"  # a Ukrainian word stays Cyrillic


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.booleans())
def test_spans_stay_inside_the_original(text: str, fold: bool) -> None:
    norm = normalize(text, fold_accents=fold)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for start, end in zip(norm.starts, norm.ends, strict=True):
        assert 0 <= start < end <= len(text)
    assert list(norm.starts) == sorted(norm.starts)
