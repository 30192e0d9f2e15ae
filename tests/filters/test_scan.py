"""scan_text, mask and FilterConfig."""

from __future__ import annotations

import pytest

from twinspace.moderation.filters import (
    DEFAULT_ALLOWED_DOMAINS,
    Category,
    FilterConfig,
    Finding,
    mask,
    scan_text,
)


def test_every_category_in_one_message() -> None:
    text = (
        "fuck, call me 601 234 567 or anna@gmail.com, add me on snap: xx_1, "
        "www.example.com, ul. Długa 5"
    )
    findings = scan_text(text, region_hint="PL")
    assert [(f.category, f.excerpt) for f in findings] == [
        (Category.OFFENSIVE, "fuck"),
        (Category.PHONE, "601 234 567"),
        (Category.EMAIL, "anna@gmail.com"),
        (Category.SOCIAL_HANDLE, "add me on snap: xx_1"),
        (Category.EXTERNAL_LINK, "www.example.com"),
        (Category.ADDRESS, "ul. Długa 5"),
    ]
    assert findings[1].rule == "phone number (PL)"
    assert findings[0].language == "en"
    for item in findings:
        assert text[item.start : item.end] == item.excerpt


def test_email_is_not_also_a_link_or_handle() -> None:
    assert [f.category for f in scan_text("mail: tom@example.com")] == [Category.EMAIL]
    assert [f.category for f in scan_text("mail: tom (at) example (dot) com")] == [Category.EMAIL]


def test_clean_and_empty() -> None:
    assert scan_text("") == []
    assert scan_text("   \n ") == []
    assert scan_text("Hi everyone, nice to meet you!") == []


def test_categories_can_be_switched_off() -> None:
    config = FilterConfig(categories=frozenset({Category.PHONE}))
    assert [f.category for f in scan_text("fuck, 601 234 567", config=config)] == [Category.PHONE]


def test_allowed_domains_are_normalised() -> None:
    config = FilterConfig(allowed_domains={" WWW.Example.COM. ", ""})
    assert config.allowed_domains == frozenset({"example.com"})
    assert scan_text("see https://docs.example.com/x", config=config) == []
    assert DEFAULT_ALLOWED_DOMAINS == {"europa.eu", "etwinning.net"}
    assert scan_text("https://school-education.ec.europa.eu/en") == []


def test_unknown_phone_region_is_rejected() -> None:
    with pytest.raises(ValueError, match="XX"):
        FilterConfig(phone_regions=("PL", "XX"))
    assert FilterConfig(phone_regions=("pl",)).phone_regions == ("PL",)


def test_findings_are_sorted_and_non_overlapping_per_category() -> None:
    text = "k.u.r.w.a, k u r w a, kurwa qrwa"
    findings = scan_text(text)
    assert [f.excerpt for f in findings] == ["k.u.r.w.a", "k u r w a", "kurwa", "qrwa"]


def test_mask_hides_spans_and_keeps_length() -> None:
    text = "call 601 234 567 now, you sh1t"
    findings = scan_text(text)
    masked = mask(text, findings)
    assert masked == "call *** *** *** now, you ****"
    assert len(masked) == len(text)
    assert mask(text, findings, mask_char="•").count("•") == 13
    assert mask(text, []) == text


def test_mask_merges_overlaps_and_clamps() -> None:
    text = "abcdef"
    items = [
        Finding(Category.OFFENSIVE, 1, 3, "bc", "r"),
        Finding(Category.PHONE, 2, 5, "cde", "r"),
        Finding(Category.ADDRESS, 4, 99, "ef", "r"),
    ]
    assert mask(text, items) == "a*****"
    with pytest.raises(ValueError):
        mask(text, items, mask_char="**")
