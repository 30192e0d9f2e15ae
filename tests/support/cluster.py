"""Several real `twinspace serve` processes sharing one PostgreSQL database and one Redis.

`start_cluster(tmp_path, n)` starts n processes (each its own port, the same database, Redis
prefix and media dir) and waits for each `/healthz`; the returned `Cluster` can `kill(i)` one
with SIGKILL, `terminate(i)` it with SIGTERM, and `restart(i)` it. Every process's output goes
to `<tmp>/node-<i>.log`, which a failing test can print.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import database
from tests.support.redis_server import URL as REDIS_URL
from tests.support.redis_server import delete_prefix, require_redis
from tests.support.server import FAST_HASHING, free_port


@dataclass
class Node:
    index: int
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    data_dir: Path
    database_url: str
    redis_prefix: str
    env: dict[str, str]
    nodes: list[Node] = field(default_factory=list)

    def start(self, index: int, *, timeout: float = 30.0) -> Node:
        node = self.nodes[index]
        log = node.log_path.open("ab")
        node.process = subprocess.Popen(
            [sys.executable, "-m", "twinspace.app.cli", "serve", "--port", str(node.port)],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise RuntimeError(f"node {index} exited: {self.log(index)}")
            try:
                if httpx.get(f"{node.base_url}/healthz", timeout=1.0).status_code == 200:
                    return node
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"node {index} not healthy in {timeout}s: {self.log(index)}")

    def kill(self, index: int) -> None:
        """SIGKILL: no draining, no flushing — as a crashed machine."""
        process = self.nodes[index].process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    def terminate(self, index: int, *, timeout: float = 20.0) -> int:
        process = self.nodes[index].process
        assert process is not None
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=timeout)

    def log(self, index: int) -> str:
        path = self.nodes[index].log_path
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for node in self.nodes:
            if node.process is not None and node.process.poll() is None:
                node.process.send_signal(signal.SIGTERM)
        for node in self.nodes:
            if node.process is not None:
                try:
                    node.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    node.process.kill()
                    node.process.wait(timeout=5)


def cluster_env(
    data_dir: Path, database_url: str, redis_prefix: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    env = {
        "TWINSPACE_DATA_DIR": str(data_dir),
        "TWINSPACE_DATABASE_URL": database_url,
        "TWINSPACE_REDIS_URL": REDIS_URL,
        "TWINSPACE_REDIS_PREFIX": redis_prefix,
        "TWINSPACE_ROOM_GRACE_SECONDS": "0.2",
        "TWINSPACE_LOG_LEVEL": "INFO",
        **{f"TWINSPACE_{k.upper()}": str(v) for k, v in FAST_HASHING.items()},
    }
    env.update(extra or {})
    return env


@contextmanager
def running_cluster(
    tmp_path: Path, count: int, redis_prefix: str, *, env: Mapping[str, str] | None = None
) -> Iterator[Cluster]:
    """`count` processes on a fresh PostgreSQL database of this test and `redis_prefix`."""
    database.require_postgres()
    require_redis()
    data_dir = tmp_path / "cluster-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = database.new_database()
    cluster = Cluster(
        data_dir=data_dir,
        database_url=database_url,
        redis_prefix=redis_prefix,
        env=cluster_env(data_dir, database_url, redis_prefix, env),
        nodes=[Node(i, free_port(), tmp_path / f"node-{i}.log") for i in range(count)],
    )
    try:
        for index in range(count):
            cluster.start(index)
        yield cluster
    finally:
        cluster.stop()
        delete_prefix(redis_prefix)
