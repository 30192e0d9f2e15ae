"""Live sessions across three schools, in the browser (the demo: Kraków, Bologna, Tampere): the
Polish teacher schedules with the Italian and Finnish classes from the form, the Italian teacher
adds a second class of theirs, Italian and Finnish pupils join with their own class's code, the
roster shows all three schools and the attendance each school's pupils. Then the calendar: the
session in the month, and a private feed URL a calendar app reads without a cookie."""

from __future__ import annotations

import random
import re
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.browser.axe import AXE
from tests.browser.conftest import DemoServer, SignedIn, screenshot
from tests.browser.test_web_client import AXE_RUN

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

ANNA, MARCO, AINO = "anna.nowak", "marco.rossi", "aino.virtanen"
POLISH_SCHOOL = "Szkoła Podstawowa nr 12"
ITALIAN_SCHOOL = "Istituto Comprensivo Bologna 5"
FINNISH_SCHOOL = "Kalevan koulu"


def unique(prefix: str) -> str:
    return f"{prefix} {''.join(random.choices('bcdfghjkmnpqrstvwxz', k=6))}"


def code_of(page: Page, class_name: str) -> str:
    card = page.locator(".code-card", has_text=f"Class {class_name}")
    expect(card.get_by_test_id("join-code")).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
    return card.get_by_test_id("join-code").inner_text().strip()


def join(page: Page, code: str) -> None:
    # by the form, not its words: a pupil's saved interface language may differ from the test's
    form = page.locator("form.join-form")
    form.locator("#join-code").fill(code)
    form.locator("button[type=submit]").click()


def test_a_session_across_three_schools(demo_server: DemoServer, open_as: SignedIn) -> None:
    project = demo_server.project["id"]
    sessions = f"/projects/{project}/sessions"
    second_class = unique("5B")
    demo_server.api(MARCO, "POST", "/classes", {"name": second_class})

    # Marco is on the sessions page when Anna invites his class: he is told at once
    marco = open_as(MARCO, sessions, timezone="Europe/Rome")
    expect(marco.get_by_role("heading", name="Live sessions")).to_be_visible()

    title = unique("Rivers across Europe")
    anna = open_as(ANNA, sessions)
    anna.get_by_role("button", name="Schedule a live session").click()
    anna.get_by_label("Title").fill(title)
    anna.get_by_label("6B — your school").check()
    anna.get_by_label(f"5A — {ITALIAN_SCHOOL} (Marco Rossi)").check()
    anna.get_by_label(f"6C — {FINNISH_SCHOOL} (Aino Virtanen)").check()
    anna.get_by_role("button", name="Schedule", exact=True).click()
    expect(anna.get_by_role("heading", name=title)).to_be_visible()
    session_id = int(anna.get_by_test_id("live-session").get_attribute("data-session-id") or 0)
    invited = f"Anna Nowak invited your class to the live session “{title}”"
    expect(marco.get_by_text(invited)).to_be_visible()

    # the Italian teacher adds a second class of theirs; Anna sees it at once
    marco.goto(f"{sessions}/{session_id}")
    marco_classes = marco.get_by_test_id("session-classes")
    expect(marco_classes).to_contain_text("5A")
    marco.get_by_label("Invite a class").select_option(label=f"{second_class} — your school")
    marco_classes.get_by_role("button", name="Add", exact=True).click()
    expect(marco_classes).to_contain_text(second_class)
    expect(anna.get_by_test_id("session-classes")).to_contain_text(second_class)
    for school in (POLISH_SCHOOL, ITALIAN_SCHOOL, FINNISH_SCHOOL):
        expect(anna.get_by_test_id("session-classes")).to_contain_text(school)

    anna.get_by_role("button", name="Open now").click()
    expect(anna.get_by_test_id("session-state")).to_have_attribute("data-state", "live")
    # each teacher sees only their own classes' codes
    expect(anna.get_by_test_id("join-code")).to_have_count(1)
    polish_code = code_of(anna, "6B")
    expect(marco.get_by_test_id("join-code")).to_have_count(2)
    italian_code = code_of(marco, "5A")
    aino = open_as(AINO, f"{sessions}/{session_id}", timezone="Europe/Helsinki")
    expect(aino.get_by_test_id("join-code")).to_have_count(1)
    finnish_code = code_of(aino, "6C")
    assert len({polish_code, italian_code, finnish_code}) == 3

    # pupils join with their own class's code; another class's code is refused (their
    # interface in English whatever an earlier test left in their profiles)
    for pupil in ("giulia.it", "eetu.fi", "zosia.pl"):
        demo_server.api(pupil, "PATCH", "/me", {"locale": "en-GB"})
    giulia = open_as("giulia.it", f"{sessions}/{session_id}", timezone="Europe/Rome")
    join(giulia, polish_code)
    expect(giulia.get_by_role("alert")).to_contain_text("another class")
    join(giulia, italian_code)
    expect(giulia.get_by_role("button", name="Chat", exact=True)).to_be_visible()
    eetu = open_as("eetu.fi", f"{sessions}/{session_id}", timezone="Europe/Helsinki")
    join(eetu, finnish_code)
    expect(eetu.get_by_role("button", name="Chat", exact=True)).to_be_visible()
    zosia = open_as("zosia.pl", f"{sessions}/{session_id}")
    join(zosia, polish_code)
    expect(zosia.get_by_role("button", name="Chat", exact=True)).to_be_visible()

    # the roster shows all three schools with their pupils
    roster = anna.get_by_test_id("roster")
    expect(roster.locator("section.roster-school")).to_have_count(3)
    expect(roster.locator("section", has_text=ITALIAN_SCHOOL)).to_contain_text("Giulia")
    expect(roster.locator("section", has_text=FINNISH_SCHOOL)).to_contain_text("Eetu")
    expect(roster.locator("section", has_text=POLISH_SCHOOL)).to_contain_text("Zosia")
    expect(roster.locator("section", has_text=ITALIAN_SCHOOL)).to_contain_text(
        re.compile(r"1 of 4 pupils joined")
    )
    # Anna lets in a pupil of her own class who has no device of their own
    waiting = anna.get_by_test_id("pupils-not-here")
    expect(waiting).to_contain_text("Kuba")
    expect(waiting).not_to_contain_text("Giulia")
    waiting.get_by_role("button", name="Let in Kuba").click()
    expect(roster.locator("section", has_text=POLISH_SCHOOL)).to_contain_text("Kuba")
    expect(waiting).not_to_contain_text("Kuba")
    screenshot(anna, "30-cross-border-session", full_page=True)

    anna.once("dialog", lambda confirm: confirm.accept())
    anna.get_by_role("button", name="End the session").click()
    expect(anna.get_by_test_id("session-state")).to_have_attribute("data-state", "ended")
    attendance = anna.get_by_test_id("attendance")
    expect(attendance.locator("section", has_text=ITALIAN_SCHOOL)).to_contain_text("Giulia")
    expect(attendance.locator("section", has_text=FINNISH_SCHOOL)).to_contain_text("Eetu")
    polish = attendance.locator("section", has_text=POLISH_SCHOOL)
    expect(polish).to_contain_text("Zosia")
    # only her own school's absent pupils are named to Anna
    expect(polish.get_by_test_id("absent")).to_contain_text("Maja")
    expect(polish.get_by_test_id("absent")).not_to_contain_text("Kuba")
    italian = attendance.locator("section", has_text=ITALIAN_SCHOOL)
    expect(italian.get_by_test_id("absent")).to_have_count(0)


def test_the_calendar_and_its_private_feed(demo_server: DemoServer, open_as: SignedIn) -> None:
    project = demo_server.project["id"]
    title = unique("Calendar session")
    soon = datetime.now(ZoneInfo("Europe/Warsaw")) + timedelta(days=45)
    starts = soon.replace(day=12, hour=9, minute=0, second=0, microsecond=0)
    today = datetime.now(ZoneInfo("Europe/Rome"))
    months_ahead = (starts.year - today.year) * 12 + starts.month - today.month
    created = demo_server.api(
        ANNA,
        "POST",
        f"/projects/{project}/live-sessions",
        {
            "title": title,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "class_ids": [
                c["class_id"]
                for c in demo_server.api(ANNA, "GET", f"/projects/{project}/live-sessions/classes")
                if c["class_name"] in ("6B", "5A")
            ],
        },
    )
    # Marco reads it in Bologna's time, with Anna's Kraków time alongside
    marco = open_as(MARCO, "/calendar", timezone="Europe/Rome")
    expect(marco.get_by_test_id("calendar-title")).to_have_text(today.strftime("%B %Y"))
    for _ in range(months_ahead):
        marco.get_by_role("button", name="Next month").click()
    expect(marco.get_by_test_id("calendar-title")).to_have_text(starts.strftime("%B %Y"))
    entry = marco.get_by_test_id("calendar-entry").filter(has_text=title)
    expect(entry).to_contain_text("09:00")
    marco.get_by_role("button", name="Agenda").click()
    expect(marco.get_by_test_id("calendar-agenda")).to_contain_text(title)

    marco.get_by_role("button", name="Create a private link").click()
    url = marco.get_by_test_id("calendar-feed-url").input_value()
    assert url.startswith(demo_server.base_url + "/api/v1/calendar/feeds/")
    with urllib.request.urlopen(url, timeout=15) as response:  # no cookie: a calendar app
        feed = Calendar.from_ical(response.read())
    uids = {str(event["UID"]) for event in feed.walk("VEVENT")}
    assert f"twinspace-live-session-{created['id']}" in uids
    screenshot(marco, "31-calendar", full_page=True)

    marco.once("dialog", lambda confirm: confirm.accept())
    marco.get_by_role("button", name="Revoke the link").click()
    expect(marco.get_by_text("You have no private calendar link.")).to_be_visible()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=15)
    assert refused.value.code == 404


def test_calendar_and_session_classes_pass_axe(demo_server: DemoServer, browser: Browser) -> None:
    """WCAG 2.1 A/AA rules on the new screens: the calendar (month and feed) and a session's
    classes by school."""
    if not AXE.is_file():
        pytest.skip("web/node_modules/axe-core is missing: run `make web`")
    project = demo_server.project["id"]
    classes = demo_server.api(ANNA, "GET", f"/projects/{project}/live-sessions/classes")
    session = demo_server.api(
        ANNA,
        "POST",
        f"/projects/{project}/live-sessions",
        {
            "title": unique("Axe session"),
            "starts_at": (datetime.now(ZoneInfo("UTC")) + timedelta(days=2)).isoformat(),
            "ends_at": (datetime.now(ZoneInfo("UTC")) + timedelta(days=2, hours=1)).isoformat(),
            "class_ids": [c["class_id"] for c in classes if c["class_name"] in ("6B", "5A", "6C")],
        },
    )
    context = browser.new_context(
        base_url=demo_server.base_url, locale="en-GB", bypass_csp=True, timezone_id="Europe/Warsaw"
    )
    try:
        response = context.request.post(
            "/api/v1/session",
            data={"username": ANNA, "password": demo_server.account(ANNA)["password"]},
        )
        assert response.ok
        page = context.new_page()
        for path in ("/calendar", f"/projects/{project}/sessions/{session['id']}"):
            page.goto(path)
            expect(page.locator("main h1, main h2").first).to_be_visible()
            page.wait_for_load_state("networkidle")
            expect(page.get_by_text("Loading…")).to_have_count(0)
            page.add_script_tag(content=AXE.read_text("utf-8"))
            assert page.evaluate(AXE_RUN) == [], path
    finally:
        context.close()
