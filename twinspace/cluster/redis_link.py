"""One Redis client per process, every key and channel under the deployment's prefix."""

from __future__ import annotations

import redis.asyncio as redis_asyncio

from twinspace.config import Settings

# How long a reader or writer of streams waits before its next try after the n-th failure in
# a row (the last figure from then on): a brief blip costs 50 ms, a Redis restart no busy loop.
RETRY_SECONDS = (0.05, 0.2, 0.5, 1.0, 2.0)


def retry_wait(failures: int) -> float:
    """The wait before the next try after `failures` failures in a row (0: the first)."""
    return RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]


class RedisLink:
    """The process's Redis connection pool and key naming (docs/cluster.md, "Keys")."""

    def __init__(self, url: str, prefix: str) -> None:
        self.prefix = prefix
        # bytes in, bytes out: CRDT updates are binary; callers decode text themselves
        self.client: redis_asyncio.Redis = redis_asyncio.from_url(
            url, decode_responses=False, health_check_interval=15
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisLink | None:
        if settings.redis_url is None:
            return None
        return cls(settings.redis_url, settings.redis_prefix)

    def key(self, *parts: str | int) -> str:
        """`<prefix>:<part>:<part>…` — every key and channel name goes through here."""
        return ":".join((self.prefix, *(str(part) for part in parts)))

    async def ping(self) -> bool:
        return bool(await self.client.ping())

    async def close(self) -> None:
        await self.client.aclose()
