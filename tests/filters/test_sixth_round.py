# ruff: noqa: RUF001 (sentences in Greek, Turkish and Cyrillic are test data)
"""Rules of the sixth round of issue 16 (docs/pupil-safety-evaluation.md, "Sixth round"),
checked on sentences that are not in tests/data/safety_eval."""

from __future__ import annotations

import pytest

from tests.filters.findings import categories


@pytest.mark.parametrize(
    "text",
    [
        "Olivia runs like a hippo, everyone saw it",
        "Hanna, du grunzt wie ein Ferkel beim Essen",
        "Pedro come como un cerdito, qué asco",
        "Théo tu marches comme un gorille",
        "Giada ride come un asino, che imbarazzo",
        "Joana parece uma vaca com esse casaco",
        "Kuba wygląda jak hipopotam w tym stroju",
        "Ondra řve jako opice, fuj",
        "Elias låter som en gris när han äter",
        "Thijs zwemt als een walvis haha",
        "Onni, sä näytät ihan apinalta",
        "Mihai mănâncă ca un porc",
        "Ο Κώστας τρώει σαν γουρούνι",
        "Gergő röfög mint egy disznó",
        "Kerem domuz gibi yiyor",
        "Тарас реве як корова",
    ],
)
def test_a_classmate_compared_to_an_animal_is_bullying(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "The cloud looks like a pig, so cute",
        "Der Kuchen sieht aus wie ein Schwein, voll süß",
        "our mascot is a cow, like the one on the milk carton",
        "Los delfines son tan listos como los monos",
        "Le nuage ressemble à un éléphant",
        "Ta chmura wygląda jak słoń",
        "Bulut fil gibi görünüyor",
    ],
)
def test_animals_in_a_comparison_without_a_person_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "honestly I don't want to live anymore",
        "Ich will nicht mehr leben.",
        "Ya no quiero vivir, nada tiene sentido",
        "je ne veux plus vivre comme ça",
        "Non voglio più vivere",
        "Não quero viver mais",
        "Nie chcę już żyć",
        "Už nechci žít",
        "Nu mai vreau să trăiesc",
        "Ik wil niet meer leven",
        "Jag vill inte leva längre",
        "En halua enää elää",
        "Δεν θέλω να ζω πια",
        "Nem akarok már élni",
        "Я не хочу більше жити",
        "wish I had never been born tbh",
        "sometimes I want to sleep and never wake up",
        "Quisiera dormirme y no despertar",
    ],
)
def test_a_negated_wish_to_live_is_self_harm(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ich will nicht in Berlin leben, zu laut",
        "Je ne veux pas vivre à Paris plus tard",
        "Non voglio vivere in città da grande",
        "Jag vill inte bo i Stockholm längre",
        "I never wake up before 7 on Sundays",
    ],
)
def test_where_to_live_is_no_self_harm(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "just wait till friday, you'll see",
        "Warte nur bis zur Pause, dann wirst du sehen",
        "Espera al recreo, ya verás",
        "Attends un peu, tu vas voir",
        "Aspetta domani e vedrai",
        "Poczekaj tylko do piątku, zobaczysz",
        "Počkej na přestávku, uvidíš",
        "Wacht maar tot de pauze, dan zul je zien",
        "Περίμενε το διάλειμμα και θα δεις",
        "Várj csak a szünetig, meglátod",
        "Teneffüsü bekle, göreceksin",
        "Почекай до перерви, побачиш",
        "Ich hau dir eine rein, dann gibts Prügel für dich",
        "ci połamię ręce, jak to powiesz",
        "je vais te casser les dents",
    ],
)
def test_threats_without_the_listed_phrases(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Espera, ya verás que funciona",
        "Aspetta, vedrai che ti piace il museo",
        "Warte kurz, du wirst sehen, dass es klappt",
        "wait, you'll see that the graph goes up",
        "Počkej, uvidíš, že to půjde",
    ],
)
def test_you_will_see_that_is_a_promise(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "slide into my dms on insta, the teacher reads this",
        "schreib mir eine dm auf insta",
        "mándame un md por insta",
        "écris-moi en mp sur snap",
        "scrivimi in dm su instagram",
        "vorbim în privat pe whatsapp",
        "ta det i dm på snap",
        "laita yksityisviestiä instassa",
        "pogadajmy prywatnie na messengerze",
        "napiš mi soukromě na instáč",
        "στείλε μου στα προσωπικά στο insta",
        "Lass uns das unter vier Augen klären",
        "jutellaan kahden kesken myöhemmin",
        "tens insta? o meu é rita_porto11",
    ],
)
def test_private_messages_on_an_app_are_invitations(text: str) -> None:
    assert "social_handle" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "El perfil de insta del colegio es privado",
        "Mi profilo su Instagram è privato",
    ],
)
def test_a_private_profile_is_no_invitation(text: str) -> None:
    assert "social_handle" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "we live next to the library, 14 Elm Close",
        "Mieszkamy obok apteki na Kwiatowej 8",
        "Abito sopra il bar, via Roma 14",
        "Vivo encima de la farmacia, calle Luna 3",
        "Moro ao lado da escola, Rua Nova 12",
        "J'habite à côté de la poste, 5 rue Pasteur",
        "Wir wohnen neben der Kirche, Bergstraße 4",
        "Bor ovanför biblioteket, Skolgatan 3",
        "Bydlíme vedle knihovny, Nádražní 17",
        "Locuiesc lângă muzeu, Str. Unirii 9",
    ],
)
def test_a_home_next_to_a_public_place_is_an_address(text: str) -> None:
    assert "address" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "The library is next to the church, 14 Elm Close",
        "La farmacia está al lado del colegio, calle Luna 3",
        "Muzeum je vedle knihovny, Nádražní 17",
    ],
)
def test_a_public_place_next_to_another_is_no_home(text: str) -> None:
    assert "address" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lasst Jonas nicht in unsere Gruppe, der nervt",
        "Laat Sven niet in de groep, hij is raar",
        "Bjud inte in Ebba till gruppen, hon är konstig",
        "Non mettete Luca nel gruppo, è strano",
        "No metáis a Hugo en el grupo, es muy raro",
        "Nu o primiți pe Ana în echipă",
    ],
)
def test_keeping_a_named_classmate_out_is_exclusion(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lasst Jonas in unsere Gruppe, er ist nett",
        "Laat Sven in de groep, hij kan goed tekenen",
        "Lasst Jonas nicht warten, die Gruppe fängt an",
    ],
)
def test_letting_a_classmate_in_passes(text: str) -> None:
    assert "offensive" not in categories(text)


def test_greek_e_mail_written_in_latin_letters() -> None:
    assert "email" in categories("to email mou: eleni papaki gmail teleia com")


def test_hungarian_baszki_is_swearing() -> None:
    assert "offensive" in categories("baszki, elfelejtettem a jelszót")


# Second pass: fresh sentences in the 16 languages, written after the first pass.


@pytest.mark.parametrize(
    "text",
    [
        "bloody hell, the link is broken again",
        "Leck mich, ich hab keinen Bock mehr",
        "Hostia puta, qué frío, carajo",
        "Eres un capullo, Dani",
        "Fy fan, bussen är sen igen",
        "Ten test to sračka",
        "gamw to, xasame to leoforeio",
        "пиздець, знову контрольна",
        "Ez a dolog fura, Dóri fura, senki sem szereti",
        "Оля дивна, її ніхто не хоче",
    ],
)
def test_swearing_and_exclusion_the_lists_lacked(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm a huge fan of Coldplay",
        "Jag är ett stort fan av Zlatan",
        "Vi gjorde en skit rolig film",
        "Dreckswetter heute, wir bleiben drinnen",
        "Ile ma ta książka stron?",
        "El capullo del tulipán ya se abrió",
        "Quel bordel dans mon sac",
    ],
)
def test_false_friends_of_the_new_swear_words_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "i'm gonna batter you",
        "I'll make you regret it",
        "Ich mach dich kalt",
        "Je vais te démonter",
        "Ti gonfio di botte",
        "Vou-te dar uma tareia",
        "Dam ci w ryj",
        "Rozbiję ci łeb",
        "Dám ti pěstí",
        "Te fac praf",
        "Θα σου σπάσω τα μούτρα",
        "Szétrúgom a segged",
        "Я тобі морду наб'ю",
        "Ik trap je in elkaar",
    ],
)
def test_threats_in_other_verbs(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "ti piace il pesto?",
        "ti mando lo sfondo per le slide",
        "I'll find you the link",
        "I beat you 3-0 at FIFA lol",
        "Rozbiję namiot nad jeziorem",
        "tu t'éclates bien au ski?",
    ],
)
def test_ordinary_verbs_next_to_you_pass(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "i keep scratching my arms till they bleed",
        "everyone would be happier if i was gone",
        "Mi faccio del male apposta",
        "Machuco-me de propósito",
        "Robię sobie krzywdę specjalnie",
        "Îmi fac rău intenționat",
        "Ik doe mezelf expres pijn",
        "Κάνω κακό στον εαυτό μου επίτηδες",
        "Kendime bilerek zarar veriyorum",
        "Я навмисно роблю собі боляче",
        "mietin itsemurhaa",
        "penso em suicídio",
        "mă gândesc la sinucidere",
    ],
)
def test_hurting_oneself_in_other_words(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "the cat was scratching my arms",
        "Я зробив собі боляче на футболі",
        "Mi sono fatto male a calcio",
        "Zrobiłem sobie krzywdę na WF-ie",
    ],
)
def test_accidents_pass(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text", ["me manda mensagem no zap", "let's take this to whatsapp, the teacher reads this"]
)
def test_more_invitations(text: str) -> None:
    assert "social_handle" in categories(text)


def test_the_brazilian_name_of_whatsapp_alone_passes() -> None:
    assert "social_handle" not in categories("o zap do meu pai está avariado")


@pytest.mark.parametrize(
    "text",
    [
        "ring me on oh seven nine double five 123 456",
        "call me on oh seven nine five five, triple one, two three four",
    ],
)
def test_double_and_triple_digits(text: str) -> None:
    assert "phone" in categories(text)


@pytest.mark.parametrize(
    "text", ["we got a double five in the dice game and 3 points", "double espresso for 2 people"]
)
def test_double_without_a_number_passes(text: str) -> None:
    assert "phone" not in categories(text)


# Third pass: fresh hard negatives for the first pass's rules.


@pytest.mark.parametrize(
    "text",
    [
        "wait and you'll see the results tomorrow",
        "warte, du wirst sehen, es klappt",
        "Espera y verás el resultado",
        "Attends, tu vas voir le résultat",
        "Aspetta, vedrai il risultato",
        "Poczekaj, zobaczysz wynik",
        "Odota, saat nähdä tuloksen",
        "Várj, meglátod az eredményt",
        "Bekle, göreceksin sonucu",
        "Почекай, побачиш результат",
    ],
)
def test_wait_and_see_a_result_passes(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "just wait till monday, you'll see what happens",
        "Espera al recreo, ya verás lo que te pasa",
        "Stai până mâine, o să vezi ce",
    ],
)
def test_wait_and_see_what_happens_is_a_threat(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tom drew a horse that looks like a donkey haha",
        "Emma, your drawing of the cow looks like a dog lol",
        "Max schwimmt wie ein Fisch",
        "Luca è forte come un toro",
        "Ο Νίκος τρέχει σαν άλογο",
        "Оля співає як соловей",
    ],
)
def test_drawings_and_praise_with_animals_pass(text: str) -> None:
    assert "offensive" not in categories(text)


def test_where_one_lives_is_no_self_harm() -> None:
    assert "self_harm" in categories("Ya no quiero seguir viviendo así")
    assert "self_harm" not in categories("Ya no quiero seguir viviendo en Madrid")


@pytest.mark.parametrize(
    "text",
    [
        "Te parto un trozo de tarta?",
        "Låt inte Ebba gå hem själv, gruppen väntar",
        "I'll wait for you after school at the gate, mum said we walk home together",
    ],
)
def test_cake_walks_home_and_waiting_pass(text: str) -> None:
    assert "offensive" not in categories(text)


def test_talking_to_a_teacher_in_private_is_no_invitation() -> None:
    assert "social_handle" not in categories("Sprich unter vier Augen mit deinem Lehrer")
    assert "social_handle" in categories("Lass uns das lieber unter vier Augen klären")
