"""The database seam: an `Executor` runs SQL; a backend owns connections and transactions.

Repositories only see an `Executor`. `Database` here is the SQLite backend; the PostgreSQL one is
`storage/postgres.py`. Both follow `Backend` (see docs/architecture.md, "Storage").
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from twinspace.storage.sql import SQLITE, Dialect, has_returning

# aiosqlite logs every statement with its parameters at DEBUG: they hold pupils' texts.
logging.getLogger("aiosqlite").setLevel(logging.WARNING)

Row = dict[str, Any]
Params = Mapping[str, Any] | Sequence[Any]

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
_MIGRATIONS = "twinspace.storage.migrations"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer TwinSpaces than this one."""


class ValueOutOfRange(ValueError):
    """A value the database cannot store: a number beyond a 64-bit INTEGER (a request asked
    for an absurd id), or on PostgreSQL text with a NUL character."""


class StorageError(RuntimeError):
    """The database refused a write (disk full, read-only, locked for too long)."""


class Executor(Protocol):
    dialect: Dialect

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a write; returns the first column of its RETURNING row, else for an INSERT the
        inserted row's id (0 when nothing was inserted), else the changed row count."""
        ...

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None: ...

    async def lock(self, scope: str, key: int | str) -> None:
        """Serialise this transaction with every other one locking (scope, key), in every
        process, until it ends. Only inside `transaction()`."""
        ...

    async def try_lock(self, scope: str, key: int | str) -> bool:
        """Like `lock`, without waiting: False when another transaction holds (scope, key).
        The lock ends with the transaction, or with its connection if the process dies."""
        ...


class Backend(Protocol):
    """A database engine: its connections, migrations and transactions."""

    autocommit: Executor

    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    async def schema_version(self) -> int: ...

    def transaction(self) -> AbstractAsyncContextManager[Executor]: ...


class _ConnectionExecutor:
    """Runs statements on one connection, with no transaction handling of its own."""

    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        # One worker-thread call: a cursor left open between calls would pin an old snapshot
        # for every other read sharing the connection.
        try:
            rows = await self._conn.execute_fetchall(sql, params)
        except OverflowError as exc:
            raise ValueOutOfRange(str(exc)) from None
        return [dict(row) for row in rows]

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            async with self._conn.execute(sql, params) as cursor:
                if has_returning(sql):
                    row = await cursor.fetchone()
                    return int(row[0]) if row is not None and row[0] is not None else 0
                if sql.lstrip()[:6].upper() == "INSERT":
                    # An INSERT ... ON CONFLICT DO NOTHING that inserted nothing would report
                    # the connection's previous insert: say 0, as PostgreSQL does.
                    return int(cursor.lastrowid or 0) if cursor.rowcount else 0
                return int(cursor.rowcount)
        except OverflowError as exc:
            raise ValueOutOfRange(str(exc)) from None

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        try:
            await self._conn.executemany(sql, rows)
        except OverflowError as exc:
            raise ValueOutOfRange(str(exc)) from None

    async def lock(self, scope: str, key: int | str) -> None:
        """Nothing to do: a write transaction holds SQLite's database-wide write lock
        (BEGIN IMMEDIATE), which already serialises it with every other writer process."""
        if not self._conn.in_transaction:
            raise RuntimeError("lock() only holds inside a transaction")

    async def try_lock(self, scope: str, key: int | str) -> bool:
        await self.lock(scope, key)
        return True


class _AutocommitExecutor:
    """Reads on the reader connection; each write is its own short transaction."""

    dialect = SQLITE

    def __init__(self, db: Database) -> None:
        self._db = db

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._db.reader.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._db.reader.fetch_all(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._db.transaction() as tx:
            return await tx.execute(sql, params)

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        async with self._db.transaction() as tx:
            await tx.execute_many(sql, rows)

    async def lock(self, scope: str, key: int | str) -> None:
        raise RuntimeError("lock() only holds inside a transaction")

    async def try_lock(self, scope: str, key: int | str) -> bool:
        raise RuntimeError("try_lock() only holds inside a transaction")


def migrations(dialect: Dialect = SQLITE) -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of the dialect's migrations, in order."""
    folder = resources.files(_MIGRATIONS)
    if dialect.name != "sqlite":
        folder = folder.joinpath(dialect.name)
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


def schema_version_known(dialect: Dialect = SQLITE) -> int:
    known = migrations(dialect)
    return known[-1][0] if known else 0


def refuse_newer(current: int, known: int) -> None:
    if current > known:
        raise SchemaTooNew(
            f"database schema version {current} is newer than this TwinSpaces "
            f"knows ({known}); upgrade TwinSpaces instead of using this database"
        )


class Database:
    """SQLite in WAL mode: one writer connection behind a lock, one reader connection."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._writer_conn: aiosqlite.Connection | None = None
        self._reader_conn: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self.autocommit: Executor = _AutocommitExecutor(self)

    async def _open(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            await conn.close()  # its worker thread would keep the process alive
            raise
        return conn

    async def connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer_conn = await self._open()
            await self._refuse_newer_schema()  # before anything writes to the file
            await self._writer_conn.execute("PRAGMA journal_mode = WAL")
            await self.migrate()
            self._reader_conn = await self._open()
            await self._reader_conn.execute("PRAGMA query_only = ON")
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        for conn in (self._reader_conn, self._writer_conn):
            if conn is not None:
                await conn.close()
        self._reader_conn = self._writer_conn = None

    @property
    def writer(self) -> aiosqlite.Connection:
        if self._writer_conn is None:
            raise RuntimeError("database is not connected")
        return self._writer_conn

    @property
    def reader(self) -> Executor:
        if self._reader_conn is None:
            raise RuntimeError("database is not connected")
        return _ConnectionExecutor(self._reader_conn)

    async def schema_version(self) -> int:
        return await self.user_version()

    async def user_version(self) -> int:
        async with self.writer.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _refuse_newer_schema(self) -> int:
        current = await self.user_version()
        refuse_newer(current, schema_version_known())
        return current

    async def migrate(self) -> int:
        """Apply numbered migrations above `PRAGMA user_version`; refuse a newer schema."""
        known = schema_version_known()
        current = await self._refuse_newer_schema()
        for number, _name, sql in migrations():
            if number <= current:
                continue
            async with self._write_lock:
                script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
                try:
                    await self.writer.executescript(script)
                except BaseException:
                    if self.writer.in_transaction:
                        await self.writer.rollback()
                    raise
        return known

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        """One write transaction; statements that belong together commit or roll back as one."""
        async with self._write_lock:
            conn = self.writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except aiosqlite.OperationalError as exc:
                raise StorageError(str(exc)) from exc
            try:
                yield _ConnectionExecutor(conn)
            except BaseException:
                if conn.in_transaction:
                    await conn.rollback()
                raise
            try:
                await conn.commit()
            except aiosqlite.OperationalError as exc:
                if conn.in_transaction:
                    await conn.rollback()
                raise StorageError(str(exc)) from exc
