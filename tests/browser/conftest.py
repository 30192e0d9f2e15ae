"""Browser tests: a real `twinspace serve --demo` serving web/dist, driven by Playwright (sync
API) on Debian's chromium. Without chromium or a built client they skip, except under CI=true,
where that is a failure (`make test` installs chromium and builds the client first).

Screenshots go to artifacts/screenshots/; with TWINSPACE_UPDATE_SCREENSHOTS=1 the set is also
copied to docs/screenshots/ for the README at the end of the session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support import database
from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]
# a build elsewhere, to try a client change without replacing web/dist
WEB_DIST = Path(os.environ.get("TWINSPACE_TEST_WEB_DIST") or ROOT / "web" / "dist")
CHROMIUM = Path(os.environ.get("TWINSPACE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# generous for a loaded 2-core machine; expect() polls, so passing tests do not wait this long
TIMEOUT_MS = 15_000

try:  # the test extra installs playwright; keep collection working without it
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Page,
        Playwright,
        expect,
        sync_playwright,
    )
except ImportError:  # pragma: no cover
    sync_playwright = None  # type: ignore[assignment]


def unavailable(reason: str) -> NoReturn:
    """Skip for want of a tool; fail under CI=true, where `make test` provides every tool."""
    _unavailable(reason)


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{reason} (CI=true: `make test` installs chromium and builds web/dist)", pytrace=False
        )
    pytest.skip(reason)


def _get_json(url: str, token: str | None = None) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def api_call(
    base_url: str, method: str, path: str, token: str, body: dict[str, Any] | None = None
) -> Any:
    """A bearer-token API call for test set-up (no browser, no CSRF)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base_url + "/api/v1" + path,
        data=data,
        method=method,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        raw = response.read()
        return json.loads(raw) if raw else None


@dataclass
class DemoServer:
    base_url: str
    data_dir: Path
    demo: dict[str, Any]
    process: subprocess.Popen[bytes]
    # a second origin the server trusts: tests put a relay there (tests/support/blackhole.py)
    relay_port: int = 0
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def project(self) -> dict[str, Any]:
        project: dict[str, Any] = self.demo["project"]
        return project

    def account(self, username: str) -> dict[str, Any]:
        for account in self.demo["accounts"]:
            if account["username"] == username:
                found: dict[str, Any] = account
                return found
        raise KeyError(username)

    def first(self, kind: str, country: str | None = None, skip: int = 0) -> str:
        found = [
            a["username"]
            for a in self.demo["accounts"]
            if a["kind"] == kind and (country is None or a["country"] == country)
        ]
        return str(found[skip])

    def token(self, username: str) -> str:
        if username not in self.tokens:
            body = json.dumps(
                {"username": username, "password": self.account(username)["password"]}
            ).encode()
            request = urllib.request.Request(
                self.base_url + "/api/v1/session",
                data=body,
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=15) as response:
                self.tokens[username] = json.loads(response.read())["token"]
        return self.tokens[username]

    def api(self, username: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return api_call(self.base_url, method, path, self.token(username), body)


def require_browser() -> None:
    """Skip (fail under CI=true) without playwright, chromium or a built client."""
    if sync_playwright is None:
        _unavailable("playwright is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: run `make browser`")
    if not (WEB_DIST / "index.html").is_file():
        _unavailable("web/dist is not built: run `make web`")


@contextmanager
def running_demo(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[DemoServer]:
    """A `twinspace serve --demo` on a free port with `extra_env` (settings), until exit."""
    port = free_port()
    relay_port = free_port()
    env = {
        **os.environ,
        "TWINSPACE_ARGON2_TIME_COST": "1",
        "TWINSPACE_ARGON2_MEMORY_KIB": "64",
        "TWINSPACE_ARGON2_PARALLELISM": "1",
        "TWINSPACE_WEB_DIR": str(WEB_DIST),
        "TWINSPACE_MAX_CONNECTIONS_PER_USER": "0",
        "TWINSPACE_ROOM_GRACE_SECONDS": "0.5",
        "TWINSPACE_LOG_LEVEL": "WARNING",
        **database.env_for(data_dir),
        **(extra_env or {}),
    }
    env["TWINSPACE_PUBLIC_ORIGINS"] = ",".join(
        f"http://{host}:{p}" for host in ("127.0.0.1", "localhost") for p in (port, relay_port)
    )
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "twinspace",
            "serve",
            "--demo",
            "--data",
            str(data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    demo_file = data_dir / "demo-accounts.json"
    while True:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(
                "the server stopped: "
                + (data_dir / "server.log").read_text("utf-8", "replace")[-2000:]
            )
        try:
            if demo_file.is_file() and _get_json(base_url + "/healthz")["status"] == "ok":
                break
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError, KeyError):
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the server did not start within 60 s")
        time.sleep(0.1)
    demo = json.loads(demo_file.read_text("utf-8"))
    server = DemoServer(base_url, data_dir, demo, process, relay_port)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    require_browser()
    with running_demo(tmp_path_factory.mktemp("browser-demo")) as server:
        yield server


# Module scope: Playwright's sync API keeps an event loop running until it stops, which would
# break the asyncio tests of later modules.
@pytest.fixture(scope="module")
def browser(demo_server: DemoServer) -> Iterator[Browser]:
    assert sync_playwright is not None
    playwright: Playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:  # a broken chromium install
        playwright.stop()
        _unavailable(f"chromium does not start: {exc}")
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield launched
    finally:
        launched.close()
        playwright.stop()


SignedIn = Callable[..., Page]


@pytest.fixture
def open_as(browser: Browser, demo_server: DemoServer) -> Iterator[SignedIn]:
    """`open_as(username, path)`: a new browser context signed in as that user, at `path`."""
    contexts: list[BrowserContext] = []

    def factory(
        username: str, path: str = "/", *, locale: str = "en-GB", timezone: str = "Europe/Warsaw"
    ) -> Page:
        context = browser.new_context(
            base_url=demo_server.base_url,
            locale=locale,
            timezone_id=timezone,
            viewport={"width": 1280, "height": 860},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        response = context.request.post(
            "/api/v1/session",
            data={"username": username, "password": demo_server.account(username)["password"]},
        )
        assert response.ok, response.text()
        # after sign-in the profile's language wins (docs/i18n.md): make it the one asked for,
        # so an earlier test's choice for this account never leaks into this one
        demo_server.api(username, "PATCH", "/me", {"locale": locale})
        page = context.new_page()
        page.goto(path)
        return page

    yield factory
    for context in contexts:
        context.close()


_shots: list[Path] = []


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    _shots.append(path)
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("TWINSPACE_UPDATE_SCREENSHOTS") == "1" and _shots and exitstatus == 0:
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        for shot in _shots:
            shutil.copy2(shot, DOC_SHOTS / shot.name)
