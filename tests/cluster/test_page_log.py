"""The stored page log as several processes share it (docs/cluster.md, "Pages across
processes"): appends of one page form one chain of runs, a compaction never goes back, a
reader behind a compaction gets the snapshot, one compaction lease at a time, and one
automatic version per interval. Each process is a `Storage` pool of its own on one
PostgreSQL database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from tests.support import database
from tests.support.server import live_server, make_settings
from tests.support.world import World
from twinspace.clock import utcnow
from twinspace.storage import Storage
from twinspace.workspace.version_history import VersionBudgets, VersionHistory

ROOM = "room-under-test"


@pytest.fixture
async def two_processes() -> AsyncIterator[tuple[Storage, Storage]]:
    database.require_postgres()
    url = database.new_database()
    stores = (Storage.postgresql(url, pool_size=4), Storage.postgresql(url, pool_size=4))
    for store in stores:
        await store.connect()
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()


async def test_appends_of_one_page_from_two_processes_form_one_chain(
    two_processes: tuple[Storage, Storage],
) -> None:
    async def append(store: Storage, n: int) -> tuple[int, int]:
        async with store.transaction() as tx:
            return await tx.documents.append_run(ROOM, [b"u%d" % n, b"v%d" % n], utcnow())

    runs = await asyncio.gather(
        *[append(two_processes[n % 2], n) for n in range(40)]  # interleaved
    )
    runs.sort(key=lambda run: run[1])
    assert runs[0][0] == 0
    for (_, previous_last), (after, last) in pairwise(runs):
        assert after == previous_last, "a run names the head it followed, with nothing between"
        assert last > after
    assert (await two_processes[0].documents.heads([ROOM]))[ROOM] == runs[-1][1]


async def test_a_compaction_never_goes_back_and_a_reader_behind_it_gets_the_snapshot(
    two_processes: tuple[Storage, Storage],
) -> None:
    first, second = two_processes
    async with first.transaction() as tx:
        await tx.documents.append_run(ROOM, [b"a", b"b", b"c", b"d"], utcnow())
    ids = [update_id for update_id, _ in (await first.documents.load(ROOM)).updates]
    async with first.transaction() as tx:
        assert await tx.documents.replace_with_snapshot(ROOM, b"S3", ids[2], (), utcnow())
    async with second.transaction() as tx:  # computed from older content: refused
        assert not await tx.documents.replace_with_snapshot(ROOM, b"S1", ids[0], (), utcnow())
    behind = await second.documents.load_since(ROOM, ids[0])
    assert behind.snapshot == b"S3" and behind.upto_update_id == ids[2]
    assert [u for _, u in behind.updates] == [b"d"]
    level = await second.documents.load_since(ROOM, ids[2])
    assert level.snapshot is None and [u for _, u in level.updates] == [b"d"]
    assert (await second.documents.heads([ROOM, "other"])) == {ROOM: ids[3], "other": 0}


async def test_the_compaction_lease_has_one_holder(two_processes: tuple[Storage, Storage]) -> None:
    first, second = two_processes
    async with first.transaction() as holding:
        assert await holding.documents.take_upkeep_lease(ROOM)
        async with second.transaction() as other:
            assert not await other.documents.take_upkeep_lease(ROOM)
            assert await other.documents.take_upkeep_lease("another-room")
    async with second.transaction() as other:
        assert await other.documents.take_upkeep_lease(ROOM)


async def test_two_processes_write_one_automatic_version_per_interval(tmp_path: Path) -> None:
    database.require_postgres()
    url = database.new_database()
    async with live_server(make_settings(tmp_path / "d", database_url=url)) as server:
        world = World(server)
        project, teacher, _ = await world.european_project()
        access = await world.services.access.project(teacher.user, project.id)
        page = await world.services.pages.create(access, "Shared")
        other = Storage.postgresql(url, pool_size=2)
        await other.connect()
        try:
            budgets = VersionBudgets(page_bytes=1 << 20, project_bytes=1 << 22)
            histories = [
                VersionHistory(world.services.storage, budgets),
                VersionHistory(other, budgets),
            ]
            since = utcnow() - timedelta(seconds=600)
            written = await asyncio.gather(
                *[
                    history.add(
                        page_id=page.id,
                        project_id=project.id,
                        kind="auto",
                        name=None,
                        data=b"content %d" % n,
                        content_hash=f"hash-{n}",  # different content: only the interval decides
                        created_by=None,
                        unless_since=since,
                    )
                    for n, history in enumerate(histories * 3)
                ]
            )
        finally:
            await other.close()
        assert len([v for v in written if v is not None]) == 1
        stored = await world.services.storage.documents.automatic_versions(page_id=page.id)
        assert len(stored) == 1
