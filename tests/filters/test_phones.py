"""Phone numbers of participating countries, and numbers that are not phone numbers."""

from __future__ import annotations

import phonenumbers
import pytest

from twinspace.moderation.filters import PARTICIPATING_REGIONS
from twinspace.moderation.filters import phones as phones_module
from twinspace.moderation.filters.phones import find_phones


def found(text: str, hint: str | None = None) -> list[tuple[str, str]]:
    return [(f.excerpt, f.rule) for f in find_phones(text, PARTICIPATING_REGIONS, hint)]


def test_participating_regions() -> None:
    assert len(PARTICIPATING_REGIONS) == 44
    assert {"PL", "IT", "DE", "AL", "BA", "IS", "LI", "MK", "NO", "RS", "TR"} <= set(
        PARTICIPATING_REGIONS
    )
    assert {"AM", "AZ", "GE", "JO", "LB", "MD", "ME", "TN", "UA"} <= set(PARTICIPATING_REGIONS)
    assert "GB" not in PARTICIPATING_REGIONS


@pytest.mark.parametrize(
    ("text", "excerpt", "region"),
    [
        ("mój numer to 601 234 567", "601 234 567", "PL"),
        ("zadzwoń 0048 512 345 678", "0048 512 345 678", "PL"),
        ("tel. +48 22 123 45 67 (domowy)", "+48 22 123 45 67", "PL"),
        ("sms na 698-765-432", "698-765-432", "PL"),
        ("mój nr: 513234567", "513234567", "PL"),
        ("numer taty (12) 345 67 89", "(12) 345 67 89", "PL"),
        ("mój numer: +48601234567", "+48601234567", "PL"),
        ("chiamami al +39 347 123 4567", "+39 347 123 4567", "IT"),
        ("numero di casa 06 1234 5678", "06 1234 5678", "IT"),
        ("scrivimi al 0039 320 987 6543", "0039 320 987 6543", "IT"),
        ("Meine Nummer ist 0151 23456789", "0151 23456789", "DE"),
        ("Festnetz (030) 1234567", "(030) 1234567", "DE"),
        ("0176/12345678 ist meine Handynummer", "0176/12345678", "DE"),
        ("Ruf an unter 089 / 12 34 56 78", "089 / 12 34 56 78", "DE"),
        ("meine Nummer +49 (0) 171 234 5678", "+49 (0) 171 234 5678", "DE"),
        ("mon numéro c'est 06 12 34 56 78", "06 12 34 56 78", "FR"),
        ("appelle-moi au 07.81.23.45.67", "07.81.23.45.67", "FR"),
        ("0033 1 42 68 53 00 c'est chez moi", "0033 1 42 68 53 00", "FR"),
        ("mi número es 612 345 678", "612 345 678", "ES"),
        ("fijo: 91 123 45 67", "91 123 45 67", "ES"),
        ("my number is +353 87 123 4567", "+353 87 123 4567", "IE"),
        ("call me on 087 123 4567", "087 123 4567", "IE"),
        ("whatsapp me +356 9912 3456", "+356 9912 3456", "MT"),
        ("(+30) 694 123 4567", "(+30) 694 123 4567", "GR"),
        ("ring me 0664 1234567", "0664 1234567", "AT"),
        ("my number is 06-12345678", "06-12345678", "NL"),
        ("0470 12 34 56 is my number", "0470 12 34 56", "BE"),
        ("text me at +40 722 123 456", "+40 722 123 456", "RO"),
        ("call me +380 67 123 4567", "+380 67 123 4567", "UA"),
        ("+995 555 12 34 56 Georgia", "+995 555 12 34 56", "GE"),
        ("numéro tunisien : +216 20 123 456", "+216 20 123 456", "TN"),
        ("my mobile: 0044 7911 123456", "0044 7911 123456", "GB"),  # outside the list: +CC
        ("+41 79 123 45 67 Schweiz", "+41 79 123 45 67", "CH"),
    ],
)
def test_numbers_are_found(text: str, excerpt: str, region: str) -> None:
    results = found(text, hint=region)
    assert results == [(excerpt, f"phone number ({region})")]


@pytest.mark.parametrize(
    "text",
    [
        "The trip is on 12.05.2025 and we leave at 7:30",
        "I was born on 03/11/2010",
        "Our project runs from 2024-09-01 to 2025-06-30",
        "WW2 lasted from 1939-1945",
        "W latach 1939\u20131945",
        "school year 2024/2025, Schuljahr 2024/25",
        "see you at 14:30 - 15:15",
        "The book costs €12.99, das kostet 4,99 €, 1 999,99 zł",
        "prezzo 1.250,00 euro",
        "Pi is 3.14159265358979",
        "x = 0,3333333 and pi = 3,141592653",
        "2^20 = 1048576 and 2^30 = 1073741824",
        "123456789 x 9 = 1111111101",
        "ISBN of our textbook: 978-0-19-421570-1",
        "Roma ha circa 2 800 000 abitanti",
        "The Moon is 384 400 km away",
        "The population of Iceland is about 390 000 people",
        "Le pagine da studiare sono 120-145",
        "Risultato finale: 3-0, 25-20, 25-18, 25-22",
        "my password is 123456789",
        "Zoom meeting ID: 845 2193 7765, passcode 4821",
        "Kahoot game PIN 4837261",
        "Kod do Kahoota: 583 920",
        "Room 204, building B",
        "Mount Everest is 8848 m high",
    ],
)
def test_numbers_that_are_not_phones(text: str) -> None:
    assert found(text) == []


def test_region_hint_names_the_country() -> None:
    # 601 234 567 is a valid number in CZ, PL, PT and ES alike.
    assert found("601 234 567", hint="PL") == [("601 234 567", "phone number (PL)")]
    assert found("601 234 567", hint="ES") == [("601 234 567", "phone number (ES)")]
    assert found("601 234 567", hint="zz") != []


def test_configured_regions_limit_national_formats() -> None:
    assert find_phones("mi número es 612 345 678", ("DE",)) == []
    assert find_phones("+34 612 345 678", ("DE",)) != []


def test_several_numbers() -> None:
    text = "mama: 601 234 567, tata: +48 22 123 45 67"
    assert [e for e, _ in found(text)] == ["601 234 567", "+48 22 123 45 67"]


def test_no_digits_means_no_phonenumbers_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("phonenumbers must not run")

    monkeypatch.setattr(phones_module, "PhoneNumberMatcher", boom)
    monkeypatch.setattr(phonenumbers, "parse", boom)
    assert find_phones("no digits here, just words " * 20, PARTICIPATING_REGIONS) == []
    assert find_phones("room 12, class 3b, 2024", PARTICIPATING_REGIONS) == []


def test_numbers_written_one_after_another() -> None:
    assert [e for e, _ in found("601 234 567 602 345 678", hint="PL")] == [
        "601 234 567",
        "602 345 678",
    ]
    assert [e for e, _ in found("06 12 34 56 78 07 81 23 45 67", hint="FR")] == [
        "06 12 34 56 78",
        "07 81 23 45 67",
    ]
    text = "numery: 601 234 567 22 123 45 67 +48 790 123 456"
    assert [e for e, _ in found(text, hint="PL")] == [
        "601 234 567",
        "22 123 45 67",
        "+48 790 123 456",
    ]


def test_sums_are_not_numbers_but_a_following_number_is() -> None:
    assert found("123456 + 654321 = 777777") == []
    assert found("601 234 567 + 5") == []
    assert [e for e, _ in found("601 234 567 +48 790 123 456", hint="PL")] == [
        "601 234 567",
        "+48 790 123 456",
    ]
