from __future__ import annotations

import asyncio
import importlib.util
import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.support import database
from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import World

pytest_plugins = [
    "tests.support.redis_server",  # the `redis_prefix` fixture
    "tests.support.hang_report",  # where a hung test's tasks wait, before pytest-timeout
]


@pytest.fixture(autouse=True)
def _database_of_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """On PostgreSQL (TWINSPACE_TEST_DATABASE=postgresql) every test gets databases of its own,
    emptied or dropped when it ends; it is skipped (failed under CI=true) when PostgreSQL is
    down."""
    if database.on_postgres():
        if request.node.get_closest_marker("sqlite_only"):
            pytest.skip("checks SQLite itself; PostgreSQL has its own test of the same rule")
        database.require_postgres()
    database.adopt_outer()
    try:
        yield
    finally:
        database.release_created()  # also the PostgreSQL-only tests' databases


_ONE_BACKEND_DIRS = ("tests/filters/",)  # rules over text and files: no database at all


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark what does not depend on the database `one_backend` (pyproject.toml)."""
    root = Path(str(config.rootpath))
    for item in items:
        where = Path(str(item.path)).relative_to(root).as_posix()
        if where.startswith(_ONE_BACKEND_DIRS):
            item.add_marker(pytest.mark.one_backend)


def pytest_sessionstart(session: pytest.Session) -> None:
    if database.on_postgres() and database.unreachable_reason() is None:
        database.drop_stale()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if database.anything_created():
        database.drop_run()


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Tests marked `both_event_loops` run on asyncio's own loop and on uvloop, the two loops
    the server runs on (TWINSPACE_EVENT_LOOP); without uvloop its run is left out, and the
    session fails under CI=true. Every other test runs on asyncio's own loop, as before (one
    loop: pytest-asyncio adds nothing to its id)."""
    if item.get_closest_marker("both_event_loops") is None:
        return {"asyncio": asyncio.new_event_loop}
    if importlib.util.find_spec("uvloop") is None:
        if os.environ.get("CI") == "true":
            raise pytest.UsageError("uvloop is not installed (make install)")
        return {"asyncio": asyncio.new_event_loop}
    import uvloop

    return {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    async with live_server(make_settings(tmp_path / "data")) as running:
        yield running


@pytest.fixture
def world(server: LiveServer) -> World:
    return World(server)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Fail loudly, instead of hanging at exit, if a test leaked a non-daemon thread (an open
    aiosqlite connection keeps its worker thread alive and Python waits for it forever)."""
    import os
    import sys
    import threading

    leaked = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t.is_alive()
    ]
    for thread in leaked:
        thread.join(timeout=5)
    leaked = [t for t in leaked if t.is_alive()]
    if leaked:
        names = ", ".join(t.name for t in leaked)
        sys.stderr.write(f"\nleaked non-daemon threads at exit: {names}\n")
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(3)
