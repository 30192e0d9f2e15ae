"""Limits across processes (docs/cluster.md, "Limits across processes"): the per-user socket
cap, the posting rate and sign-in throttling hold whichever process a request reaches."""

from __future__ import annotations

from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.cluster.test_project_events import _room
from tests.support.cluster import Node, running_cluster
from tests.support.cluster_world import cluster_world, node_client
from tests.support.events import WAIT, events, events_url
from tests.support.poll import eventually
from tests.support.world import PASSWORD
from twinspace.realtime import close_codes


async def _refused_with(node: Node, project_id: int, token: str) -> int | None:
    """The close code a new socket gets before `hello`, or None when it was let in."""
    async with connect(
        events_url(node, project_id, token=token), proxy=None, open_timeout=WAIT
    ) as ws:
        try:
            await ws.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else -1
    return None


async def test_the_connection_cap_counts_sockets_on_every_process(
    tmp_path: Path, redis_prefix: str
) -> None:
    env = {"TWINSPACE_MAX_CONNECTIONS_PER_USER": "2"}
    with running_cluster(tmp_path, 3, redis_prefix, env=env) as cluster:
        async with cluster_world(cluster) as world:
            project, _teacher, pupil, _channel = await _room(world)
            first, second, third = cluster.nodes
            async with events(first, project.id, pupil.token):
                async with events(second, project.id, pupil.token):
                    over = await _refused_with(third, project.id, pupil.token)
                # one closed: a place is free again, on any process
                let_in = await eventually(
                    lambda: _admitted(third, project.id, pupil.token), within=10
                )
    assert over == close_codes.RATE_LIMITED
    assert let_in


async def _admitted(node: Node, project_id: int, token: str) -> bool:
    async with events(node, project_id, token, hello=False) as client:
        first = await client.next()
    return bool(first["type"] == "hello")


async def test_the_posting_rate_holds_across_processes(tmp_path: Path, redis_prefix: str) -> None:
    env = {"TWINSPACE_POSTS_PER_MINUTE": "1", "TWINSPACE_POST_BURST": "3"}
    with running_cluster(tmp_path, 3, redis_prefix, env=env) as cluster:
        async with cluster_world(cluster) as world:
            project, teacher, _pupil, channel = await _room(world)
            statuses = []
            for n in range(4):
                async with node_client(cluster.nodes[n % 3], teacher.token) as http:
                    answer = await http.post(
                        f"/api/v1/channels/{channel.id}/messages", json={"text": f"hello {n}"}
                    )
                statuses.append(answer.status_code)
                retry_after = answer.headers.get("retry-after")
    # one process alone would have let the fourth through (3 per process)
    assert statuses == [201, 201, 201, 429]
    assert retry_after is not None and int(retry_after) >= 1
    assert project.id


async def test_sign_in_throttling_holds_across_processes(tmp_path: Path, redis_prefix: str) -> None:
    env = {"TWINSPACE_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": "3"}
    with running_cluster(tmp_path, 3, redis_prefix, env=env) as cluster:
        async with cluster_world(cluster) as world:
            teacher = await world.teacher()
            statuses = []
            for n in range(3):
                async with node_client(cluster.nodes[n]) as http:
                    wrong = await http.post(
                        "/api/v1/session",
                        json={"username": teacher.user.username, "password": "not it"},
                    )
                statuses.append(wrong.status_code)
            async with node_client(cluster.nodes[0]) as http:
                right = await http.post(
                    "/api/v1/session",
                    json={"username": teacher.user.username, "password": PASSWORD},
                )
    assert statuses == [401, 401, 401]
    assert right.status_code == 429
    assert int(right.headers["retry-after"]) >= 1
