"""Where a hung test waits: shortly before pytest-timeout fails a test, print the stack of
every asyncio task of the event loop the test runs on.

pytest-timeout prints the threads' stacks, and a hung asyncio test shows only its loop idle in
`select`; the coroutine it waits in is suspended in a task, on no thread's stack. One watchdog
thread per session follows the test being run; once the test has run `timeout - MARGIN`
seconds it finds the loop on the main thread's stack (the frame of its `_run_once`) and asks
that loop, from its own thread, to print its tasks to stderr, which pytest shows with the
failure. A loop that does not answer (blocked, not idle) leaves only pytest-timeout's report.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType

import pytest

MARGIN = 30.0  # seconds before pytest-timeout's deadline


class _Watch:
    def __init__(self, timeout: float) -> None:
        self.default_timeout = timeout
        self.timeout = timeout
        self.lock = threading.Lock()
        self.test: str | None = None
        self.started = 0.0
        self.reported = False

    def run(self) -> None:
        while True:
            time.sleep(1.0)
            with self.lock:
                due = (
                    self.test is not None
                    and not self.reported
                    and time.monotonic() - self.started > self.timeout - MARGIN
                )
                if due:
                    self.reported = True
                    test = self.test
            if due:
                _ask_loop_to_report(test or "?")


def _main_thread_loop() -> asyncio.AbstractEventLoop | None:
    frame: FrameType | None = sys._current_frames().get(threading.main_thread().ident or 0)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, asyncio.AbstractEventLoop):
            return candidate
        frame = frame.f_back
    return None


def _ask_loop_to_report(test: str) -> None:
    loop = _main_thread_loop()
    if loop is None or loop.is_closed():
        return
    try:
        loop.call_soon_threadsafe(_report_tasks, loop, test)
    except RuntimeError:  # closed meanwhile
        pass


def _report_tasks(loop: asyncio.AbstractEventLoop, test: str) -> None:
    tasks = asyncio.all_tasks(loop)
    print(f"\n+++ {test} still running; where its {len(tasks)} tasks wait:", file=sys.stderr)
    for task in tasks:
        print(f"--- {task.get_name()}", file=sys.stderr)
        for frame in _await_chain(task.get_coro()):
            code = frame.f_code
            print(
                f'  File "{code.co_filename}", line {frame.f_lineno}, in {code.co_name}',
                file=sys.stderr,
            )


def _await_chain(awaitable: object) -> Iterator[FrameType]:
    """The frames of a suspended coroutine and of everything it awaits, outermost first
    (`Task.print_stack` shows the outermost only)."""
    for _ in range(100):
        frame = next(
            (
                getattr(awaitable, name)
                for name in ("cr_frame", "gi_frame", "ag_frame")
                if getattr(awaitable, name, None) is not None
            ),
            None,
        )
        if frame is not None:
            yield frame
        awaitable = next(
            (
                getattr(awaitable, name)
                for name in ("cr_await", "gi_yieldfrom", "ag_await")
                if getattr(awaitable, name, None) is not None
            ),
            None,
        )
        if awaitable is None:
            return


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    try:
        timeout = float(config.getini("timeout") or 0)  # pytest-timeout's setting
    except (ValueError, TypeError):
        return
    if timeout <= MARGIN:
        return
    watch = _Watch(timeout)
    config.stash[_WATCH] = watch
    threading.Thread(target=watch.run, name="hang-report", daemon=True).start()


_WATCH = pytest.StashKey[_Watch]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    watch = item.config.stash.get(_WATCH, None)
    if watch is not None:
        marker = item.get_closest_marker("timeout")
        timeout = float(marker.args[0]) if marker and marker.args else watch.default_timeout
        with watch.lock:
            watch.test, watch.started, watch.reported = item.nodeid, time.monotonic(), False
            watch.timeout = timeout
    try:
        return (yield)
    finally:
        if watch is not None:
            with watch.lock:
                watch.test = None
