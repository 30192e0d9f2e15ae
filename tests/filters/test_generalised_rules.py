# ruff: noqa: RUF001 (Serbian Cyrillic sentences are test data)
"""Rules added from the new dev messages of docs/pupil-safety-evaluation.md (cs, es, et, sr).

Each is written to generalise beyond the message that showed the gap: spelled e-mail words
without their accents, a capitalised street word inside a sentence, an hour or a quantity
after a number, and case forms of "you" in bullying and exclusion.
"""

from __future__ import annotations

import pytest

from tests.filters.findings import categories
from twinspace.moderation.filters import Category


@pytest.mark.parametrize(
    "text",
    [
        "napiš: petra.kralova zavinac seznam tecka cz",  # zavináč, tečka
        "pisz na ola kropka nowak malpa wp kropka pl",  # małpa
        "piši na jovana tacka ilic majmunce gmail tacka com",  # majmunče, tačka
    ],
)
def test_email_words_typed_without_accents(text: str) -> None:
    assert Category.EMAIL.value in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "моја адреса је Булевар ослобођења 45, Нови Сад",
        "dođi kod mene, Ulica kralja Tomislava 3",
        "adresa: Bulevar oslobođenja 12, Novi Sad",
    ],
)
def test_a_capitalised_street_word_inside_a_sentence_names_the_street(text: str) -> None:
    assert categories(text) == {"address"}


@pytest.mark.parametrize(
    "text",
    [
        "Булевар је затворен до 15 часова",  # sentence start: the capital says nothing
        "Mañana nos vemos en la Plaza de España a las 5",  # an hour
        "Sraz na náměstí Míru v 5",
        "Ulice je dlouhá 500 metrů",  # a quantity
        "Trg je pun, bilo je 300 ljudi",
    ],
)
def test_hours_quantities_and_sentence_starts_are_no_addresses(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Jakube ty seš fakt trapnej",  # colloquial Czech "seš", "-ej"
        "Hugo das asco, nadie quiere sentarse contigo",
        "keegi ei taha sinuga mängida",  # Estonian comitative "sinuga"
        "нико неће да седи са тобом",  # Serbian instrumental "тобом"
    ],
)
def test_bullying_in_case_forms(text: str) -> None:
    assert categories(text) == {"offensive"}


@pytest.mark.parametrize(
    "text",
    [
        "pošli mi svůj discord, budeme si psát tam",
        "pásame tu snap y seguimos hablando por ahí",
        "dodaj me na snap, tamo ćemo da pričamo",
    ],
)
def test_invitations_with_local_verbs(text: str) -> None:
    assert categories(text) == {"social_handle"}


@pytest.mark.parametrize(
    "text",
    [
        "bazen gerçekten ölmek istiyorum",  # Turkish: the infinitive, then the wish
        "her şeyden uzakta yok olmak istiyom",
        "néha csak eltűnni szeretnék",  # Hungarian, the same order
    ],
)
def test_a_wish_after_the_word_for_dying_in_verb_final_languages(text: str) -> None:
    assert categories(text) == {"self_harm"}


@pytest.mark.parametrize(
    "text",
    [
        "ölmek istemiyorum, sadece yoruldum",  # "I don't want to die": the negation is a suffix
        "meghalni nem akarok, csak fáradt vagyok",  # the negation between them
        "ich sterbe, will ich sagen, vor Lachen",  # the order only counts in tr and hu
    ],
)
def test_a_negated_or_reversed_wish_is_no_self_harm(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Odlazi!",
        "odlazi odavde, niko te ne želi",
        "Ne pričaj s nama. Odlazi.",
        "Одлази, нико те не воли",
        "Desaparece daqui!",
        "Cala a boca, desaparece",
    ],
)
def test_a_command_to_go_opening_a_clause_is_exclusion(text: str) -> None:
    assert Category.OFFENSIVE.value in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vlak odlazi u 8 sati.",  # the train leaves at 8
        "Ana odlazi kući poslije škole",  # Ana goes home after school
        "Ne odlazi, ostani s nama!",  # don't go, stay with us
        "O ícone desaparece quando clico no botão",  # the icon disappears when I click
        "A neve desaparece na primavera",  # the snow melts away in spring
        "El dolor desaparece pronto",  # (Spanish) the pain goes away soon
    ],
)
def test_the_same_word_after_a_subject_or_a_negation_is_a_plain_verb(text: str) -> None:
    assert categories(text) == set()


def test_a_slovak_chick_is_no_croatian_swear_word() -> None:
    """Folded, Slovak "kurča" (a chick) is Croatian "kurca"; in a Slovak message it passes."""
    assert categories("Moja sestra má malé kurča na dvore.") == set()
    assert Category.OFFENSIVE.value in categories("Ni kurca ne znaš, idiote.")
