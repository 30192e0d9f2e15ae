"""Property tests: any text scans without error, and findings point into the original."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twinspace.moderation.filters import Finding, mask, scan_text
from twinspace.moderation.filters.offensive import find_offensive
from twinspace.moderation.filters.wordlists import default_wordlists

# Fragments that trigger every filter, mixed with arbitrary unicode.
FRAGMENTS = [
    "fuck", "k.u.r.w.a", "f u c k", "sh1t", "coño", "Scheiße", "pe\u0301de\u0301", "\u200b",
    "601 234 567", "+48 22 123 45 67", "0048 512 345 678", "12.05.2024", "1939-1945",
    "anna@gmail.com", "x (at) y (dot) com", "@emma_2010", "add me on snap", "masz snapa?",
    "https://example.com/a_(b)", "www.x.pl", "ul. Długa 5/3", "via Roma 12", "10115 Berlin",
    "SW1A 1AA", "ß", "ﬁ", "\u0301", "İ", "Ⅻ", "@", "*", "!", " ", "\n",
    "\U0001d41f\U0001d42e\U0001d41c\U0001d424",  # "fuck" in mathematical bold
]  # fmt: skip

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=12).map(
    "".join
)


def check(text: str, findings: list[Finding]) -> None:
    last_end: dict[str, int] = {}
    previous = (-1, 0)
    for item in findings:
        assert 0 <= item.start < item.end <= len(text)
        assert text[item.start : item.end] == item.excerpt
        assert item.start >= last_end.get(item.category, 0)
        last_end[item.category] = item.end
        assert (item.start, -item.end) >= previous
        previous = (item.start, -item.end)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_scan_text_offsets(text: str) -> None:
    findings = scan_text(text)
    check(text, findings)
    assert len(mask(text, findings)) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_scan_random_unicode_never_raises(text: str) -> None:
    check(text, scan_text(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_offensive_offsets_map_into_original(text: str) -> None:
    for item in find_offensive(text, default_wordlists()):
        assert 0 <= item.start < item.end <= len(text)
        assert text[item.start : item.end] == item.excerpt
