"""Appends to Redis streams in the order a process asked for, without blocking the caller and
without losing or doubling an entry when Redis fails for a while (docs/cluster.md).

Callers `append` synchronously (publishing an event is synchronous everywhere in the code);
one task sends the queue in batches, a pipeline of one script call per entry. The script adds
the entry (`XADD`, trimmed to a length and an age), keeps the stream's newest id in a side
key that outlives the stream, and refuses an entry it has already added (each entry carries a
random id), so a batch resent after an error that hid whether it went through is not doubled.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from dataclasses import dataclass

from redis.exceptions import RedisError

from twinspace.cluster.redis_link import RedisLink, retry_wait
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.writer")

BATCH = 200
MAX_QUEUED = 100_000
DEDUPE_MS = 120_000
LAST_ID_MS = 86_400_000

# KEYS: stream, newest-id side key, dedupe key
# ARGV: maxlen, max age in ms (0: none), stream ttl in ms (0: none), then field, value, ...
APPEND = """
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', DEDUPE_MS) == false then
  return redis.call('GET', KEYS[2])
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 4))
local age = tonumber(ARGV[2])
if age > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('XTRIM', KEYS[1], 'MINID', '~', tostring(now - age))
end
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
redis.call('SET', KEYS[2], id, 'PX', LAST_ID_MS)
return id
""".replace("DEDUPE_MS", str(DEDUPE_MS)).replace("LAST_ID_MS", str(LAST_ID_MS))


@dataclass(frozen=True, slots=True)
class Trim:
    """How much of a stream to keep: the newest `length` entries no older than `age_ms`
    (0: any age); the stream itself goes `ttl_ms` after its newest entry (0: never)."""

    length: int
    age_ms: int = 0
    ttl_ms: int = 0


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    trim: Trim
    fields: tuple[str, ...]
    token: str


def newest_id_key(stream_key: str) -> str:
    """The side key holding a stream's newest id; it outlives the stream (a day)."""
    return f"{stream_key}:newest"


class StreamWriter:
    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self._script = link.client.register_script(APPEND)
        self._queue: deque[_Entry] = deque()
        self._sending: list[_Entry] = []  # the batch on its way, resent until it went through
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.errors = 0
        self.dropped = 0

    def append(self, key: str, trim: Trim, fields: dict[str, str]) -> None:
        flat = tuple(part for pair in fields.items() for part in pair)
        if len(self._queue) >= MAX_QUEUED:
            self._queue.popleft()
            self.dropped += 1
            log.error("stream queue full (Redis away too long): dropped the oldest entry")
        self._queue.append(_Entry(key, trim, flat, secrets.token_hex(8)))
        self._idle.clear()
        self._wake.set()

    @property
    def queued(self) -> int:
        return len(self._queue) + len(self._sending)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="stream-writer")

    async def flush(self, within: float = 5.0) -> None:
        """Wait until everything appended so far is in Redis (for at most `within` s)."""
        try:
            async with asyncio.timeout(within):
                await self._idle.wait()
        except TimeoutError:
            log.warning("%d stream entries not written at shutdown", self.queued)

    async def stop(self) -> None:
        if self._task is not None:  # one-shot commands never start it: nothing to wait for
            await self.flush()
        task, self._task = self._task, None
        await cancel_and_wait(task)

    async def _run(self) -> None:
        failures = 0
        while True:
            if not self._sending:
                if not self._queue:
                    self._idle.set()
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                for _ in range(min(BATCH, len(self._queue))):
                    self._sending.append(self._queue.popleft())
            try:
                await self._send(self._sending)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self.errors += 1
                wait = retry_wait(failures)
                failures += 1
                log.warning("appending to streams failed (%s); resending in %ss", exc, wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            self._sending = []

    async def _send(self, batch: list[_Entry]) -> None:
        pipe = self._link.client.pipeline(transaction=False)
        for entry in batch:
            await self._script(
                keys=[
                    entry.key,
                    newest_id_key(entry.key),
                    self._link.key("once", entry.token),
                ],
                args=[entry.trim.length, entry.trim.age_ms, entry.trim.ttl_ms, *entry.fields],
                client=pipe,
            )
        await pipe.execute()
