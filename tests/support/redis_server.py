"""The Redis the cluster tests use: the local one, under a key prefix unique to each test.

`TWINSPACE_TEST_REDIS_URL` (default `redis://127.0.0.1:6379/0`). Tests that need it call
`require_redis()`: skipped with the reason when Redis does not answer, failed under `CI=true`
(`.ci/run` starts it). Every key a test's prefix made is deleted when the test ends.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import redis

URL = os.environ.get("TWINSPACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def unreachable_reason() -> str | None:
    try:
        client = redis.Redis.from_url(URL, socket_connect_timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        return f"Redis at {URL} is unreachable: {exc}"
    return None


def require_redis() -> None:
    reason = unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run starts it)")
    pytest.skip(reason)


def delete_prefix(prefix: str) -> int:
    """Delete every key under `<prefix>:`; returns how many."""
    client = redis.Redis.from_url(URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
        return len(keys)
    finally:
        client.close()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the real Redis, cleaned up afterwards."""
    require_redis()
    prefix = f"tstest_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        yield prefix
    finally:
        delete_prefix(prefix)
