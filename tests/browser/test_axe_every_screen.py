"""Accessibility stays first-class (issue 20, item 7): axe-core (WCAG 2.1 A/AA) walks every
screen of the client — signed out, as a teacher, a pupil, an NSO and the central admin, on a
desktop and at phone size — and finds nothing serious or critical; dialogs open on their first
field and give focus back to the button that opened them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.browser.axe import axe_script, blocking, findings
from tests.browser.conftest import DemoServer, unavailable

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

TEACHER, PUPIL = "anna.nowak", "zosia.pl"
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=860)


@contextmanager
def _context(
    browser: Browser,
    demo_server: DemoServer,
    username: str | None,
    viewport: ViewportSize = DESKTOP,
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=demo_server.base_url,
        locale="en-GB",
        timezone_id="Europe/Warsaw",
        bypass_csp=True,
        viewport=viewport,
        has_touch=viewport is PHONE,
    )
    try:
        if username is not None:
            response = context.request.post(
                "/api/v1/session",
                data={"username": username, "password": demo_server.account(username)["password"]},
            )
            assert response.ok, response.text()
        yield context.new_page()
    finally:
        context.close()


def _settled(page: Page) -> None:
    expect(page.locator("main h1, main h2").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Loading…")).to_have_count(0)


def _walk(page: Page, paths: list[str], script: str, where: str) -> list[str]:
    problems = []
    for path in paths:
        page.goto(path)
        _settled(page)
        problems += [f"{where} {path}: {f}" for f in blocking(findings(page, script))]
    return problems


def _layout_boards(demo_server: DemoServer) -> dict[str, int]:
    """A board in each layout, holding three of the demo board's posts (the teachers take
    turns posting them: the post rate is per person)."""
    project = demo_server.project["id"]
    demo_board = demo_server.api(
        TEACHER, "GET", f"/boards/{demo_server.project['boards'][0]['id']}"
    )
    shown = [p for p in demo_board["posts"] if p["kind"] == "image"][:2] + [
        p for p in demo_board["posts"] if p["kind"] == "text"
    ][:1]
    teachers = ("anna.nowak", "marco.rossi", "aino.virtanen")
    boards = {}
    for layout in ("columns", "wall", "grid", "timeline"):
        board = demo_server.api(
            TEACHER, "POST", f"/projects/{project}/boards", {"title": f"Axe {layout}"}
        )
        demo_server.api(
            TEACHER, "PATCH", f"/boards/{board['id']}", {"settings": {"layout": layout}}
        )
        for teacher, post in zip(teachers, shown, strict=False):
            body: dict[str, Any] = {"kind": post["kind"], "title": post["title"]}
            body["body"] = post["body"]
            if post["media"]:
                body["media_id"] = post["media"]["id"]
            demo_server.api(teacher, "POST", f"/boards/{board['id']}/posts", body)
        boards[layout] = board["id"]
    return boards


@pytest.fixture(scope="module")
def script() -> str:
    found = axe_script()
    if found is None:
        unavailable("web/node_modules/axe-core is missing: run `make web`")
    return found


# one_backend: what axe checks is the markup, the same whatever database is behind the API
@pytest.mark.one_backend
def test_every_screen_has_no_serious_or_critical_axe_finding(
    demo_server: DemoServer, browser: Browser, script: str
) -> None:
    project = demo_server.project["id"]
    p = f"/projects/{project}"
    pages = [f"{p}/pages/{page['id']}" for page in demo_server.project["pages"]]
    channel = f"{p}/chat/{demo_server.project['channels'][0]['id']}"
    board = f"{p}/boards/{demo_server.project['boards'][0]['id']}"
    session = f"{p}/sessions/{demo_server.project['live_sessions'][0]['id']}"
    layouts = [f"{p}/boards/{board_id}" for board_id in _layout_boards(demo_server).values()]
    teacher_screens = [
        "/",
        *pages,
        channel,
        board,
        *layouts,
        f"{p}/boards",
        f"{p}/members",
        f"{p}/search?q=rzeka",
        f"{p}/sessions",
        session,
        f"{p}/desk/queue",
        f"{p}/desk/pupils",
        f"{p}/desk/policy",
        f"{p}/desk/pages",
        f"{p}/desk/audit",
        "/calendar",
        "/notifications",
        "/training",
        "/partners",
        "/labels",
        "/account",
        "/pupils",
    ]
    pupil_screens = [
        "/",
        *pages[:3],
        channel,
        board,
        f"{p}/sessions",
        session,
        "/notifications",
        "/account",
    ]
    staff_screens = ["/", "/nso/registrations", "/nso/labels", "/training", "/account"]
    problems: list[str] = []
    with _context(browser, demo_server, None) as page:
        problems += _walk(page, ["/signin", "/register"], script, "signed out")
    with _context(browser, demo_server, TEACHER) as page:
        problems += _walk(page, teacher_screens, script, TEACHER)
    with _context(browser, demo_server, PUPIL) as page:
        problems += _walk(page, pupil_screens, script, PUPIL)
    for staff in ("nso.pl", "admin"):
        with _context(browser, demo_server, staff) as page:
            problems += _walk(page, staff_screens, script, staff)
    with _context(browser, demo_server, None, PHONE) as page:
        problems += _walk(page, ["/signin"], script, "phone, signed out")
    with _context(browser, demo_server, TEACHER, PHONE) as page:
        problems += _walk(
            page,
            ["/", pages[1], channel, board, session, f"{p}/desk/queue", "/calendar"],
            script,
            f"phone, {TEACHER}",
        )
    with _context(browser, demo_server, PUPIL, PHONE) as page:
        problems += _walk(page, ["/", pages[0], channel, board], script, f"phone, {PUPIL}")
    assert problems == [], "\n".join(problems)


def _focused_is(page: Page, locator: Locator, timeout_ms: float = 5000) -> bool:
    """Whether `locator` has the focus, or gets it within `timeout_ms` (a dialog moves the
    focus after it renders or unmounts, a turn or a frame later on a loaded machine)."""
    try:
        expect(locator).to_be_focused(timeout=timeout_ms)
    except AssertionError:
        return False
    return True


def _check_dialog(page: Page, opener: Locator, script: str) -> list[str]:
    """Open a dialog from `opener` with the keyboard: focus on its first field, no axe finding
    inside, Escape closes it and focus is back on `opener`."""
    name = opener.get_attribute("aria-label") or opener.inner_text()
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    problems = [f"dialog {name!r}: {f}" for f in blocking(findings(page, script))]
    first_field = dialog.locator(
        ".dialog-body :is(input, select, textarea):not([disabled]):not([type=hidden])"
    ).first
    if first_field.count() and not _focused_is(page, first_field):
        problems.append(f"dialog {name!r} does not open on its first field")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    if not _focused_is(page, opener):
        problems.append(f"dialog {name!r} does not give focus back to its opener")
    return problems


def test_dialogs_open_on_their_first_field_and_return_focus(
    demo_server: DemoServer, browser: Browser, script: str
) -> None:
    project = demo_server.project["id"]
    p = f"/projects/{project}"
    problems: list[str] = []
    with _context(browser, demo_server, TEACHER) as page:
        page.goto(f"{p}/pages/{demo_server.project['pages'][0]['id']}")
        _settled(page)
        problems += _check_dialog(page, page.get_by_role("button", name="New page"), script)
        expect(page.locator(".editor-host .ProseMirror")).to_be_visible()
        page.locator(".editor-host .ProseMirror p").first.click()
        problems += _check_dialog(page, page.get_by_role("button", name="Link", exact=True), script)
        page.goto(f"{p}/boards/{demo_server.project['boards'][0]['id']}")
        _settled(page)
        problems += _check_dialog(page, page.get_by_role("button", name="New board"), script)
        problems += _check_dialog(page, page.get_by_role("button", name="Add a post").first, script)
        page.goto(f"{p}/members")
        _settled(page)
        problems += _check_dialog(page, page.get_by_role("button", name="Add pupils"), script)
        page.goto(f"{p}/desk/pupils")
        _settled(page)
        problems += _check_dialog(page, page.get_by_role("button", name="Mute Zosia"), script)
    with _context(browser, demo_server, PUPIL) as page:
        page.goto(f"{p}/chat/{demo_server.project['channels'][0]['id']}")
        _settled(page)
        report = page.get_by_role("button", name="Report").first
        problems += _check_dialog(page, report, script)
    assert problems == [], "\n".join(problems)
