"""Project events through one Redis stream per project (docs/cluster.md, "Project events
across processes"; docs/events-protocol.md, "Resuming").

Publishing appends the event to the project's stream (`<prefix>:events:<project id>`) and
nothing else: every process, the publishing one included, hands events to its sockets as its
stream reader reads them back, so all sockets of a project see one order — the stream's — and
an event's id is its stream id (`<ms>-<n>`). The stream is trimmed to about
`events_replay_events` entries no older than `events_replay_seconds`, so resuming with
`since` works on any process: the events after `since` are read from the stream itself.

Ephemeral events (typing, presence, rosters) go through the stream as well, flagged so that
a replay skips them: one path, one order, and a reconnecting reader loses none of them either.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Callable
from functools import partial
from typing import Any

from pydantic import TypeAdapter

from twinspace.cluster.redis_link import RedisLink
from twinspace.cluster.stream_reader import Fields, StreamReader, stream_id, text
from twinspace.cluster.stream_writer import StreamWriter, Trim, newest_id_key
from twinspace.realtime.bus import LocalBus
from twinspace.realtime.project_events import (
    EVERYONE,
    Attached,
    Audience,
    Event,
    ProjectEventHub,
    Replay,
    encode_data,
    envelope,
    timestamp,
    topic,
)

log = logging.getLogger("twinspace.cluster.project_streams")

STREAM_ID = re.compile(r"[0-9]{1,15}-[0-9]{1,19}")
_AUDIENCE: TypeAdapter[Audience] = TypeAdapter(Audience)

# KEYS: stream, newest-id side key. ARGV: the id to read after.
# Returns {exists, newest id, max deleted id, now in ms, entries after the id}.
READ_AFTER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local newest = redis.call('GET', KEYS[2])
if newest == false then newest = '' end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0, newest, '0-0', tostring(now), {}}
end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local deleted = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then newest = info[i + 1] end
  if info[i] == 'max-deleted-entry-id' then deleted = info[i + 1] end
end
return {1, newest, deleted, tostring(now), redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+')}
"""


def order_of(entry_id: str) -> int:
    """A stream id as one integer in stream order (the `seq` of a cluster event)."""
    ms, n = stream_id(entry_id)
    return ms * 1_000_000 + n


def encode_audience(audience: Audience) -> str:
    return "" if audience == EVERYONE else _AUDIENCE.dump_json(audience).decode()


def decode_audience(raw: bytes) -> Audience:
    return EVERYONE if not raw else _AUDIENCE.validate_json(raw)


class StreamedProjectEvents(ProjectEventHub):
    """The project event hub of a clustered process."""

    def __init__(
        self,
        link: RedisLink,
        reader: StreamReader,
        writer: StreamWriter,
        *,
        replay_events: int,
        replay_seconds: float,
    ) -> None:
        super().__init__(LocalBus(), replay_events=replay_events, replay_seconds=replay_seconds)
        self._link = link
        self._reader = reader
        self._writer = writer
        age_ms = int(replay_seconds * 1000)
        self._trim = Trim(length=replay_events, age_ms=age_ms, ttl_ms=age_ms)
        self._read_after = link.client.register_script(READ_AFTER)
        self._holders: dict[int, int] = {}  # project -> local listeners
        self.origin = secrets.token_hex(8)  # marks the events this process published

    def key(self, project_id: int) -> str:
        return self._link.key("events", project_id)

    # -- publishing -----------------------------------------------------------------------

    def publish(
        self,
        project_id: int,
        event_type: str,
        data: dict[str, Any],
        *,
        audience: Audience = EVERYONE,
        scope: str | None = None,
        durable: bool = True,
    ) -> None:
        self._writer.append(
            self.key(project_id),
            self._trim,
            {
                "t": event_type,
                "d": encode_data(data),
                "a": encode_audience(audience),
                "s": scope or "",
                "e": "" if durable else "1",
                "ts": timestamp(),
                "o": self.origin,
            },
        )

    def _on_entry(self, project_id: int, entry_id: str, fields: Fields) -> None:
        self._bus.publish(topic(project_id), self._event(project_id, entry_id, fields))

    def _event(self, project_id: int, entry_id: str, fields: Fields) -> Event:
        event_type = fields[b"t"].decode()
        text = envelope(entry_id, event_type, fields[b"ts"].decode(), fields[b"d"].decode())
        scope = fields[b"s"].decode() or None
        audience = decode_audience(fields[b"a"])
        local = fields.get(b"o", b"").decode() == self.origin
        return Event(
            project_id, order_of(entry_id), entry_id, event_type, text, audience, scope, 0.0, local
        )

    # -- following ------------------------------------------------------------------------

    def position(self, project_id: int) -> str:
        return self._reader.last_id(self.key(project_id)) or "0-0"

    def subscribe(self, project_id: int, listener: Callable[[Any], None]) -> Callable[[], None]:
        """Live events from about now on (the stream is followed from its newest id once that
        is known); sockets use `attach`, which also replays."""
        self._hold(project_id)
        unsubscribe = self._bus.subscribe(topic(project_id), listener)
        task = asyncio.get_running_loop().create_task(self._follow(project_id))
        task.add_done_callback(_log_failure)
        return self._detacher(project_id, unsubscribe)

    async def attach(
        self, project_id: int, since: str | None, listener: Callable[[Any], None]
    ) -> Attached:
        self._hold(project_id)
        try:
            await self._follow(project_id)
            replay: Replay | None = None
            floor: str | None = None
            if since:
                replay, floor = await self._catch_up(project_id, since)
        except BaseException:
            self._release(project_id)
            raise
        # no await from here on: the listener's first live event follows the replay
        if floor is None:
            unsubscribe = self._bus.subscribe(topic(project_id), listener)
            return Attached(
                replay, self.position(project_id), self._detacher(project_id, unsubscribe)
            )
        above = order_of(floor)

        def newer(message: Any) -> None:
            # the reader may still hand on events the replay already held
            if not isinstance(message, Event) or message.seq > above:
                listener(message)

        unsubscribe = self._bus.subscribe(topic(project_id), newer)
        return Attached(replay, floor, self._detacher(project_id, unsubscribe))

    async def _follow(self, project_id: int) -> None:
        key = self.key(project_id)
        if self._reader.last_id(key) is not None:
            return
        newest = await self._link.client.get(newest_id_key(key))
        if self._holders.get(project_id) and self._reader.last_id(key) is None:
            start = text(newest) if newest else "0-0"
            self._reader.follow(key, start, partial(self._on_entry, project_id))

    async def _catch_up(self, project_id: int, since: str) -> tuple[Replay, str | None]:
        """The durable events after `since` up to an id the reader has not passed (the floor),
        or why the client must reload (then no floor)."""
        if not STREAM_ID.fullmatch(since):
            return Replay([], reload="unknown-id"), None
        key = self.key(project_id)
        events: list[Event] = []
        after = since
        while True:
            exists, newest_raw, deleted_raw, now_raw, entries = await self._read_after(
                keys=[key, newest_id_key(key)], args=[after]
            )
            newest = newest_raw.decode() or "0-0"
            reload = self._why_reload(
                since if after == since else after, exists, newest, deleted_raw.decode()
            )
            if reload is not None:
                return Replay([], reload=reload), None
            oldest_allowed = int(now_raw) - self._trim.age_ms
            for raw_id, flat in entries:
                entry_id = raw_id.decode()
                fields = dict(zip(flat[::2], flat[1::2], strict=True))
                if fields.get(b"e"):
                    continue  # ephemeral: never replayed
                if stream_id(entry_id)[0] < oldest_allowed:
                    return Replay([], reload="too-old"), None
                events.append(self._event(project_id, entry_id, fields))
            if entries:
                newest = max(newest, entries[-1][0].decode(), key=stream_id)
            read_to = self._reader.last_id(key)
            if read_to is None or stream_id(read_to) <= stream_id(newest):
                return Replay(events), newest
            after = newest  # the reader handed on more meanwhile: read those too

    @staticmethod
    def _why_reload(since: str, exists: int, newest: str, deleted: str) -> str | None:
        if stream_id(since) > stream_id(newest):
            return "unknown-id"  # from the future, or from a stream Redis no longer has
        if not exists:
            # nothing kept: fine only when nothing happened after `since`
            return None if since == newest else "too-old"
        if stream_id(since) < stream_id(deleted):
            return "too-old"
        return None

    def _hold(self, project_id: int) -> None:
        self._holders[project_id] = self._holders.get(project_id, 0) + 1

    def _release(self, project_id: int) -> None:
        left = self._holders.get(project_id, 0) - 1
        if left > 0:
            self._holders[project_id] = left
            return
        self._holders.pop(project_id, None)
        self._reader.unfollow(self.key(project_id))

    def _detacher(self, project_id: int, unsubscribe: Callable[[], None]) -> Callable[[], None]:
        done = False

        def detach() -> None:
            nonlocal done
            if not done:
                done = True
                unsubscribe()
                self._release(project_id)

        return detach


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("following a project's stream failed: %s", task.exception())
