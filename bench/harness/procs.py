"""Child processes for the benchmarks: start, sample (CPU, RSS), read JSON lines, always stop."""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import psutil

BENCH_DIR = Path(__file__).resolve().parent.parent
NODE_DIR = BENCH_DIR / "node"


class BenchError(RuntimeError):
    """A benchmark could not run (missing tool, a child failed or hung)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def node_command(script: str, *args: str) -> list[str]:
    """`node bench/node/<script> args...`, checking that node and the npm packages are there."""
    node = shutil.which("node")
    if node is None:
        raise BenchError("node is not installed (the benchmarks need Node 20+)")
    if not (NODE_DIR / "node_modules").is_dir():
        raise BenchError(f"{NODE_DIR}/node_modules is missing: run `bash scripts/node-deps.sh`")
    return [node, str(NODE_DIR / script), *args]


def stop(process: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it does not exit within `timeout`."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


# Runs argv[1:] in place of itself after asking Linux to SIGTERM it when its parent dies, so
# that no server outlives a benchmark killed with SIGKILL (elsewhere it simply execs).
_LAUNCHER = """
import ctypes, os, signal, sys
if sys.platform.startswith("linux"):
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        sys.exit(1)
os.execvp(sys.argv[1], sys.argv[1:])
"""


@contextlib.contextmanager
def running(command: Sequence[str], **popen: Any) -> Iterator[subprocess.Popen[bytes]]:
    """Start `command` (same pid; it dies with this process); stop it however the block ends."""
    process = subprocess.Popen([sys.executable, "-c", _LAUNCHER, *command], **popen)
    try:
        yield process
    finally:
        stop(process)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that `running` blocks stop their processes."""

    def handler(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


class JsonLines:
    """JSON objects a child prints one per line on stdout, read by a thread, with timeouts."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[bytes]) -> None:
        for line in iter(stream.readline, b""):
            self._lines.put(line)
        self._lines.put(None)

    def next(self, timeout: float) -> dict[str, Any]:
        """The next JSON object; raises BenchError on timeout or when the stream ends."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise BenchError(f"no output within {timeout:.0f} s") from None
            if line is None:
                raise BenchError("the process ended early")
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(line)
                if isinstance(value, dict):
                    return value

    def wait_for(self, event: str, timeout: float) -> dict[str, Any]:
        """Skip lines until one with {"event": event}."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next(max(0.0, deadline - time.monotonic()))
            if message.get("event") == event:
                return message


class Sampler:
    """Samples a process's RSS every `interval` s in a thread (peak), and reads its CPU time."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self._process = psutil.Process(pid)
        self._interval = interval
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            with contextlib.suppress(psutil.Error):
                self._peak = max(self._peak, self.rss())

    def rss(self) -> int:
        return int(self._process.memory_info().rss)

    def cpu(self) -> float:
        """User + system CPU seconds so far (all threads)."""
        times = self._process.cpu_times()
        return float(times.user + times.system)

    def reset_peak(self) -> None:
        self._peak = self.rss()

    @property
    def peak_rss(self) -> int:
        return max(self._peak, self.rss())
