"""Calls across processes (docs/cluster.md, "Calls across processes"): real `twinspace serve`
processes on one PostgreSQL database and one Redis prefix, the devices of one call connected to
different processes. Each check would fail if a call's roster, cap, signals, commands or permits
were kept per process."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.live_sessions.conftest import Partners, make_partners
from tests.live_sessions.test_calls import error, join, live_session, sdp
from tests.support.cluster import running_cluster
from tests.support.cluster_world import cluster_world, node_client
from tests.support.events import WAIT, Event, EventsClient, events
from tests.support.poll import eventually
from tests.support.redis_server import URL as REDIS_URL
from twinspace.cluster import calls as cluster_calls
from twinspace.cluster.calls import ENTRY_TTL_MS, REFRESH_SECONDS, SharedCalls
from twinspace.cluster.redis_link import RedisLink
from twinspace.cluster.stream_reader import StreamReader
from twinspace.cluster.stream_writer import StreamWriter
from twinspace.live_sessions.calls import MAX_ENDPOINTS, Call, CallFull, Endpoint
from twinspace.storage.live_sessions import SessionClassRecord
from twinspace.types import Role


def _sized(count: int) -> Any:
    return lambda e: len(e["data"]["endpoints"]) == count


async def test_two_classes_on_two_processes_share_a_call(tmp_path: Path, redis_prefix: str) -> None:
    with running_cluster(tmp_path, 2, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            partners: Partners = await make_partners(world)
            pid = partners.project.id
            sid = await live_session(partners)
            code = await partners.code(partners.polish_teacher, sid, partners.polish_class.id)
            assert (await partners.join(partners.ola, sid, code)).status_code == 200
            first, second = cluster.nodes
            async with (
                events(first, pid, partners.polish_teacher.token) as anna,
                events(second, pid, partners.finnish_teacher.token) as aino_teacher,
                events(second, pid, partners.ola.token) as ola,
            ):
                joined = (await join(anna, sid, kind="classroom"))["data"]
                finnish = (await join(aino_teacher, sid))["data"]
                # the second joiner's own roster lists the device on the other process
                assert {e["class_id"] for e in finnish["endpoints"]} == {
                    partners.polish_class.id,
                    partners.finnish_class.id,
                }
                roster = await anna.next("call.roster", where=_sized(2))
                assert {e["endpoint_id"] for e in roster["data"]["endpoints"]} == {
                    joined["endpoint_id"],
                    finnish["endpoint_id"],
                }

                # offer, answer, candidate across processes, sender named by the server
                await anna.send(
                    {
                        "type": "call.signal",
                        "session_id": sid,
                        "to": finnish["endpoint_id"],
                        "description": {"type": "offer", "sdp": sdp("sendrecv")},
                    }
                )
                offer = await aino_teacher.next("call.signal")
                assert offer["data"]["from"] == joined["endpoint_id"]
                assert offer["data"]["description"]["type"] == "offer"
                await aino_teacher.send(
                    {
                        "type": "call.signal",
                        "session_id": sid,
                        "to": joined["endpoint_id"],
                        "description": {"type": "answer", "sdp": sdp("sendrecv")},
                    }
                )
                await aino_teacher.send(
                    {
                        "type": "call.signal",
                        "session_id": sid,
                        "to": joined["endpoint_id"],
                        "candidate": {
                            "candidate": "candidate:1 1 udp 2122 127.0.0.1 50000 typ host",
                            "sdpMid": "0",
                            "sdpMLineIndex": 0,
                        },
                    }
                )
                answer = await anna.next("call.signal")
                assert answer["data"]["from"] == finnish["endpoint_id"]
                assert answer["data"]["description"]["type"] == "answer"
                candidate = await anna.next("call.signal")
                assert candidate["data"]["from"] == finnish["endpoint_id"]
                assert candidate["data"]["candidate"]["sdpMid"] == "0"

                # the Polish pupil on the second process may not publish until the Polish
                # teacher, on the first, allows it
                pupil = (await join(ola, sid))["data"]
                refused = await error(
                    ola,
                    {
                        "type": "call.signal",
                        "session_id": sid,
                        "to": joined["endpoint_id"],
                        "description": {"type": "offer", "sdp": sdp("sendrecv")},
                    },
                )
                assert refused["code"] == "media-not-allowed"
                await anna.send(
                    {
                        "type": "call.permit",
                        "session_id": sid,
                        "class_id": partners.polish_class.id,
                        "pupils_may_publish": True,
                    }
                )
                await ola.next(
                    "call.roster",
                    where=lambda e: partners.polish_class.id in e["data"]["pupils_may_publish"],
                )
                await ola.send(
                    {
                        "type": "call.signal",
                        "session_id": sid,
                        "to": joined["endpoint_id"],
                        "description": {"type": "offer", "sdp": sdp("sendrecv")},
                    }
                )
                from_pupil = await anna.next(
                    "call.signal", where=lambda e: e["data"]["from"] == pupil["endpoint_id"]
                )
                assert from_pupil["data"]["description"]["type"] == "offer"
                await ola.send(
                    {"type": "call.media", "session_id": sid, "audio": True, "video": True}
                )
                await anna.next(
                    "call.roster",
                    where=lambda e: any(
                        x["endpoint_id"] == pupil["endpoint_id"] and x["video"]
                        for x in e["data"]["endpoints"]
                    ),
                )

                # the Polish teacher mutes her pupil's device, connected to the other process
                await anna.send(
                    {
                        "type": "call.control",
                        "session_id": sid,
                        "endpoint_id": pupil["endpoint_id"],
                        "audio": False,
                    }
                )
                command = await ola.next("call.control")
                assert command["data"]["endpoint_id"] == pupil["endpoint_id"]
                assert command["data"]["audio"] is False
                assert command["data"]["by"]["id"] == partners.polish_teacher.user.id
                muted = await anna.next(
                    "call.roster",
                    where=lambda e: any(
                        x["endpoint_id"] == pupil["endpoint_id"] and not x["audio"]
                        for x in e["data"]["endpoints"]
                    ),
                )
                [seen] = [
                    x
                    for x in muted["data"]["endpoints"]
                    if x["endpoint_id"] == pupil["endpoint_id"]
                ]
                assert seen["video"] is True  # only the microphone went off

                # ending the session (through the first process) ends the call on both, and
                # the roster every process reads is empty
                ended = await partners.call(partners.polish_teacher, "POST", sid, "end")
                assert ended.status_code == 200, ended.text
                for device in (anna, aino_teacher, ola):
                    assert (await device.next("call.ended"))["data"]["session_id"] == sid
                async with node_client(second, partners.finnish_teacher.token) as http:
                    roster_after = await http.get(f"/api/v1/live-sessions/{sid}/call")
                assert roster_after.status_code == 200, roster_after.text
                assert roster_after.json()["endpoints"] == []


async def _device(
    stack: AsyncExitStack, node: Any, pid: int, token: str, sid: int
) -> tuple[EventsClient, Event]:
    client = await stack.enter_async_context(events(node, pid, token))
    return client, await join(client, sid, kind="classroom")


async def test_the_cap_holds_across_processes_and_a_killed_process_leaves_the_call(
    tmp_path: Path, redis_prefix: str
) -> None:
    with running_cluster(tmp_path, 3, redis_prefix) as cluster:
        async with cluster_world(cluster) as world:
            partners = await make_partners(world)
            pid = partners.project.id
            sid = await live_session(partners)
            teachers = [partners.polish_teacher, partners.finnish_teacher]
            async with AsyncExitStack() as stack:
                # 3 + 3 devices on the first two processes, 2 on the third: the call is full
                joined = []
                for n in range(MAX_ENDPOINTS):
                    node = cluster.nodes[[0, 0, 0, 1, 1, 1, 2, 2][n]]
                    client, frame = await _device(stack, node, pid, teachers[n % 2].token, sid)
                    assert frame["type"] == "call.joined", frame
                    joined.append(client)
                watcher = joined[0]
                await watcher.next("call.roster", where=_sized(MAX_ENDPOINTS))
                for node in cluster.nodes:
                    _, refused = await _device(stack, node, pid, teachers[0].token, sid)
                    assert refused["type"] == "error"
                    assert refused["data"]["code"] == "call-full"

                # kill -9 of the third process: its two devices drop out of the roster the
                # others see once their entries expire, and the freed places can be taken
                cluster.kill(2)
                within = (ENTRY_TTL_MS / 1000 + 2 * REFRESH_SECONDS) + WAIT
                await watcher.next("call.roster", where=_sized(MAX_ENDPOINTS - 2), wait=within)
                _, again = await _device(stack, cluster.nodes[1], pid, teachers[1].token, sid)
                assert again["type"] == "call.joined"
                assert len(again["data"]["endpoints"]) == MAX_ENDPOINTS - 1


# -- the shared roster in process, on the real Redis ---------------------------------------------


class _Quiet:
    def local(self, event_type: str, data: dict[str, Any]) -> None:
        pass


def _endpoint(n: int) -> Endpoint:
    now = datetime.now(UTC)
    entry = SessionClassRecord(1, 7, "5A", 3, "Warsaw", "PL", "Europe/Warsaw", "c", now, None)
    return Endpoint(f"e{n}", _Quiet(), n, f"device {n}", Role.TEACHER, "classroom", entry)


async def test_concurrent_joins_on_two_processes_never_exceed_the_cap(
    redis_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    links = [RedisLink(REDIS_URL, redis_prefix) for _ in range(2)]
    try:
        shares = [SharedCalls(link, StreamReader(link), StreamWriter(link)) for link in links]
        calls = [Call(1, 1, datetime.now(UTC) + timedelta(hours=1), frozenset()) for _ in shares]

        async def admit(n: int) -> bool:
            try:
                await shares[n % 2].admit(calls[n % 2], _endpoint(n))
            except CallFull:
                return False
            return True

        admitted = await asyncio.gather(*(admit(n) for n in range(MAX_ENDPOINTS + 6)))
        assert sum(admitted) == MAX_ENDPOINTS
        seen = await shares[0].endpoints(calls[0])
        assert len(seen) == MAX_ENDPOINTS
        assert {s.origin for s in seen} == {shares[0].origin, shares[1].origin}

        # an entry its process stopped renewing is dropped at the next read, freeing its place
        monkeypatch.setattr(cluster_calls, "ENTRY_TTL_MS", 1)
        [gone] = [s for s in seen if s.origin == shares[1].origin][:1]
        await shares[1].put(calls[1], _endpoint(int(gone.view.endpoint_id[1:])))
        await eventually(lambda: _count(shares[0], calls[0], MAX_ENDPOINTS - 1), within=WAIT)
        for share in shares:
            await share.stop()
    finally:
        for link in links:
            await link.close()


async def _count(share: SharedCalls, call: Call, count: int) -> bool:
    return len(await share.endpoints(call)) == count
