"""Which processes of the cluster are alive, and their websockets, summed (docs/cluster.md,
"Running a cluster").

Every process writes `<prefix>:process:<id>` every `every` seconds with an expiry of `ttl`: a
process that stops writing (crashed, partitioned) drops out when its key expires; one that stops
cleanly deletes its key. The ids are listed in the sorted set `<prefix>:processes` (score: the
Redis clock at the last beat; entries older than `ttl` are pruned), so a beat reads the few
processes' keys, never scans the keyspace. Each beat reads them all, so this process's
`/metrics` can show cluster-wide gauges without asking Redis at scrape time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections.abc import Callable

from redis.exceptions import RedisError

from twinspace.cluster.redis_link import RedisLink
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.heartbeat")


def process_identity() -> str:
    """`<host>:<pid>`: unique among live processes, readable in logs and metrics."""
    return f"{socket.gethostname()}:{os.getpid()}"


class ProcessHeartbeat:
    def __init__(
        self,
        link: RedisLink,
        process: str,
        websockets: Callable[[], int],
        *,
        every: float = 2.0,
        ttl: float = 10.0,
    ) -> None:
        self.link = link
        self.process = process
        self.websockets = websockets
        self.every = every
        self.ttl = ttl
        self.processes_alive = 0
        self.cluster_websockets = 0
        self.healthy = False  # the last beat reached Redis
        self._task: asyncio.Task[None] | None = None

    @property
    def key(self) -> str:
        return self.link.key("process", self.process)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="cluster-heartbeat")

    @property
    def registry(self) -> str:
        return self.link.key("processes")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        try:
            await self.link.client.delete(self.key)
            await self.link.client.zrem(self.registry, self.process)
        except RedisError:
            pass  # both expire

    async def beat(self) -> None:
        """Publish this process, then read the cluster's."""
        client = self.link.client
        seconds, micros = await client.time()  # one clock for every machine's entries
        now = seconds + micros / 1e6
        own = json.dumps({"websockets": self.websockets(), "at": time.time()})
        pipe = client.pipeline(transaction=False)
        pipe.set(self.key, own, px=int(self.ttl * 1000))
        pipe.zadd(self.registry, {self.process: now})
        pipe.zremrangebyscore(self.registry, "-inf", now - self.ttl)
        pipe.expire(self.registry, int(self.ttl * 6))  # gone once no process beats
        pipe.zrange(self.registry, 0, -1)
        *_, members = await pipe.execute()
        keys = [self.link.key("process", member.decode()) for member in members]
        values = await client.mget(keys) if keys else []
        alive = [json.loads(value) for value in values if value is not None]
        self.processes_alive = len(alive)
        self.cluster_websockets = sum(int(state.get("websockets", 0)) for state in alive)

    async def _run(self) -> None:
        while True:
            try:
                await self.beat()
                if not self.healthy:
                    log.info("cluster heartbeat of %s reaches Redis", self.process)
                self.healthy = True
            except (RedisError, OSError, ValueError) as exc:
                if self.healthy:
                    log.warning("cluster heartbeat failed: %s", exc)
                self.healthy = False
            await asyncio.sleep(self.every)
