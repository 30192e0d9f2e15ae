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


@pytest.mark.parametrize(
    "text",
    [
        # a visit or school trip names a public destination, with its postcode after it
        "Ausflug am Freitag: Besuch im Deutschen Museum, Museumsinsel 1, 80538 München, 9 Uhr",
        "field trip on friday: visit to the Science Museum, Exhibition Road, London SW7 2DD",
        "wycieczka w piątek: zwiedzanie Centrum Nauki Kopernik, ul. Wybrzeże Kościuszkowskie 20,"
        " 00-390 Warszawa",
        "excursión el jueves: visita al Museo del Prado, Calle de Ruiz de Alarcón 23, 28014 Madrid",
    ],
)
def test_a_visits_destination_with_its_postcode_is_no_home_address(text: str) -> None:
    assert "address" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "ich wohne in der Lindenstraße 14, 80538 München, komm vorbei",
        "my address for the postcard: 12 Elm Road, London SW7 2DD",
        "moja adresa: ul. Polna 8, 00-390 Warszawa",
    ],
)
def test_a_home_address_with_its_postcode_is_still_found(text: str) -> None:
    assert "address" in categories(text)
