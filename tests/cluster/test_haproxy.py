"""deploy/haproxy.cfg, rendered for two `twinspace serve` processes, in front of them for real:
HTTP and websocket upgrades pass, requests spread over both see one database, and a SIGTERM'd
process is taken out by the health check before its sockets close with 1012, after which
clients reconnect to the other one."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from tests.support.cluster import Cluster, Node, running_cluster
from tests.support.cluster_clients import exit_status, gauge, seed_demo, sign_in
from tests.support.events import EventsClient
from tests.support.haproxy import Balancer, require_haproxy, running_haproxy
from tests.support.poll import eventually
from tests.support.yclient import YClient
from twinspace.realtime import close_codes

ENV = {
    # longer than the health check needs to notice (inter 1s x fall 2), so the test can see the
    # process out of rotation while it still holds its sockets
    "TWINSPACE_DRAIN_SECONDS": "8",
    "TWINSPACE_POSTS_PER_MINUTE": "100000",
    "TWINSPACE_POST_BURST": "100000",
}


async def room_clients(node: Node) -> float:
    async with httpx.AsyncClient(base_url=node.base_url, timeout=5) as http:
        return gauge((await http.get("/metrics")).text, "twinspace_room_clients") or 0.0


def served(node_log: str, marker: str) -> int:
    return sum(marker in line for line in node_log.splitlines())


async def test_clients_through_haproxy(tmp_path: Path, redis_prefix: str) -> None:
    require_haproxy()
    with running_cluster(tmp_path, 2, redis_prefix, env=ENV) as cluster:
        demo = await asyncio.to_thread(seed_demo, cluster.env, cluster.data_dir)
        servers = [(f"app{node.index}", node.port) for node in cluster.nodes]
        with running_haproxy(tmp_path, servers) as balancer:
            await _through(balancer, cluster, demo)


async def _through(balancer: Balancer, cluster: Cluster, demo: dict[str, Any]) -> None:
    teacher = next(a for a in demo["accounts"] if a["kind"] == "teacher")
    channel_id = demo["project"]["channels"][0]["id"]
    room = demo["project"]["pages"][0]["room"]
    token = await sign_in(balancer.base_url, teacher)
    headers = {"Authorization": f"Bearer {token}"}

    # HTTP: each request on a new connection, so leastconn spreads them over both processes;
    # every write is read back at once, whichever process answers
    posted: list[str] = []
    for n in range(12):
        async with httpx.AsyncClient(
            base_url=balancer.base_url, headers=headers, timeout=20
        ) as http:
            text = f"through the balancer {n}"
            created = await http.post(
                f"/api/v1/channels/{channel_id}/messages", json={"text": text}
            )
            assert created.status_code == 201, created.text
            posted.append(text)
        async with httpx.AsyncClient(
            base_url=balancer.base_url, headers=headers, timeout=20
        ) as http:
            page = await http.get(f"/api/v1/channels/{channel_id}/messages", params={"limit": 200})
            assert page.status_code == 200
            assert set(posted) <= {m["text"] for m in page.json()}
    marker = f" /api/v1/channels/{channel_id}/messages "  # a post or a read, in the access log

    def per_node() -> list[int]:
        return [served(node.log_path.read_text(errors="replace"), marker) for node in cluster.nodes]

    # a process logs a request once its response has gone: the last line may still be coming
    await eventually(lambda: sum(per_node()) >= 2 * len(posted), within=10)
    served_by = per_node()
    assert all(served_by) and sum(served_by) == 2 * len(posted), served_by

    # websockets: the page socket and the events socket upgrade through the balancer
    first = await YClient.connect(balancer.ws_url, room, token=token)
    await first.sync()
    first.doc.insert_text(0, "balanced ")
    async with connect(
        f"{balancer.ws_url}/ws/projects/{demo['project']['id']}?token={token}", open_timeout=20
    ) as ws:
        events = EventsClient(ws)
        await events.next("hello")
    holder_index = await eventually(lambda: _holder(cluster.nodes), within=20)
    holder, other = cluster.nodes[holder_index - 1], cluster.nodes[2 - holder_index]
    process = holder.process
    assert process is not None
    process.send_signal(signal.SIGTERM)

    def taken_out() -> bool:
        return balancer.server_states()[f"app{holder.index}"].startswith("DOWN")

    await eventually(taken_out, within=20, every=0.1)
    assert process.poll() is None, "taken out by the health check while still draining"
    # new clients go to the other process only
    second = await YClient.connect(balancer.ws_url, room, token=token)
    await second.sync()
    assert await room_clients(other) >= 1
    await second.close()
    # then the drained process closes its sockets with 1012 and exits 0
    assert await first.wait_closed(within=30) == close_codes.RESTART
    await first.close()
    assert await exit_status(process) == 0
    # the client reconnects through the balancer, to the other process, and its edit is there
    again = await YClient.connect(balancer.ws_url, room, token=token)
    await again.sync()
    await again.wait_for(lambda: "balanced " in again.doc.text())
    await again.close()
    async with httpx.AsyncClient(base_url=balancer.base_url, timeout=20) as http:
        assert (await http.get("/readyz")).status_code == 200


async def _holder(nodes: list[Node]) -> int:
    """1 + the index of the one node holding the page client, 0 while unknown."""
    counts = [await room_clients(node) for node in nodes]
    holding = [i for i, count in enumerate(counts) if count >= 1]
    return holding[0] + 1 if len(holding) == 1 else 0
