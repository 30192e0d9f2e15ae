"""Running a cluster (docs/cluster.md, "Running a cluster"): `serve --workers N`, the drain on
SIGTERM (1012, /readyz 503, exit 0, edits kept) and the cluster-wide gauges."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from tests.support import database
from tests.support.cluster import Cluster, cluster_env, running_cluster
from tests.support.cluster_clients import exit_status, gauge, seed_demo, sign_in, two_workers
from tests.support.events import EventsClient
from tests.support.poll import eventually
from tests.support.redis_server import delete_prefix, require_redis
from tests.support.server import free_port
from tests.support.yclient import YClient
from twinspace.realtime import close_codes


def process_exists(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def test_more_workers_need_clustered_mode(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWINSPACE_")}
    result = subprocess.run(
        [sys.executable, "-m", "twinspace", "serve", "--workers", "2", "--data", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--workers 2 needs clustered mode" in result.stderr
    assert not (tmp_path / "twinspace.sqlite3").exists(), "refused before touching any data"


async def test_workers_share_the_port_restart_and_drain(tmp_path: Path, redis_prefix: str) -> None:
    database.require_postgres()
    require_redis()
    data_dir = tmp_path / "data"
    env = cluster_env(
        data_dir, database.new_database(), redis_prefix, {"TWINSPACE_DRAIN_SECONDS": "0.5"}
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "workers.log").open("wb")
    parent = subprocess.Popen(  # noqa: ASYNC220 (starts at once; the test polls it)
        [
            sys.executable,
            "-m",
            "twinspace",
            "serve",
            "--demo",
            "--workers",
            "2",
            "--port",
            str(port),
        ],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:

        async def metrics_process() -> str | None:
            # a new connection each time, so the kernel may hand it to either worker
            try:
                async with httpx.AsyncClient(base_url=base, timeout=5) as http:
                    text = (await http.get("/metrics")).text
            except httpx.TransportError:
                return None
            found = re.search(r'twinspace_http_requests_total\{.*process="([^"]+)"', text)
            return found.group(1) if found else None

        await eventually(metrics_process, within=90, every=0.2)
        first: set[int] = await eventually(lambda: two_workers(parent.pid))

        async def all_answer(pids: set[int]) -> None:
            seen: set[int] = set()

            async def answered() -> bool:
                process = await metrics_process()
                if process is not None:
                    seen.add(int(process.rsplit(":", 1)[1]))
                return seen >= pids

            await eventually(answered, within=60)

        await all_answer(first)
        # demo seeded once, by the parent, before the workers started
        demo = json.loads((data_dir / "demo-accounts.json").read_text())
        teacher = next(a for a in demo["accounts"] if a["kind"] == "teacher")
        assert await sign_in(base, teacher)

        victim = sorted(first)[0]
        os.kill(victim, signal.SIGKILL)

        second: set[int] = await eventually(lambda: two_workers(parent.pid, victim), within=60)
        assert second - first, "a new worker took the dead one's place"
        await all_answer(second)

        parent.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(parent.wait, 60) == 0
        assert not any(map(process_exists, second)), "workers stopped"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        log.close()
        delete_prefix(redis_prefix)


async def test_sigterm_drains_one_process(tmp_path: Path, redis_prefix: str) -> None:
    with running_cluster(
        tmp_path, 2, redis_prefix, env={"TWINSPACE_DRAIN_SECONDS": "1.5"}
    ) as cluster:
        await _drain_one(cluster)


async def _drain_one(cluster: Cluster) -> None:
    demo = seed_demo(cluster.env, cluster.data_dir)
    room = demo["project"]["pages"][0]["room"]
    project_id = demo["project"]["id"]
    teacher = next(a for a in demo["accounts"] if a["kind"] == "teacher")
    draining, staying = cluster.nodes
    token = await sign_in(draining.base_url, teacher)

    async def processes_alive(node_url: str) -> float | None:
        async with httpx.AsyncClient(base_url=node_url, timeout=5) as http:
            return gauge((await http.get("/metrics")).text, "twinspace_cluster_processes")

    await eventually(lambda: _is(processes_alive(staying.base_url), 2.0), within=20)

    writer = await YClient.connect(draining.ws_url, room, token=token)
    await writer.sync()
    observer = await YClient.connect(draining.ws_url, room, token=token)
    await observer.sync()
    writer.doc.insert_text(0, "drained edit ")
    await observer.wait_for(lambda: "drained edit " in observer.doc.text())
    async with connect(
        f"{draining.ws_url}/ws/projects/{project_id}?token={token}", open_timeout=20
    ) as ws:
        events = EventsClient(ws)
        await events.next("hello")
        await eventually(lambda: _is(_count_websockets(staying.base_url), 3.0), within=20)

        process = draining.process
        assert process is not None
        process.send_signal(signal.SIGTERM)
        async with httpx.AsyncClient(base_url=draining.base_url, timeout=5) as http:
            ready = await http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["status"] == "draining"
        assert (await events.closed_with(wait=30)) == close_codes.RESTART
    assert await writer.wait_closed(within=30) == close_codes.RESTART
    assert await observer.wait_closed(within=30) == close_codes.RESTART
    await writer.close()
    await observer.close()
    assert await exit_status(process) == 0
    # the edit is in the shared database: the other process loads it
    reader = await YClient.connect(staying.ws_url, room, token=token)
    await reader.sync()
    await reader.wait_for(lambda: "drained edit " in reader.doc.text())
    await reader.close()
    # a process that stopped cleanly leaves the cluster's count at once
    await eventually(lambda: _is(processes_alive(staying.base_url), 1.0), within=10)


async def _count_websockets(node_url: str) -> float | None:
    async with httpx.AsyncClient(base_url=node_url, timeout=5) as http:
        text = (await http.get("/metrics")).text
    return gauge(text, "twinspace_cluster_websocket_connections")


async def _is(value: Any, expected: float) -> bool:
    return bool(await value == expected)


async def test_a_crashed_process_leaves_the_cluster_count(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 2, redis_prefix) as cluster:
        survivor = cluster.nodes[1]

        async def processes_alive() -> float | None:
            async with httpx.AsyncClient(base_url=survivor.base_url, timeout=5) as http:
                return gauge((await http.get("/metrics")).text, "twinspace_cluster_processes")

        await eventually(lambda: _is(processes_alive(), 2.0), within=20)
        cluster.kill(0)  # no clean stop: its heartbeat key expires (10 s)
        await eventually(lambda: _is(processes_alive(), 1.0), within=30, every=0.5)
