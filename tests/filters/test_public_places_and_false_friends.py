"""Rules of the third round of docs/pupil-safety-evaluation.md (cs, es, et hard negatives).

Sentences here differ from the evaluation set's: each rule must hold beyond the message that
showed the gap. A street next to a public place named in its sentence is that place's
address unless the message names a home; a public word inside the street's own name says
nothing; "I live in <town>, <street> <number>" is a home address; ordinary words of the
message's language that are swear words elsewhere pass; "follow me" verbs invite to an app.
"""

from __future__ import annotations

import pytest

from tests.filters.findings import categories
from twinspace.moderation.filters import Category, scan_text


@pytest.mark.parametrize(
    "text",
    [
        "Zítra jdeme do Městské knihovny, je na Mariánském náměstí 1, sraz před vchodem",
        "El viernes vamos a la Biblioteca Nacional, en el paseo de Recoletos 20",
        "Reedel läheme Kumu kunstimuuseumisse, Weizenbergi tänav 34, kohtume bussis",
        "Tomorrow we visit the Science Museum, 12 Exhibition Road, bring a packed lunch",
    ],
)
def test_the_address_of_a_public_place_is_no_home_address(text: str) -> None:
    assert Category.ADDRESS.value not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "vivo al lado del museo, calle Goya 12, ven cuando quieras",
        "po divadle přijď k nám domů, Husova ulice 5",
        "pärast kino tule meile, Lossi tänav 3",
        "after the cinema come over to my house, 14 Mill Road",
    ],
)
def test_a_home_word_keeps_the_address_next_to_a_public_place(text: str) -> None:
    assert Category.ADDRESS.value in categories(text)


@pytest.mark.parametrize(
    "text",
    ["komm vorbei, Bahnhofstr. 12, zweiter Stock", "kom til meg, Kirkeveien 9, rødt hus"],
)
def test_a_public_word_inside_the_street_name_says_nothing(text: str) -> None:
    assert Category.ADDRESS.value in categories(text)


@pytest.mark.parametrize(
    "text",
    ["ma elan Viljandis, Posti 14, tule külla", "vivo en Toledo, Alfileritos 8, ven mañana"],
)
def test_i_live_in_a_town_then_a_street(text: str) -> None:
    assert Category.ADDRESS.value in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Na horách jsme byli celý týden a na hoře Sněžce byla mlha",  # hora: mountain
        "Llegamos a las ocho y pico y el pico de la montaña tenía nieve",  # pico: peak
        "Hore na kopci je rozhľadňa, ideme tam po obede",  # Slovak hore: up
    ],
)
def test_ordinary_words_that_are_swear_words_elsewhere(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    ["ty píčo, vypadni", "du er en hore"],
)
def test_the_swear_words_themselves_are_still_flagged(text: str) -> None:
    assert Category.OFFENSIVE.value in categories(text)


@pytest.mark.parametrize(
    "text",
    ["jälgi mind tiktokis, seal on rohkem videoid", "sleduj mě na instáči", "följ mig på snap"],
)
def test_follow_me_invites_to_an_app(text: str) -> None:
    assert categories(text) == {Category.SOCIAL_HANDLE.value}


@pytest.mark.parametrize(
    "text",
    [
        "come over to 12 Baker Street after school, it is right next to the library",
        "přijď za mnou do Husovy ulice 5, je to kousek za knihovnou a muzeem",
        "ven a la calle Mayor 15, al lado está el museo",
    ],
)
def test_a_public_place_after_the_street_does_not_hide_it(text: str) -> None:
    """Only a place named just before the street owns it; one named after is scenery."""
    assert Category.ADDRESS in {f.category for f in scan_text(text)}
