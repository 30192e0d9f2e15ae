"""Screenshots of every main screen of the demo, per interface language and at phone size.

    PYTHONPATH=. .venv/bin/python scripts/screenshots.py [--languages en,pl,it] [--out DIR]

Starts `twinspace serve --demo` on a fresh data dir (the browser tests' `running_demo`), signs
in as the demo's teacher, pupil and NSO in Playwright on Debian's chromium, and saves each
screen as `<out>/<language>/<nn>-<screen>.png` (1280 x 860) and
`<out>/<language>/phone-<screen>.png` (390 x 844), reduced to a 256-colour palette so the set
stays small. The web client is web/dist (`TWINSPACE_TEST_WEB_DIST` picks another build).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, DemoServer, running_demo

DESKTOP = ViewportSize(width=1280, height=860)
PHONE = ViewportSize(width=390, height=844)
TEACHER, PUPIL, NSO = "anna.nowak", "zosia.pl", "nso.pl"
LOCALES = {"en": "en-GB", "pl": "pl-PL", "it": "it-IT", "fi": "fi-FI", "el": "el-GR"}


@dataclass(frozen=True)
class Shot:
    name: str
    user: str | None
    path: Callable[[dict[str, Any]], str]
    ready: str = "main h1, main h2"  # what must be visible before the picture is taken
    phone: bool = False
    prepare: Callable[[Page], None] | None = None


def _page(title: str) -> Callable[[dict[str, Any]], str]:
    def path(project: dict[str, Any]) -> str:
        page_id = next(p["id"] for p in project["pages"] if p["title"] == title)
        return f"/projects/{project['id']}/pages/{page_id}"

    return path


def _in_project(rest: str) -> Callable[[dict[str, Any]], str]:
    return lambda project: f"/projects/{project['id']}/{rest}"


def _first(kind: str, rest: str = "") -> Callable[[dict[str, Any]], str]:
    section = {"channels": "chat", "boards": "boards", "live_sessions": "sessions"}[kind]
    return lambda project: f"/projects/{project['id']}/{section}/{project[kind][0]['id']}{rest}"


def _searched(words: str) -> Callable[[Page], None]:
    def prepare(page: Page) -> None:
        page.get_by_test_id("search-field").fill(words)
        expect(page.get_by_test_id("search-results").locator("li").first).to_be_visible()

    return prepare


def _validated_teachers(page: Page) -> None:
    """The demo's teachers are all validated: show those rather than an empty queue."""
    page.locator("main select").first.select_option("validated")
    expect(page.locator("main tbody tr").first).to_be_visible()


EDITOR = ".editor-host .ProseMirror h2"
SHOTS = (
    Shot("sign-in", None, lambda project: "/signin", "main h1, main h2, form"),
    Shot("dashboard", TEACHER, lambda project: "/"),
    Shot("page-our-rivers", PUPIL, _page("Our rivers"), EDITOR),
    Shot("page-project-plan", TEACHER, _page("Plan projektu"), EDITOR),
    Shot("page-glossary", TEACHER, _page("Glossario dei fiumi"), EDITOR),
    Shot("page-story", PUPIL, _page("Kolme pisaraa"), EDITOR),
    Shot("chat", PUPIL, _first("channels"), "main .message, main li"),
    Shot("board", PUPIL, _first("boards"), "main img"),
    Shot("live-session", TEACHER, _first("live_sessions")),
    Shot(
        "session-attendance",
        TEACHER,
        _first("live_sessions"),
        "[data-testid=attendance] li, [data-testid=attendance] tr",
        prepare=lambda page: page.get_by_test_id("attendance").scroll_into_view_if_needed(),
    ),
    Shot("sessions", TEACHER, _in_project("sessions")),
    Shot("calendar", TEACHER, lambda project: "/calendar"),
    Shot("members", TEACHER, _in_project("members")),
    Shot("desk-pages", TEACHER, _in_project("desk/pages")),
    Shot("desk-audit", TEACHER, _in_project("desk/audit")),
    Shot("notifications", "marco.rossi", lambda project: "/notifications"),
    Shot("pupil-accounts", TEACHER, lambda project: "/pupils"),
    Shot("training", TEACHER, lambda project: "/training"),
    Shot("labels", TEACHER, lambda project: "/labels"),
    Shot("account", PUPIL, lambda project: "/account"),
    Shot(
        "nso-registrations",
        NSO,
        lambda project: "/nso/registrations",
        prepare=_validated_teachers,
    ),
    Shot("desk-queue", TEACHER, _in_project("desk/queue")),
    Shot("desk-pupils", TEACHER, _in_project("desk/pupils")),
    Shot("boards", TEACHER, _in_project("boards")),
    Shot("search", TEACHER, _in_project("search"), prepare=_searched("rzeka")),
    Shot("dashboard", PUPIL, lambda project: "/", phone=True),
    Shot("page-our-rivers", PUPIL, _page("Our rivers"), EDITOR, phone=True),
    Shot("chat", PUPIL, _first("channels"), "main .message, main li", phone=True),
    Shot("board", PUPIL, _first("boards"), "main img", phone=True),
    Shot("live-session", TEACHER, _first("live_sessions"), phone=True),
    Shot("desk-queue", TEACHER, _in_project("desk/queue"), phone=True),
)


def save_compressed(png: bytes, path: Path) -> int:
    """The screenshot reduced to a 256-colour palette (text stays crisp, a third the size)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    reduced = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    path.parent.mkdir(parents=True, exist_ok=True)
    reduced.save(path, "PNG", optimize=True)
    return path.stat().st_size


class Camera:
    def __init__(self, browser: Browser, server: DemoServer, language: str) -> None:
        self._browser = browser
        self._server = server
        self._language = language
        self._contexts: dict[tuple[str | None, bool], BrowserContext] = {}

    def context(self, user: str | None, phone: bool) -> BrowserContext:
        key = (user, phone)
        if key not in self._contexts:
            context = self._browser.new_context(
                base_url=self._server.base_url,
                locale=LOCALES.get(self._language, self._language),
                timezone_id="Europe/Warsaw",
                viewport=PHONE if phone else DESKTOP,
                device_scale_factor=1,
                has_touch=phone,
            )
            context.set_default_timeout(20_000)
            # the interface language the user picked in the client (it wins over the browser's)
            context.add_init_script(f"localStorage.setItem('twinspace.lang', {self._language!r})")
            if user is not None:
                response = context.request.post(
                    "/api/v1/session",
                    data={"username": user, "password": self._server.account(user)["password"]},
                )
                assert response.ok, response.text()
            self._contexts[key] = context
        return self._contexts[key]

    def take(self, shot: Shot, number: int, out: Path) -> Path:
        page = self.context(shot.user, shot.phone).new_page()
        try:
            page.goto(shot.path(self._server.project))
            expect(page.locator(shot.ready).first).to_be_visible()
            page.wait_for_load_state("networkidle")
            expect(page.locator("[aria-busy=true]")).to_have_count(0)
            page.evaluate("document.fonts.ready")
            page.wait_for_function(  # the pictures on the screen (lazy ones below it never load)
                "() => [...document.images].filter(img => img.getBoundingClientRect().top"
                " < innerHeight).every(img => img.complete)"
            )
            if shot.prepare is not None:
                shot.prepare(page)
            png = page.screenshot(animations="disabled", caret="hide")
        finally:
            page.close()
        name = f"phone-{shot.name}" if shot.phone else f"{number:02d}-{shot.name}"
        path = out / self._language / f"{name}.png"
        save_compressed(png, path)
        return path

    def close(self) -> None:
        for context in self._contexts.values():
            context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="en,pl,it", help="comma-separated, e.g. en,pl,fi")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated screen names to take")
    args = parser.parse_args(argv)
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: run `make browser`", file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory(prefix="twinspace-screenshots-") as data,
        running_demo(Path(data)) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for language in languages:
            camera = Camera(browser, server, language)
            try:
                for number, shot in enumerate(SHOTS, start=1):
                    if only and shot.name not in only:
                        continue
                    path = camera.take(shot, number, args.out)
                    print(f"{path.relative_to(args.out)}  {path.stat().st_size // 1024} KB")
            finally:
                camera.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
