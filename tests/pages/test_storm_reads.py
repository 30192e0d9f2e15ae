"""Sockets opening together (a reconnect storm) share their database reads
(storage/batched.py): each still gets its own session, page and standing, read after it asked."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest

from tests.pages.conftest import Classroom
from tests.support.yclient import YClient
from twinspace.accounts.service import hash_token
from twinspace.clock import utcnow
from twinspace.errors import NotFound
from twinspace.realtime import close_codes
from twinspace.storage.batched import BatchedReads
from twinspace.types import Role

# -- BatchedReads alone ----------------------------------------------------------------------


def _recording(
    values: dict[str, int],
    batches: list[list[str]],
    gate: asyncio.Event | None = None,
    reading: asyncio.Event | None = None,
) -> Callable[[Sequence[str]], Awaitable[dict[str, int]]]:
    async def read(keys: Sequence[str]) -> dict[str, int]:
        batches.append(list(keys))
        if reading is not None:
            reading.set()
        if gate is not None:
            await gate.wait()
        return {key: values[key] for key in keys if key in values}

    return read


async def test_keys_asked_for_in_one_turn_are_read_together() -> None:
    batches: list[list[str]] = []
    reads = BatchedReads(_recording({"a": 1, "b": 2, "c": 3}, batches))
    found = await asyncio.gather(*(reads.get(key) for key in ["a", "b", "a", "x", "c"]))
    assert found == [1, 2, 1, None, 3]
    assert batches == [["a", "b", "x", "c"]]  # one read, each key once


async def test_keys_asked_for_during_a_read_form_the_next_batch() -> None:
    batches: list[list[str]] = []
    gate, reading = asyncio.Event(), asyncio.Event()
    reads = BatchedReads(_recording({"a": 1, "b": 2, "c": 3}, batches, gate, reading))
    first = asyncio.gather(reads.get("a"))
    async with asyncio.timeout(5):
        await reading.wait()
    later = asyncio.gather(reads.get("b"), reads.get("c"))
    await asyncio.sleep(0)
    assert batches == [["a"]]  # b and c wait for a's read to end
    gate.set()
    assert list(await first) == [1] and list(await later) == [2, 3]
    assert batches == [["a"], ["b", "c"]]
    assert await reads.get("a") == 1  # and later keys start a read of their own
    assert batches[-1] == ["a"]


async def test_large_batches_are_read_in_parts() -> None:
    batches: list[list[str]] = []
    values = {str(n): n for n in range(7)}
    reads = BatchedReads(_recording(values, batches), max_keys=3)
    assert await asyncio.gather(*(reads.get(str(n)) for n in range(7))) == list(range(7))
    assert [len(batch) for batch in batches] == [3, 3, 1]


async def test_a_failed_read_fails_its_batch_and_not_the_next() -> None:
    failing = True

    async def read(keys: Sequence[str]) -> dict[str, int]:
        if failing:
            raise RuntimeError("database gone")
        return dict.fromkeys(keys, 1)

    reads = BatchedReads(read)
    found = await asyncio.gather(reads.get("a"), reads.get("b"), return_exceptions=True)
    assert [type(f) for f in found] == [RuntimeError, RuntimeError]
    failing = False
    assert await reads.get("a") == 1


async def test_a_caller_giving_up_leaves_the_others_answered() -> None:
    batches: list[list[str]] = []
    gate, reading = asyncio.Event(), asyncio.Event()
    reads = BatchedReads(_recording({"a": 1, "b": 2}, batches, gate, reading))
    impatient = asyncio.ensure_future(reads.get("a"))
    patient = asyncio.ensure_future(reads.get("b"))
    async with asyncio.timeout(5):
        await reading.wait()
    impatient.cancel()
    gate.set()
    assert await patient == 2
    assert impatient.cancelled()


# -- the page socket's reads -----------------------------------------------------------------


async def test_page_reads_made_together_answer_each_caller(classroom: Classroom) -> None:
    """Members of several roles, an outsider, a removed member, a deleted page and a room that
    does not exist, asked for in one turn: one read, and each caller's own answer."""
    world, services = classroom.world, classroom.services
    teacher_access = await services.access.project(classroom.teacher.user, classroom.project.id)
    second = await services.pages.create(teacher_access, "Second page")
    gone = await services.pages.create(teacher_access, "Deleted page")
    await world.storage.pages.set_deleted(gone.id, utcnow())
    outsider = await world.teacher("DE")
    removed = classroom.pupils[2]
    await world.storage.memberships.remove(classroom.project.id, removed.id)
    batches: list[list[Any]] = []
    reads = services.access._pages_by_room
    read = reads._read

    async def recorded(keys: Sequence[Any]) -> Any:
        batches.append(list(keys))
        return await read(keys)

    reads._read = recorded
    statements: list[str] = []
    executor = services.storage.pages._ex
    fetch_all = executor.fetch_all

    async def counted(sql: str, params: Any = ()) -> Any:
        statements.append(sql)
        return await fetch_all(sql, params)

    executor.fetch_all = counted
    asked = [
        (classroom.teacher, classroom.page.room, Role.FOUNDER),
        (classroom.partner, second.room, Role.FOUNDER),
        (classroom.pupils[0], classroom.page.room, Role.PUPIL),
        (classroom.pupils[1], second.room, Role.PUPIL),
        (classroom.guest, classroom.page.room, Role.GUEST),
        (outsider, classroom.page.room, None),
        (removed, classroom.page.room, None),
        (classroom.teacher, gone.room, None),
        (classroom.teacher, "no-such-room", None),
    ]
    found = await asyncio.gather(
        *(services.access.page_by_room(person.user, room) for person, room, _ in asked),
        return_exceptions=True,
    )
    del executor.fetch_all
    # one batch, read with one statement: each statement more is one more wait on the
    # database for every socket of the batch
    assert len(batches) == 1 and len(batches[0]) == len(asked)
    assert len(statements) == 1, statements
    project = await world.storage.projects.get(classroom.project.id)
    for (person, room, role), answer in zip(asked, found, strict=True):
        if role is None:
            assert isinstance(answer, NotFound), (person.user.username, room)
            continue
        assert not isinstance(answer, BaseException)
        access, page = answer
        assert (access.user.id, access.role, access.project.id) == (
            person.id,
            role,
            classroom.project.id,
        )
        assert page.room == room
        # the project and page read beside the membership are the records read alone
        assert access.project == project
        assert page == await world.storage.pages.get(page.id)


async def test_a_removed_member_is_refused_at_the_next_read(classroom: Classroom) -> None:
    pupil = classroom.pupils[0]
    access, _ = await classroom.services.access.page_by_room(pupil.user, classroom.page.room)
    assert access.role is Role.PUPIL
    await classroom.world.storage.memberships.remove(classroom.project.id, pupil.id)
    with pytest.raises(NotFound):
        await classroom.services.access.page_by_room(pupil.user, classroom.page.room)


async def test_sessions_read_together_answer_each_token(classroom: Classroom) -> None:
    accounts = classroom.services.accounts
    signed_out = await accounts.start_session(classroom.pupils[1].user)
    auth = await accounts.authenticate(signed_out.token)
    assert auth is not None
    await accounts.logout(auth)
    tokens = [
        classroom.teacher.token,
        classroom.pupils[0].token,
        classroom.teacher.token,
        signed_out.token,
        "forged",
    ]
    found = await asyncio.gather(*(accounts.authenticate(token) for token in tokens))
    assert [f.user.id if f else None for f in found] == [
        classroom.teacher.id,
        classroom.pupils[0].id,
        classroom.teacher.id,
        None,
        None,
    ]
    rows = await classroom.world.storage.sessions.with_users(
        [hash_token(classroom.teacher.token), hash_token("forged")]
    )
    assert list(rows) == [hash_token(classroom.teacher.token)]


async def test_sockets_opening_together_each_get_their_standing(classroom: Classroom) -> None:
    """Page sockets opened all at once: members are served with their own role and write
    right, the others refused with the documented close codes (README "Close codes")."""
    world, services = classroom.world, classroom.services
    outsider = await world.teacher("DE")
    removed = classroom.pupils[2]
    await world.storage.memberships.remove(classroom.project.id, removed.id)
    url, room = world.server.ws_url, classroom.page.room
    admitted = [classroom.teacher, classroom.partner, *classroom.pupils[:2], classroom.guest]
    refused: list[tuple[str | None, str, int]] = [
        (outsider.token, room, close_codes.UNKNOWN_ROOM),
        (removed.token, room, close_codes.UNKNOWN_ROOM),
        (classroom.teacher.token, "no-such-room", close_codes.UNKNOWN_ROOM),
        ("forged", room, close_codes.NOT_AUTHENTICATED),
    ]
    clients = await asyncio.gather(
        *(YClient.connect(url, room, token=person.token) for person in admitted),
        *(YClient.connect(url, where, token=token) for token, where, _ in refused),
    )
    served, turned_away = clients[: len(admitted)], clients[len(admitted) :]
    await asyncio.gather(*(client.sync() for client in served))
    codes = await asyncio.gather(*(client.wait_closed() for client in turned_away))
    assert codes == [code for _, _, code in refused]
    expected = {
        classroom.teacher.id: (Role.FOUNDER.value, True),
        classroom.partner.id: (Role.FOUNDER.value, True),
        classroom.pupils[0].id: (Role.PUPIL.value, True),
        classroom.pupils[1].id: (Role.PUPIL.value, True),
        classroom.guest.id: (Role.GUEST.value, False),
    }
    for user_id, (role, can_write) in expected.items():
        (connection,) = services.connections.of_user(user_id)
        assert connection.info.room == room
        assert (connection.identity.role, connection.can_write) == (role, can_write)
    assert services.connections.of_user(outsider.id) == []
    for client in served:
        await client.close()
