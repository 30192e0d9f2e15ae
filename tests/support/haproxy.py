"""A real haproxy running deploy/haproxy.cfg, rendered for local backends on free ports.

`require_haproxy()` skips with the reason when the binary is missing (`make test` installs it:
scripts/install-haproxy.sh) and fails under `CI=true`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.server import free_port

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"
DROPPED = re.compile(r"^\s*(user|group|chroot|stats socket)\b.*$\n", re.MULTILINE)


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None
    )


def require_haproxy() -> str:
    binary = haproxy_binary()
    if binary is not None:
        return binary
    reason = "haproxy is not installed (scripts/install-haproxy.sh installs Debian's package)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true needs it")
    pytest.skip(reason)


def render(config: str, port: int, stats_port: int, servers: Sequence[tuple[str, int]]) -> str:
    """deploy/haproxy.cfg with its public and stats addresses on loopback ports, `servers`
    (name, port on 127.0.0.1) as the backend, a small global maxconn, and no user, chroot or
    admin socket."""
    config = DROPPED.sub("", config)
    # the global maxconn needs twice as many open files as a test process may have
    config = re.sub(r"^(\s*)maxconn \d+$", r"\1maxconn 4000", config, count=1, flags=re.MULTILINE)
    config = config.replace("bind 127.0.0.1:8404", f"bind 127.0.0.1:{stats_port}")
    config = re.sub(r"^(\s*)bind :80$", rf"\1bind 127.0.0.1:{port}", config, flags=re.MULTILINE)
    lines = [f"    server {name} 127.0.0.1:{backend}" for name, backend in servers]
    config, replaced = re.subn(
        r"(^\s*server app\d .*$\n)+", "\n".join(lines) + "\n", config, flags=re.MULTILINE
    )
    assert replaced == 1, "deploy/haproxy.cfg lost its server lines"
    return config


@dataclass
class Balancer:
    port: int
    stats_port: int
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def server_states(self) -> dict[str, str]:
        """Each backend server's status as HAProxy's stats page says (UP, DOWN, ...)."""
        text = httpx.get(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5).text
        rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
        return {
            row["svname"]: row["status"]
            for row in rows
            if row["pxname"] == "twinspace" and row["svname"] not in ("FRONTEND", "BACKEND")
        }


@contextmanager
def running_haproxy(tmp_path: Path, servers: Sequence[tuple[str, int]]) -> Iterator[Balancer]:
    binary = require_haproxy()
    port, stats_port = free_port(), free_port()
    config_path = tmp_path / "haproxy.cfg"
    config_path.write_text(render(CONFIG.read_text(), port, stats_port, servers))
    check = subprocess.run(
        [binary, "-c", "-f", str(config_path)], capture_output=True, text=True, timeout=30
    )
    assert check.returncode == 0, check.stdout + check.stderr
    log = (tmp_path / "haproxy.log").open("wb")
    process = subprocess.Popen(
        [binary, "-db", "-f", str(config_path)], stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    balancer = Balancer(port, stats_port, process)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / "haproxy.log").read_text()
            try:
                if set(balancer.server_states().values()) == {"UP"}:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "haproxy did not see its servers up"
            time.sleep(0.1)
        yield balancer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
