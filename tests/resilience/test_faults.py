"""Storage faults: a full disk, a read-only or locked database. Clear errors, nothing acknowledged
is lost, and the server recovers by itself when the fault clears.

On PostgreSQL the database server reports the full disk or the read-only state: a statement
trigger answers every write with the very error code it would send (53100, 25006)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.support import database
from tests.support.poll import eventually
from tests.support.server import LiveServer, live_server, make_settings
from tests.support.world import Person, World
from tests.support.yclient import YClient
from twinspace.storage import Database, SchemaTooNew, Storage
from twinspace.storage.records import ChannelRecord, PageRecord


@asynccontextmanager
async def scene(
    tmp_path: Path, **overrides: Any
) -> AsyncIterator[tuple[LiveServer, World, Person, ChannelRecord, PageRecord]]:
    settings = make_settings(tmp_path / "data", db_busy_timeout_ms=300, **overrides)
    async with live_server(settings) as server:
        world = World(server)
        project, teacher, _ = await world.european_project()
        channel = await world.channel(project, teacher)
        access = await world.services.access.project(teacher.user, project.id)
        page = await world.services.pages.create(access, "Durable")
        yield server, world, teacher, channel, page


async def post(world: World, person: Person, channel: ChannelRecord, text: str) -> Any:
    async with world.client(person) as http:
        return await http.post(f"/api/v1/channels/{channel.id}/messages", json={"text": text})


async def history(world: World, person: Person, channel: ChannelRecord) -> list[str]:
    async with world.client(person) as http:
        response = await http.get(f"/api/v1/channels/{channel.id}/messages")
    return [m["text"] for m in response.json()]


async def _pragma(server: LiveServer, sql: str) -> None:
    db = server.services.storage.db
    assert isinstance(db, Database)
    await db.writer.execute(sql)


def _pg_refuse_writes(server: LiveServer, sqlstate: str) -> None:
    url = server.settings.database_url
    assert url is not None
    database.discard(url)  # triggers are more than rows: not reused by a later test
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute(
            "CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" RAISE EXCEPTION 'refused (test)' USING ERRCODE = '{sqlstate}'; END $$"
        )
        tables = raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
        for (table,) in tables:
            raw.execute(
                f"CREATE TRIGGER refuse_writes BEFORE INSERT OR UPDATE OR DELETE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION refuse_writes()"
            )


def _pg_allow_writes(server: LiveServer) -> None:
    with psycopg.connect(str(server.settings.database_url), autocommit=True) as raw:
        raw.execute("DROP FUNCTION refuse_writes() CASCADE")


async def _fill_disk(server: LiveServer) -> None:
    if database.on_postgres():
        _pg_refuse_writes(server, "53100")  # disk_full
        return
    pages = (await server.services.storage.executor.fetch_one("PRAGMA page_count"))["page_count"]  # type: ignore[index]
    await _pragma(server, f"PRAGMA max_page_count = {pages}")


async def _free_disk(server: LiveServer) -> None:
    if database.on_postgres():
        _pg_allow_writes(server)
    else:
        await _pragma(server, "PRAGMA max_page_count = 1073741823")


async def _read_only(server: LiveServer, on: bool) -> None:
    if database.on_postgres():
        if on:
            _pg_refuse_writes(server, "25006")  # read_only_sql_transaction
        else:
            _pg_allow_writes(server)
    else:
        await _pragma(server, f"PRAGMA query_only = {'ON' if on else 'OFF'}")


async def test_disk_full_answers_503_and_recovers(tmp_path: Path) -> None:
    async with scene(tmp_path) as (server, world, teacher, channel, page):
        assert (await post(world, teacher, channel, "before")).status_code == 201
        await _fill_disk(server)
        client = await YClient.connect(server.ws_url, page.room, token=teacher.token)
        await client.sync()
        refused = []
        for n in range(40):  # fill the last free pages, then writes are refused
            response = await post(world, teacher, channel, f"during {n} " + "x" * 2000)
            if response.status_code != 201:
                refused.append(response)
                break
        assert refused, "the disk never filled"
        problem = refused[0]
        assert problem.status_code == 503 and problem.headers["retry-after"]
        assert problem.json()["type"] == "/problems/storage-unavailable"
        typed = "typed while the disk is full " * 200
        client.doc.insert_text(0, typed)
        await eventually(lambda: server.services.documents.persistence.failing, within=10)
        async with world.client() as http:
            assert (await http.get("/healthz")).status_code == 503
        await _free_disk(server)
        assert (await post(world, teacher, channel, "after")).status_code == 201
        await eventually(lambda: not server.services.documents.persistence.failing, within=15)
        texts = await history(world, teacher, channel)
        assert texts[0] == "before" and texts[-1] == "after"
        stored = await server.services.documents.plain_text(page.room)
        assert stored == typed, "the queued page edit was kept"
        await client.close()


async def test_read_only_database_answers_503_and_recovers(tmp_path: Path) -> None:
    async with scene(tmp_path) as (server, world, teacher, channel, _page):
        await _read_only(server, True)
        response = await post(world, teacher, channel, "refused")
        assert response.status_code == 503
        async with world.client(teacher) as http:
            assert (await http.get("/api/v1/me")).status_code == 200, "reads still work"
        await _read_only(server, False)
        assert (await post(world, teacher, channel, "accepted")).status_code == 201
        assert await history(world, teacher, channel) == ["accepted"]


async def test_locked_database_answers_503_and_recovers(tmp_path: Path) -> None:
    async with scene(tmp_path) as (server, world, teacher, channel, _page):
        release = threading.Event()
        locked = threading.Event()

        def hold_lock() -> None:
            if database.on_postgres():
                with psycopg.connect(str(server.settings.database_url)) as pg:
                    pg.execute("LOCK TABLE messages IN EXCLUSIVE MODE")  # reads go on
                    locked.set()
                    release.wait(30)
                return
            raw = sqlite3.connect(server.settings.database_path, isolation_level=None)
            raw.execute("BEGIN EXCLUSIVE")
            locked.set()
            release.wait(30)
            raw.execute("COMMIT")
            raw.close()

        holder = threading.Thread(target=hold_lock)
        holder.start()
        try:
            assert await asyncio.to_thread(locked.wait, 10)
            response = await post(world, teacher, channel, "while locked")
            assert response.status_code == 503
            assert response.json()["type"] == "/problems/storage-unavailable"
        finally:
            release.set()
            await asyncio.to_thread(holder.join, 30)
        assert (await post(world, teacher, channel, "unlocked")).status_code == 201
        assert await history(world, teacher, channel) == ["unlocked"]


@pytest.mark.sqlite_only  # PostgreSQL: tests/foundation/test_postgres.py (newer schema)
@pytest.mark.parametrize("bad", ["not-a-db", "newer-schema"])
async def test_bad_database_files_are_refused_not_overwritten(tmp_path: Path, bad: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "twinspace.sqlite3"
    if bad == "not-a-db":
        path.write_bytes(b"this is not SQLite" * 100)
    else:
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA user_version = 9999")
    before = path.read_bytes()
    storage = Storage.sqlite(path)
    with pytest.raises((SchemaTooNew, sqlite3.DatabaseError), match=r"newer|not a database"):
        await storage.connect()
    await storage.close()
    assert path.read_bytes() == before
