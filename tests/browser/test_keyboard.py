"""Keyboard use (issue 20 item 7): the editor's toolbar is one tab stop with arrow keys inside,
and dialogs open on their first field and give focus back to the button that opened them."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DemoServer, SignedIn
from tests.browser.test_web_client import TEACHER, new_page, unique, wait_synced

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def focused_label(page: Page) -> str:
    label: str = page.evaluate(
        "() => document.activeElement?.getAttribute('aria-label')"
        " ?? document.activeElement?.textContent?.trim() ?? ''"
    )
    return label


def in_toolbar(page: Page) -> bool:
    inside: bool = page.evaluate("() => !!document.activeElement?.closest('[role=toolbar]')")
    return inside


def test_the_editor_toolbar_is_one_tab_stop_with_arrow_keys(
    demo_server: DemoServer, open_as: SignedIn
) -> None:
    record = new_page(demo_server, unique("Keyboard page"))
    page = open_as(TEACHER, f"/projects/{demo_server.project['id']}/pages/{record['id']}")
    wait_synced(page)
    toolbar = page.get_by_role("toolbar", name="Formatting")
    buttons = toolbar.locator("button")
    assert buttons.count() >= 8
    # exactly one button of the toolbar is in the tab order
    tab_stops = toolbar.locator("button[tabindex='0']")
    expect(tab_stops).to_have_count(1)
    buttons.first.focus()
    assert in_toolbar(page)
    page.keyboard.press("ArrowRight")
    assert "Heading 2" in focused_label(page)
    page.keyboard.press("ArrowRight")
    assert "Heading 3" in focused_label(page)
    page.keyboard.press("ArrowLeft")
    assert "Heading 2" in focused_label(page)
    page.keyboard.press("End")
    last = focused_label(page)
    page.keyboard.press("Home")
    assert "Normal text" in focused_label(page)
    assert last != focused_label(page)
    page.keyboard.press("ArrowRight")
    # Tab leaves the toolbar at once (one stop), Shift+Tab comes back to the last used button
    page.keyboard.press("Tab")
    assert not in_toolbar(page)
    page.keyboard.press("Shift+Tab")
    assert in_toolbar(page)
    assert "Heading 2" in focused_label(page)
    expect(tab_stops).to_have_count(1)


def test_a_dialog_opens_on_its_first_field_and_gives_focus_back(
    demo_server: DemoServer, open_as: SignedIn
) -> None:
    page = open_as(TEACHER, f"/projects/{demo_server.project['id']}/pages")
    # the list opens its first page once loaded, which renders the screen anew: a dialog opened
    # before that would give focus back to a button that is gone (seen on a loaded machine)
    expect(page).to_have_url(re.compile(r"/pages/\d+$"))
    opener = page.get_by_role("button", name="New page")
    opener.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(opener).to_be_focused()
