# ruff: noqa: RUF001 (sentences in Greek, Turkish and Cyrillic are test data)
"""Rules of the fifth round of issue 16 (docs/pupil-safety-evaluation.md, "Fifth round"),
checked on sentences that are not in tests/data/safety_eval."""

from __future__ import annotations

import pytest

from tests.filters.findings import categories
from twinspace.moderation.filters import scan_text
from twinspace.moderation.filters.digits_view import digits_view
from twinspace.moderation.filters.lexicon import default_lexicons


@pytest.mark.parametrize(
    "text",
    [
        "Last night I was cutting my arms again and I can't stop",
        "Sometimes I wish I was never born, honestly",
        "Ich habe mich gestern wieder geritzt, sag's bitte keinem",
        "Je me suis encore coupée les bras hier, personne le sait",
        "Mi taglio le braccia quando sono triste",
        "Ya no quiero estar aquí, estoy cansada de todo",
        "Non voglio più esserci, sono stanco di tutto",
        "Jag vill inte finnas längre, allt är meningslöst",
        "Ik wil er niet meer zijn, alles is zwaar",
        "Já não quero cá estar, estou farta de tudo",
        "Už tu nechci být, nic nemá smysl",
        "Nu mai vreau să fiu aici, sunt obosită de tot",
        "Δεν θέλω να υπάρχω, όλα είναι μάταια",
        "Nem akarok már itt lenni, minden olyan nehéz",
        "Artık burada olmak istemiyorum, her şey çok zor",
        "Я більше не хочу тут бути, все дуже важко",
        "En halua olla olemassa, kaikki on raskasta",
        "Nie chcę już tu być, wszystko jest bez sensu",
    ],
)
def test_self_harm_phrased_directly_and_indirectly(text: str) -> None:
    assert "self_harm" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "I cut my finger on the paper and it bled a bit",
        "Ich habe mich beim Basteln in den Finger geschnitten",
        "Je me suis coupé les cheveux tout seul, c'est raté",
        "Me he cortado el pelo muy corto, ¿os gusta?",
        "Me he vuelto a cortar el pelo, ahora parezco mi hermano",
        "Mi sono tagliato i capelli ieri",
        "I don't want to be late for the bus again",
        "Nobody would notice if I left the call early, right?",
        "Jag har skurit mig i fingret när jag lagade mat",
        "Ik wil er zaterdag graag bij zijn!",
    ],
)
def test_accidents_and_ordinary_wishes_are_no_self_harm(text: str) -> None:
    assert "self_harm" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Don't invite Chloe to the group, she always moans",
        "Nie dodawajcie Zosi do czatu, nic jej nie mówcie",
        "Lasst Paul nicht in die Gruppe, sagt ihm nichts",
        "Neberte Kubu do týmu, neříkejte mu to",
        "Vi tar inte med Alva i gruppen, säg inget",
        "Mert'i gruba almayalım, ona söylemeyin",
        "Ne hívjuk Dórit a csoportba, ne szóljatok neki",
        "We're making the team chat without Sam, don't tell him",
        "Machen wir den Chat ohne Lea, sagt ihr nichts",
    ],
)
def test_a_named_classmate_kept_out_of_a_group_is_exclusion(text: str) -> None:
    assert categories(text) == {"offensive"}


@pytest.mark.parametrize(
    "text",
    [
        "Let's start the group call without Anna, she is ill today",
        "Wir machen die Gruppe ohne Herrn Maier, er ist krank",
        "Don't tell him about the surprise party, ok?",
        "Facciamo la foto di gruppo senza Luca, arriva dopo",
        "Je ne peux pas venir sans Léa, elle a mes clés",
    ],
)
def test_a_group_without_someone_is_no_exclusion_on_its_own(text: str) -> None:
    assert "offensive" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "You are so embarrassing, honestly",
        "Du bist so lächerlich",
        "T'es vraiment pathétique",
        "Sei proprio patetica",
        "Eres una rarita",
        "Du är så löjlig",
        "Je bent echt sneu",
        "És mesmo patético",
        "Jsi fakt ubohej",
        "Ești jalnic",
        "Είσαι τόσο γελοίος",
        "Annyira béna vagy",
        "Sen çok rezilsin",
        "Ти така смішна",
        "Sä oot niin säälittävä",
        "Jesteś żałosny",
    ],
)
def test_more_degrading_words_aimed_at_a_person(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tell anyone and you'll regret it",
        "Sag das noch mal und du wirst es bereuen",
        "Dis-le encore et tu vas le regretter",
        "Si lo repites te vas a arrepentir",
        "Fallo ancora e te ne pentirai",
        "Zrób tak jeszcze raz, to pożałujesz",
        "Řekni to ještě jednou a budeš litovat",
        "Spune asta încă o dată și o să regreți",
        "Bunu bir daha söylersen pişman olursun",
        "Скажеш це ще раз — пошкодуєш",
    ],
)
def test_threats_of_regret(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Join my Discord after dinner",
        "Napisz do mnie na Messengerze wieczorem",
        "Entra no meu Discord logo à noite",
        "Únete a mi Discord esta tarde",
        "Continuiamo in privato, dai",
        "Dokończymy na priv",
        "Přidej si mě na Instagramu, napiš mi na Discordu",
    ],
)
def test_invitations_with_more_apps_and_phrasings(text: str) -> None:
    assert "social_handle" in categories(text)


def test_a_portuguese_postcode_is_no_luxembourg_phone_number() -> None:
    assert categories("Vivo na Rua do Carmo 7, 1200-093 Lisboa") == {"address"}
    assert categories("O meu número é +352 4050 262") == {"phone"}


def test_a_public_place_owns_its_postcode() -> None:
    assert categories("The Natural History Museum is at Cromwell Road, London SW7 5BD") == set()
    assert categories("my postcode is SW7 5BD") == {"address"}


def test_an_address_word_then_postcode_and_town_before_the_street() -> None:
    assert categories("Címem: 1054 Budapest, Alkotmány 8.") == {"address"}


def test_french_en_retard_is_late() -> None:
    assert categories("Désolé, je suis en retard, le bus est en panne") == set()
    assert "offensive" in categories("you retard")


def test_turkish_at_sign_word() -> None:
    assert categories("mailim: mert nokta aydin et işareti gmail nokta com") == {"email"}


SPELLED = [
    ("ES", "mi número: seiscientos doce, treinta y cuatro, cincuenta y seis, setenta y ocho"),
    ("NL", "bel me: nul zes, eenentwintig, vierendertig, zesenvijftig, achtenzeventig"),
    ("SE", "ring: noll sju noll, ett två tre, fyrtiofem, sextisju"),
    ("TR", "sıfır beş üç üç, yüz elli iki, otuz dört, elli altı"),
    ("FR", "zéro six, soixante-dix-huit, quatre-vingt-douze, trente, onze"),
    ("DE", "null eins fünf zwei, dreiundzwanzig, vierundfünfzig, sechsundsiebzig, achtundneunzig"),
    ("IT", "tre tre otto, uno due tre, quarantacinque, sessantasette"),
    ("HU", "nulla hat, harminc, öt, negyvenkettő, tizenkilenc, hatvanhét"),
    ("PL", "sześćset jeden, dwieście trzydzieści cztery, pięćset sześćdziesiąt siedem"),
    ("UA", "нуль шістдесят сім, сто двадцять три, сорок чотири, шістдесят шість"),
    ("GR", "έξι εννιά επτά, διακόσια τριάντα τέσσερα, πενήντα έξι, εβδομήντα οκτώ"),
    ("PT", "nove um dois, trezentos e quarenta e cinco, seiscentos e setenta e oito"),
    ("CZ", "šest nula dva, sto dvacet tři, čtyři pět šest"),
    ("RO", "zero șapte patru cinci, nouăzeci și opt, șaptezeci și șase, cincizeci și patru"),
    (
        "FI",
        "nolla neljäkymmentä, kaksikymmentäkolme, neljäkymmentäviisi, "
        "kuusikymmentäseitsemän, kahdeksan",
    ),
]


@pytest.mark.parametrize(("region", "text"), SPELLED)
def test_numbers_spelled_with_hundreds_teens_and_compound_tens(region: str, text: str) -> None:
    # The number is valid in ``region``; the finding names the first country it fits.
    found = [f for f in scan_text(text) if f.category.value == "phone"]
    assert [text[f.end - 3 :] for f in found] == [text[-3:]], region


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("seiscientos cuarenta y cuatro", "644"),
        ("yüz yirmi üç", "123"),
        ("soixante-dix-huit", "78"),
        ("quatre-vingt-neuf", "89"),
        ("quatre-vingt-dix-neuf", "99"),
        ("quatre-vingts", "80"),
        ("trezentos e quarenta e cinco", "345"),
    ],
)
def test_round_numbers_take_the_smaller_ones_after_them(text: str, digits: str) -> None:
    view = digits_view(f"zero zero, {text}, 12 34", default_lexicons())
    assert view is not None
    assert "".join(c for c in view.text if c.isdigit()) == "00" + digits + "1234"


@pytest.mark.parametrize(
    "text",
    [
        "Wir waren dreiundzwanzig Kinder und vierzig Eltern beim Fest",
        "Quatre-vingts élèves et soixante-dix parents sont venus",
        "Éramos trescientos alumnos y cuarenta profesores",
        "Negyvenkét diák és tizenhárom tanár jött el",
    ],
)
def test_counted_people_are_no_phone_number(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Adresa mea: Ștefan cel Mare 45, 700000 Iași",
        "Adresim: Papatya Apt. No: 4 Daire 2, Çankaya/Ankara",
        "Я живу: Київ, Оболонський проспект 20, кв. 41",
        "Lakcímem: 4025 Debrecen, Piac 20.",
    ],
)
def test_more_address_shapes(text: str) -> None:
    assert categories(text) == {"address"}


@pytest.mark.parametrize(
    "text",
    [
        "Tavataan kansallismuseon edessä, Mannerheimintie 34, klo 9",
        "Збираємося біля Національного музею історії, вул. Володимирська 2, о 10:00",
        "Quedamos en el Reina Sofía, calle Santa Isabel 52, a las 11",
        "Rendez-vous au Louvre, rue de Rivoli 99, à 9h",
        "Verzamelen bij het Anne Frank Huis, Prinsengracht 263, om 10 uur",
        "We meet at the Tate Modern, Bankside, London SE1 9TG at 10",
        "Die Kurve vor der Schule ist gefährlich, Tempo 30!",
    ],
)
def test_meeting_points_and_public_places_are_no_home(text: str) -> None:
    assert categories(text) == set()


def test_a_meeting_point_at_home_is_still_a_home_address() -> None:
    assert categories("We meet at my house, 14 Rowan Close, at 5") == {"address"}


@pytest.mark.parametrize(
    "text",
    [
        "Your presentation was pathetic, like seriously",
        "You're such a crybaby, grow up",
        "Ale z ciebie ofiara, serio",
        "Wszyscy się z ciebie śmieją",
        "Alle lachen über dich",
        "Tout le monde se moque de toi",
        "Todos se ríen de ti",
        "Kaikki nauraa sulle",
        "Alla skrattar åt dig",
        "Iedereen lacht om jou",
        "Toda a gente se ri de ti",
        "Všichni se ti smějí",
        "Toți râd de tine",
        "Όλοι γελάνε μαζί σου",
        "Mindenki kinevet téged",
        "Marta es una creída, nadie la soporta",
        "If you tell Miss I'll break your phone",
        "Jeszcze raz i oberwiesz",
        "Se fizeres isso outra vez levas um murro",
        "Jestli to uděláš znova, dostaneš přes držku",
        "Αν το ξανακάνεις θα σε χτυπήσω",
        "Ha még egyszer csinálod, behúzok egyet",
        "Bir daha yaparsan seni pataklarım",
        "Σκάσε, ηλίθιε",
        "Zamknij się, debilu",
        "Fogd be a szád, te idióta",
    ],
)
def test_laughing_at_someone_threats_and_insults_in_more_words(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is your cat fat or just fluffy?",
        "Your idea for the poster is great!",
        "Deine Präsentation war echt gut",
        "Du kriegst eine Eins, sicher!",
        "C'est une espèce de gâteau breton",
        "Soy idiota, olvidé el libro en casa jaja",
        "Te le do domani le penne",
        "Ty vole, to je super!",
        "Îți dau una din cărțile mele",
        "Ти отримаєш лист завтра",
        "Nobody likes Mondays",
        "Alle lachen über den Witz",
        "Mindenki kinevet, ha elmondom a viccet",
        "Kimse onu görmedi mi bugün?",
    ],
)
def test_ordinary_sentences_near_the_new_words_pass(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Kövess be Snapen: dora.k12",
        "Пиши мені у вайбер",
    ],
)
def test_more_invitation_verbs(text: str) -> None:
    assert "social_handle" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wenn du petzt, kriegst du nach der Schule was ab",
        "Pass auf, sonst setzt es was",
        "Dostaniesz jutro po lekcjach w łeb",
        "Dostaneš zítra přes držku",
        "Får du se, i morgon får du stryk",
        "Dan krijg je morgen echt klappen",
        "Kapsz holnap egy pofont",
        "Ти отримаєш завтра по пиці",
        "Niemand mag deine blöden Witze",
        "Nikt nie lubi twoich głupich żartów",
        "Personne n'aime tes blagues nulles",
        "Tus dibujos dan pena, deja de subirlos",
    ],
)
def test_threats_split_by_adverbs_and_inflected_degrading_words(text: str) -> None:
    assert "offensive" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "Gibt es was Neues vom Projekt?",
        "Kriegst du das bis morgen hin?",
        "Vais apanhar o autocarro das 8?",
        "Te vas a enterar mañana de las notas",
        "Dostaniesz ode mnie prezent na urodziny",
        "Kapsz egyet a sütiből is",
        "Krijg je morgen je rapport?",
        "Отримаєш посилку завтра",
        "Die dumme Katze hat meine Hausaufgaben zerrissen lol",
        "Deine Aufgabe war schwer, ich helfe dir",
    ],
)
def test_the_parts_of_a_split_threat_alone_pass(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Тітка живе на проспекті Свободи 14 у Львові",
        "Ми живемо на бульварі Шевченка 5",
    ],
)
def test_ukrainian_streets_in_the_locative(text: str) -> None:
    assert categories(text) == {"address"}


def test_hungarian_add_me_on_an_app() -> None:
    assert categories("Adj hozzá Instán: bence.kiss") == {"social_handle"}
    assert categories("Adj hozzá a projekt dokumentumhoz légyszi") == set()


def test_a_six_digit_number_in_a_table_row_is_no_postcode() -> None:
    assert categories("river,length_km,basin_km2\nVistula,1047,194424\nPo,652,71000\n") == set()


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("пошта: oksana.l собака gmail крапка com", "email"),
        ("on continue sur discord ?", "social_handle"),
        ("laita mulle snäppiä", "social_handle"),
        ("fala comigo no whatsapp", "social_handle"),
        ("chci navždy zmizet", "self_harm"),
        ("örökre el akarok tűnni", "self_harm"),
    ],
)
def test_more_at_words_app_verbs_and_wishes_to_disappear(text: str, category: str) -> None:
    assert categories(text) == {category}


@pytest.mark.parametrize(
    "text",
    [
        "vitun idiootti",
        "fy fan",
        "flikker op",
        "vai-te foder",
        "ty kreténe",
        "seru na to",
        "ești un bou",
        "άντε γαμήσου",
        "lan salak",
        "hassiktir",
        "йди в сраку",
    ],
)
def test_more_swearing(text: str) -> None:
    assert categories(text) == {"offensive"}


@pytest.mark.parametrize(
    "text",
    [
        "Jag fick en puss av mormor",
        "Vi köpte foder till hästen",
    ],
)
def test_swedish_words_that_swear_elsewhere(text: str) -> None:
    assert categories(text) == set()


def test_a_joiner_is_no_number_word() -> None:
    """ "3, 5 and 7, due 14.05.2027": "and" joins, Italian "due" is one number word among
    digits, so nothing is spelled out."""
    assert categories("Homework: pages 112-118, exercises 3, 5 and 7, due 14.05.2027") == set()
    # spelled numbers with joiners still count: "treinta y cuatro" in SPELLED above


@pytest.mark.parametrize(
    "text",
    [
        "Babcia mieszka w Krakowie na Floriańskiej 7",
        "Mi abuela vive en Gran Vía 42 de Bilbao",
        "Isovanhemmat asuu Turussa, Aurakatu 5",
        "Teta bydlí v Brně na Masarykově 14",
        "Έλα σπίτι μου, Σόλωνος 45, Αθήνα",
        "Η θεία μένει στη Θεσσαλονίκη, Τσιμισκή 30",
        "Тітка живе в Одесі на Дерибасівській 10",
        "My grandad lives at 3 Mill Lane, Ely",
    ],
)
def test_a_relatives_home_with_the_town_before_the_street(text: str) -> None:
    assert categories(text) == {"address"}


@pytest.mark.parametrize(
    "text",
    [
        "Mein Cousin wohnt in Berlin seit 2019",
        "Il habite à Paris depuis 2015",
        "My aunt lives in Leeds, 3 hours from here",
        "Mi abuela vive en Madrid desde 1990",
    ],
)
def test_a_relatives_town_and_a_year_are_no_address(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "min snap är elsa.k",
        "το snap μου είναι maria_k",
        "snapim: zeynep_09",
        "мій снеп: olia_08",
        "add me: jake_2011 on snap",
        "mun snäppi on ville_10",
        "o meu snap é joana.p",
        "snapul meu e andrei.m",
        "mandami un dm",
        "envoie-moi un mp",
        "mándame un dm",
        "stuur me een privébericht",
        "στείλε μου προσωπικό μήνυμα",
        "napisz priv",
    ],
)
def test_account_names_next_to_an_app_and_direct_messages(text: str) -> None:
    assert categories(text) == {"social_handle"}


@pytest.mark.parametrize(
    "text",
    [
        "Instagram v2.5 update is weird",
        "TikTok dance part_2 is out",
        "Minecraft 1.20.4 is out",
        "Send the file to the WhatsApp group, it's called class_7b",
    ],
)
def test_versions_and_words_near_an_app_are_no_account(text: str) -> None:
    assert "social_handle" not in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "I feel like ending it all",
        "there's no point in living anymore",
        "Myślę o tym, żeby się zabić",
        "Non ha senso vivere",
        "Ich denke daran, mich umzubringen",
        "La vie n'a plus de sens",
        "No tiene sentido vivir",
        "Ajattelen itsemurhaa",
        "Livet är meningslöst, jag orkar inte mer",
        "Het leven heeft geen zin meer",
        "A vida não faz sentido",
        "Život nemá smysl",
        "Viața nu mai are sens",
        "Η ζωή δεν έχει νόημα",
        "Nincs értelme élni",
        "Yaşamanın anlamı yok",
        "Я думаю про самогубство",
        "Життя не має сенсу",
    ],
)
def test_life_without_meaning_and_thoughts_of_suicide(text: str) -> None:
    assert categories(text) == {"self_harm"}


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying of laughter",
        "this homework is killing me",
        "Ich sterbe vor Lachen",
        "Me muero de risa",
        "Boję się zabić pająka, pomóż",
        "The character dies at the end of the book",
    ],
)
def test_idioms_of_dying_are_no_self_harm(text: str) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "You're the most boring person in this class",
        "Nobody asked for your opinion, Sam",
        "Jesteś najnudniejszą osobą w klasie",
        "Du bist der langweiligste Mensch der Klasse",
        "Dich hat keiner gefragt",
        "T'es la personne la plus chiante de la classe",
        "Nadie te ha preguntado",
        "Oot luokan tylsin tyyppi",
        "Ingen frågade dig",
        "Jij bent de saaiste van de klas",
        "Ninguém te perguntou nada",
        "Nikdo se tě neptal",
        "Ești cea mai plictisitoare persoană din clasă",
        "Κανείς δεν σε ρώτησε",
        "Te vagy a legunalmasabb az osztályban",
        "Sınıfın en sıkıcı insanı sensin",
        "Тебе ніхто не питав",
    ],
)
def test_boring_and_nobody_asked_you(text: str) -> None:
    assert categories(text) == {"offensive"}


@pytest.mark.parametrize(
    "text",
    [
        "This lesson is so boring",
        "Bu ders çok sıkıcı, 45 dakika daha var",
        "Der Film war langweilig, aber das Popcorn war gut",
        "Nobody asked about the homework yet?",
    ],
)
def test_a_boring_thing_is_no_bullying(text: str) -> None:
    assert categories(text) == set()


def test_romanian_pica_is_it_falls() -> None:
    """Romanian "pică" (falls, comes up in a test) is Czech "píča" without its accents; the
    Romanian letter ă tells the language even in a one-word message."""
    assert categories("Pică!") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Look at her shoes lol, so poor",
        "Zobaczcie jej buty, biedaczka haha",
        "Guardate le sue scarpe, che pezzente",
        "Regardez ses chaussures, la pauvre mdr",
        "Kolla hennes skor, så fattig",
        "Koukejte na její boty, chudinka",
        "Nézzétek a cipőjét, de szegény",
        "Ayakkabılarına bakın, ne kadar fakir",
        "Подивіться на її взуття, бідна",
        "Look at his face lol so ugly",
    ],
)
def test_a_classmate_pointed_at_and_mocked(text: str) -> None:
    assert categories(text) == {"offensive"}


@pytest.mark.parametrize(
    "text",
    [
        "Look at his drawing, it is so cute",
        "Look at this stupid printer",
        "Schaut euch seine Zeichnung an, so schön",
        "Mirad su dibujo, qué bonito",
        "Look at their poster, the print quality is poor",
        "Nézzétek, milyen szép a hó",
    ],
)
def test_pointing_at_something_without_mocking_passes(text: str) -> None:
    assert categories(text) == set()


def test_a_word_that_only_means_at_needs_no_known_provider() -> None:
    assert categories("rui.s arroba sapo.pt") == {"email"}
    assert categories("anna kukac citromail.hu") == {"email"}
    assert "email" not in categories("look at example.com")
    assert "email" not in categories("mert et ornek.com")
