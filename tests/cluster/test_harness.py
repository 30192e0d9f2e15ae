"""The multi-process harness itself: processes on one PostgreSQL database and Redis prefix."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.cluster import running_cluster


def test_two_processes_share_one_database(tmp_path: Path, redis_prefix: str) -> None:
    with running_cluster(tmp_path, 2, redis_prefix) as cluster:
        first, second = cluster.nodes
        assert first.port != second.port
        for node in cluster.nodes:
            assert httpx.get(f"{node.base_url}/healthz", timeout=5).status_code == 200
        cluster.kill(0)
        assert not first.alive and second.alive
        assert httpx.get(f"{second.base_url}/healthz", timeout=5).status_code == 200
