"""E-mail addresses, plain and lightly obfuscated."""

from __future__ import annotations

import pytest

from twinspace.moderation.filters.emails import find_emails


def found(text: str) -> list[str]:
    return [f.excerpt for f in find_emails(text)]


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        ("my email is tom.smith2009@gmail.com!", "tom.smith2009@gmail.com"),
        ("E-Mail: jonas_2009@t-online.de", "jonas_2009@t-online.de"),
        ("send it to anna dot k at gmail dot com", "anna dot k at gmail dot com"),
        ("write to me: luca_rossi (at) hotmail.com", "luca_rossi (at) hotmail.com"),
        ("my mail is jakub.n @ outlook . com", "jakub.n @ outlook . com"),
        ("mail me marek[at]wp.pl", "marek[at]wp.pl"),
        ("maciek [at] o2 [dot] pl", "maciek [at] o2 [dot] pl"),
        ("tom(dot)w(at)gmail(dot)com", "tom(dot)w(at)gmail(dot)com"),
        ("pisz na kasia2010 małpa onet kropka pl", "kasia2010 małpa onet kropka pl"),
        ("kuba.m (małpa) gmail.com", "kuba.m (małpa) gmail.com"),
        ("scrivi a marco99 chiocciola gmail punto com", "marco99 chiocciola gmail punto com"),
        ("max punkt schmidt at gmail punkt com", "max punkt schmidt at gmail punkt com"),
        ("paul[punkt]meier[at]gmx[punkt]de", "paul[punkt]meier[at]gmx[punkt]de"),
        ("écris-moi à lucas arobase gmail point com", "lucas arobase gmail point com"),
        ("pablo arroba hotmail punto es", "pablo arroba hotmail punto es"),
        ("mi email: carla_99 (arroba) yahoo.es", "carla_99 (arroba) yahoo.es"),
        ("sofia.r at hotmail.it", "sofia.r at hotmail.it"),
    ],
)
def test_addresses_are_found(text: str, excerpt: str) -> None:
    assert found(text) == [excerpt]


@pytest.mark.parametrize(
    "text",
    [
        "Let's meet @ 5 in the video room",
        "2 tickets @ €4 each",
        "Ich bin @ Schule, schreib später",
        "follow me on insta @lucas.bcn",
        "look at example.com for the rules",
        "we are at school. Then we go home",
        "Znak @ po polsku to małpa",
        "il punto è che siamo a scuola",
        "I'm at home dot",
    ],
)
def test_not_addresses(text: str) -> None:
    assert found(text) == []
