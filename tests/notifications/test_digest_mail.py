"""The daily digest e-mail words each notification in the recipient's language: the lines the
scheduler hands over start with a kind code (notifications/scheduler.py), never shown raw."""

from __future__ import annotations

import pytest

from twinspace.mail.templates import LANGUAGES, catalogue, render
from twinspace.notifications.kinds import NotificationKind


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_words_every_notification_kind(language: str) -> None:
    worded = catalogue(language)["notification_kinds"]
    assert set(worded) == {kind.value for kind in NotificationKind}
    assert all(
        text.strip() and text not in {k.value for k in NotificationKind} for text in worded.values()
    )


def test_digest_lines_are_worded_not_coded() -> None:
    items = "held · Rivers of Europe · Maja\nsession_soon · Rivers of Europe"
    mail = render("digest", "pl", {"count": "2", "items": items, "url": "/x"}, {})
    assert "Wpis ucznia czeka na Twoją akceptację · Rivers of Europe · Maja" in mail.body_text
    assert "Wkrótce zaczyna się lekcja na żywo · Rivers of Europe" in mail.body_text
    assert "held ·" not in mail.body_text and "session_soon" not in mail.body_text
    english = render("digest", "en", {"count": "2", "items": items, "url": "/x"}, {})
    assert "A pupil's item waits for your approval · Rivers of Europe · Maja" in english.body_text
