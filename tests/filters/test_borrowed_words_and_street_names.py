"""Rules of the fourth round of docs/pupil-safety-evaluation.md (es and et).

Sentences here differ from the evaluation set's. A street word of other languages that is an
ordinary word of the message's language is no street ("al", "os"); a street's name that is
an ordinary word somewhere is no swear word ("Pikk 7"); a message written in letters the
swear word's language never uses is read in the language that writes them; home words and
the word "address" introduce an address; the public places of es and et; days and hours are
no house numbers.
"""

from __future__ import annotations

import pytest

from tests.filters.findings import categories
from twinspace.moderation.filters import Category


@pytest.mark.parametrize(
    "text",
    [
        "El domingo le ganamos al Albacete 4-1 y luego fuimos a merendar",
        "Llevamos al Pedro 3 veces al médico esta semana",
        "Os Maias 2 é o livro que lemos este período",
        "Subimos al Aneto 2 días seguidos",
    ],
)
def test_a_borrowed_street_word_is_no_street(text: str) -> None:
    assert Category.ADDRESS.value not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "mieszkam przy al. Jana Pawła II 12, wpadnij",
        "gyvenu Vilniuje, Gedimino pr. 9",
        "vivo al final de la calle Olivo 7, al lado del bar",
        "os espero en mi casa, avenida del Puerto 12, 4ºA",
    ],
)
def test_a_street_word_of_the_message_s_own_language_stays_a_street(text: str) -> None:
    assert Category.ADDRESS.value in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "elan Pikk tänav 30, tule pärast trenni",
        "tule meile: Pikk 19, Haapsalu",
    ],
)
def test_a_street_named_by_an_ordinary_word_is_an_address_not_a_swear_word(text: str) -> None:
    assert categories(text) == {Category.ADDRESS.value}


@pytest.mark.parametrize(
    "text",
    [
        "Pikk tund täna, ärge hilinege",
        "Pikk järjekord sööklas, võtke leib kaasa",
        "Tal oli muie näol terve tunni",
    ],
)
def test_letters_and_common_words_tell_the_language_of_a_false_friend(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize("text", ["du er en pikk", "pikk", "for en pikk du er"])
def test_the_swear_word_itself_is_still_found(text: str) -> None:
    assert Category.OFFENSIVE.value in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "tule külla: Karja 7, Viljandi",
        "Elame Tartus, Vanemuise 12-3",
        "saada kutse aadressile Aia 4, Rakvere",
        "ven a mi casa: Olivo 7, 2ºB",
    ],
)
def test_home_words_and_address_words_introduce_an_address(text: str) -> None:
    assert Category.ADDRESS.value in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "El instituto está en la calle Pinar 14, al lado de la parada",
        "Haigla asub Toompuiestee 14, sinna sõidab buss",
        "La dirección del museo es calle Serrano 122",
        "ven a Sevilla 3 días en Semana Santa",
    ],
)
def test_public_places_and_quantities_are_no_home_address(text: str) -> None:
    assert Category.ADDRESS.value not in categories(text)
