# ruff: noqa: RUF001 (Greek and Ukrainian sentences are test data)
"""Rules from the thirteenth round's dev messages (docs/pupil-safety-evaluation.md,
"Thirteenth round"), each tested on sentences of its own."""

from __future__ import annotations

import pytest

from tests.filters.findings import categories
from twinspace.moderation.filters.findings import Category
from twinspace.moderation.filters.scan import scan_text


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


@pytest.mark.parametrize(
    "text",
    [
        # the others told to shun a classmate, by name or pronoun
        "guys just ignore Kevin, he never does anything",
        "ignoriert ihn einfach alle",
        "ignorujcie Kubę, on i tak nic nie robi",
        "bloccate Marco dalla chat",
        "no le contestéis a Pablo",
        "negeer hem gewoon",
        "ignorați-l pe Andrei",
        "Ayşe'ye cevap vermeyin arkadaşlar",
        # nobody wants a classmate
        "nobody wants to work with him",
        "nikt go nie lubi",
        "personne ne l'aime dans la classe",
        "nessuno vuole stare con lei",
        "ingen vill vara med honom",
        "nadie quiere trabajar con ella",
        # exclusion phrases on their own
        "nobody needs you here",
        "keiner braucht dich",
    ],
)
def test_exclusion_through_the_others(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "just ignore the last message, it was a mistake",
        "don't ignore her, she's new",
        "Lena ignoriert mich seit Tagen, was soll ich tun",  # a complaint, and German nouns
        "should we block Kevin's spam bot?",
        "nobody wants to go to the dentist",
        "nobody wants pizza? more for me",
        "ignore my typos lol",
        "nikt nie lubi poniedziałków",
        "nessuno vuole fare i compiti",
        "ignorujcie ten błąd w tabeli",
        "we will block the calendar for Tom's talk",
        "ignorez la question 3, elle est annulée",  # "la" is the article here
    ],
)
def test_shunning_words_without_a_classmate_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # poverty mocked beside clothes
        "haha look at Mia's shoes from the bin, her parents can't afford anything 😂",
        "deine Jacke ist vom Flohmarkt oder was, habt ihr kein Geld? 😂",
        "σου αγόρασαν τα παπούτσια από τα σκουπίδια; χαχα",
        # a named classmate said to smell
        "Kevin stinks like old cheese, don't sit next to him",
        # a pupil's picture threatened
        "ich poste dein Foto in der Klassengruppe, dann sehen es alle",
        "i'll post your pic in the class chat, you'll see",
        # threats on their own
        "you'll regret it, trust me",
        "pożałujesz tego jeszcze",
    ],
)
def test_mocking_and_threats_of_the_round(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "who wants my headphones? i won't need them anymore",
        "wer will meine Bücher? ich werde sie nicht mehr brauchen",
        "i won't be here much longer, you won't have to put up with me",
    ],
)
def test_goodbyes_are_self_harm(text: str) -> None:
    assert categories(text) == {"self_harm"}


@pytest.mark.parametrize(
    "text",
    [
        "i can't afford the new trainers, can you lend me 10€?",
        "this jacket is second hand and I love it",
        "the canteen smells like fish 🤢",
        "Kevin says the soup smells like garlic",
        "i'll post the photo of our poster tomorrow",
        "I'll send your photo to Ms Weber for the yearbook",
        "who wants my old calculator? I bought a new one",
        "i won't be here next week, we're going to Spain",
        "you won't regret it, the concert is amazing",
    ],
)
def test_look_alikes_of_the_round_pass(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("piš na ７７４－２０８－５１２", "CZ"),  # full-width digits and hyphens
        ("hívj: harminc 123 4567", "HU"),  # one long number word among seven digits
        ("06 harminc 123 4567", "HU"),
        ("mitt nummer: sjuttio 123 45 67", "SE"),
        # a lone letter for a digit between two others ("l" for 1, "O" for 0)
        ("numer: sześć 0 l / 2 trzy 4 / 5 l 7", "PL"),
        ("liga: 9\ufe0f\u20e31\ufe0f\u20e3 dois l três / 4 O cinco", "PT"),
    ],
)
def test_phone_numbers_of_the_round(text: str, region: str) -> None:
    found = scan_text(text, region_hint=region)
    assert Category.PHONE in {f.category for f in found}, text


@pytest.mark.parametrize(
    "text",
    [
        "Nací el 03/11/2010 en Bilbao",  # a short number word of another language
        "from 2024-09-01 to 2025-06-30",
        "siedem dni, 2024 12 05 10:30",
        "harminc perc, 12:45-kor kezdünk",  # a long word, but few digits
        "I 2 love it",  # a lone letter at a run's edge is a letter
    ],
)
def test_one_number_word_among_few_digits_or_a_short_one_is_no_phone(text: str) -> None:
    assert "phone" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "scrivetemi su insta, qui leggono tutto",
        "napiszcie do mnie na snapie",
        "escribidme por whatsapp mejor",
        "schreibt mir lieber auf Telegram",
        "γράψτε μου καλύτερα στο viber",
        "пишіть мені краще в телеграм",
    ],
)
def test_invitations_said_to_the_whole_group(text: str) -> None:
    assert "social_handle" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "scrivetemi le risposte sul foglio",
        "napiszcie do mnie, jak skończycie zadanie",
        "escribidme la frase en la pizarra",
    ],
)
def test_plural_write_to_me_without_an_app_passes(text: str) -> None:
    assert "social_handle" not in categories(text)


def test_a_postcode_after_the_town_is_no_phone_number() -> None:
    text = "stau pe Strada Florilor nr. 7, bl. B2, ap. 9, Brasov 500035"
    assert categories(text) == {"address"}
    # a phone number after the address is still one
    assert "phone" in categories(text + ", suna-ma la 0722 123 456")


def test_hungarian_avenue_addresses() -> None:
    assert "address" in categories("a címem: 1061 Budapest, Andrássy sugárút 12. 3/4")
    assert "address" in categories("lakcímem: Városligeti fasor 21, Budapest")


@pytest.mark.parametrize(
    "text",
    [
        "du siehst aus wie ein Schwein in dem Pulli",
        "Marta sembra una mucca quando corre",
        "you look like a disgusting rag in that hoodie",
        "vypadáš jak z popelnice 🤮",
    ],
)
def test_a_classmate_said_to_look_like_something_degrading(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "you look like a real astronaut in that suit 😂",
        "it looks like rain, take a jacket",
        "sembra una mucca vera, che bel disegno!",  # a drawing, no person
        "do I look like a clown in this costume?",
    ],
)
def test_friendly_or_impersonal_comparisons_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # a stem among the looked-up words ("zdjęci*" is every form of "photo")
        "wrzucę twoje zdjęcia z wycieczki na grupę, zobaczysz",
        # "here" inside a phrase
        "ти нікому тут не потрібен, Петре",
        "honestly nobody here needs you",
    ],
)
def test_stems_and_here_inside_phrases(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # a degrading word as an intensifier before a good one
        "jesteś debilnie szybki na tej bieżni",
        "you're crazy good at drawing, teach me",
        "sei pazzesca brava a cantare",
        # a friend teased with affection
        "you're so weird lol, love you ❤️",
        "jesteś głupia, kocham cię 😘",
    ],
)
def test_praise_and_fond_teasing_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "you're so ugly, nobody wants you",  # no good word, no affection
        "Anna is so stupid ❤️ love you guys",  # a named classmate is still degraded
        "you're so dumb, stop it",
    ],
)
def test_insults_without_praise_or_with_a_named_target_stay(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "ill tell everyone what u did at the sleepover",
        "morgen bist du fällig, versprochen",
        "teneffüste ölüsün haberin olsun",
    ],
)
def test_threats_in_a_pupils_own_words(text: str) -> None:
    assert "offensive" in categories(text)


def test_threat_phrases_in_game_talk_pass() -> None:
    assert "offensive" not in categories("morgen bist du fällig in Fortnite, 1v1 nach der Schule")


@pytest.mark.parametrize(
    "text",
    [
        "Tom wears that jacket every single day 🤢",
        "Lisa har samma skor igen 😂 har hon inga andra",
        "habt ihr Jonas' Jacke gesehen hahaha",
        "ο Νίκος φοράει πάλι την ίδια μπλούζα χαχα",
        "Kuba znowu w tej bluzie 🤮",
        "Ana huele fatal 🤢 no me siento a su lado",
    ],
)
def test_a_classmates_clothes_or_smell_laughed_at(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tom's new jacket is so cool 😍",
        "haha my shoes got soaked in the rain 😂",  # the pupil's own, no classmate
        "Lisa, your dress for the play is amazing ❤️ haha",
        "did you see the jacket in the museum? 😂",
    ],
)
def test_clothes_with_laughter_but_no_mockery_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        # any two signs of a goodbye, at least one strong
        "i won't need them anymore. you won't have to put up with me",
        "ich brauch die nicht mehr. dann seid ihr mich los",
        "if i wasnt here you'd be rid of me",
        "nobody needs me anyway. goodbye everyone",
        "i gave away my stuff today. thanks for everything",
        "Ich bin eh nur im Weg. Tschüss an alle",
    ],
)
def test_two_signs_of_a_goodbye_are_self_harm(text: str) -> None:
    assert categories(text) == {"self_harm"}


@pytest.mark.parametrize(
    "text",
    [
        "thanks for everything, I won't be here next year, new school!",  # weak signs only
        "I won't need them anymore, I bought new ones",  # one sign
        "goodbye everyone, see you after the holidays!",
        "nobody needs me for the poster, Anna did it all 😅",
    ],
)
def test_one_sign_or_weak_signs_only_pass(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # a condition with a menace
        "if you tell the teacher you'll see",
        "wenn du das noch einmal machst, dann wirst du sehen",
        "jak jeszcze raz to zrobisz, zobaczysz",
        "si le dices a la profe, vas a ver",
        # a violent verb with a time, aimed at "you"
        "I'll hit you tomorrow after school, I swear",
    ],
)
def test_a_threat_part_by_part(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow you'll see the results of the vote",
        "if you finish early you'll see the bonus task",
        "if you tell the teacher we'll get extra time?",
        "one more time and I'll beat you in FIFA",  # game talk
    ],
)
def test_conditions_and_times_without_a_menace_pass(text: str) -> None:
    assert "offensive" not in categories(text)


def test_two_ways_of_keeping_a_classmate_out_are_exclusion() -> None:
    # a leave-out verb and "nobody wants", the name written in lower case
    assert "offensive" in categories("nezvěte petra, stejně nikdo nechce aby přišel")
    assert "offensive" not in categories("don't invite Tom yet, nobody wants to start before 5?")
