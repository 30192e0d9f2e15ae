"""The cluster's Redis parts in this process, against the real Redis: limits decided atomically
(many concurrent askers, exactly `limit` let through), entries of a vanished process lapsing,
and the project event streams' order, replay and reload answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.poll import eventually
from tests.support.redis_server import URL as REDIS_URL
from tests.support.server import free_port
from twinspace.cluster.limits import (
    RedisConnectionCap,
    RedisRateGate,
    RedisSignInThrottle,
    RedisSlowMode,
)
from twinspace.cluster.project_streams import StreamedProjectEvents
from twinspace.cluster.redis_link import RedisLink
from twinspace.cluster.stream_reader import StreamReader
from twinspace.cluster.stream_writer import StreamWriter
from twinspace.realtime.project_events import Audience, Event, Group


@pytest.fixture
async def link(redis_prefix: str) -> AsyncIterator[RedisLink]:
    link = RedisLink(REDIS_URL, redis_prefix)
    try:
        yield link
    finally:
        await link.close()


async def test_a_rate_gate_lets_exactly_its_burst_through(link: RedisLink) -> None:
    gates = [RedisRateGate(link, "posts", rate=1 / 3600, burst=5) for _ in range(3)]
    waits = await asyncio.gather(*(gates[n % 3].take("user-1") for n in range(20)))
    assert sum(1 for wait in waits if wait == 0) == 5
    assert all(wait > 60 for wait in waits if wait)
    assert await gates[0].take("user-2") == 0  # another key has its own bucket


async def test_slow_mode_lets_one_post_through(link: RedisLink) -> None:
    slow = [RedisSlowMode(link) for _ in range(3)]
    waits = await asyncio.gather(*(slow[n % 3].claim("7:channel:1", 30) for n in range(10)))
    assert sum(1 for wait in waits if wait == 0) == 1
    assert all(0 < wait <= 30 for wait in waits if wait)


def _throttle(link: RedisLink) -> RedisSignInThrottle:
    return RedisSignInThrottle(
        link,
        per_account_address=3,
        per_account=50,
        per_address=30,
        window=900,
        known_address_seconds=86_400,
    )


async def test_parallel_sign_in_guesses_cannot_slip_past_the_limit(link: RedisLink) -> None:
    processes = [_throttle(link) for _ in range(3)]
    answers = await asyncio.gather(
        *(processes[n % 3].attempt("Anna", "10.0.0.1") for n in range(12))
    )
    assert sum(1 for wait in answers if wait is None) == 3
    # the owner, from an address that signed in before, is not locked out by a spray elsewhere
    owner = _throttle(link)
    assert await owner.attempt("anna", "10.0.0.2") is None
    await owner.succeeded("anna", "10.0.0.2")
    for _ in range(3):
        assert await owner.attempt("anna", "10.0.0.2") is None
        await owner.failed("anna", "10.0.0.2")
    assert await owner.attempt("anna", "10.0.0.2") is not None


async def test_the_connection_cap_is_exact_and_forgets_a_dead_process(link: RedisLink) -> None:
    dead, alive = RedisConnectionCap(link, ttl_seconds=0.5), RedisConnectionCap(link)
    ids = await asyncio.gather(*(dead.enter(42, 4) for _ in range(10)))
    assert sum(1 for i in ids if i is not None) == 4
    assert await alive.enter(42, 4) is None
    await dead.stop()  # stops refreshing, as a killed process would
    assert await eventually(lambda: alive.enter(42, 4), within=10)
    await alive.stop()


class _Viewer:
    def __init__(self, user_id: int, teacher: bool) -> None:
        self.user_id, self.is_teacher = user_id, teacher

    def can_see_channel(self, channel: Any) -> bool:
        return True


@pytest.fixture
async def hubs(link: RedisLink) -> AsyncIterator[list[StreamedProjectEvents]]:
    """Two "processes": each its own reader, writer and hub on one Redis prefix."""
    made = []
    for _ in range(2):
        reader, writer = StreamReader(link), StreamWriter(link)
        reader.start()
        writer.start()
        hub = StreamedProjectEvents(link, reader, writer, replay_events=100, replay_seconds=60)
        made.append((reader, writer, hub))
    try:
        yield [hub for _, _, hub in made]
    finally:
        for reader, writer, _ in made:
            await writer.stop()
            await reader.stop()


async def test_streams_keep_one_order_and_replay_only_durable_events(
    hubs: list[StreamedProjectEvents],
) -> None:
    first, second = hubs
    got: list[list[Event]] = [[], []]
    attached = [await hub.attach(9, None, got[n].append) for n, hub in enumerate(hubs)]
    start = attached[0].position
    for n in range(6):
        (first if n % 2 else second).publish(9, "x", {"n": n})
    first.publish(9, "typing", {}, durable=False)
    teachers = Audience(groups=frozenset({Group.TEACHERS}))
    second.publish(9, "y", {"secret": True}, audience=teachers)
    await eventually(lambda: len(got[0]) == 8 and len(got[1]) == 8)
    assert [e.id for e in got[0]] == [e.id for e in got[1]]
    assert [e.seq for e in got[0]] == sorted(e.seq for e in got[0])
    [private] = [e for e in got[0] if e.type == "y"]
    assert private.audience == teachers
    assert private.audience.matches(_Viewer(1, True))
    assert not private.audience.matches(_Viewer(1, False))
    # a third listener resuming from the start gets the durable ones only
    late: list[Event] = []
    back = await second.attach(9, start, late.append)
    assert back.replay is not None and back.replay.reload is None
    assert [e.id for e in back.replay.events] == [e.id for e in got[0] if e.type != "typing"]
    assert back.position == got[0][-1].id
    for hub_attached in (*attached, back):
        hub_attached.detach()


async def test_replay_answers_reload_for_ids_it_cannot_serve(
    hubs: list[StreamedProjectEvents],
) -> None:
    first, _ = hubs
    seen: list[Event] = []
    attached = await first.attach(5, None, seen.append)
    first.publish(5, "x", {})
    await eventually(lambda: seen)
    for since, reason in (
        ("garbage", "unknown-id"),
        ("99999999999999-0", "unknown-id"),
    ):
        answer = await first.attach(5, since, lambda m: None)
        assert answer.replay is not None and answer.replay.reload == reason
        answer.detach()
    # nothing after the newest id: resumed with nothing to replay
    current = await first.attach(5, seen[-1].id, lambda m: None)
    assert current.replay is not None and current.replay.reload is None
    assert current.replay.events == []
    current.detach()
    attached.detach()


async def test_events_older_than_the_replay_window_mean_reload(link: RedisLink) -> None:
    reader, writer = StreamReader(link), StreamWriter(link)
    reader.start()
    writer.start()
    hub = StreamedProjectEvents(link, reader, writer, replay_events=100, replay_seconds=0.3)
    try:
        seen: list[Event] = []
        attached = await hub.attach(3, None, seen.append)
        before = attached.position
        hub.publish(3, "x", {})
        await eventually(lambda: seen)

        async def too_old() -> bool:
            answer = await hub.attach(3, before, lambda m: None)
            answer.detach()
            return answer.replay is not None and answer.replay.reload == "too-old"

        assert await eventually(too_old, within=10)
        attached.detach()
    finally:
        await writer.stop()
        await reader.stop()


async def test_limits_fall_back_to_this_process_while_redis_is_away() -> None:
    unreachable = RedisLink(f"redis://127.0.0.1:{free_port()}/0", "nowhere")
    try:
        gate = RedisRateGate(unreachable, "posts", rate=1 / 3600, burst=2)
        waits = [await gate.take("user-1") for _ in range(3)]
        throttle = _throttle(unreachable)
        answers = []
        for _ in range(4):
            answers.append(await throttle.attempt("anna", "10.0.0.1"))
            await throttle.failed("anna", "10.0.0.1")
        cap = RedisConnectionCap(unreachable)
        admitted = await cap.enter(1, 1)
    finally:
        await unreachable.close()
    assert waits[:2] == [0, 0] and waits[2] > 0
    assert answers[:3] == [None, None, None] and answers[3] is not None
    assert admitted is not None  # the registry's per-process cap still applies
