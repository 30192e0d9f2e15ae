"""A pupil's held message that a teacher rejects does not vanish without a word (issue 20): it
stays on the pupil's screen marked as not published, and the pupil is told."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DemoServer, SignedIn
from tests.browser.test_web_client import TEACHER, unique

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_rejected_message_stays_marked_and_the_pupil_is_told(
    demo_server: DemoServer, open_as: SignedIn
) -> None:
    channel = demo_server.project["channels"][0]["id"]
    project = demo_server.project["id"]
    pupil = open_as("maja.pl", f"/projects/{project}/chat/{channel}")
    teacher = open_as(TEACHER, f"/projects/{project}/desk/queue")
    expect(teacher.get_by_test_id("moderation-queue")).to_be_visible()
    expect(pupil.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    text = unique("Ring me at +48 602 345 678 tonight")
    pupil.get_by_label("Message #general").fill(text)
    pupil.get_by_label("Message #general").press("Enter")
    mine = pupil.locator(".message", has_text=text)
    expect(mine).to_have_attribute("data-status", "held")

    item = teacher.locator(".queue-item", has_text="602")
    expect(item).to_be_visible()
    item.get_by_role("button", name="Reject").click()
    expect(item).to_have_count(0)

    expect(mine).to_have_attribute("data-status", "rejected")
    expect(mine).to_contain_text(text)
    expect(pupil.get_by_text("did not publish your message")).to_be_visible()
