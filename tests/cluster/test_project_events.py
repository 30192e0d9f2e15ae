"""Project events across processes (docs/cluster.md, "Project events across processes"):
three real `twinspace serve` processes on one PostgreSQL database and one Redis prefix."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
from websockets.asyncio.client import connect

from tests.moderation.test_pipeline import PHONE
from tests.support.blackhole import BlackholeRelay
from tests.support.cluster import Cluster, Node, running_cluster
from tests.support.cluster_world import cluster_world, node_client
from tests.support.events import WAIT, EventsClient, events
from tests.support.poll import eventually
from tests.support.redis_server import URL as REDIS_URL
from tests.support.server import free_port
from tests.support.world import Person, World
from twinspace.realtime import close_codes
from twinspace.storage.records import ChannelRecord, ProjectRecord
from twinspace.types import Role


async def _room(world: World) -> tuple[ProjectRecord, Person, Person, ChannelRecord]:
    project, teacher, _partner = await world.european_project()
    [pupil] = await world.pupils(teacher, 1)
    await world.join(project, pupil, Role.PUPIL)
    channel = await world.channel(project, teacher)
    return project, teacher, pupil, channel


async def _post(node: Node, person: Person, channel: ChannelRecord, text: str) -> None:
    async with node_client(node, person.token) as http:
        answer = await http.post(f"/api/v1/channels/{channel.id}/messages", json={"text": text})
    assert answer.status_code == 201, answer.text


def _texts(received: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(e["id"]), str(e["data"]["text"])) for e in received]


def _order(event_id: str) -> tuple[int, int]:
    ms, _, n = event_id.partition("-")
    return int(ms), int(n)


async def test_an_event_reaches_every_process_in_one_order(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 3, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            project, teacher, pupil, channel = await _room(world)
            nodes = cluster.nodes
            async with (
                events(nodes[0], project.id, teacher.token, channels=[channel.id]) as on_0,
                events(nodes[1], project.id, pupil.token, channels=[channel.id]) as on_1,
                events(nodes[2], project.id, teacher.token, channels=[channel.id]) as on_2,
            ):
                # posted at once through all three processes
                await asyncio.gather(
                    *(_post(nodes[i % 3], teacher, channel, f"message {i}") for i in range(9))
                )
                seen = [
                    _texts(await client.collect("message.created", 9))
                    for client in (on_0, on_1, on_2)
                ]
    assert seen[0] == seen[1] == seen[2]
    assert sorted(text for _, text in seen[0]) == sorted(f"message {i}" for i in range(9))
    ids = [str(event_id) for event_id, _ in seen[0]]
    assert ids == sorted(ids, key=_order) and len(set(ids)) == 9


async def test_resume_on_another_process_gets_exactly_what_was_missed(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 3, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            project, teacher, pupil, channel = await _room(world)
            first, second, third = cluster.nodes
            async with events(first, project.id, pupil.token, channels=[channel.id]) as client:
                await _post(second, teacher, channel, "before")
                seen = await client.next("message.created")
                assert seen["data"]["text"] == "before"
                last_id = client.last_id
            for n in range(3):
                await _post(first if n % 2 else second, teacher, channel, f"missed {n}")
            async with events(
                third, project.id, pupil.token, since=last_id, channels=[channel.id], hello=False
            ) as back:
                hello = await back.next("hello")
                assert hello["data"]["resumed"] is True
                assert hello["data"]["replayed"] == 3
                replayed = await back.collect("message.created", 3)
                await _post(first, teacher, channel, "live")
                live = await back.next("message.created")
            # an id the stream never gave out: reload
            async with events(
                second,
                project.id,
                pupil.token,
                since="99999999999999-0",
                channels=[channel.id],
                hello=False,
            ) as stale:
                stale_hello = await stale.next("hello")
                reload = await stale.next("reload")
    assert [e["data"]["text"] for e in replayed] == ["missed 0", "missed 1", "missed 2"]
    assert live["data"]["text"] == "live"
    assert _order(str(replayed[0]["id"])) > _order(last_id)
    assert stale_hello["data"]["resumed"] is False
    assert reload["data"]["reason"] == "unknown-id"


def _start_behind_relay(cluster: Cluster, relay: BlackholeRelay, tmp_path: Path) -> Node:
    """One more process whose Redis link goes through `relay` (so the test can cut it)."""
    redis = urlsplit(REDIS_URL)
    node = Node(len(cluster.nodes), free_port(), tmp_path / f"node-{len(cluster.nodes)}.log")
    cluster.nodes.append(node)
    shared = cluster.env
    cluster.env = {
        **shared,
        "TWINSPACE_REDIS_URL": f"redis://127.0.0.1:{relay.port}{redis.path or '/0'}",
    }
    try:
        return cluster.start(node.index)
    finally:
        cluster.env = shared


async def test_a_process_cut_off_from_redis_misses_nothing(
    tmp_path: Path, redis_prefix: str
) -> None:
    """Fails on a pub/sub relay: what was published while this process's Redis link was down
    would be gone. The stream keeps it, and the reader asks again from its last id."""
    relay = BlackholeRelay(urlsplit(REDIS_URL).port or 6379)
    try:
        with running_cluster(tmp_path, 2, redis_prefix) as cluster:
            cut_off = _start_behind_relay(cluster, relay, tmp_path)
            async with cluster_world(cluster) as world:
                project, teacher, pupil, channel = await _room(world)
                async with events(
                    cut_off, project.id, pupil.token, channels=[channel.id]
                ) as client:
                    await _post(cluster.nodes[0], teacher, channel, "before the cut")
                    assert (await client.next("message.created"))["data"]["text"] == (
                        "before the cut"
                    )
                    relay.cut()
                    for n in range(3):
                        await _post(cluster.nodes[n % 2], teacher, channel, f"during {n}")
                    relay.restore()
                    during = await client.collect("message.created", 3, wait=20)
                    await _post(cluster.nodes[1], teacher, channel, "after")
                    after = await client.next("message.created", wait=10)
    finally:
        relay.close()
    assert [e["data"]["text"] for e in during] == ["during 0", "during 1", "during 2"]
    assert after["data"]["text"] == "after"


async def test_a_removed_member_is_closed_on_every_process(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 3, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            project, teacher, pupil, _channel = await _room(world)
            nodes = cluster.nodes
            async with (
                events(nodes[0], project.id, pupil.token) as on_0,
                events(nodes[1], project.id, pupil.token) as on_1,
                events(nodes[2], project.id, pupil.token) as on_2,
                events(nodes[2], project.id, teacher.token) as teacher_socket,
            ):
                async with node_client(nodes[1], teacher.token) as http:
                    removed = await http.delete(f"/api/v1/projects/{project.id}/members/{pupil.id}")
                assert removed.status_code == 204, removed.text
                codes = [await client.closed_with(wait=10) for client in (on_0, on_1, on_2)]
                still_open = await teacher_socket.nothing_more("hello", within=0.3)
    assert codes == [close_codes.FORBIDDEN] * 3
    assert still_open


async def test_signing_out_everywhere_closes_sockets_on_every_process(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 2, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            project, _teacher, pupil, _channel = await _room(world)
            async with (
                events(cluster.nodes[0], project.id, pupil.token) as on_0,
                events(cluster.nodes[1], project.id, pupil.token) as on_1,
            ):
                async with node_client(cluster.nodes[0], pupil.token) as http:
                    out = await http.delete("/api/v1/session", params={"all": "true"})
                assert out.status_code in (200, 204), out.text
                codes = [await client.closed_with(wait=10) for client in (on_0, on_1)]
    assert codes == [close_codes.NOT_AUTHENTICATED] * 2


async def test_archiving_restricts_sockets_on_every_process_and_is_told_once(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 3, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            project, teacher, pupil, _channel = await _room(world)
            nodes = cluster.nodes
            async with (
                events(nodes[1], project.id, pupil.token) as on_1,
                events(nodes[2], project.id, teacher.token) as on_2,
            ):
                async with node_client(nodes[0], teacher.token) as http:
                    archived = await http.post(
                        f"/api/v1/projects/{project.id}/state", json={"state": "archived"}
                    )
                assert archived.status_code == 200, archived.text
                changed = [await c.next("access.changed", wait=10) for c in (on_1, on_2)]
                # the event and the access refresh travel apart: either may come first
                await eventually(lambda: _seen(on_2, "project.state"), within=10)
                # announced by the process where it happened only: not once per process
                await on_2.nothing_more("project.state", within=1.0)
    assert [c["data"]["project_state"] for c in changed] == ["archived", "archived"]
    told = [e for e in on_2.seen if e["type"] == "project.state"]
    assert [e["data"]["state"] for e in told] == ["archived"]


async def _seen(client: EventsClient, event_type: str) -> bool:
    if any(e["type"] == event_type for e in client.seen):
        return True
    return not await client.nothing_more(event_type, within=0.2)


def _presence_entries(prefix: str, project_id: int, user_id: int) -> int:
    """How many processes have told Redis that `user_id` is online in the project."""
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        fields = [str(field) for field in client.hkeys(f"{prefix}:presence:{project_id}")]
    finally:
        client.close()
    return len([field for field in fields if field.startswith(f"{user_id}@")])


def _online(hello: dict[str, Any]) -> set[int]:
    return {int(entry["user"]["id"]) for entry in hello["data"]["presence"]}


async def test_presence_counts_the_sockets_of_every_process(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 3, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            project, teacher, pupil, _channel = await _room(world)
            first, second, third = cluster.nodes
            async with events(first, project.id, pupil.token) as pupil_on_first:
                await pupil_on_first.next("presence.joined")
                async with events(second, project.id, teacher.token, hello=False) as watcher:
                    hello = await watcher.next("hello")
                    async with events(third, project.id, pupil.token):
                        await eventually(
                            lambda: _presence_entries(redis_prefix, project.id, pupil.id) == 2
                        )
                        await pupil_on_first.ws.close()
                        # the pupil is still online on the third process: no `left`
                        stayed = await watcher.nothing_more("presence.left", within=1.5)
                    left = await watcher.next(
                        "presence.left", where=lambda e: e["data"]["user"]["id"] == pupil.id
                    )
    assert pupil.id in _online(hello)  # online on another process (hello never lists oneself)
    assert stayed
    assert left["data"]["user"]["id"] == pupil.id


async def test_a_notification_reaches_the_users_socket_on_another_process(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 2, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            project, teacher, pupil, channel = await _room(world)
            first, second = cluster.nodes
            url = f"{second.ws_url}/ws/me?token={teacher.token}"
            async with connect(url, proxy=None, open_timeout=WAIT) as ws:
                me = EventsClient(ws)
                await me.next("notifications.unread")
                async with node_client(first, pupil.token) as http:
                    held = await http.post(
                        f"/api/v1/channels/{channel.id}/messages", json={"text": PHONE}
                    )
                pushed = await me.next("notification", wait=15)
    assert held.json()["status"] == "held"
    assert pushed["data"]["notification"]["kind"] == "held"
    assert pushed["data"]["notification"]["project_id"] == project.id
