"""Calls across processes (docs/cluster.md, "Calls across processes"): the `CallShare` of a
clustered process.

A call's roster is one Redis hash, `<prefix>:call:<session id>`, a field per endpoint (its view
and the process it is connected to), with each endpoint's expiry in the sorted set
`<prefix>:call:<session id>:until`. A process renews its endpoints every `REFRESH_SECONDS`;
entries not renewed for `ENTRY_TTL_MS` (a killed process's) are dropped by whichever process
reads or renews the call next, and the processes still in the call push the shorter roster.
Joining runs one Lua script that drops expired entries, counts and adds, so the cap of
`MAX_ENDPOINTS` devices holds in the whole cluster. Pupils' publish permits are the set
`<prefix>:call:<session id>:permits`.

What one endpoint tells another (a signal, a teacher's command) goes to the process the target
is connected to, on that process's stream `<prefix>:calls:to:<process>`, which only that process
reads (StreamReader/StreamWriter: an outage delays messages, it loses none the stream holds).
The sender is named by the process it is connected to, before the message leaves it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from redis.exceptions import RedisError

from twinspace.cluster.redis_link import RedisLink
from twinspace.cluster.stream_reader import Fields, StreamReader
from twinspace.cluster.stream_writer import StreamWriter, Trim
from twinspace.errors import Problem, Unavailable
from twinspace.live_sessions.calls import (
    MAX_ENDPOINTS,
    Call,
    CallFull,
    Deliver,
    Endpoint,
    SharedEndpoint,
)
from twinspace.live_sessions.views import CallEndpointView
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.calls")

ENTRY_TTL_MS = 15_000
REFRESH_SECONDS = 5.0
KEY_TTL_MS = 86_400_000
TRIM = Trim(length=10_000, age_ms=120_000, ttl_ms=120_000)

# KEYS: the call's hash, its expiry set. Drops expired entries; returns how many.
_PRUNE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(dead) do redis.call('HDEL', KEYS[1], id) end
if #dead > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now) end
"""
# ARGV: endpoint id, entry, cap (0: none, an endpoint already in), ttl ms.
# Returns -1 when full, else the number of expired entries dropped.
PUT = (
    _PRUNE
    + """
local cap = tonumber(ARGV[3])
if cap > 0 and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0
   and redis.call('HLEN', KEYS[1]) >= cap then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], 86400000)
redis.call('PEXPIRE', KEYS[2], 86400000)
return #dead
"""
)
# Returns the number of expired entries dropped, then the live entries' values.
LIST = (
    _PRUNE
    + """
local values = redis.call('HVALS', KEYS[1])
table.insert(values, 1, #dead)
return values
"""
)


@contextmanager
def _reaching_redis() -> Iterator[None]:
    """Redis away: the socket gets an `unavailable` error frame, the client may try again."""
    try:
        yield
    except (RedisError, OSError) as exc:
        log.warning("call state not reached in Redis: %s", exc)
        raise Unavailable(
            "the call is not reachable right now: try again",
            problem=Problem.CALL_UNREACHABLE,
            retry_after=1,
        ) from exc


class SharedCalls:
    """`CallShare` on Redis (see the module's docstring)."""

    def __init__(self, link: RedisLink, reader: StreamReader, writer: StreamWriter) -> None:
        self._link = link
        self._reader = reader
        self._writer = writer
        self.origin = secrets.token_hex(8)
        self._put = link.client.register_script(PUT)
        self._list = link.client.register_script(LIST)
        self._mine: dict[int, tuple[Call, dict[str, Endpoint]]] = {}
        self._deliver: Deliver | None = None
        self._dropped: Callable[[Call], Awaitable[None]] | None = None
        self._inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._pending: set[asyncio.Future[None]] = set()

    def _key(self, session_id: int, *rest: str) -> str:
        return self._link.key("call", session_id, *rest)

    def _keys(self, call: Call) -> list[str]:
        return [self._key(call.session_id), self._key(call.session_id, "until")]

    def _stream(self, origin: str) -> str:
        return self._link.key("calls", "to", origin)

    def bind(self, deliver: Deliver, dropped: Callable[[Call], Awaitable[None]]) -> None:
        """`deliver`: a message for an endpoint here; `dropped`: expired entries left `call`."""
        self._deliver, self._dropped = deliver, dropped
        self._reader.follow(self._stream(self.origin), "0-0", self._on_entry)

    # -- the roster ---------------------------------------------------------------------------

    async def _write(self, call: Call, endpoint: Endpoint, cap: int) -> int:
        entry = json.dumps({"v": endpoint.view(False).model_dump(mode="json"), "o": self.origin})
        return int(
            await self._put(keys=self._keys(call), args=[endpoint.id, entry, cap, ENTRY_TTL_MS])
        )

    async def admit(self, call: Call, endpoint: Endpoint) -> None:
        with _reaching_redis():
            if await self._write(call, endpoint, MAX_ENDPOINTS) < 0:
                raise CallFull(f"a call holds at most {MAX_ENDPOINTS} devices")
            self._mine.setdefault(call.session_id, (call, {}))[1][endpoint.id] = endpoint
            self._start()

    async def put(self, call: Call, endpoint: Endpoint) -> None:
        with _reaching_redis():
            await self._write(call, endpoint, 0)

    async def withdraw(self, call: Call, endpoint_id: str) -> None:
        with _reaching_redis():
            mine = self._mine.get(call.session_id)
            if mine is not None:
                mine[1].pop(endpoint_id, None)
                if not mine[1]:
                    del self._mine[call.session_id]
            client = self._link.client
            await client.hdel(self._key(call.session_id), endpoint_id)
            await client.zrem(self._key(call.session_id, "until"), endpoint_id)

    async def endpoints(self, call: Call) -> list[SharedEndpoint]:
        with _reaching_redis():
            dropped, *raw = await self._list(keys=self._keys(call))
            if int(dropped) and self._dropped is not None:
                self._later(self._dropped(call))  # the others see the shorter roster
            found = []
            for value in raw:
                data = json.loads(value)
                found.append(SharedEndpoint(CallEndpointView.model_validate(data["v"]), data["o"]))
            return found

    async def permits(self, call: Call) -> set[int]:
        with _reaching_redis():
            return {
                int(m)
                for m in await self._link.client.smembers(self._key(call.session_id, "permits"))
            }

    async def permit(self, call: Call, class_id: int, allowed: bool) -> None:
        with _reaching_redis():
            key = self._key(call.session_id, "permits")
            if allowed:
                await self._link.client.sadd(key, class_id)
                await self._link.client.pexpire(key, KEY_TTL_MS)
            else:
                await self._link.client.srem(key, class_id)

    # -- messages between processes -----------------------------------------------------------

    def send(self, origin: str, message: dict[str, Any]) -> None:
        self._writer.append(self._stream(origin), TRIM, {"m": json.dumps(message)})

    def _on_entry(self, key: str, fields: Fields) -> None:
        self._inbox.put_nowait(json.loads(fields[b"m"]))
        self._start()

    # -- running ------------------------------------------------------------------------------

    def _start(self) -> None:
        if not self._tasks:
            loop = asyncio.get_running_loop()
            self._tasks = [
                loop.create_task(self._run_inbox(), name="calls-inbox"),
                loop.create_task(self._renew(), name="calls-renew"),
            ]

    async def _run_inbox(self) -> None:
        while True:
            message = await self._inbox.get()
            try:
                if self._deliver is not None:
                    await self._deliver(message)
            except Exception:
                log.exception("a call message was not delivered")

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                for call, endpoints in list(self._mine.values()):
                    dropped = 0
                    for endpoint in list(endpoints.values()):
                        dropped += max(0, await self._write(call, endpoint, 0))
                    if dropped and self._dropped is not None:
                        await self._dropped(call)
            except (RedisError, OSError, Unavailable) as exc:
                log.warning("call endpoints not renewed: %s", exc)
            except Exception:
                log.exception("renewing call endpoints failed")

    def _later(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a call's shorter roster was not pushed: %s", task.exception())

    async def stop(self) -> None:
        await cancel_and_wait(*self._tasks)
        self._tasks = []
