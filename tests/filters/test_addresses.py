"""Street addresses and postal codes, best effort."""

from __future__ import annotations

import pytest

from twinspace.moderation.filters.addresses import find_addresses


def found(text: str) -> list[str]:
    return [f.excerpt for f in find_addresses(text)]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("mieszkam na ul. Długa 5/3", "ul. Długa 5/3"),
        ("mieszkam na ul. Długiej 5/3", "ul. Długiej 5/3"),
        ("al. Jana Pawła II 12", "al. Jana Pawła II 12"),
        ("ul. 3 Maja 10/4", "ul. 3 Maja 10/4"),
        ("na os. Słonecznym 4 m. 12", "os. Słonecznym 4 m. 12"),
        ("mieszkam przy ulicy Lipowej 14", "ulicy Lipowej 14"),
        ("00-950 Warszawa", "00-950 Warszawa"),
        ("abito in via Roma 12", "via Roma 12"),
        ("piazza Garibaldi 3", "piazza Garibaldi 3"),
        ("Corso Vittorio Emanuele 45", "Corso Vittorio Emanuele 45"),
        ("vivo in viale dei Mille 8", "viale dei Mille 8"),
        ("sto in via Garibaldi, 22", "via Garibaldi, 22"),
        ("40121 Bologna", "40121 Bologna"),
        ("I live at 12 High Street", "12 High Street"),
        ("221B Baker Street", "221B Baker Street"),
        ("12 High St.", "12 High St."),
        ("the postcode is SW1A 1AA", "SW1A 1AA"),
        ("my eircode is D02 X285", "D02 X285"),
        ("Ich wohne in der Hauptstraße 5", "Hauptstraße 5"),
        ("Bahnhofstr. 12", "Bahnhofstr. 12"),
        ("Lindenweg 7a", "Lindenweg 7a"),
        ("Kärntner Straße 8", "Kärntner Straße 8"),
        ("10115 Berlin", "10115 Berlin"),
        ("12 rue de la Paix", "12 rue de la Paix"),
        ("27 bis rue Victor Hugo", "27 bis rue Victor Hugo"),
        ("vivo en la calle Mayor 5", "calle Mayor 5"),
        ("C/ Alcalá 20", "C/ Alcalá 20"),
        ("Avenida de la Constitución 12", "Avenida de la Constitución 12"),
    ],
)
def test_addresses(text: str, excerpt: str) -> None:
    assert excerpt in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Piazza San Marco è bellissima",
        "Baker Street is in London",
        "il corso di inglese è il martedì",
        "mandami il file via email",
        "Die Hauptstraße ist gesperrt",
        "Wir sind auf Platz 2 gelandet!",
        "Ich habe heute 10000 Schritte gemacht",
        "Roma ha 2800000 abitanti",
        "In 2024 Berlin hosted the final",
        "Le cul-de-sac au bout de ma rue",
        "Me encanta pasear por la Calle Mayor",
        "WW2 lasted from 1939 to 1945",
        "Room 204, building B",
        "Rozdział 3, strony 45-67",
        "We scored 10000 Punkte",
    ],
)
def test_not_addresses(text: str) -> None:
    assert found(text) == []
