# ruff: noqa: RUF001 (Ukrainian and Greek sentences are test data)
"""Rules from the eleventh round's dev messages (docs/pupil-safety-evaluation.md, "Eleventh
round"), each tested on sentences of its own: self-harm said without a word for dying (the
pupil's absence nobody would notice; pills kept back), and the lexicons' swear words split
letter by letter."""

from __future__ import annotations

import pytest

from tests.filters.findings import categories


@pytest.mark.parametrize(
    "text",
    [
        "honestly if i wasn't here nobody would even notice",
        "nobody would miss me if i was gone tbh",
        "gdyby mnie nie było, wszystkim by ulżyło",
        "wenn ich nicht mehr da wäre, würde es keiner merken",
        "si je disparaissais personne ne s'en rendrait compte",
        "se eu desaparecesse ninguém ia dar pela falta... ninguém ia reparar",
        "als ik er niet meer was zou niemand het merken",
        "якби мене не було, ніхто б не помітив",
        "ha eltűnnék, senki sem venné észre",
        "ben olmasam kimse fark etmezdi zaten",
    ],
)
def test_the_pupils_absence_that_nobody_would_notice_is_self_harm(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # the two parts in different sentences
        "If I was gone last week? Nobody would notice the plants anyway, they're plastic.",
        # nobody noticing something else, no absence of the speaker
        "nobody would notice the typo on slide 3, relax",
        "nikt by nie zauważył różnicy między tymi zdjęciami",
        "niemand würde es merken, wenn wir die Farbe ändern",
    ],
)
def test_nobody_noticing_without_the_pupils_absence_passes(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "i've saved up my mum's sleeping pills in my drawer",
        "i have painkillers stockpiled under my bed",
        "uzbierałam trochę tabletek babci, nikt nie wie",
        "mám schované prášky ve skříni",
        "ho messo da parte le pillole della nonna",
        "ik heb pillen opgespaard in mijn kast",
        "jag har sparat tabletter i min låda",
        "biriktirdim hapları dolapta",
        "я назбирала таблеток у шафі",
        "έχω μαζέψει χάπια στο δωμάτιό μου",
        "i keep a pack of pills in my room for when it gets too much",
        "ik heb pillen liggen voor als het me te veel wordt",
    ],
)
def test_pills_kept_back_are_self_harm(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # a school trip packs pills "just in case": not a hoard
        "bring your travel sickness pills just in case!",
        "weź tabletki na chorobę lokomocyjną na wszelki wypadek",
        # pills put away by someone else, or asked about
        "the pills are kept in the nurse's office",
        "mama schowała leki wysoko w szafce",
        "have you saved the pills chart for the biology poster?",
        "las pastillas están guardadas en el botiquín",
        # a class collecting medicines for charity, pills kept in a fridge or put back
        "we've been collecting medicines for the refugee centre",
        "Wir haben Medikamente für die Ukraine gesammelt",
        "ilaçlarımı buzdolabında saklıyorum",
        "odłożyłam leki z powrotem na półkę",
        "je garde mes médicaments dans mon sac",
        "збираю таблетки в аптечку для походу",
    ],
)
def test_pills_packed_stored_or_asked_about_pass(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "ta prezentace je k u r v a dlouhá",
        "ta hudba je k.u.r.v.a hlasitá",
        "to je ku-r-va dobrý",
        "v*tun koe taas huomenna",  # a star: the disguised path it had before
    ],
)
def test_a_lexicon_swear_word_split_letter_by_letter_is_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "we meet at 5 p.m. at the e-mail desk",
        "our trip to the u.s.a. and to Pula",
        "a b c d e f g, the alphabet song",
        "self-esteem and co-op games",
        "c'est la vie, l'amour",
    ],
)
def test_letters_split_by_separators_in_ordinary_text_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "sembri un maiale con quella felpa",
        "näytät ihan klovnilta noissa housuissa",
        "μοιάζεις με φάντασμα σήμερα χαχα",
        "úgy nézel ki, mint egy madárijesztő",
        "patates gibi görünüyorsun bu fotoğrafta",
        "виглядаєш як опудало в цій куртці",
        "you look like a scarecrow in that coat lol",
        "tu ressembles à un épouvantail avec ce pull",
    ],
)
def test_you_look_like_a_mocking_figure_is_bullying(text: str) -> None:
    """The comparison's own verb in the second person names its target ("sembri", "näytät",
    "виглядаєш"), and scarecrows, ghosts and potatoes mock as animals do."""
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "sembra un maiale ma è un cinghiale",  # the third person: an animal, not a pupil
        "this potato looks like a duck",
        "we dressed up like zombies for Halloween",
        "my grandma makes soup like nobody else",
        "you look tired today, get some sleep",
        "näyttää ihan kummitukselta tuo sumu",
    ],
)
def test_comparisons_that_mock_nobody_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "тебе ніхто не кликав, не приходь",
        "seni kimse sevmiyor bu sınıfta",
        "ciebie nikt nie chce w grupie",
        "tebe nikdo nechce ve skupině",
        "téged senki nem hívott meg",
        "a ti nadie te ha invitado",
        "pe tine nimeni nu te vrea în echipă",
    ],
)
def test_a_stressed_you_before_nobody_is_exclusion(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # praise: nobody beats, equals or replaces you
        "nobody can beat you at chess",
        "nikt cię nie pokona w szachy",
        "ciebie nikt nie pokona, mistrzu",
        "seni kimse yenemez",
        "nessuno ti batte a scacchi",
        "ніхто тебе не переможе",
        "nobody is better than you at drawing",
        # "without you": praise too
        "bez ciebie nikt nie da rady",
        # reassurance: nobody is the one who hits
        "niemand kann dich schlagen, keine Sorge",
        # a question
        "tebe nikdo nepozval?",
    ],
)
def test_nobody_and_you_that_praise_reassure_or_ask_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "jajaja qué gracioso tu acento, hablas como en la tele",
        "ton accent de paysan mdr",
        "his accent is so weird hahaha",
        "Marco ha un accento da paesano ahahah",
        "ma akcent jak ze wsi xD",
    ],
)
def test_an_accent_mocked_as_funny_or_rural_is_bullying(text: str) -> None:
    """Laughter typed out ("xD", "hahaha", "mdr") counts as the emoji does."""
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "mój dziadek ma śmieszny akcent",
        "my grandpa has a funny accent, love it",
        "la mia nonna è di paese e ha un bell'accento",
    ],
)
def test_an_accent_spoken_of_kindly_passes(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize("text", ["só me apetece morrer", "hoy solo me apetece morirme"])
def test_feeling_like_dying_is_a_wish(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize("text", ["me apetece una pizza", "só me apetece dormir até tarde"])
def test_feeling_like_anything_else_passes(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "la curva de la carretera es peligrosa",
        "dibujamos una curva en matemáticas",
        "a curva da estrada é perigosa",
        "ce film est débile, on change ?",
        "c'est débile ce jeu",
    ],
)
def test_false_friends_of_romanian_and_czech_words_pass(text: str) -> None:
    """Spanish and Portuguese "curva" is a curve (Romanian: a swear word); French "débile"
    said of a thing is no Czech "debil"."""
    assert "offensive" not in categories(text)


@pytest.mark.parametrize("text", ["ești o curvă proastă", "t'es débile ou quoi", "jsi debil"])
def test_the_same_words_aimed_at_a_pupil_in_their_own_language_are_flagged(text: str) -> None:
    assert "offensive" in categories(text)
