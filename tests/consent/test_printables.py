"""Printable consent letters and sign-in cards: in the school's language, for the class's
teachers only, never a password hash; new passwords printed on cards really sign in."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.consent.conftest import Classroom
from tests.support.world import World
from twinspace.consent.wording import WORDING


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


async def test_letters_are_in_the_schools_language_with_the_countrys_age(room: Classroom) -> None:
    path = f"/api/v1/classes/{room.school_class.id}/consent-letters"
    async with room.client(room.teacher) as http:
        polish = await http.get(path)
        german = await http.get(path, params={"lang": "de", "pupil_id": room.pupil.id})
        unknown_language = await http.get(path, params={"lang": "xx"})
        other_pupil = await http.get(path, params={"pupil_id": room.partner.id})
    assert polish.status_code == 200, polish.text
    assert polish.headers["content-type"].startswith("text/html")
    assert "script-src" not in polish.headers["content-security-policy"]
    assert '<html lang="pl">' in polish.text and "@media print" in polish.text
    words = text_of(polish.text)
    assert WORDING["pl"]["letter_title"] in words
    assert "poniżej 16. roku życia" in words, "Poland's age of digital consent"
    for pupil in (room.pupil, room.classmate):
        assert pupil.user.display_name in words
    assert words.count(WORDING["pl"]["signature"]) == 2, "one letter per pupil"
    assert german.status_code == 200 and '<html lang="de">' in german.text
    german_words = text_of(german.text)
    assert WORDING["de"]["yes"] in german_words and room.classmate.user.display_name not in (
        german_words
    )
    assert unknown_language.status_code == 422
    assert other_pupil.status_code == 404, "an id outside the class is not found"


@pytest.mark.parametrize(
    ("country", "language", "age"),
    [("IT", "it", "14"), ("FR", "fr", "15"), ("FI", "fi", "13"), ("ES", "es", "14"),
     ("DE", "de", "16"), ("SE", "en", "13")],
)  # fmt: skip
async def test_each_schools_letter_speaks_its_language(
    world: World, country: str, language: str, age: str
) -> None:
    teacher = await world.teacher(country)
    school_class = await world.school_class(teacher, "3a")
    await world.pupils(teacher, 1, school_class, consent=False)
    async with world.client(teacher) as http:
        letter = await http.get(f"/api/v1/classes/{school_class.id}/consent-letters")
    assert letter.status_code == 200, letter.text
    assert f'<html lang="{language}">' in letter.text
    words = text_of(letter.text)
    assert WORDING[language]["letter_title"] in words and WORDING[language]["no"] in words
    assert re.search(rf"\b{age}\b", words), "the country's age of digital consent"


async def test_printables_are_for_the_class_teachers_only(room: Classroom) -> None:
    letters = f"/api/v1/classes/{room.school_class.id}/consent-letters"
    cards = f"/api/v1/classes/{room.school_class.id}/sign-in-cards"
    for outsider in (room.partner, room.pupil):
        async with room.client(outsider) as http:
            assert (await http.get(letters)).status_code == 404
            assert (await http.post(cards, json={})).status_code == 404
    async with room.client(room.colleague) as http:
        refused = await http.post(cards, json={"new_passwords": True})
        assert (await http.get(letters)).status_code == 403
    assert refused.status_code == 403 and refused.json()["rule"] == "class-teacher"
    async with room.client(room.pupil) as http:
        assert (await http.get("/api/v1/me")).status_code == 200, "no password was changed"


async def test_cards_print_usernames_and_new_passwords_that_sign_in(room: Classroom) -> None:
    cards = f"/api/v1/classes/{room.school_class.id}/sign-in-cards"
    async with room.client(room.teacher) as http:
        plain = await http.post(cards, json={})
        fresh = await http.post(cards, json={"pupil_ids": [room.pupil.id], "new_passwords": True})
    assert plain.status_code == 200, plain.text
    assert plain.headers["content-type"].startswith("text/html")
    words = text_of(plain.text)
    for pupil in (room.pupil, room.classmate):
        assert pupil.user.username in words and pupil.user.display_name in words
    assert words.count(WORDING["pl"]["password_blank"]) == 2
    assert room.world.server.base_url in words, "the sign-in address"
    assert "argon2" not in plain.text and "argon2" not in fresh.text
    assert fresh.status_code == 200, fresh.text
    fresh_words = text_of(fresh.text)
    assert room.classmate.user.username not in fresh_words
    match = re.search(rf"{WORDING['pl']['password']} (\S+)", fresh_words)
    assert match is not None, fresh_words
    password = match.group(1)
    async with room.world.client() as anonymous:
        old = await anonymous.post(
            "/api/v1/session",
            json={"username": room.pupil.user.username, "password": room.pupil.password},
        )
        new = await anonymous.post(
            "/api/v1/session", json={"username": room.pupil.user.username, "password": password}
        )
    assert old.status_code == 401 and new.status_code == 200, new.text
    async with room.client(room.pupil) as http:
        assert (await http.get("/api/v1/me")).status_code == 401, "their sessions ended"
    audit = await room.world.storage.audit.about_user(room.pupil.id)
    assert "pupil_password_reset" in [a.action for a in audit]
