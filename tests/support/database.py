"""The database the tests run on: SQLite files (default) or PostgreSQL.

`TWINSPACE_TEST_DATABASE=postgresql` (`make test-postgres`) gives every data dir a fresh database
of its own on the server at `TWINSPACE_TEST_POSTGRES_URL` (default: the local one). Names start
with a prefix unique to this run (`ts_<pid>_<random>_`), so concurrent runs never clash; each
test's databases are dropped when it ends, and the run's template at the end of the session.
Databases are copied from a template migrated once per run, with byte-order collation (`C`) so
text sorts as on SQLite.

CREATE DATABASE costs seconds on a loaded machine (it copies and fsyncs ~10 MB), so a test's
migrated database is not dropped but emptied back to the template's rows (every table, identities
restarted, in one transaction) and handed to a later test. `TWINSPACE_TEST_POSTGRES_REUSE=0`
creates and drops one database per test instead. A test that changes more than rows (settings,
schema) calls `discard(url)` so its database is dropped.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

BACKEND = os.environ.get("TWINSPACE_TEST_DATABASE", "sqlite").strip().lower() or "sqlite"
ADMIN_URL = os.environ.get(
    "TWINSPACE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
RUN = f"ts_{os.getpid()}_{secrets.token_hex(3)}"
_TEMPLATE = f"{RUN}_template"
REUSE = os.environ.get("TWINSPACE_TEST_POSTGRES_REUSE", "1") != "0"

_lock = threading.Lock()
_by_data_dir: dict[Path, str] = {}
_created: list[str] = []  # this test's databases
_empty: set[str] = set()  # created unmigrated: never reused
_discarded: set[str] = set()
_free: list[str] = []  # emptied, ready for the next test
_outer: list[str] = []  # of module- or session-scoped fixtures: dropped at the end of the run
_counter = 0
_template_ready = False
_seeds: list[tuple[str, list[str], list[tuple[object, ...]]]] = []
_identities: list[tuple[str, str]] = []
_known_version = 0

if BACKEND not in ("sqlite", "postgresql"):
    raise RuntimeError(f"TWINSPACE_TEST_DATABASE={BACKEND!r}: use sqlite or postgresql")


def on_postgres() -> bool:
    return BACKEND == "postgresql"


def url_of(name: str) -> str:
    parts = urlsplit(ADMIN_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)


def unreachable_reason() -> str | None:
    """None when PostgreSQL answers at the admin URL, else why not."""
    try:
        with _admin() as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {ADMIN_URL} is unreachable: {str(exc).strip()}"
    return None


def require_postgres() -> None:
    """Skip (fail under CI=true) a test that needs PostgreSQL when it does not answer."""
    reason = unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run starts it)")
    pytest.skip(reason)


def _run_async(coro_factory: object) -> None:
    """Run a coroutine to completion in a thread of its own (callers may be inside a loop)."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro_factory())  # type: ignore[operator]
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target, name="pg-template", daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _ensure_template() -> None:
    global _template_ready
    if _template_ready:
        return
    from twinspace.storage import Storage

    with _admin() as conn:
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                " LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(_TEMPLATE))
        )
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(
                sql.Identifier(_TEMPLATE)
            )
        )

    async def migrate() -> None:
        storage = Storage.postgresql(url_of(_TEMPLATE), pool_size=1)
        await storage.connect()
        await storage.close()

    _run_async(migrate)
    _snapshot_template()
    _template_ready = True


def _snapshot_template() -> None:
    """Remember the rows a freshly migrated database holds (seeds) and its identity columns."""
    global _known_version
    with psycopg.connect(url_of(_TEMPLATE), autocommit=True) as conn:
        tables = [
            str(row[0])
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " ORDER BY tablename"
            )
        ]
        for table in tables:
            if table == "schema_version":
                continue
            cursor = conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(table)))
            rows = cursor.fetchall()
            columns = [c.name for c in cursor.description or ()]
            _seeds.append((table, columns, rows))
        _identities.extend(
            (str(row[0]), str(row[1]))
            for row in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND is_identity = 'YES'"
            )
        )
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        _known_version = int(row[0]) if row and row[0] is not None else 0


def _empty_database(name: str) -> None:
    """Back to the template's rows: every table emptied, seeds re-inserted, identities
    restarted, newer schema_version rows gone; one transaction."""
    with _admin() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    with psycopg.connect(url_of(name)) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK or append-only triggers
        conn.execute("SET synchronous_commit = off")
        for table, columns, rows in _seeds:
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            if rows:
                insert = sql.SQL("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES ({})").format(
                    sql.Identifier(table),
                    sql.SQL(", ").join(map(sql.Identifier, columns)),
                    sql.SQL(", ").join(sql.Placeholder() * len(columns)),
                )
                with conn.cursor() as cursor:
                    cursor.executemany(insert, rows)
        for table, column in _identities:
            conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({}), 0) + 1, false)"
                    " FROM {}"
                ).format(sql.Identifier(column), sql.Identifier(table)),
                (table, column),
            )
        conn.execute("DELETE FROM schema_version WHERE version > %s", (_known_version,))


def new_database(*, migrated: bool = True) -> str:
    """A fresh database of this run (migrated, or empty); returns its URL."""
    global _counter
    with _lock:
        if migrated and _free:
            name = _free.pop()
            _created.append(name)
            return url_of(name)
        _counter += 1
        name = f"{RUN}_{_counter}"
        if not migrated:
            _empty.add(name)
        if migrated:
            _ensure_template()
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(_TEMPLATE)
            )
        else:
            statement = sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                " LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        with _admin() as conn:
            conn.execute(statement)
            # Commits need not wait for the disk: a test kills TwinSpaces, never PostgreSQL,
            # and a committed write survives that either way. (Settings are not copied from
            # a template, so each database is told.)
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(
                    sql.Identifier(name)
                )
            )
        _created.append(name)
    return url_of(name)


def url_for_data_dir(data_dir: Path) -> str:
    """The database that goes with a data dir: the same one each time it is asked for, so a
    test restarting a server on its data dir finds its data again."""
    key = data_dir.resolve()
    with _lock:
        name = _by_data_dir.get(key)
    if name is not None:
        return url_of(name)
    url = new_database()
    with _lock:
        _by_data_dir[key] = urlsplit(url).path.lstrip("/")
    return url


def env_for(data_dir: Path) -> dict[str, str]:
    """Environment for a `twinspace` subprocess on `data_dir` (its database on PostgreSQL)."""
    if not on_postgres():
        return {}
    return {"TWINSPACE_DATABASE_URL": url_for_data_dir(data_dir)}


def _drop(names: list[str]) -> None:
    with _admin() as conn:
        for name in names:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def discard(url: str) -> None:
    """The test changed more than rows in this database: drop it instead of reusing it."""
    _discarded.add(urlsplit(url).path.lstrip("/"))


def anything_created() -> bool:
    return bool(_created or _free or _outer or _template_ready)


def adopt_outer() -> None:
    """A test starts: what was created before it belongs to fixtures of a wider scope (set up
    first), which keep their databases until the end of the run."""
    with _lock:
        _outer.extend(_created)
        _created.clear()


def release_created() -> None:
    """The test is over: empty its databases for the next test, or drop them."""
    if not _created:
        return
    with _lock:
        names, _created[:] = list(_created), []
        for key in [k for k, v in _by_data_dir.items() if v in names]:
            del _by_data_dir[key]
    doomed = []
    for name in names:
        if REUSE and name not in _empty and name not in _discarded:
            try:
                _empty_database(name)
            except psycopg.Error:
                doomed.append(name)
            else:
                _free.append(name)
        else:
            doomed.append(name)
        _empty.discard(name)
        _discarded.discard(name)
    if doomed:
        _drop(doomed)


def drop_run() -> None:
    """Drop everything this run created, the template included."""
    global _template_ready
    release_created()
    _drop(_free + _outer)
    _free.clear()
    _outer.clear()
    if _template_ready:
        _drop([_TEMPLATE])
        _template_ready = False


def drop_stale() -> None:
    """Drop the databases of earlier runs whose process is gone (a run killed mid-way)."""
    with _admin() as conn:
        names = [
            str(row[0])
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname ~ '^ts_[0-9]+_[0-9a-f]{6}_'"
            )
        ]
    stale = []
    for name in names:
        pid = int(name.split("_")[1])
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            stale.append(name)
        except PermissionError:
            continue
    if stale:
        _drop(stale)
