"""A crash (kill -9) or SIGTERM while clients are writing: every acknowledged write survives."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import database
from tests.support.poll import eventually
from tests.support.server import free_port

ENV = {
    **os.environ,
    "TWINSPACE_ARGON2_TIME_COST": "1",
    "TWINSPACE_ARGON2_MEMORY_KIB": "64",
    "TWINSPACE_ARGON2_PARALLELISM": "1",
    "TWINSPACE_POSTS_PER_MINUTE": "100000",
    "TWINSPACE_POST_BURST": "100000",
}


def _serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "twinspace", "serve", "--data", str(data), "--port", str(port)],
        env={**ENV, **database.env_for(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("server did not start")


async def _writer(
    base: str, token: str, channel_id: int, name: str, acknowledged: list[str], stop: asyncio.Event
) -> None:
    async with httpx.AsyncClient(
        base_url=base, timeout=10, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        n = 0
        while not stop.is_set():
            text = f"{name}-{n}"
            try:
                response = await http.post(
                    f"/api/v1/channels/{channel_id}/messages", json={"text": text}
                )
            except httpx.TransportError:
                return
            if response.status_code == 201:
                acknowledged.append(text)
            n += 1


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "sigterm"])
async def test_acknowledged_messages_survive(tmp_path: Path, how: signal.Signals) -> None:
    data, port = tmp_path / "d", free_port()
    seeded = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "twinspace", "demo", "--data", str(data)],
        env={**ENV, **database.env_for(data)},
        capture_output=True,
        check=True,
        timeout=60,
    )
    demo: dict[str, Any] = json.loads(seeded.stdout)
    channel_id = demo["project"]["channels"][0]["id"]
    teachers = [a for a in demo["accounts"] if a["kind"] == "teacher"]
    base = f"http://127.0.0.1:{port}"
    proc = await asyncio.to_thread(_serve, data, port)
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            tokens = [
                (
                    await http.post(
                        "/api/v1/session",
                        json={"username": t["username"], "password": t["password"]},
                    )
                ).json()["token"]
                for t in teachers
            ]
        acknowledged: list[str] = []
        stop = asyncio.Event()
        writers = [
            asyncio.create_task(_writer(base, token, channel_id, f"w{i}", acknowledged, stop))
            for i, token in enumerate(tokens)
        ]
        await eventually(lambda: len(acknowledged) >= 60, within=30)
        proc.send_signal(how)
        await asyncio.to_thread(proc.wait, 30)
        stop.set()
        await asyncio.gather(*writers)
        count_at_stop = len(acknowledged)
        proc = await asyncio.to_thread(_serve, data, port)
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {tokens[0]}"}
        ) as http:
            stored: list[str] = []
            after = 0
            while True:
                page = (
                    await http.get(
                        f"/api/v1/channels/{channel_id}/messages",
                        params={"after": after, "limit": 200},
                    )
                ).json()
                if not page:
                    break
                stored += [m["text"] for m in page]
                after = page[-1]["id"]
        missing = set(acknowledged) - set(stored)
        assert not missing, f"{len(missing)} of {count_at_stop} acknowledged messages lost"
        assert len(stored) == len(set(stored)), "no message stored twice"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
