"""Helpers of the tests that run a cluster's processes (tests/cluster/): the demo seeded
through the CLI, signing in over HTTP, reading a gauge from /metrics, a parent's worker
processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.support.poll import eventually


def seed_demo(env: dict[str, str], data_dir: Path) -> dict[str, Any]:
    seeded = subprocess.run(
        [sys.executable, "-m", "twinspace", "demo", "--data", str(data_dir)],
        env={**os.environ, **env},
        capture_output=True,
        check=True,
        timeout=120,
    )
    demo: dict[str, Any] = json.loads(seeded.stdout)
    return demo


async def sign_in(base_url: str, account: dict[str, Any]) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
        response = await http.post(
            "/api/v1/session",
            json={"username": account["username"], "password": account["password"]},
        )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def gauge(text: str, name: str) -> float | None:
    match = re.search(rf"^{name}(?:\{{[^}}]*\}})? ([0-9.e+-]+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else None


def two_workers(parent: int, instead_of: int | None = None) -> set[int]:
    """The parent's two worker processes (empty until there are two, none of them `instead_of`)."""
    pids = worker_pids(parent)
    return pids if len(pids) == 2 and instead_of not in pids else set()


def worker_pids(parent: int) -> set[int]:
    """The parent's serve workers (`serve --listen-fd`), not its other children (the image
    decoders' forkserver, started when `--demo` seeded pictures in the parent)."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    if not children.exists():
        return set()
    workers = set()
    for pid in children.read_text().split():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile
            continue
        if b"--listen-fd" in command:
            workers.add(int(pid))
    return workers


async def exit_status(process: subprocess.Popen[bytes], within: float = 30.0) -> int:
    """The process's exit status, polled on the event loop: waiting in a thread would let the
    garbage collector run there and drop the test's Yjs documents on the wrong thread (y-py
    refuses that)."""

    def exited() -> tuple[int] | None:
        status = process.poll()
        return None if status is None else (status,)

    found = await eventually(exited, within=within, every=0.05)
    assert found is not None
    return found[0]
