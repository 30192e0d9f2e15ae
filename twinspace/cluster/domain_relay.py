"""Domain events that close or restrict sockets act on every process (docs/cluster.md,
"Project events across processes").

The process where a member was removed, sessions were revoked, a page was locked or deleted, a
project archived, a role changed or "eyes on me" switched publishes the domain event on its own
bus as ever: its own sockets react, and the once-only work (client events, notifications,
audit) happens there. This relay also appends the event to one cluster-wide stream
(`<prefix>:domain`); every other process reads it back with its stream reader and runs only
the socket-side handlers (`local_effects`) — so a removed member's sockets close wherever they
are, and no notification is written twice. A stream rather than pub/sub: a process whose
Redis link broke reads what it missed when it comes back.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import secrets
from collections.abc import Awaitable, Callable

from pydantic import TypeAdapter
from redis.exceptions import RedisError

from twinspace.cluster.redis_link import RedisLink
from twinspace.cluster.stream_reader import Fields, StreamReader, text
from twinspace.cluster.stream_writer import StreamWriter, Trim, newest_id_key
from twinspace.domain_events import (
    DomainEvent,
    LiveSessionChanged,
    MemberRemoved,
    MemberRoleChanged,
    PageDeleted,
    PageLockChanged,
    ProjectStateChanged,
    PupilConsentChanged,
    SessionEnded,
    SessionsRevoked,
)
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.domain_relay")

RELAYED: dict[str, type[DomainEvent]] = {
    kind.__name__: kind
    for kind in (
        MemberRemoved,
        MemberRoleChanged,
        ProjectStateChanged,
        SessionsRevoked,
        SessionEnded,
        PageLockChanged,
        PageDeleted,
        LiveSessionChanged,
        PupilConsentChanged,
    )
}
_ADAPTERS: dict[str, TypeAdapter[DomainEvent]] = {
    name: TypeAdapter(kind) for name, kind in RELAYED.items()
}
TRIM = Trim(length=10_000, age_ms=3_600_000)

LocalEffect = Callable[[DomainEvent], Awaitable[None] | None]


class DomainEventRelay:
    def __init__(
        self,
        link: RedisLink,
        reader: StreamReader,
        writer: StreamWriter,
        local_effects: list[LocalEffect],
    ) -> None:
        self._link = link
        self._reader = reader
        self._writer = writer
        self._effects = local_effects
        self.origin = secrets.token_hex(8)
        self.key = link.key("domain")
        self._inbox: asyncio.Queue[DomainEvent] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.applied = 0

    def on_event(self, event: DomainEvent) -> None:
        """Subscribed to this process's domain event bus: pass the event on to the others."""
        name = type(event).__name__
        adapter = _ADAPTERS.get(name)
        if adapter is None:
            return
        body = adapter.dump_json(event).decode()
        self._writer.append(self.key, TRIM, {"o": self.origin, "k": name, "b": body})

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._apply(), name="domain-relay")
        wait = 0.05
        while True:
            try:
                newest = await self._link.client.get(newest_id_key(self.key))
                break
            except (RedisError, OSError) as exc:
                log.warning("cannot reach Redis to follow domain events (%s); retrying", exc)
                await asyncio.sleep(wait)
                wait = min(wait * 2, 2.0)
        self._reader.follow(self.key, text(newest) if newest else "0-0", self._on_entry)

    async def stop(self) -> None:
        self._reader.unfollow(self.key)
        task, self._task = self._task, None
        await cancel_and_wait(task)

    def _on_entry(self, entry_id: str, fields: Fields) -> None:
        if fields.get(b"o", b"").decode() == self.origin:
            return  # this process applied it when it happened
        adapter = _ADAPTERS.get(fields[b"k"].decode())
        if adapter is None:
            log.warning("unknown domain event %r in %s", fields[b"k"], entry_id)
            return
        self._inbox.put_nowait(adapter.validate_json(fields[b"b"]))

    async def _apply(self) -> None:
        """One at a time, in stream order (a role change before the removal that follows)."""
        while True:
            event = await self._inbox.get()
            for effect in self._effects:
                try:
                    result = effect(event)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    log.exception("applying %s from another process failed", type(event).__name__)
            self.applied += 1
