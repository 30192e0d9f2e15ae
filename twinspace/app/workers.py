"""`twinspace serve --workers N`: N server processes on one machine, one listening socket.

The parent binds the port once and hands the socket to each worker (`serve --listen-fd`), so
the kernel spreads new connections over the processes that accept on it. It has already run
migrations and demo seeding before any worker starts. It supervises: a worker that dies is
started again (after a pause that grows while workers die young; a worker that keeps dying
during start-up stops the whole server), and SIGTERM or SIGINT is passed to every worker, which
drains (app/drain.py); the parent exits once they all have.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import FrameType

log = logging.getLogger("twinspace.app.workers")

POLL_SECONDS = 0.2
YOUNG_SECONDS = 10.0  # a worker that dies younger than this counts as failing to start
MAX_YOUNG_DEATHS = 5  # in a row, for one worker slot: give up
STOP_GRACE_SECONDS = 30.0  # after the drain window, before a worker is killed


def bind_listening_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """The shared listening socket (port 0: the kernel picks one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.create_server((host, port), family=family, backlog=backlog)
    listening.set_inheritable(True)
    return listening


@dataclass
class _Worker:
    slot: int
    process: subprocess.Popen[bytes]
    started: float
    young_deaths: int = 0


class Supervisor:
    def __init__(
        self,
        count: int,
        listening: socket.socket,
        env: Mapping[str, str],
        *,
        drain_seconds: float,
    ) -> None:
        self.count = count
        self.listening = listening
        self.env = dict(env)
        self.drain_seconds = drain_seconds
        self.workers: list[_Worker] = []
        self._stop_signal: int | None = None

    def _spawn(self, slot: int, young_deaths: int = 0) -> _Worker:
        fd = self.listening.fileno()
        process = subprocess.Popen(
            [sys.executable, "-m", "twinspace.app.cli", "serve", "--listen-fd", str(fd)],
            env=self.env,
            pass_fds=(fd,),
        )
        log.info("worker %d started as process %d", slot, process.pid)
        return _Worker(slot, process, time.monotonic(), young_deaths)

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        if self._stop_signal is None:
            self._stop_signal = sig
        else:  # a second signal: pass it on (a second SIGINT makes uvicorn stop at once)
            self._forward(sig)

    def _forward(self, sig: int) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.send_signal(sig)

    def run(self) -> int:
        """Supervise until SIGTERM/SIGINT; the exit status for the CLI."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        self.workers = [self._spawn(slot) for slot in range(self.count)]
        failed = False
        while self._stop_signal is None and not failed:
            time.sleep(POLL_SECONDS)
            for index, worker in enumerate(self.workers):
                status = worker.process.poll()
                if status is None or self._stop_signal is not None:
                    continue
                young = time.monotonic() - worker.started < YOUNG_SECONDS
                deaths = worker.young_deaths + 1 if young else 0
                log.error(
                    "worker %d (process %d) exited with status %s",
                    worker.slot,
                    worker.process.pid,
                    status,
                )
                if deaths >= MAX_YOUNG_DEATHS:
                    log.error("worker %d keeps dying at start-up: stopping", worker.slot)
                    failed = True
                    break
                time.sleep(min(0.5 * 2**deaths, 10.0) if deaths else 0)
                self.workers[index] = self._spawn(worker.slot, deaths)
        # No worker will be started again: let go of the port now, so that once the workers
        # have closed theirs new connections are refused (a load balancer retries elsewhere)
        # instead of waiting in a backlog nobody accepts from.
        self.listening.close()
        # Workers drain on SIGTERM; after Ctrl-C they also had the terminal's SIGINT.
        self._forward(signal.SIGTERM)
        deadline = time.monotonic() + self.drain_seconds + STOP_GRACE_SECONDS
        statuses = []
        for worker in self.workers:
            try:
                statuses.append(worker.process.wait(timeout=max(0.0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                log.error("worker %d did not stop in time: killed", worker.slot)
                worker.process.kill()
                statuses.append(worker.process.wait())
        # 0: drained; -SIGTERM: stopped before it had started serving (nothing to drain)
        stopped_by = {0, -signal.SIGTERM}
        if self._stop_signal == signal.SIGINT:
            stopped_by.add(-signal.SIGINT)
        if failed or any(status not in stopped_by for status in statuses):
            return 1
        return 0
