"""A seeded page on a running cluster, and real y-websocket peers spread over its processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import httpx

from tests.support.cluster import Cluster
from tests.support.node import Peer


@dataclass
class PageScene:
    cluster: Cluster
    room: str
    page_id: int
    tokens: list[str]  # teachers of the demo project: each may write the page

    def url(self, node: int) -> str:
        return f"{self.cluster.nodes[node].ws_url}/ws/docs"

    async def peer(self, node: int, who: int = 0, *, within: float = 30) -> Peer:
        peer = await Peer.start(
            self.url(node), self.room, token=self.tokens[who % len(self.tokens)], within=within
        )
        await peer.wait_synced(within=within)
        return peer


async def page_scene(cluster: Cluster) -> PageScene:
    """Seed the demo into the cluster's database (through its CLI) and sign its teachers in."""
    seeded = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "twinspace.app.cli", "demo", "--data", str(cluster.data_dir)],
        env={**os.environ, **cluster.env},
        capture_output=True,
        check=True,
        timeout=120,
    )
    demo: dict[str, Any] = json.loads(seeded.stdout)
    page = demo["project"]["pages"][0]
    teachers = [a for a in demo["accounts"] if a["kind"] == "teacher" and a["role"]]
    tokens = []
    async with httpx.AsyncClient(base_url=cluster.nodes[0].base_url, timeout=30) as http:
        for teacher in teachers[:3]:
            response = await http.post(
                "/api/v1/session",
                json={"username": teacher["username"], "password": teacher["password"]},
            )
            response.raise_for_status()
            tokens.append(response.json()["token"])
    return PageScene(cluster, page["room"], page["id"], tokens)


async def texts(peers: list[Peer]) -> list[str]:
    return [str((await p.state())["text"]) for p in peers]


async def converged(peers: list[Peer], expected: set[str] | None = None) -> str | None:
    """The one text every peer shows (holding every word of `expected`), else None."""
    seen = await texts(peers)
    if len(set(seen)) != 1:
        return None
    if expected is not None and not expected <= set(seen[0].split()):
        return None
    return seen[0]
