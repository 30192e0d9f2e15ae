"""Links outside the project's allow-list."""

from __future__ import annotations

import pytest

from twinspace.moderation.filters import FilterConfig
from twinspace.moderation.filters.links import find_links, is_allowed

ALLOWED = FilterConfig(allowed_domains={"europa.eu", "etwinning.net", "Wikipedia.org"})


def found(text: str) -> list[tuple[str, str]]:
    return [(f.excerpt, f.rule) for f in find_links(text, ALLOWED.allowed_domains)]


@pytest.mark.parametrize(
    ("text", "excerpt", "host"),
    [
        (
            "see https://youtube.com/watch?v=dQw4.",
            "https://youtube.com/watch?v=dQw4",
            "youtube.com",
        ),
        ("answers on brainly.com/question/123456", "brainly.com/question/123456", "brainly.com"),
        ("play www.crazygames.com!", "www.crazygames.com", "crazygames.com"),
        ("survey: forms.gle/AbC123xyz", "forms.gle/AbC123xyz", "forms.gle"),
        ("(https://wikipedia.org.x.io/a)", "https://wikipedia.org.x.io/a", "wikipedia.org.x.io"),
        ("Google.com is a search engine", "Google.com", "google.com"),
        ("ściągnij z chomikuj.pl", "chomikuj.pl", "chomikuj.pl"),
        ("https://example.org/a_(b)", "https://example.org/a_(b)", "example.org"),
        ("HTTP://EXAMPLE.COM/PATH", "HTTP://EXAMPLE.COM/PATH", "example.com"),
        ("http://192.168.0.1/admin", "http://192.168.0.1/admin", "192.168.0.1"),
    ],
)
def test_external_links(text: str, excerpt: str, host: str) -> None:
    assert found(text) == [(excerpt, f"external link ({host})")]


@pytest.mark.parametrize(
    "text",
    [
        "the info is on https://en.wikipedia.org/wiki/Renewable_energy",
        "all projects: https://school-education.ec.europa.eu/en/etwinning",
        "etwinning.net/pl/pub/index.htm",
        "www.etwinning.net",
        "e.g. this, i.e. that",
        "finished.It was late",
        "Il Colosseo fu costruito tra il 70 e l'80 d.C.",
        "version 1.2.3 and file report.docx and notes.md",
        "Pi is 3.14159",
        "Treffen um 16:45, Raum 2.104",
        "no dots at all",
    ],
)
def test_not_external(text: str) -> None:
    assert found(text) == []


def test_subdomains_of_allowed_domains_pass() -> None:
    assert is_allowed("it.wikipedia.org", {"wikipedia.org"})
    assert is_allowed("www.wikipedia.org", {"wikipedia.org"})
    assert not is_allowed("notwikipedia.org", {"wikipedia.org"})
    assert not is_allowed("wikipedia.org.evil.com", {"wikipedia.org"})


def test_skip_spans() -> None:
    text = "write to anna@gmail.com"
    assert find_links(text, frozenset(), skip=[(9, 23)]) == []
