"""Folding keeps positions, so matches mark the original characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twinspace.search.query import highlighter, match_expression
from twinspace.search.text import fold, matched_ranges, segments, snippet


@given(st.text())
def test_folding_keeps_every_position(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_folding_removes_accents_strokes_and_tonos() -> None:
    assert (
        fold("Łódź Ελλάδα Dvořák Øre İstanbul Genève") == "Lodz Ελλαδα Dvorak Ore Istanbul Geneve"
    )


def test_queries_are_quoted_words_and_the_last_is_a_prefix() -> None:
    assert match_expression('Zür "ich" OR x*') == '"Zur" "ich" "OR" "x"'
    assert match_expression("rivers of Europe") == '"rivers" "of" "Europe"*'
    assert match_expression(" ?! _ ") is None


def test_segments_and_snippets_mark_the_original_text() -> None:
    original = "Salmon swim up the Loire"
    ranges = matched_ranges(original, highlighter("LOIRE"))
    assert ranges == [(19, 24)]
    assert matched_ranges("Łódź, Łódzki: łódka", highlighter("lodz")) == [(0, 4), (6, 12)]
    assert matched_ranges("Łódź, Łódzki: łódka", highlighter("lodz x")) == [(0, 4)]
    assert [s.model_dump() for s in segments(original, ranges)] == [
        {"text": "Salmon swim up the ", "match": False},
        {"text": "Loire", "match": True},
    ]
    long = "word " * 100 + "needle " + "word " * 100
    cut = snippet(long, [(500, 506)], width=80)
    assert cut[0].text == "…" and cut[-1].text == "…"
    assert any(s.match and s.text == "needle" for s in cut)
    assert sum(len(s.text) for s in cut) <= 84
