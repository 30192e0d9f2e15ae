"""Phones and tablets (issue 20 item 5): at 390 by 844 px the page editor starts within the first
screen, tables reflow to the screen's width, boards use one column, and touch works."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TIMEOUT_MS, DemoServer, screenshot
from tests.browser.test_web_client import TEACHER, new_board, new_page, unique, wait_synced

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


def phone(browser: Browser, server: DemoServer, username: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        base_url=server.base_url,
        locale="en-GB",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    password = server.account(username)["password"]
    signed_in = context.request.post(
        "/api/v1/session", data={"username": username, "password": password}
    )
    assert signed_in.ok, signed_in.text()
    return context, context.new_page()


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )
    assert overflow <= 1, f"the page is {overflow}px wider than the phone"


def test_the_editor_starts_within_the_first_screen(
    demo_server: DemoServer, browser: Browser
) -> None:
    record = new_page(demo_server, unique("Phone notes"))
    context, page = phone(browser, demo_server, "zosia.pl")
    try:
        page.goto(f"/projects/{demo_server.project['id']}/pages/{record['id']}")
        wait_synced(page)
        box = page.locator(".page-content").bounding_box()
        assert box is not None
        assert box["y"] < PHONE["height"] - 120, f"the editor starts at {box['y']}px"
        no_sideways_scroll(page)
        page.locator(".page-content").tap()
        page.keyboard.type("Typed on a phone.")
        expect(page.locator(".page-content")).to_contain_text("Typed on a phone.")
        screenshot(page, "phone-editor")
    finally:
        context.close()


def test_tables_reflow_and_boards_use_one_column(demo_server: DemoServer, browser: Browser) -> None:
    board = new_board(demo_server, unique("Phone board"))
    for section in ("Kraków", "Bologna"):
        demo_server.api(TEACHER, "POST", f"/boards/{board['id']}/sections", {"title": section})
    context, page = phone(browser, demo_server, TEACHER)
    try:
        page.goto(f"/projects/{demo_server.project['id']}/boards/{board['id']}")
        columns = page.locator(".column")
        expect(columns).to_have_count(2)
        first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
        assert first is not None and second is not None
        assert second["y"] > first["y"] + first["height"] - 1, "columns are stacked"
        assert first["width"] > PHONE["width"] * 0.8
        no_sideways_scroll(page)
        screenshot(page, "phone-board")

        page.goto(f"/projects/{demo_server.project['id']}/desk")
        expect(page.get_by_role("heading", level=2).first).to_be_visible()
        no_sideways_scroll(page)
        screenshot(page, "phone-desk")
    finally:
        context.close()


def test_the_desk_tables_reflow_into_cards(demo_server: DemoServer, browser: Browser) -> None:
    new_page(demo_server, unique("Reflow check"))
    context, page = phone(browser, demo_server, TEACHER)
    try:
        page.goto(f"/projects/{demo_server.project['id']}/desk/pages")
        table = page.locator("table.reflow").first
        expect(table).to_be_visible()
        rows = table.locator("tbody tr")
        expect(rows.first).to_be_visible()
        # one card per row, each cell labelled with its column's header
        first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
        assert first is not None and second is not None
        assert second["y"] >= first["y"] + first["height"] - 1
        assert first["width"] <= PHONE["width"]
        labels = rows.first.locator("td").evaluate_all(
            "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
        )
        assert any("Last change" in label for label in labels), labels
        no_sideways_scroll(page)
        screenshot(page, "phone-desk-pages")
    finally:
        context.close()
