# ruff: noqa: RUF001 (sentences in Greek, Turkish and Cyrillic are test data)
"""Rules of the eighth round of issue 16 (docs/pupil-safety-evaluation.md, "Eighth round"),
checked on sentences that are not in tests/data/safety_eval."""

from __future__ import annotations

import pytest

from tests.filters.findings import categories


@pytest.mark.parametrize(
    "text",
    [
        # a whole group's scorn aimed at one pupil (scorn + everyone + an object "you")
        "the whole class laughs at you lol",
        "everyone makes fun of you behind ur back",
        "wszyscy się z ciebie nabijają",
        "tutti ti prendono in giro",
        "todos se burlan de ti",
        "herkes seninle dalga geçiyor",
        "kaikki pilkkaa sua",
        "alla hånar dig",
        "iedereen haat je",
        "toată clasa râde de tine",
        "όλοι σε κοροϊδεύουν",
        "усі з тебе сміються",
        # first-person breaking of a pupil's things or face (smash + belonging + "your")
        "I'll smash your glasses",
        "rozwalę ci twarz",
        "je casse ta gueule",
        "rompo tu mochila",
        "parto-te a cara",
        "rozbiju ti brýle",
        "összetöröm a szemüveged",
        "gözlüğünü kırarım",
        "розіб'ю тобі окуляри",
        # phrases of the round, in other words
        "u have no friends anyway",
        "nie masz przyjaciół, nikt cię nie zaprasza",
        "non hai amici, per questo stai sempre da solo",
        "no tienes amigos, acéptalo",
        "nincsenek barátaid, fogd fel",
        "hiç arkadaşın yok zaten",
        "у тебе немає друзів взагалі",
        "a nadie le importa tu opinión",
        "keinen interessiert was du denkst",
        "go cry to your mummy",
        "what a crybaby",
        "Ella es una llorona",
        "he's a nobody",
        "tu ne sers à rien dans ce groupe",
        "nu ești bun de nimic",
        "better not come to school tomorrow if you know what's good for you",
        "wenn du petzt, dann bist du dran",
    ],
)
def test_bullying_and_threats_are_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "sometimes I think about ending it all",
        "wish I had never been born",
        "czasem chcę się zabić",
        "vorrei non essere mai nata",
        "ich wünschte ich wäre nie geboren",
        "je pense à en finir",
        "pienso en matarme",
        "penso em matar-me",
        "chci se zabít",
        "să mă sinucid, asta vreau",
        "εύχομαι να μην είχα γεννηθεί",
        "keşke hiç doğmasaydım",
        "краще б я не народилася",
        "toivon etten olis syntynyt",
        "önskar att jag aldrig föddes",
        "ik wou dat ik nooit geboren was",
    ],
)
def test_self_harm_of_the_round(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "everyone hates Mondays, you know",
        "everyone laughed at your joke 😂",
        "everyone loves you",
        "did everyone laugh at you?",
        "do all of us hate this homework?",
        "I'll break the record tomorrow",
        "careful you'll break your phone",
        "I broke my glasses yesterday",
        "tutti ridono quando racconti barzellette",
        "alla hatar matte",
        "todos odian los lunes",
        "rompo il ghiaccio: ciao a tutti",
        "ich zerstöre dich in FIFA",
        "mi si è rotto il telefono",
        "kırarım rekoru",
        "kaikki nauraa tälle videolle 😂",
        "herkes gülüyor bu videoya",
        "ist dein Handy kaputt?",
        "is je telefoon kapot?",
        "Jag är ett stort fan av Zlatan",
        "du kannst nichts dafür, keine Sorge",
        "je kan niks doen aan het weer",
        "ya no puedo más con estos deberes 😂",
        "mi madre va a matarme si suspendo",
        "ma mère va me tuer",
        "on doit en finir avec ce projet vendredi",
        "quiero acabar con todo el trabajo hoy",
        "je quitte le groupe de théâtre",
        "skitkul dag idag!",
        "I hurt myself again at football, my ankle",
        "du bist dran mit der Präsentation",  # it's your turn
        "I think about the future a lot",  # Romanian "futu*" was a stem
        "il futuro è adesso",
        "după școală mergem acasă",  # Romanian "after", not Polish "dupa"
        "Jeden bod na řádek",  # Czech "point", not Irish "bod"
        "Ich kann dich nicht hören",  # German "hear", not Norwegian "hore"
        "Ze kunnen je niet horen",  # Dutch "hear"
    ],
)
def test_hard_negatives_of_the_round_pass(text: str) -> None:
    assert not categories(text) & {"offensive", "self_harm"}


@pytest.mark.parametrize(
    "text",
    [
        "bel me op O6-l7654-3O2",  # letters for digits in a two-character group
        "tel O6-87654-3O2",
    ],
)
def test_phone_numbers_with_two_character_disguised_groups(text: str) -> None:
    assert "phone" in categories(text)


@pytest.mark.parametrize(
    "text",
    ["I have an O2 contract, 12 GB", "Room B2, floor O2", "seat A4 row 12 at 18:30"],
)
def test_two_character_codes_are_no_phone(text: str) -> None:
    assert "phone" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "hier kijken de leraren mee, app me",
        "lärarna ser allt, ta det på snap istället",
        "los profes lo leen todo, háblame por insta",
    ],
)
def test_invitations_of_the_round(text: str) -> None:
    assert "social_handle" in categories(text)


# The lexicons' swear words in disguise (docs/pupil-safety-evaluation.md, "Ninth round"):
# stars, digits and symbols for letters, in the languages whose swear words are lexicon
# entries rather than word-list lines.
@pytest.mark.parametrize(
    "text",
    [
        "s@atana mikä koe",
        "perk3le taas",
        "voi v1ttu",
        "b@zmeg a busz",
        "s1ktir git",
        "to je h0vno",
        "j@vlar vilken dag",
        "p*zda",
        "kurw@ mać",
        "ce c@cat de zi",
    ],
)
def test_disguised_lexicon_swear_words_are_offensive(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Pică!",  # Romanian "falls", Czech "píča" folded: only "!" was trimmed
        "I have 3 cats and 2 dogs",
        "mp3 file, 4k video, b2b",
        "h3ll0 fr13nds!!",
        "p@ssword reset link",
        "it's 5$ each, room 4+5",
        "Saaaatu is my best friend",
    ],
)
def test_disguised_ordinary_words_pass(text: str) -> None:
    assert "offensive" not in categories(text)


# Common words pupils degrade each other with, aimed at "you" (ninth round, general lists).
@pytest.mark.parametrize(
    "text",
    [
        "you're so cringe omg",
        "du bist so peinlich",
        "t'es trop gênante",
        "eres un cobarde",
        "sei proprio infantile",
        "jesteś żenujący",
        "je bent zo kinderachtig",
        "du är så barnslig",
        "ești un laș",
        "ти такий дратівливий",
    ],
)
def test_common_degrading_words_aimed_at_you(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "everyone laughed at your joke 😂",
        "your baby sister is so cute",
        "this lesson is so annoying",
        "the film was ridiculous but fun",
        "mi hermano es muy infantil a veces, jaja",  # Portuguese "és" (you are) folded
    ],
)
def test_degrading_words_not_aimed_at_a_pupil_pass(text: str) -> None:
    assert "offensive" not in categories(text)


# The same constructions and phrases in the other 15 languages of the registry.
@pytest.mark.parametrize(
    "text",
    [
        "всички ти се смеят",  # bg
        "alle griner af dig",  # da
        "kõik vihkavad sind",  # et
        "tá gach duine ag gáire fút",  # ga
        "razbit ću ti mobitel",  # hr
        "allir hlæja að þér",  # is
        "visi iš tavęs juokiasi",  # lt
        "tev nav draugu",  # lv
        "сите те мразат",  # mk
        "kulħadd jidħak bik",  # mt
        "jeg knuser mobilen din",  # no
        "všetci sa ti smejú",  # sk
        "vsi se ti smejijo",  # sl
        "të gjithë qeshin me ty",  # sq
        "razbiću ti telefon",  # sr
        "сви ти се смеју",  # sr, Cyrillic
        "Jonas ligner en gris",  # da, a classmate compared to an animal
        "Marko izgleda kao svinja",  # hr
        "Jakub vyzerá ako opica",  # sk
        "vent bare, du skal få se",  # no, wait ... you'll see
    ],
)
def test_the_constructions_in_the_other_registry_languages(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "ville ønske jeg aldrig var født",  # da
        "ubit ću se",  # hr
        "skulle ønske jeg aldri ble født",  # no
        "kiež by som sa nenarodila",  # sk
        "do të doja të mos kisha lindur",  # sq
    ],
)
def test_self_harm_in_the_other_registry_languages(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "alle hader lektier, ikke?",  # da: everyone hates homework, a question
        "jeg knuser rekorden i dag",  # no: a record, not a pupil's thing
        "svi su došli na vrijeme",  # hr: everyone came on time
        "kõik naeravad selle video peale 😂",  # et: everyone laughs at this video
        "Sí, mi madre viene mañana",  # es: Albanian "si" (like) is no comparison here
        "skyen ligner en gris 😂",  # no: a cloud, not a classmate
        "vent, du skal se at det virker",  # no: wait and see that it works
        "askush nuk do të vijë nesër",  # sq: nobody will come tomorrow
        "nitko ti nije rekao za sastanak",  # hr: nobody told you about the meeting
    ],
)
def test_look_alikes_in_the_other_registry_languages_pass(text: str) -> None:
    assert "offensive" not in categories(text)
