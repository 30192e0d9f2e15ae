"""TwinSpaces in its clustered mode for the benchmarks: N `twinspace serve` processes on one
fresh PostgreSQL database and a Redis key prefix of their own (docs/cluster.md).

`TWINSPACE_BENCH_POSTGRES_URL` (default the local server's `postgres` database, used to create
and drop the bench database) and `TWINSPACE_BENCH_REDIS_URL` (default `redis://127.0.0.1:6379/0`).
The bench database keeps PostgreSQL's defaults (`synchronous_commit` on: a commit waits for its
WAL to reach the disk, as in production; the tests turn it off) unless asked otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg
import redis
from psycopg import sql

from harness.procs import BenchError, Sampler
from harness.targets import Target, seed_twinspace, serve_twinspace

POSTGRES_URL = os.environ.get(
    "TWINSPACE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TWINSPACE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def _database_url(name: str) -> str:
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextlib.contextmanager
def fresh_database(*, synchronous_commit: bool = True) -> Iterator[str]:
    """A new, empty PostgreSQL database (C collation, as README "Storage backends" asks);
    dropped afterwards. Its URL."""
    name = f"twinspace_bench_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {POSTGRES_URL} is unreachable: {exc}") from None
    with admin:
        admin.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'"
                " LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
            ).format(sql.Identifier(name))
        )
        if not synchronous_commit:
            admin.execute(
                sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(
                    sql.Identifier(name)
                )
            )
    try:
        yield _database_url(name)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _drop_prefix(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    finally:
        client.close()


def redis_sampler() -> Sampler | None:
    """The local redis-server process, to sample its CPU (None when it is not on this machine)."""
    port = urlsplit(REDIS_URL).port or 6379
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "redis-server":
            with contextlib.suppress(psutil.Error):
                if any(c.laddr.port == port for c in process.net_connections("tcp")):
                    return Sampler(process.pid)
    return None


@contextlib.contextmanager
def twinspace_cluster(
    processes: int, rooms: int, env: dict[str, str] | None = None, *, redis_bus: bool = True
) -> Iterator[Target]:
    """`processes` TwinSpaces servers on one fresh PostgreSQL database, seeded with `rooms`
    pages, sharing Redis (`redis_bus=False`: PostgreSQL only, one process)."""
    if processes > 1 and not redis_bus:
        raise ValueError("several processes need the Redis bus")
    with tempfile.TemporaryDirectory(prefix="twinspace-bench-") as folder, fresh_database() as url:
        data_dir = Path(folder) / "data"
        seeded = asyncio.run(seed_twinspace(data_dir, rooms, database_url=url))
        prefix = f"bench_{secrets.token_hex(4)}"
        cluster_env = {"TWINSPACE_DATABASE_URL": url, **(env or {})}
        if redis_bus:
            cluster_env |= {"TWINSPACE_REDIS_URL": REDIS_URL, "TWINSPACE_REDIS_PREFIX": prefix}
        try:
            with contextlib.ExitStack() as stack:
                targets = [
                    stack.enter_context(
                        serve_twinspace(data_dir, seeded, cluster_env, log_name=f"server-{i}")
                    )
                    for i in range(processes)
                ]
                yield Target(
                    "twinspace",
                    "y-websocket",
                    ",".join(target.url for target in targets),
                    seeded.rooms,
                    targets[0].pid,
                    seeded.token,
                    other_pids=[target.pid for target in targets[1:]],
                )
        finally:
            if redis_bus:
                _drop_prefix(prefix)
