"""The PostgreSQL backend itself: migrations twinned with SQLite's, schema versions, several
processes on one database, and errors mapped as on SQLite. These run whatever
TWINSPACE_TEST_DATABASE says; they skip without PostgreSQL (and fail under CI=true)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support import database
from tests.support.server import live_server, make_settings
from tests.support.world import World
from tests.training.events import cancel, create_event, enrol, nso, participants
from twinspace.clock import utcnow
from twinspace.config import ConfigError, load_settings
from twinspace.services.container import storage_for
from twinspace.storage import SchemaTooNew, Storage, StorageError, ValueOutOfRange
from twinspace.storage.db import migrations, schema_version_known
from twinspace.storage.sql import POSTGRESQL, to_pyformat
from twinspace.types import UserKind
from twinspace.workspace.version_history import (
    VersionBudgetReached,
    VersionBudgets,
    VersionHistory,
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """An empty database of its own (not migrated)."""
    database.require_postgres()
    yield database.new_database(migrated=False)  # released by the autouse fixture


def test_placeholders_are_translated_outside_quotes_and_comments() -> None:
    sql = (
        "SELECT '?', \"a?\", x::bigint, ? AS one, :name AS two, 'it''s 100%' -- why?\n"
        " FROM t WHERE a LIKE ? /* : ? */"
    )
    assert to_pyformat(sql) == (
        "SELECT '?', \"a?\", x::bigint, %s AS one, %(name)s AS two, 'it''s 100%%' -- why?\n"
        " FROM t WHERE a LIKE %s /* : ? */"
    )


def _sqlite_columns(path: Path) -> dict[str, dict[str, bool]]:
    with sqlite3.connect(path) as raw:
        found = raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        virtual = [name for name, sql in found if sql.upper().startswith("CREATE VIRTUAL")]
        # An FTS5 table keeps its index in shadow tables named after it.
        tables = [name for name, _ in found if not any(name.startswith(v + "_") for v in virtual)]
        return {
            table: {
                str(c[1]): bool(c[3]) or bool(c[5])  # NOT NULL, or part of the primary key
                for c in raw.execute(f"PRAGMA table_info({table})")
            }
            for table in tables
        }


def _postgres_columns(url: str) -> dict[str, dict[str, bool]]:
    found: dict[str, dict[str, bool]] = {}
    with psycopg.connect(url) as raw:
        for table, column, nullable in raw.execute(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name <> 'schema_version'"
        ):
            found.setdefault(str(table), {})[str(column)] = nullable == "NO"
    # The reaction tables carry SQLite's implicit rowid as a real column; search_text (FTS5 on
    # SQLite) has its rowid and its tsvector as columns.
    for table in ("message_reactions", "post_reactions", "search_text"):
        found[table].pop("rowid")
    found["search_text"].pop("words")
    return found


async def test_every_migration_has_a_postgresql_twin_with_the_same_schema(
    tmp_path: Path, pg_url: str
) -> None:
    sqlite_names = [name for _, name, _ in migrations()]
    assert [name for _, name, _ in migrations(POSTGRESQL)] == sqlite_names, (
        "each storage/migrations/NNN_name.sql needs storage/migrations/postgresql/NNN_name.sql"
    )
    lite = Storage.sqlite(tmp_path / "db.sqlite3")
    await lite.connect()
    await lite.close()
    pg = Storage.postgresql(pg_url)
    await pg.connect()
    seeds = [(c.code, c.name) for c in await pg.countries.all()]
    await pg.close()
    assert _postgres_columns(pg_url) == _sqlite_columns(tmp_path / "db.sqlite3")
    lite = Storage.sqlite(tmp_path / "db.sqlite3")
    await lite.connect()
    assert [(c.code, c.name) for c in await lite.countries.all()] == seeds
    await lite.close()


async def test_schema_version_is_recorded_and_a_newer_schema_refused_untouched(
    pg_url: str,
) -> None:
    store = Storage.postgresql(pg_url)
    await store.connect()
    assert await store.db.schema_version() == schema_version_known(POSTGRESQL)
    await store.close()
    with psycopg.connect(pg_url, autocommit=True) as raw:
        raw.execute("INSERT INTO schema_version VALUES (999, '999_future.sql', '')")
        tables_before = raw.execute("SELECT count(*) FROM pg_tables").fetchone()
    store = Storage.postgresql(pg_url)
    with pytest.raises(SchemaTooNew, match="999"):
        await store.connect()
    await store.close()
    with psycopg.connect(pg_url, autocommit=True) as raw:
        assert raw.execute("SELECT max(version) FROM schema_version").fetchone() == (999,)
        assert raw.execute("SELECT count(*) FROM pg_tables").fetchone() == tables_before


async def test_processes_starting_together_migrate_once(pg_url: str) -> None:
    stores = [Storage.postgresql(pg_url, pool_size=2) for _ in range(3)]
    await asyncio.gather(*(store.connect() for store in stores))
    try:
        for store in stores:
            assert len(await store.countries.all()) == 44
        rows = await stores[0].executor.fetch_all("SELECT version FROM schema_version")
        assert sorted(r["version"] for r in rows) == [n for n, _, _ in migrations(POSTGRESQL)]
    finally:
        for store in stores:
            await store.close()


async def test_rows_ids_and_numbers_come_back_as_on_sqlite(pg_url: str) -> None:
    store = Storage.postgresql(pg_url)
    await store.connect()
    try:
        now = utcnow()
        first = await store.users.create(
            username="Ada", password_hash="x", kind=UserKind.ADMIN, display_name="A", now=now
        )
        second = await store.users.create(
            username="bob", password_hash="x", kind=UserKind.ADMIN, display_name="B", now=now
        )
        assert (first, second) == (1, 2), "an INSERT returns the new row's id"
        found = await store.users.by_username("ADA")
        assert found is not None and found.id == first, "usernames are case-insensitive"
        row = await store.executor.fetch_one(
            "SELECT sum(id) AS total, avg(id) AS mean, ? AS flag FROM users", (True,)
        )
        assert row == {"total": 3, "mean": 1.5, "flag": 1}
        assert isinstance(row["total"], int)
        with pytest.raises(ValueOutOfRange):
            await store.users.get(2**63)
        with pytest.raises(ValueOutOfRange, match="NUL"):  # PostgreSQL's text cannot hold it
            await store.users.update_profile(first, display_name="A\x00da")
        with pytest.raises(ValueOutOfRange, match="NUL"):
            await store.users.by_username("A\x00da")
    finally:
        await store.close()


async def test_a_write_waiting_on_a_lock_fails_after_the_busy_timeout(pg_url: str) -> None:
    store = Storage.postgresql(pg_url, acquire_timeout_ms=300)
    await store.connect()
    release, locked = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with psycopg.connect(pg_url) as raw:
            raw.execute("LOCK TABLE users IN EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert await asyncio.to_thread(locked.wait, 10)
        assert await store.users.count_by_kind() == {}, "reads go on"
        with pytest.raises(StorageError):
            await store.users.create(
                username="a", password_hash="x", kind=UserKind.ADMIN, display_name="A", now=utcnow()
            )
    finally:
        release.set()
        await asyncio.to_thread(holder.join, 30)
    assert await store.users.create(
        username="a", password_hash="x", kind=UserKind.ADMIN, display_name="A", now=utcnow()
    )
    await store.close()


async def test_the_audit_log_is_append_only_on_postgresql(pg_url: str) -> None:
    store = Storage.postgresql(pg_url)
    await store.connect()
    await store.audit.append(
        project_id=None,
        actor_id=None,
        actor_name="t",
        action="held",
        item_kind=None,
        item_id=None,
        subject_user_id=None,
        reason="",
        details={},
        now=utcnow(),
    )
    await store.close()
    for statement in (
        "UPDATE audit_log SET reason = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with (
            psycopg.connect(pg_url, autocommit=True) as raw,
            pytest.raises(psycopg.IntegrityError, match="append-only"),
        ):
            raw.execute(statement)


async def test_waiting_list_holds_across_processes(tmp_path: Path) -> None:
    """Two servers on one database, enrolments spread over both: seats and positions are
    decided one transaction at a time (the event's lock), never twice."""
    database.require_postgres()
    url = database.new_database()
    first = make_settings(tmp_path / "a", database_url=url)
    second = make_settings(tmp_path / "b", database_url=url)
    async with live_server(first) as one, live_server(second) as two:
        world = World(one)
        organiser = await nso(world)
        event = await create_event(world, organiser, capacity=2, waiting_list_size=3)
        teachers = [await world.teacher("PL") for _ in range(10)]
        async with one.client() as via_one, two.client() as via_two:
            responses = await asyncio.gather(
                *(
                    enrol(via_one if n % 2 else via_two, event["id"], teacher)
                    for n, teacher in enumerate(teachers)
                )
            )
            rows = await participants(via_two, event["id"], organiser)
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 5 + [422] * 5, [r.text for r in responses]
    statuses = [r.json()["status"] for r in responses if r.status_code == 201]
    assert sorted(statuses) == ["confirmed"] * 2 + ["waiting"] * 3
    assert [row["waiting_rank"] for row in rows if row["status"] == "waiting"] == [1, 2, 3]


async def test_waiting_list_promotion_holds_across_processes(tmp_path: Path) -> None:
    """The five confirmed teachers cancel at once through two servers on one database: each
    cancellation frees a seat and promotes the head of the waiting list one transaction at a
    time (the event's lock), so the five waiting are promoted in order, none twice or skipped."""
    database.require_postgres()
    url = database.new_database()
    first = make_settings(tmp_path / "a", database_url=url)
    second = make_settings(tmp_path / "b", database_url=url)
    async with live_server(first) as one, live_server(second) as two:
        world = World(one)
        organiser = await nso(world)
        event = await create_event(world, organiser, capacity=5, waiting_list_size=7)
        teachers = [await world.teacher("PL") for _ in range(12)]
        async with one.client() as via_one, two.client() as via_two:
            for teacher in teachers:
                assert (await enrol(via_one, event["id"], teacher)).status_code == 201
            responses = await asyncio.gather(
                *(
                    cancel(via_one if n % 2 else via_two, event["id"], teacher)
                    for n, teacher in enumerate(teachers[:5])
                )
            )
            rows = await participants(via_two, event["id"], organiser)
    assert all(r.status_code < 300 for r in responses), [r.text for r in responses]
    by_status: dict[str, list[int]] = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row["teacher"]["id"])
    assert sorted(by_status["confirmed"]) == sorted(t.id for t in teachers[5:10])
    assert by_status["waiting"] == [t.id for t in teachers[10:]]
    assert [row["waiting_rank"] for row in rows if row["status"] == "waiting"] == [1, 2]


def test_the_database_url_setting_chooses_the_backend(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TWINSPACE_DATABASE_URL"):
        load_settings(environ={"TWINSPACE_DATABASE_URL": "mysql://db/twinspace"})
    sqlite = storage_for(load_settings(environ={}, data_dir=tmp_path))
    assert sqlite.dialect.name == "sqlite"
    url = "postgresql://twinspace@db.example/twinspace"
    settings = load_settings(
        environ={"TWINSPACE_DATABASE_URL": url, "TWINSPACE_DATABASE_POOL_SIZE": "3"}
    )
    postgres = storage_for(settings)
    assert postgres.dialect.name == "postgresql"
    assert (postgres.db.url, postgres.db.pool_size) == (url, 3)  # type: ignore[attr-defined]


async def test_upload_quota_holds_across_processes(tmp_path: Path) -> None:
    """Two servers on one database and one media folder, eight uploads at once spread over
    both: the quota is checked and spent one upload at a time (the project's quota lock)."""
    database.require_postgres()
    url = database.new_database()
    limits = {"database_url": url, "max_upload_bytes": 40_000, "project_quota_bytes": 70_000}
    first = make_settings(tmp_path / "data", **limits)
    second = make_settings(tmp_path / "data", **limits)
    async with live_server(first) as one, live_server(second) as two:
        world = World(one)
        project, teacher, _ = await world.european_project()
        board = await world.board(project, teacher, title="Photo wall")
        files = [(f"{n}.txt", (f"file {n} " * 5_000).encode()[:30_000]) for n in range(8)]
        async with one.client(teacher.token) as via_one, two.client(teacher.token) as via_two:
            responses = await asyncio.gather(
                *(
                    (via_one if n % 2 else via_two).post(
                        f"/api/v1/boards/{board.id}/media",
                        files={"file": (name, data, "application/octet-stream")},
                    )
                    for n, (name, data) in enumerate(files)
                )
            )
            usage = (await via_one.get(f"/api/v1/projects/{project.id}/storage")).json()
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 2 + [413] * 6, [r.text for r in responses]
    assert usage["used_bytes"] == 60_000


async def test_search_indexers_of_two_processes_never_collide(tmp_path: Path) -> None:
    """Each process of a cluster runs a search indexer: two applying the same marks at once
    write each item's entry one after the other (the index lock), never colliding on its
    unique key, and every message is found once."""
    database.require_postgres()
    url = database.new_database()
    first = make_settings(tmp_path / "a", database_url=url, post_burst=20)
    second = make_settings(tmp_path / "b", database_url=url)
    async with live_server(first) as one, live_server(second) as two:
        indexers = [one.services.search.indexer, two.services.search.indexer]
        for indexer in indexers:
            await indexer.stop()  # the test applies the marks, both processes at once
        world = World(one)
        project, teacher, _ = await world.european_project()
        channel = await world.channel(project, teacher)
        async with one.client(teacher.token) as client:
            for n in range(12):
                posted = await client.post(
                    f"/api/v1/channels/{channel.id}/messages", json={"text": f"heron {n}"}
                )
                assert posted.status_code == 201, posted.text
            marks = await one.services.storage.search.dirty(100)
            assert len(marks) >= 12
            for _ in range(3):  # the same marks again: both rewrite every entry at once
                for mark in marks:
                    await one.services.storage.search.mark(*mark)
                taken = await asyncio.gather(*(indexer.run_once() for indexer in indexers))
                assert sum(taken) >= len(marks)
            assert not await two.services.storage.search.has_dirty()
            response = await client.get(
                f"/api/v1/projects/{project.id}/search", params={"q": "heron", "limit": 50}
            )
        assert response.status_code == 200, response.text
        hits = [hit for hit in response.json()["results"] if hit["kind"] == "message"]
        assert len(hits) == 12


async def test_version_budgets_hold_across_processes(tmp_path: Path) -> None:
    """Two processes' pools on one database store 60 kB versions of six pages of one project
    at once against its 100 kB budget: the budget is read and spent one version at a time (the
    project's version lock, not the page's), so exactly one fits."""
    database.require_postgres()
    url = database.new_database()
    async with live_server(make_settings(tmp_path / "data", database_url=url)) as server:
        world = World(server)
        project, teacher, _ = await world.european_project()
        access = await world.services.access.project(teacher.user, project.id)
        pages = [await world.services.pages.create(access, f"page {n}") for n in range(6)]
    stores = [Storage.postgresql(url, pool_size=6) for _ in range(2)]
    for store in stores:
        await store.connect()
    try:
        budgets = VersionBudgets(page_bytes=100_000, project_bytes=100_000)
        histories = [VersionHistory(store, budgets) for store in stores]
        results = await asyncio.gather(
            *(
                histories[n % 2].add(
                    page_id=page.id,
                    project_id=project.id,
                    kind="named",
                    name=f"version {n}",
                    data=bytes(60_000),
                    content_hash=None,
                    created_by=teacher.id,
                )
                for n, page in enumerate(pages)
            ),
            return_exceptions=True,
        )
        used = await stores[0].documents.version_bytes(project_id=project.id)
    finally:
        for store in stores:
            await store.close()
    stored = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, VersionBudgetReached)]
    assert (len(stored), len(refused)) == (1, 5), results
    assert used == 60_000
