from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from tests.support import database
from twinspace.clock import utcnow
from twinspace.storage import SchemaTooNew, Storage
from twinspace.storage.db import Database, schema_version_known
from twinspace.types import Role, UserKind

INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)


def _store(tmp_path: Path, *, fresh_url: str | None = None) -> Storage:
    """A store on the backend the tests run on (an empty database on PostgreSQL)."""
    if database.on_postgres():
        return Storage.postgresql(fresh_url or database.new_database(migrated=False))
    return Storage.sqlite(tmp_path / "db.sqlite3")


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = _store(tmp_path)
    await store.connect()
    yield store
    await store.close()


@pytest.mark.sqlite_only
async def test_connection_pragmas(storage: Storage) -> None:
    assert isinstance(storage.db, Database)
    conn = storage.db.writer
    async with conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"  # type: ignore[index]
    async with conn.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1  # type: ignore[index]
    async with conn.execute("PRAGMA busy_timeout") as cur:
        assert (await cur.fetchone())[0] == 5000  # type: ignore[index]
    assert await storage.db.user_version() == schema_version_known()


async def test_migrations_are_idempotent(tmp_path: Path) -> None:
    url = database.new_database(migrated=False) if database.on_postgres() else None
    for _ in range(2):
        store = _store(tmp_path, fresh_url=url)
        await store.connect()
        assert len(await store.countries.all()) == 44
        assert await store.db.schema_version() == schema_version_known(store.dialect)
        await store.close()


@pytest.mark.sqlite_only
async def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = Storage.sqlite(path)
    await store.connect()
    await store.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 999")
        tables_before = raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    store = Storage.sqlite(path)
    with pytest.raises(SchemaTooNew, match="999"):
        await store.connect()
    await store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 999
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == tables_before


async def test_transaction_rolls_back_every_statement(storage: Storage) -> None:
    with pytest.raises(RuntimeError):
        async with storage.transaction() as tx:
            await tx.users.create(
                username="a", password_hash="x", kind=UserKind.ADMIN, display_name="A", now=utcnow()
            )
            raise RuntimeError("boom")
    assert await storage.users.by_username("a") is None


async def test_foreign_keys_are_enforced(storage: Storage) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        await storage.memberships.add(
            project_id=12345, user_id=999, role=Role.PUPIL, added_by=None, now=utcnow()
        )


async def test_pupils_cannot_hold_an_email(storage: Storage) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        await storage.users.create(
            username="p",
            password_hash="x",
            kind=UserKind.PUPIL,
            display_name="P",
            now=utcnow(),
            email="p@example.com",
        )
