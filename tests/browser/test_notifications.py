"""Issue 19's notifications in the browser: a held pupil message lights the bell on a
teacher's screen wherever they are in the client, live over the user channel; the activity
list words it in the interface language and takes the teacher to the desk."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DemoServer, SignedIn, screenshot
from tests.browser.test_web_client import TEACHER, unique

pytestmark = pytest.mark.browser


def test_a_held_pupil_message_lights_the_bell_on_any_screen(
    demo_server: DemoServer, open_as: SignedIn
) -> None:
    project = demo_server.project["id"]
    channel = demo_server.project["channels"][0]["id"]
    demo_server.api(TEACHER, "POST", "/me/notifications/read")  # start from nothing unread

    teacher = open_as(TEACHER, "/training")  # far from the desk and from the project
    expect(teacher.get_by_test_id("bell-area")).to_have_attribute("data-state", "online")
    expect(teacher.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications")
    expect(teacher.get_by_test_id("bell-count")).to_have_count(0)

    # a number of its own: other browser tests look for theirs on the same desk
    text = unique("Call me on +48 512 765 432, ok")
    sent = demo_server.api("maja.pl", "POST", f"/channels/{channel}/messages", {"text": text})
    assert sent["status"] == "held"

    # live: no reload, still on the training screen
    expect(teacher.get_by_test_id("bell-count")).to_have_text("1")
    expect(teacher.get_by_test_id("bell")).to_have_attribute(
        "aria-label", "Notifications: 1 unread"
    )
    assert teacher.url.endswith("/training")

    teacher.get_by_test_id("bell").click()
    entry = teacher.get_by_test_id("notification").first
    expect(entry).to_have_attribute("data-kind", "held")
    expect(entry).to_contain_text("Maja")
    expect(entry).to_contain_text("message in")
    expect(entry).to_contain_text("is waiting for your decision")
    assert "512" not in entry.inner_text(), "the pupil's words stay on the desk"
    screenshot(teacher, "19-notification-bell")

    entry.click()
    expect(teacher).to_have_url(re.compile(rf"/projects/{project}/desk$"))
    held = teacher.locator(".queue-item", has_text="512 765 432")
    expect(held).to_be_visible()
    expect(teacher.get_by_test_id("bell-count")).to_have_count(0)

    # the whole list in Polish (chosen on this device only): the same entry, now read
    polish = open_as(TEACHER, "/notifications")
    polish.evaluate("localStorage.setItem('twinspace.lang', 'pl')")
    polish.reload()
    expect(polish.get_by_role("heading", name="Aktywność")).to_be_visible()
    read = polish.get_by_test_id("notification").first
    expect(read).to_have_attribute("data-kind", "held")
    expect(read).to_contain_text("Czeka na Twoją decyzję: wiadomość od Maja")
    expect(polish.locator(".notification.unread")).to_have_count(0)

    # leave the shared demo's desk as it was
    held.get_by_role("button", name="Reject").click()
    expect(held).to_have_count(0)
