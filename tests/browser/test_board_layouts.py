"""Boards teachers know (issue 20 item 1): four layouts chosen by the board's teachers and
seen live by everyone, posts that keep their place live in every layout (keyboard moves
included), files dropped onto the board with upload progress, and a media viewer."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

import pytest

from tests.browser.conftest import DemoServer, SignedIn, screenshot
from tests.browser.test_web_client import TEACHER, new_board, png_bytes, unique

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import APIResponse, Page, Route, expect

pytestmark = pytest.mark.browser

PUPIL = "zosia.pl"


def order(page: Page) -> list[str]:
    """The posts' ids in the order the board shows them."""
    ids: list[str] = (
        page.get_by_test_id("board-posts")
        .locator("li[data-post-id]")
        .evaluate_all("items => items.map(item => item.dataset.postId)")
    )
    return ids


def test_four_layouts_live_and_moves_seen_by_the_other_context(
    demo_server: DemoServer, open_as: SignedIn
) -> None:
    board = new_board(demo_server, unique("River wall"))
    posts = [
        demo_server.api(
            TEACHER, "POST", f"/boards/{board['id']}/posts", {"kind": "text", "title": title}
        )
        for title in ("Source", "Middle course", "Delta")
    ]
    ids = [str(p["id"]) for p in posts]
    path = f"/projects/{demo_server.project['id']}/boards/{board['id']}"
    anna = open_as(TEACHER, path)
    zosia = open_as(PUPIL, path)
    expect(zosia.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(zosia.get_by_test_id("board-layout")).to_have_count(0)  # pupils do not choose

    for layout in ("wall", "grid", "timeline", "columns"):
        anna.get_by_test_id("board-layout").select_option(layout)
        expect(zosia.get_by_test_id("board-posts")).to_have_attribute("data-layout", layout)
        expect(anna.get_by_test_id("board-posts")).to_have_attribute("data-layout", layout)
        if layout == "timeline":
            # a timeline is ordered by date: nothing to move by hand
            expect(zosia.get_by_test_id("board-posts").locator("time.timeline-date")).to_have_count(
                3
            )
            expect(anna.get_by_role("button", name="Move down")).to_have_count(0)
            screenshot(zosia, "board-timeline")
            continue
        # the teacher moves the first post one place down with its keyboard-friendly control;
        # the pupil's board shows the new order live
        before = order(anna)
        first = anna.get_by_test_id("board-posts").locator(f"li[data-post-id='{before[0]}']")
        first.get_by_role("button", name="Move down").click()
        expected = [before[1], before[0], *before[2:]]
        expect(
            zosia.get_by_test_id("board-posts").locator("li[data-post-id]").first
        ).to_have_attribute("data-post-id", expected[0])
        assert order(zosia) == expected
        assert sorted(order(zosia)) == sorted(ids)
        screenshot(zosia, f"board-{layout}")

    board_after = demo_server.api(PUPIL, "GET", f"/boards/{board['id']}")
    assert board_after["settings"]["layout"] == "columns"


def test_a_file_dropped_on_the_board_is_posted_and_opens_in_the_viewer(
    demo_server: DemoServer, open_as: SignedIn
) -> None:
    board = new_board(demo_server, unique("Photo drop"))
    demo_server.api(TEACHER, "PATCH", f"/boards/{board['id']}", {"settings": {"layout": "wall"}})
    path = f"/projects/{demo_server.project['id']}/boards/{board['id']}"
    zosia = open_as(PUPIL, path)
    giulia = open_as("giulia.it", path, locale="it-IT", timezone="Europe/Rome")
    expect(giulia.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(zosia.get_by_test_id("board-posts")).to_have_attribute("data-layout", "wall")

    encoded = base64.b64encode(png_bytes((200, 90, 40))).decode()
    files = zosia.evaluate_handle(
        """(b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
            const transfer = new DataTransfer()
            transfer.items.add(new File([bytes], 'vistula-at-dusk.png', { type: 'image/png' }))
            return transfer
        }""",
        encoded,
    )
    drop = zosia.get_by_test_id("board-drop")
    drop.dispatch_event("dragover", {"dataTransfer": files})
    expect(zosia.get_by_text("Drop to post these files")).to_be_visible()
    drop.dispatch_event("drop", {"dataTransfer": files})

    # the Italian partner sees the new post live, with its picture
    seen = (
        giulia.get_by_test_id("board-posts")
        .locator(".post")
        .filter(has=giulia.locator("img.post-image"))
    )
    expect(seen).to_have_count(1)
    picture = seen.locator("img.post-image")
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 0
    expect(zosia.get_by_test_id("board-uploads")).to_have_count(0)  # progress gone when done

    # the viewer opens large and gives focus back when closed
    opener = seen.locator("button.post-image-link")
    opener.click()
    viewer = giulia.get_by_test_id("media-viewer-image")
    expect(viewer).to_be_visible()
    assert viewer.evaluate("img => img.naturalWidth") == 320
    screenshot(giulia, "board-media-viewer")
    giulia.keyboard.press("Escape")
    expect(viewer).to_have_count(0)
    expect(opener).to_be_focused()


def test_a_change_made_while_the_board_loads_is_not_lost(
    demo_server: DemoServer, open_as: SignedIn
) -> None:
    """A live change that arrives while the board's load is still in flight wins over the
    load's older answer (the page loads once more instead of showing the stale board)."""
    board = new_board(demo_server, unique("Slow wall"))
    demo_server.api(TEACHER, "PATCH", f"/boards/{board['id']}", {"settings": {"layout": "wall"}})
    zosia = open_as(PUPIL, f"/projects/{demo_server.project['id']}")
    expect(zosia.get_by_test_id("connection")).to_have_attribute("data-state", "online")

    # every load of this board is answered from before the change, and held back until the
    # change has reached the pupil's socket
    held: list[tuple[Route, APIResponse]] = []
    holding = [True]

    def hold(route: Route) -> None:
        if route.request.method != "GET" or not holding[0]:
            route.continue_()
            return
        held.append((route, route.fetch()))

    frames: list[str] = []
    zosia.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda payload: frames.append(str(payload))),
    )
    zosia.route(f"**/api/v1/boards/{board['id']}", hold)
    zosia.goto(f"/projects/{demo_server.project['id']}/boards/{board['id']}")

    def seen(predicate: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 15
        while not predicate():
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            zosia.wait_for_timeout(50)  # lets playwright dispatch the page's events meanwhile

    seen(
        lambda: any('"subscribed"' in f and str(board["id"]) in f for f in frames),
        "the subscription",
    )
    seen(lambda: len(held) >= 2, "the load after subscribing")  # on mount, and on subscribed
    demo_server.api(TEACHER, "PATCH", f"/boards/{board['id']}", {"settings": {"layout": "columns"}})
    seen(lambda: any('"board.updated"' in f for f in frames), "the live change")

    holding[0] = False
    for route, stale in held:
        route.fulfill(response=stale)
    expect(zosia.get_by_test_id("board-posts")).to_have_attribute("data-layout", "columns")
