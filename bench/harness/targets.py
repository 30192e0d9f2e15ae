"""The servers under test, each started fresh in its own process on a free port.

- ``twinspace``: ``python -m twinspace serve`` on a data dir seeded with the demo TwinSpace plus
  the bench pages; clients authenticate with a teacher's session token (``?token=``).
- ``ywss``: @y/websocket-server (the reference y-websocket server), no persistence.
- ``hocuspocus``: @hocuspocus/server with default extensions, no persistence (its own framing:
  clients use HocuspocusProvider).
- ``floor``: TwinSpaces' uvicorn configuration serving a bare y-websocket app
  (bench/floor_server.py): what the protocol stack costs before any of TwinSpaces' own work.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from harness.procs import BenchError, JsonLines, free_port, node_command, running
from harness.report import RESULTS_DIR
from twinspace.app.demo import seed_demo
from twinspace.config import load_settings
from twinspace.services.container import Services
from twinspace.types import UserKind

SERVERS = ("twinspace", "ywss", "hocuspocus")
OTHER_SERVERS = ("floor",)  # run only when named (`--only floor`)
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 64, "argon2_parallelism": 1}
# Environment of the TwinSpaces server: no per-user connection cap (every bench client is the
# same teacher), quiet logs. Everything else is the shipped default.
TWINSPACE_ENV = {"TWINSPACE_MAX_CONNECTIONS_PER_USER": "0", "TWINSPACE_LOG_LEVEL": "WARNING"}


@dataclass
class Target:
    """A running server: where clients connect, how, and the process to sample."""

    name: str
    protocol: str  # "y-websocket" or "hocuspocus" (the client provider to use)
    url: str
    rooms: list[str]
    pid: int
    token: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    # a cluster's other server processes (sampled with `pid`); `url` then lists every
    # process's URL, comma-separated, and load.mjs deals each room's clients over them
    other_pids: list[int] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [self.pid, *self.other_pids]

    def client_args(self, rooms: list[str] | None = None) -> list[str]:
        """load.mjs / idle.mjs options (as --name=value: a token may start with "-")."""
        args = [
            f"--protocol={self.protocol}",
            f"--url={self.url}",
            f"--rooms={','.join(self.rooms if rooms is None else rooms)}",
        ]
        return args + ([f"--token={self.token}"] if self.token else [])


@dataclass(frozen=True)
class Seeded:
    token: str
    rooms: list[str]


async def seed_twinspace(data_dir: Path, pages: int, database_url: str | None = None) -> Seeded:
    """The demo TwinSpace plus `pages` pages in its project; a session token of its founder
    (on PostgreSQL at `database_url`, else SQLite in `data_dir`)."""
    settings = load_settings(
        environ={}, data_dir=data_dir, database_url=database_url, **FAST_HASHING
    )
    services = await Services.start(settings)
    try:
        demo = await seed_demo(services)
        project_id = int(demo["project"]["id"])
        founder_id = next(a["user_id"] for a in demo["accounts"] if a["kind"] == "teacher")
        founder = await services.storage.users.get(founder_id)
        assert founder is not None and founder.kind is UserKind.TEACHER
        access = await services.access.project(founder, project_id)
        rooms = [
            (await services.pages.create(access, f"Bench page {i}")).room for i in range(pages)
        ]
        session = await services.accounts.start_session(founder)
        return Seeded(session.token, rooms)
    finally:
        await services.stop()


def _wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"twinspace exited with {process.returncode}; see {log}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        time.sleep(0.1)
    raise BenchError(f"twinspace did not answer /healthz within 60 s; see {log}")


@contextlib.contextmanager
def serve_twinspace(
    data_dir: Path, seeded: Seeded, env: dict[str, str] | None = None, log_name: str = "server"
) -> Iterator[Target]:
    """`twinspace serve` on an already seeded data dir (its log goes beside the data dir)."""
    port = free_port()
    log = data_dir.parent / f"{log_name}.log"
    try:
        with (
            log.open("wb") as log_file,
            running(
                [
                    sys.executable,
                    "-m",
                    "twinspace",
                    "serve",
                    "--data",
                    str(data_dir),
                    "--port",
                    str(port),
                ],
                env={**os.environ, **TWINSPACE_ENV, **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            ) as process,
        ):
            _wait_healthy(port, process, log)
            yield Target(
                "twinspace",
                "y-websocket",
                f"ws://127.0.0.1:{port}/ws/docs",
                seeded.rooms,
                process.pid,
                seeded.token,
                {"log": str(log)},
            )
    finally:
        _keep_log(log)


def _keep_log(log: Path) -> None:
    """A server that logged anything at WARNING or above: keep its log in bench/results/."""
    if not log.is_file() or log.stat().st_size == 0:
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    kept = RESULTS_DIR / f"twinspace-server-{time.strftime('%Y%m%d-%H%M%S')}.log"
    shutil.copyfile(log, kept)
    lines = log.read_text("utf-8", errors="replace").count("\n")
    print(
        f"  note: the TwinSpaces server logged {lines} lines (warnings or errors): {kept}",
        flush=True,
    )


@contextlib.contextmanager
def twinspace(rooms: int, env: dict[str, str] | None = None) -> Iterator[Target]:
    """A TwinSpaces server on a temporary data dir seeded with `rooms` pages."""
    with tempfile.TemporaryDirectory(prefix="twinspace-bench-") as folder:
        data_dir = Path(folder) / "data"
        seeded = asyncio.run(seed_twinspace(data_dir, rooms))
        with serve_twinspace(data_dir, seeded, env) as target:
            yield target


@contextlib.contextmanager
def peer(name: str, rooms: int) -> Iterator[Target]:
    """@y/websocket-server (`ywss`), Hocuspocus (`hocuspocus`) or the protocol stack's floor
    (`floor`) on a free port."""
    if name == "floor":
        command = [sys.executable, str(Path(__file__).parent.parent / "floor_server.py")]
    else:
        script = {"ywss": "ywss-server.mjs", "hocuspocus": "hocuspocus-server.mjs"}[name]
        command = node_command(script)
    with running(
        [*command, "--port", str(free_port())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        port = int(JsonLines(process.stdout).next(timeout=30)["port"])
        protocol = "hocuspocus" if name == "hocuspocus" else "y-websocket"
        yield Target(
            name,
            protocol,
            f"ws://127.0.0.1:{port}",
            [f"bench-{i}" for i in range(rooms)],
            process.pid,
        )


def settings_env(pairs: list[str]) -> dict[str, str]:
    """`name=value` TwinSpaces settings (e.g. ws_implementation=websockets) as environment."""
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{pair!r} is not NAME=VALUE")
        env["TWINSPACE_" + name.strip().upper()] = value.strip()
    return env


def server(
    name: str, rooms: int, twinspace_env: dict[str, str] | None = None
) -> AbstractContextManager[Target]:
    """A fresh server by name; `twinspace_env` adds TWINSPACE_* settings for TwinSpaces."""
    if name == "twinspace":
        return twinspace(rooms, twinspace_env)
    if name in ("ywss", "hocuspocus", "floor"):
        return peer(name, rooms)
    raise ValueError(f"unknown server {name!r}; pick from {', '.join(SERVERS + OTHER_SERVERS)}")
