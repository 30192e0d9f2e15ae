# ruff: noqa: RUF001 (sentences in Greek, Turkish and Cyrillic are test data)
"""Rules of the seventh round of issue 16 (docs/pupil-safety-evaluation.md, "Seventh
round"), checked on sentences that are not in tests/data/safety_eval."""

from __future__ import annotations

import pytest

from tests.filters.findings import categories


@pytest.mark.parametrize(
    "text",
    [
        # sarcasm: "genius" with an eye roll, or a question with "by yourself"
        "nice one genius 🙄 the slides are upside down",
        "Tolles Genie, hast du das ganz allein gemalt?",
        "quel génie 🙄 encore en retard",
        "menudo genio estás hecho 🙄",
        "Ale geniusz 🙄 znowu zgubił klucz",
        "olet kyllä nero 🙄",
        "Einstein, did you spell that by yourself?",
        # smell
        "eww you stink, open a window",
        "Du stinkst nach Fisch",
        "tu pues des pieds, sérieux",
        "apestas a ajo",
        "smrdíš jak kanál",
        "jij stinkt naar knoflook",
        "βρωμάς σκόρδο",
        # mocking an accent
        "your accent is so weird lol",
        "dein Akzent ist echt komisch",
        "ton accent est trop bizarre",
        "twój akcent jest dziwny",
        "o teu sotaque é tão estranho",
        "aksanın çok garip",
        # clothes compared to a grandparent
        "those clothes make you look like a grandpa",
        "du bist angezogen wie ein Opa",
        "ti vesti come una nonna",
        "tus ropas son de abuela",
        # a wait for the break
        "just wait till recess.",
        "warte nur bis zur Pause!",
        "espera al recreo, ya",
        "počkej na přestávku!",
        "чекай до перерви.",
        # a secret told to everyone
        "I'm telling everyone your secret",
        "ich verrate allen dein Geheimnis",
        "je vais dire ton secret à tout le monde",
        "le voy a contar tu secreto a todos",
        "powiem wszystkim twój sekret",
        "herkese sırrını anlatırım",
        # "we don't want you", "you'll regret"
        "we don't want you at our table",
        "nie chcemy cię na imprezie",
        "non ti vogliamo alla festa",
        "te vas a arrepentir, Marcos",
        "budeš litovat, slibuju",
        "o să regreți ziua asta",
        "θα το μετανιώσεις πικρά",
    ],
)
def test_bullying_and_threats_without_swear_words_are_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to disappear forever",
        "ich will einfach nur verschwinden",
        "quiero desaparecer de todo",
        "chcę zniknąć",
        "vreau să dispar de tot",
        "everyone would be better without me",
        "ohne mich wären sie alle glücklicher",
        "sin mí estarían todos mejor",
        "sem mim a minha família ficava melhor",
        "bez mnie byłoby wszystkim lepiej",
        "utan mig skulle alla vara lyckligare",
        "what's the point of anything anymore",
        "nada tiene sentido ya",
        "nic nie ma sensu",
        "τίποτα δεν έχει νόημα πια",
        "немає сенсу нічого робити",
    ],
)
def test_vanishing_hopelessness_and_without_me_are_self_harm(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # nobody ... you across a clause end
        "Nobody is perfect, you did great",
        "Niemand ist schuld, mach dir keine Sorgen",
        "personne n'est venu, je t'attends encore",
        "niemand was er, ik bel je straks",
        "ninguém é perfeito, não te preocupes com isso",
        # negated imperatives and threats
        "Verschwinde nicht, wir brauchen dich!",
        "ne tűnj el, hiányzol",
        "no te vas a arrepentir, es una peli genial",
        "nie pożałujesz, ta gra jest super",
        # game talk
        "I'll smash you in Fortnite later",
        "je vais t'éclater aux échecs demain",
        "zniszczę cię w Minecraft haha",
        # ordinary sentences with the new words
        "You're a genius, thank you for fixing the slides!",
        "Did you draw that by yourself? It's amazing",
        "Do you smell the smoke? Is there a fire drill?",
        "the accent in this song is weird",
        "my grandma knitted these clothes for me",
        "can you wait till break? I need the charger",
        "the secret ingredient is cinnamon, tell everyone!",
        "we made it without me getting lost, better than last time",
    ],
)
def test_look_alikes_pass(text: str) -> None:
    found = categories(text)
    assert "offensive" not in found, text
    assert "self_harm" not in found, text


@pytest.mark.parametrize(
    "text",
    [
        "ich verletze mich selbst, wenn es mir schlecht geht",
        "je me suis coupée exprès",
        "mi sono fatta male apposta",
        "zrobiłam sobie krzywdę specjalnie",
        "megvágom magam",
        "jag vill aldrig vakna igen",
        "nechci se už probudit",
        "bir daha uyanmak istemiyorum",
        "не хочу більше прокидатися",
        "δεν θέλω να ξυπνήσω ποτέ ξανά",
        "en haluu herätä enää",
        "ojalá no despertar mañana",
    ],
)
def test_hurting_oneself_on_purpose_and_not_waking_up_are_self_harm(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "nem akarok felébredni holnap korán",
        "не хочу прокидатися о шостій",
        "zrobiłem sobie krzywdę na rowerze",
        "mi sono fatta male a pallavolo",
        "ich habe mich beim Schnitzen geschnitten, nur ein Pflaster",
    ],
)
def test_accidents_and_early_mornings_pass(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "we don't play with you, go away",
        "wir spielen nicht mit dir, such dir andere",
        "on ne joue pas avec toi",
        "no jugamos contigo, lárgate",
        "non fai più parte del gruppo, ciao",
        "nie bawimy się z tobą!",
        "we spelen niet met jou",
        "s tebou si nehrajeme",
        "δεν παίζουμε μαζί σου",
        "seninle oynamıyoruz",
        "you'll pay for this, trust me",
        "das wirst du mir büßen",
        "me las vas a pagar",
        "zapłacisz za to!",
        "θα το πληρώσεις",
        "ти за це заплатиш",
    ],
)
def test_kept_out_of_a_game_and_you_will_pay_are_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ti pago io la pizza, me la ridai domani",
        "kolik zaplatíš za lístek?",
        "do you play with your brother at home?",
        "I'll pay for the tickets, you pay next time",
    ],
)
def test_paying_and_playing_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "just go back to your own country",
        "geh doch zurück in dein Land",
        "rentre dans ton pays",
        "vete a tu país ya",
        "tornatene al tuo paese",
        "spadaj do swojego kraju",
        "ga terug naar je land",
        "stick hem till ditt land",
        "táhni do svý země",
        "du-te în țara ta",
        "φύγε στη χώρα σου",
        "menj haza a saját országodba",
        "ülkene geri dön",
        "їдь у свою країну",
    ],
)
def test_told_to_go_back_to_their_country_is_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "are you going back to your country for Christmas?",
        "¿cuándo vuelves a tu país?",
        "Fährst du in den Ferien zurück in dein Land?",
        "quand est-ce que tu rentres dans ton pays ?",
    ],
)
def test_asking_about_going_home_passes(text: str) -> None:
    assert "offensive" not in categories(text)
