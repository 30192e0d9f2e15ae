"""The editor's save indicator tells the truth (issue 20 item 2): "Saved" only once the server
acknowledged, "Offline" within seconds of a silent network cut (no FIN, no RST: the browser's
socket stays open), and what was typed meanwhile reaches the others on reconnect."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import TIMEOUT_MS, DemoServer, SignedIn, screenshot
from tests.browser.test_web_client import TEACHER, TEACHER_IT, editor, new_page, unique, wait_synced
from tests.support.blackhole import BlackholeRelay, blackhole_relay

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


@contextmanager
def behind_relay(
    demo_server: DemoServer, browser: Browser, username: str, path: str
) -> Iterator[tuple[BlackholeRelay, Page]]:
    """`username` signed in through a relay whose network the test can cut, at `path`."""
    port = urlsplit(demo_server.base_url).port
    assert port is not None
    with blackhole_relay(port, demo_server.relay_port) as relay:
        context = browser.new_context(
            base_url=relay.base_url, locale="en-GB", viewport={"width": 1280, "height": 860}
        )
        try:
            context.set_default_timeout(TIMEOUT_MS)
            password = demo_server.account(username)["password"]
            signed_in = context.request.post(
                "/api/v1/session", data={"username": username, "password": password}
            )
            assert signed_in.ok, signed_in.text()
            page = context.new_page()
            page.goto(path)
            yield relay, page
        finally:
            context.close()


def test_a_silent_network_cut_shows_offline_and_the_edits_arrive_after(
    demo_server: DemoServer, browser: Browser, open_as: SignedIn
) -> None:
    record = new_page(demo_server, unique("Field notes"))
    path = f"/projects/{demo_server.project['id']}/pages/{record['id']}"
    with behind_relay(demo_server, browser, TEACHER, path) as (relay, anna):
        marco = open_as(TEACHER_IT, path, locale="it-IT", timezone="Europe/Rome")
        wait_synced(anna)
        wait_synced(marco)
        status = anna.get_by_test_id("doc-status")

        editor(anna).click()
        anna.keyboard.type("Before the cut. ")
        expect(editor(marco)).to_contain_text("Before the cut.")
        expect(status).to_have_attribute("data-state", "synced")
        expect(status).to_have_text("All changes saved")

        relay.cut()
        anna.keyboard.type("Typed offline.")
        # the probe after the edit goes unanswered: Offline, never a stale "Saved"
        expect(status).to_have_attribute("data-state", "offline", timeout=12_000)
        expect(status).to_contain_text("your edits are kept")
        screenshot(anna, "editor-offline-edits-kept")
        expect(editor(marco)).not_to_contain_text("Typed offline.")

        relay.restore()
        expect(status).to_have_attribute("data-state", "synced", timeout=20_000)
        expect(editor(marco)).to_contain_text("Typed offline.")
        expect(editor(anna)).to_contain_text("Before the cut. Typed offline.")


def test_chat_written_offline_waits_visibly_and_is_sent_once_on_reconnect(
    demo_server: DemoServer, browser: Browser, open_as: SignedIn
) -> None:
    channel = demo_server.project["channels"][0]["id"]
    path = f"/projects/{demo_server.project['id']}/chat/{channel}"
    with behind_relay(demo_server, browser, "kuba.pl", path) as (relay, kuba):
        luca = open_as("luca.it", path, locale="it-IT", timezone="Europe/Rome")
        expect(kuba.get_by_test_id("connection")).to_have_attribute("data-state", "online")
        expect(luca.get_by_test_id("connection")).to_have_attribute("data-state", "online")

        relay.cut()
        text = unique("Written on the bus")
        composer = kuba.get_by_label("Message #general")
        composer.fill(text)
        composer.press("Enter")
        # the send gets no answer: the message waits, visibly, and the box is free again
        queued = kuba.get_by_test_id("chat-queue").locator(".queued-message", has_text=text)
        expect(queued).to_be_visible()
        expect(queued).to_contain_text("Not sent yet")
        expect(composer).to_have_value("")
        # the silent cut is noticed by the events socket's heartbeat
        expect(kuba.get_by_test_id("connection")).not_to_have_attribute(
            "data-state", "online", timeout=25_000
        )
        screenshot(kuba, "chat-offline-queue")
        expect(luca.locator(".message", has_text=text)).to_have_count(0)

        relay.restore()
        expect(luca.locator(".message", has_text=text)).to_have_count(1, timeout=30_000)
        expect(kuba.locator(".message", has_text=text)).to_have_count(1)
        expect(queued).to_have_count(0)
        # and it stays one message, whatever the queue retried
        history = demo_server.api("luca.it", "GET", f"/channels/{channel}/messages?limit=100")
        assert [m["text"] for m in history].count(text) == 1
