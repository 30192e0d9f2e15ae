"""The PostgreSQL backend: a psycopg 3 connection pool behind the same `Executor` seam.

Statements keep SQLite's `?` placeholders (translated once per statement string, see
`storage/sql.py`) and are bound client-side, so a parameter is typed by the place it is used in,
as SQLite does. Rows come back as dicts with the Python types SQLite gives: `numeric` results
(sums) become int or float. See docs/architecture.md, "Storage".
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import AsyncClientCursor, AsyncConnection
from psycopg.adapt import Buffer, Loader
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from twinspace.clock import to_iso, utcnow
from twinspace.storage.db import (
    Executor,
    Params,
    Row,
    StorageError,
    ValueOutOfRange,
    migrations,
    refuse_newer,
    schema_version_known,
)
from twinspace.storage.sql import POSTGRESQL, insert_target, to_pyformat

log = logging.getLogger(__name__)

_INT64 = (-(2**63), 2**63 - 1)
# pg_advisory_lock key held while migrating, so processes starting together migrate once.
_MIGRATION_LOCK = 0x7457_5350_4D49_4752  # "tWSPMIGR"
Connection = AsyncConnection[Row]


class _NumericLoader(Loader):
    """`numeric` (what PostgreSQL's sum() of integers returns) as int, or float if fractional."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data).decode("ascii")
        if text.lstrip("-").isdigit():
            return int(text)
        return float(text)


def _value(value: Any) -> Any:
    """Bind a parameter the way SQLite does: bools as 0/1, 64-bit integers only. PostgreSQL's
    text cannot hold U+0000 (SQLite's can): such text is refused as a value that cannot be
    stored (422 for a request), never a server error."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
        raise ValueOutOfRange(f"{value} does not fit a 64-bit integer")
    if isinstance(value, str) and "\x00" in value:
        raise ValueOutOfRange("text with a NUL character (U+0000) cannot be stored")
    return value


def _bind(params: Params) -> Any:
    if isinstance(params, Mapping):
        return {key: _value(value) for key, value in params.items()}
    return tuple(_value(value) for value in params)


def lock_key(scope: str, key: int | str) -> int:
    """A signed 64-bit pg_advisory_xact_lock key for (scope, key)."""
    digest = hashlib.blake2b(f"{scope}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@asynccontextmanager
async def _errors() -> AsyncIterator[None]:
    """Driver errors as the storage errors the rest of TwinSpaces knows."""
    try:
        yield
    except psycopg.errors.NumericValueOutOfRange as exc:
        raise ValueOutOfRange(str(exc)) from None
    except (PoolTimeout, psycopg.OperationalError) as exc:
        raise StorageError(str(exc)) from exc
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise StorageError(str(exc)) from exc


class _PgExecutor:
    """Runs statements on one pooled connection (inside a transaction, or autocommit)."""

    dialect = POSTGRESQL

    def __init__(self, conn: Connection, identity_tables: frozenset[str]) -> None:
        self._conn = conn
        self._identity_tables = identity_tables

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with _errors(), self._conn.cursor() as cursor:
            await cursor.execute(to_pyformat(sql), _bind(params))
            return await cursor.fetchall()

    async def execute(self, sql: str, params: Params = ()) -> int:
        table = insert_target(sql)
        if table is not None and table in self._identity_tables:
            # SQLite reports the inserted row's id (lastrowid); ask for it explicitly.
            sql = f"{sql} RETURNING id"
        async with _errors(), self._conn.cursor() as cursor:
            await cursor.execute(to_pyformat(sql), _bind(params))
            if cursor.description is not None:
                row = await cursor.fetchone()
                if row is None:
                    return 0
                value = next(iter(row.values()))
                return int(value) if value is not None else 0
            if table is not None:
                return 0  # an INSERT into a table without an id column
            return max(cursor.rowcount, 0)

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        async with _errors(), self._conn.cursor() as cursor:
            await cursor.executemany(to_pyformat(sql), [_bind(row) for row in rows])

    async def lock(self, scope: str, key: int | str) -> None:
        if self._conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            raise RuntimeError("lock() only holds inside a transaction")
        async with _errors():
            await self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(scope, key),))

    async def try_lock(self, scope: str, key: int | str) -> bool:
        if self._conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            raise RuntimeError("try_lock() only holds inside a transaction")
        async with _errors(), self._conn.cursor() as cursor:
            await cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s) AS held", (lock_key(scope, key),)
            )
            row = await cursor.fetchone()
        return bool(row and row["held"])


class _PgAutocommit:
    """Each statement on a connection borrowed from the pool, committed on its own."""

    dialect = POSTGRESQL

    def __init__(self, db: PostgresDatabase) -> None:
        self._db = db

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._db.connection() as ex:
            return await ex.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._db.connection() as ex:
            return await ex.fetch_all(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._db.connection() as ex:
            return await ex.execute(sql, params)

    async def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        async with self._db.transaction() as ex:
            await ex.execute_many(sql, rows)

    async def lock(self, scope: str, key: int | str) -> None:
        raise RuntimeError("lock() only holds inside a transaction")

    async def try_lock(self, scope: str, key: int | str) -> bool:
        raise RuntimeError("try_lock() only holds inside a transaction")


class PostgresDatabase:
    """A pool of up to `pool_size` connections to the database at `url`.

    Transactions run at READ COMMITTED; writes that race across processes (waiting lists,
    quotas, sequence numbers) take an advisory lock first (`Executor.lock`).
    """

    def __init__(self, url: str, *, pool_size: int = 10, acquire_timeout_ms: int = 5000) -> None:
        """`acquire_timeout_ms` bounds both the wait for a pooled connection and for a lock."""
        self.url = url
        self.pool_size = pool_size
        self._acquire_timeout = max(acquire_timeout_ms, 100) / 1000
        self._lock_timeout_ms = max(acquire_timeout_ms, 1)
        self._pool: AsyncConnectionPool[Connection] | None = None
        self._identity_tables: frozenset[str] = frozenset()
        self.autocommit: Executor = _PgAutocommit(self)

    async def _configure(self, conn: Connection) -> None:
        conn.adapters.register_loader("numeric", _NumericLoader)
        # As SQLite's busy timeout: a write waiting this long for a lock fails (503).
        await conn.execute(f"SET lock_timeout = {int(self._lock_timeout_ms)}")

    async def connect(self) -> None:
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self.pool_size,
            open=False,
            timeout=self._acquire_timeout,
            configure=self._configure,
            connection_class=AsyncConnection[Row],
            kwargs={
                "autocommit": True,
                "row_factory": dict_row,
                "cursor_factory": AsyncClientCursor,
            },
            name="twinspace",
        )
        self._pool = pool
        try:
            try:
                await pool.open(wait=True, timeout=max(self._acquire_timeout, 10.0))
            except (PoolTimeout, psycopg.OperationalError) as exc:
                raise StorageError(
                    f"PostgreSQL at {self.where} does not answer or refuses the connection: {exc}"
                ) from exc
            await self.migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    @property
    def where(self) -> str:
        """host:port/dbname of the URL, never its password (for messages and logs)."""
        try:
            parts = conninfo_to_dict(self.url)
        except psycopg.ProgrammingError:
            return "(an unreadable TWINSPACE_DATABASE_URL)"
        return (
            f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"
        )

    @property
    def pool(self) -> AsyncConnectionPool[Connection]:
        if self._pool is None:
            raise RuntimeError("database is not connected")
        return self._pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[_PgExecutor]:
        async with _errors(), self.pool.connection() as conn:
            yield _PgExecutor(conn, self._identity_tables)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PgExecutor]:
        """One transaction; statements that belong together commit or roll back as one."""
        async with _errors(), self.pool.connection() as conn, conn.transaction():
            yield _PgExecutor(conn, self._identity_tables)

    # -- schema -------------------------------------------------------------------------

    @staticmethod
    async def _version(conn: Connection) -> int:
        cursor = await conn.execute("SELECT to_regclass('schema_version') IS NOT NULL AS present")
        present = await cursor.fetchone()
        if not present or not present["present"]:
            return 0
        cursor = await conn.execute("SELECT coalesce(max(version), 0) AS v FROM schema_version")
        row = await cursor.fetchone()
        return int(row["v"]) if row else 0

    async def schema_version(self) -> int:
        async with _errors(), self.pool.connection() as conn:
            return await self._version(conn)

    async def migrate(self) -> int:
        """Apply the numbered PostgreSQL migrations above `schema_version`; refuse a newer
        schema before writing anything. Processes starting together migrate one at a time."""
        known = schema_version_known(POSTGRESQL)
        async with _errors(), self.pool.connection() as conn:
            await conn.execute("SET lock_timeout = 0")  # wait for another process's migration
            await conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
            try:
                current = await self._version(conn)
                refuse_newer(current, known)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY,"
                    " name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
                for number, name, sql in migrations(POSTGRESQL):
                    if number <= current:
                        continue
                    async with conn.transaction():
                        await conn.execute(sql.encode())  # a script: no placeholders in it
                        await conn.execute(
                            "INSERT INTO schema_version (version, name, applied_at)"
                            " VALUES (%s, %s, %s)",
                            (number, name, to_iso(utcnow())),
                        )
                    log.info("applied PostgreSQL migration %s", name)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
                await conn.execute(f"SET lock_timeout = {int(self._lock_timeout_ms)}")
            cursor = await conn.execute(
                "SELECT table_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND column_name = 'id'"
                " AND is_identity = 'YES'"
            )
            self._identity_tables = frozenset(str(r["table_name"]) for r in await cursor.fetchall())
        return known
