# ruff: noqa: RUF001 (Greek and Ukrainian sentences are test data)
"""Rules from the thirteenth round's dev messages (docs/pupil-safety-evaluation.md,
"Thirteenth round"), each tested on sentences of its own."""

from __future__ import annotations

import pytest

from tests.filters.findings import categories


@pytest.mark.parametrize(
    "text",
    [
        # insults ("[insult]") in disguise, as the swear words were
        "you absolute l*ser lol",
        "a józsi egy t*kfej",
        "sen tam bir ger*zekalı",
        "ти д*біл",
        "ty fr*jerze",
        # one star for two letters
        "ez a gyerek egy kö*ög",
        "ти де*л, чесно",
    ],
)
def test_insults_in_disguise_are_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mir*la wrote the intro",
        "ai 5 m*nute până la pauză",
        "the *important* part is the map",
        "2*3 = 6 and 4*5 = 20",
    ],
)
def test_stars_in_ordinary_words_pass(text: str) -> None:
    assert "offensive" not in categories(text)
