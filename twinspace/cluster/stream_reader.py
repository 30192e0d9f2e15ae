"""One task per process reads every Redis stream this process follows (docs/cluster.md,
"Project events across processes").

A stream is followed from an id on: the reader asks Redis for what came after the last id it
handed on (`XREAD BLOCK` over all followed streams at once), hands each entry to the stream's
handler in stream order, and moves that stream's id forward. After a Redis error it waits a
moment and asks again from the same ids, so an outage delays entries but loses none that the
stream still holds. Following a new stream wakes the blocked read through a small stream of
this process's own (the "nudge"), so the new stream's entries flow at once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import redis.asyncio as redis_asyncio
from redis.exceptions import RedisError

from twinspace.cluster.redis_link import RedisLink, retry_wait
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.reader")

Fields = dict[bytes, bytes]
Handler = Callable[[str, Fields], None]

# below redis-py's default socket timeout (5 s), which also ends a read on a silently cut link
BLOCK_MS = 2_000
BATCH = 500


def stream_id(raw: bytes | str) -> tuple[int, int]:
    """A Redis stream id `<ms>-<n>` as a pair that compares in stream order."""
    text = raw.decode() if isinstance(raw, bytes) else raw
    ms, _, n = text.partition("-")
    return int(ms), int(n or 0)


@dataclass(slots=True)
class Followed:
    last_id: str
    handler: Handler


class StreamReader:
    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self._followed: dict[str, Followed] = {}
        self._nudge_key = link.key("nudge", secrets.token_hex(8))
        self._nudge_id = "0-0"
        self._task: asyncio.Task[None] | None = None
        # the pool gives the blocking read a connection of its own while it waits
        self._client: redis_asyncio.Redis = link.client
        self.errors = 0

    # -- what is followed -----------------------------------------------------------------

    def follow(self, key: str, after: str, handler: Handler) -> None:
        """Hand every entry of `key` after id `after` to `handler`, in order."""
        self._followed[key] = Followed(after, handler)
        self._nudge()

    def unfollow(self, key: str) -> None:
        self._followed.pop(key, None)

    def followed(self) -> int:
        return len(self._followed)

    def last_id(self, key: str) -> str | None:
        followed = self._followed.get(key)
        return followed.last_id if followed else None

    def _nudge(self) -> None:
        if self._task is None:
            return
        task = asyncio.get_running_loop().create_task(self._send_nudge())
        task.add_done_callback(_log_failure)

    async def _send_nudge(self) -> None:
        await self._client.xadd(self._nudge_key, {"n": "1"}, maxlen=1)

    # -- the loop -------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="stream-reader")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_and_wait(task)
        try:
            await self._client.delete(self._nudge_key)
        except RedisError:
            pass

    async def _run(self) -> None:
        failures = 0
        while True:
            streams = {key: f.last_id for key, f in self._followed.items()}
            streams[self._nudge_key] = self._nudge_id
            try:
                # RESP2 (the link's protocol): [[key, [[id, {field: value}], ...]], ...]
                answer = cast(
                    list[tuple[bytes, list[tuple[bytes, Fields]]]],
                    await self._client.xread(
                        streams,  # type: ignore[arg-type]
                        count=BATCH,
                        block=BLOCK_MS,
                    ),
                )
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self.errors += 1
                wait = retry_wait(failures)
                failures += 1
                log.warning(
                    "reading streams failed (%s); again from the same ids in %ss", exc, wait
                )
                await asyncio.sleep(wait)
                continue
            failures = 0
            for raw_key, entries in answer or ():
                key = text(raw_key)
                if key == self._nudge_key:
                    self._nudge_id = text(entries[-1][0])
                    continue
                self._deliver(key, entries)

    def _deliver(self, key: str, entries: list[tuple[bytes, Fields]]) -> None:
        for raw_id, fields in entries:
            followed = self._followed.get(key)
            if followed is None:
                return  # unfollowed while this batch was on its way
            entry_id = text(raw_id)
            if stream_id(entry_id) <= stream_id(followed.last_id):
                continue
            followed.last_id = entry_id
            try:
                followed.handler(entry_id, fields)
            except Exception:
                log.exception("handling entry %s of %s failed", entry_id, key)


def text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("nudging the stream reader failed: %s", task.exception())
