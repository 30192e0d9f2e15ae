"""Guardian consent in the browser: a pupil whose consent is not recorded sees a kind banner
and no writing controls; their teacher records the consent on the Pupils screen and the pupil
can write at once, without reloading (docs/consent.md)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DemoServer, SignedIn, screenshot

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.browser

TEACHER = "anna.nowak"


def test_a_teacher_records_consent_and_the_pupil_may_write(
    demo_server: DemoServer, browser: Browser, open_as: SignedIn
) -> None:
    project = demo_server.project["id"]
    channel = demo_server.project["channels"][0]["id"]
    [school_class] = [c for c in demo_server.api(TEACHER, "GET", "/classes") if c["can_manage"]]
    [created] = demo_server.api(
        TEACHER, "POST", f"/classes/{school_class['id']}/pupils", {"names": ["Zuzia"]}
    )
    pupil_id = created["user"]["id"]
    demo_server.api(TEACHER, "POST", f"/projects/{project}/pupils", {"user_ids": [pupil_id]})

    context = browser.new_context(base_url=demo_server.base_url, locale="en-GB")
    try:
        signed_in = context.request.post(
            "/api/v1/session",
            data={"username": created["user"]["username"], "password": created["password"]},
        )
        assert signed_in.ok, signed_in.text()
        pupil = context.new_page()
        pupil.goto(f"/projects/{project}/chat/{channel}")
        banner = pupil.get_by_test_id("consent-banner")
        expect(banner).to_contain_text("waiting for permission from your parent or guardian")
        expect(pupil.get_by_test_id("space-block")).to_have_attribute(
            "data-code", "consent-required"
        )
        expect(pupil.get_by_label("Message #general")).to_have_count(0)
        screenshot(pupil, "consent-pupil-waits")

        teacher = open_as(TEACHER, "/pupils")
        row = teacher.locator("li.row", has_text="Zuzia")
        expect(row.get_by_test_id("consent-state")).to_have_attribute("data-state", "pending")
        expect(teacher.get_by_test_id("class-printables")).to_be_visible()
        row.get_by_role("button", name="Consent: Zuzia").click()
        dialog = teacher.get_by_role("dialog")
        dialog.get_by_label("How it reached you").select_option("paper_form")
        dialog.get_by_role("button", name="Record consent").click()
        expect(dialog.get_by_test_id("consent-history")).to_contain_text("Consent given")
        expect(row.get_by_test_id("consent-state")).to_have_attribute("data-state", "given")
        screenshot(teacher, "consent-teacher-records")

        # live: the pupil's project socket hears their access changed; no reload needed
        expect(pupil.get_by_label("Message #general")).to_be_visible()
        expect(pupil.get_by_test_id("consent-banner")).to_have_count(0)
        pupil.get_by_label("Message #general").fill("Hello from Zuzia")
        pupil.get_by_label("Message #general").press("Enter")
        expect(pupil.locator(".message", has_text="Hello from Zuzia")).to_be_visible()
    finally:
        context.close()
