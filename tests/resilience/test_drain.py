"""SIGTERM drains the embedded server too (app/drain.py): /readyz 503 during the drain window,
then both sockets close with 1012 (one after another, spread over the close window), pending
page edits are stored, and the exit status is 0."""

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
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support import database
from tests.support.cluster_clients import exit_status
from tests.support.events import EventsClient
from tests.support.server import FAST_HASHING, free_port
from tests.support.yclient import YClient
from twinspace.app.cli import settings_env
from twinspace.realtime import close_codes
from twinspace.realtime.protocol import SyncStep1, SyncStep2

ENV = {f"TWINSPACE_{k.upper()}": str(v) for k, v in FAST_HASHING.items()}


def _serve(data: Path, port: int, drain_seconds: float) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **ENV,
        **database.env_for(data),
        "TWINSPACE_DRAIN_SECONDS": str(drain_seconds),
        # three sockets, closed about 3 s apart
        "TWINSPACE_DRAIN_CLOSE_SECONDS": "8",
        # the page's edits wait for a batch long enough to be still pending at SIGTERM
        "TWINSPACE_PERSIST_BATCH_MS": "2000",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "twinspace", "serve", "--data", str(data), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("server did not start")


async def still_served(client: YClient) -> bool:
    """A sync round trip on `client` succeeds."""
    answers = sum(isinstance(m, SyncStep2) for m in client.received)
    try:
        await client.send(SyncStep1(client.doc.state_vector()))
        await client.wait_for(
            lambda: sum(isinstance(m, SyncStep2) for m in client.received) > answers
        )
    except (ConnectionClosed, AssertionError, TimeoutError):
        return False
    return True


async def test_sigterm_drains_with_1012(tmp_path: Path) -> None:
    data, port = tmp_path / "d", free_port()
    seeded = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "twinspace", "demo", "--data", str(data)],
        env={**os.environ, **ENV, **database.env_for(data)},
        capture_output=True,
        check=True,
        timeout=120,
    )
    demo: dict[str, Any] = json.loads(seeded.stdout)
    room, project_id = demo["project"]["pages"][0]["room"], demo["project"]["id"]
    teacher = next(a for a in demo["accounts"] if a["kind"] == "teacher")
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    proc = await asyncio.to_thread(_serve, data, port, 1.5)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=20) as http:
            signed_in = await http.post(
                "/api/v1/session",
                json={"username": teacher["username"], "password": teacher["password"]},
            )
            token = signed_in.json()["token"]
            writer = await YClient.connect(ws_base, room, token=token)
            await writer.sync()
            observer = await YClient.connect(ws_base, room, token=token)
            await observer.sync()
            writer.doc.insert_text(0, "kept through the drain ")
            await observer.wait_for(lambda: "kept through the drain" in observer.doc.text())
            async with connect(
                f"{ws_base}/ws/projects/{project_id}?token={token}", open_timeout=20
            ) as ws:
                events = EventsClient(ws)
                await events.next("hello")
                proc.send_signal(signal.SIGTERM)
                draining = await http.get("/readyz")
                assert draining.status_code == 503 and draining.json()["status"] == "draining"
                assert (await http.get("/healthz")).status_code == 200, "alive, only not ready"
                closing = [
                    asyncio.create_task(events.closed_with(wait=60)),
                    asyncio.create_task(writer.wait_closed(within=60)),
                    asyncio.create_task(observer.wait_closed(within=60)),
                ]
                await asyncio.wait(closing, return_when=asyncio.FIRST_COMPLETED)
                # one socket is closed; a page socket still open is still served
                still_open = [
                    c for c, t in zip((writer, observer), closing[1:], strict=True) if not t.done()
                ]
                assert still_open and await still_served(still_open[0]), "closed one by one"
                codes = await asyncio.gather(*closing)
            assert codes == [close_codes.RESTART] * 3
            await writer.close()
            await observer.close()
        assert await exit_status(proc) == 0
        proc = await asyncio.to_thread(_serve, data, port, 0)  # serves again
        reader = await YClient.connect(ws_base, room, token=token)
        await reader.sync()
        assert "kept through the drain" in reader.doc.text()
        await reader.close()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


def test_workers_read_the_flags_from_their_environment() -> None:
    env = settings_env(
        {
            "host": "0.0.0.0",
            "port": 8123,
            "data_dir": Path("/srv/twinspace"),
            "public_origins": ("https://a.example", "https://b.example"),
            "cookie_secure": True,
            "log_format": None,
        }
    )
    assert env == {
        "TWINSPACE_HOST": "0.0.0.0",
        "TWINSPACE_PORT": "8123",
        "TWINSPACE_DATA_DIR": "/srv/twinspace",
        "TWINSPACE_PUBLIC_ORIGINS": "https://a.example,https://b.example",
        "TWINSPACE_COOKIE_SECURE": "true",
    }
