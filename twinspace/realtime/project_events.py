"""Per-project event streams behind `/ws/projects/{id}`: envelopes, ids, replay and audiences.

Every event is encoded once, as `{"v":1,"id":...,"type":...,"ts":...,"data":{...}}`, and
published on the bus topic `project:<id>`; each connection decides per event whether its viewer
is in the audience (and subscribed to the event's scope) before sending the shared text.

Ids are `<epoch>-<seq>`: `seq` grows by one per event of a project and `epoch` names this
server run, so a client resuming with an id from before a restart is told to reload. Durable
events are kept in a replay buffer bounded by count and age; ephemeral ones (typing, presence)
get ids but are never replayed.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from twinspace.domain_events import (
    DomainEvent,
    MemberRoleChanged,
    PageDeleted,
    PageLockChanged,
    ProjectStateChanged,
)
from twinspace.realtime.bus import Bus
from twinspace.storage.records import ChannelRecord

PROTOCOL_VERSION = 1
SWEEP_EVERY = 256


class Group(StrEnum):
    """Which side of an item a viewer is on; every viewer is in exactly one group."""

    TEACHERS = "teachers"
    AUTHOR = "author"
    OTHERS = "others"


ALL_GROUPS = frozenset(Group)


class Viewer(Protocol):
    @property
    def user_id(self) -> int: ...

    @property
    def is_teacher(self) -> bool: ...

    def can_see_channel(self, channel: ChannelRecord) -> bool: ...


@dataclass(frozen=True, slots=True)
class Audience:
    """Who receives an event: groups relative to `author_id`, or exactly `users`, optionally
    narrowed to the viewers who may (or, with `channel_visible=False`, may not) see `channel`."""

    groups: frozenset[Group] = ALL_GROUPS
    author_id: int | None = None
    users: frozenset[int] | None = None
    channel: ChannelRecord | None = None
    channel_visible: bool = True

    @classmethod
    def teachers(cls) -> Audience:
        return cls(groups=frozenset({Group.TEACHERS}))

    @classmethod
    def only(cls, user_ids: Iterable[int]) -> Audience:
        return cls(users=frozenset(user_ids))

    def matches(self, viewer: Viewer) -> bool:
        if self.users is not None:
            if viewer.user_id not in self.users:
                return False
        elif group_of(viewer, self.author_id) not in self.groups:
            return False
        return self.channel is None or (
            viewer.can_see_channel(self.channel) is self.channel_visible
        )


EVERYONE = Audience()


def group_of(viewer: Viewer, author_id: int | None) -> Group:
    if viewer.is_teacher:
        return Group.TEACHERS
    return Group.AUTHOR if author_id is not None and viewer.user_id == author_id else Group.OTHERS


@dataclass(frozen=True, slots=True)
class Event:
    project_id: int
    seq: int
    id: str
    type: str
    text: str  # the encoded envelope, shared by every receiver
    audience: Audience
    scope: str | None  # "channel:<id>" / "board:<id>": only for subscribers; None: everyone
    at: float
    local: bool = True  # published by this process (in the cluster, others' events are not)


@dataclass(frozen=True, slots=True)
class Refresh:
    """Not an event: connections of `user_id` (or all, when None) reload their access."""

    project_id: int
    user_id: int | None


@dataclass(frozen=True, slots=True)
class Replay:
    events: list[Event]
    reload: str | None = None  # why the client must reload instead ("too-old", "restarted", ...)


@dataclass(frozen=True, slots=True)
class Attached:
    """A listener attached to a project's events: what it missed since its `since` (None when
    it gave none), the id it stands at now, and how to detach it."""

    replay: Replay | None
    position: str
    detach: Callable[[], None]


@dataclass(slots=True)
class _Stream:
    seq: int = 0
    floor: int = 0  # seq of the newest durable event evicted from the buffer
    buffer: deque[Event] = field(default_factory=deque)


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode(event_id: str, event_type: str, data: dict[str, Any], ts: str | None = None) -> str:
    return envelope(event_id, event_type, ts or timestamp(), encode_data(data))


def encode_data(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str)


def envelope(event_id: str, event_type: str, ts: str, data_json: str) -> str:
    """The frame around already encoded data (the cluster's streams carry data encoded)."""
    head = json.dumps(
        {"v": PROTOCOL_VERSION, "id": event_id, "type": event_type, "ts": ts},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return f'{head[:-1]},"data":{data_json}}}'


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def topic(project_id: int) -> str:
    return f"project:{project_id}"


class ProjectEventHub:
    def __init__(
        self,
        bus: Bus,
        *,
        replay_events: int,
        replay_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        epoch: str | None = None,
    ) -> None:
        self._bus = bus
        self._max_events = replay_events
        self._max_age = replay_seconds
        self._clock = clock
        self.epoch = epoch or _base36(time.time_ns() // 1000)
        self._streams: dict[int, _Stream] = {}
        self._published = itertools.count(1)

    def _stream(self, project_id: int) -> _Stream:
        stream = self._streams.get(project_id)
        if stream is None:
            stream = self._streams[project_id] = _Stream()
        return stream

    def event_id(self, seq: int) -> str:
        return f"{self.epoch}-{seq}"

    def position(self, project_id: int) -> str:
        """The id of the project's newest event: where a fresh client starts."""
        stream = self._streams.get(project_id)
        return self.event_id(stream.seq if stream else 0)

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
        stream = self._stream(project_id)
        stream.seq += 1
        event_id = self.event_id(stream.seq)
        event = Event(
            project_id,
            stream.seq,
            event_id,
            event_type,
            encode(event_id, event_type, data),
            audience,
            scope,
            self._clock(),
        )
        if durable:
            stream.buffer.append(event)
            self._prune(stream)
        if next(self._published) % SWEEP_EVERY == 0:
            for other in self._streams.values():
                self._prune(other)
        self._bus.publish(topic(project_id), event)

    def refresh(self, project_id: int, user_id: int | None) -> None:
        self._bus.publish(topic(project_id), Refresh(project_id, user_id))

    def _prune(self, stream: _Stream) -> None:
        oldest_allowed = self._clock() - self._max_age
        buffer = stream.buffer
        while buffer and (len(buffer) > self._max_events or buffer[0].at < oldest_allowed):
            stream.floor = buffer.popleft().seq

    def parse_id(self, event_id: str) -> tuple[str, int] | None:
        epoch, _, seq = event_id.rpartition("-")
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses
        if not epoch or not (seq.isascii() and seq.isdigit()) or len(seq) > 18:
            return None
        return epoch, int(seq)

    def replay(self, project_id: int, since: str) -> Replay:
        """The durable events after `since`, or why the client must reload instead."""
        parsed = self.parse_id(since)
        if parsed is None:
            return Replay([], reload="unknown-id")
        epoch, seq = parsed
        if epoch != self.epoch:
            return Replay([], reload="restarted")
        stream = self._stream(project_id)
        if seq > stream.seq:
            return Replay([], reload="unknown-id")
        self._prune(stream)
        if seq < stream.floor:
            return Replay([], reload="too-old")
        return Replay([event for event in stream.buffer if event.seq > seq])

    def subscribe(self, project_id: int, listener: Callable[[Any], None]) -> Callable[[], None]:
        return self._bus.subscribe(topic(project_id), listener)

    async def attach(
        self, project_id: int, since: str | None, listener: Callable[[Any], None]
    ) -> Attached:
        """Subscribe `listener` and replay what it missed after `since`, with nothing lost or
        doubled in between. The listener gets live events from the caller's next await on, so
        the caller sends its greeting and the replay first. (Here both happen at once; the
        cluster's hub reads its stream over the network.)"""
        replay = self.replay(project_id, since) if since else None
        return Attached(replay, self.position(project_id), self.subscribe(project_id, listener))

    def on_domain_event(self, event: DomainEvent) -> None:
        """Lock changes reach clients as events; role and state changes refresh access."""
        self.announce(event)
        self.reapply(event)

    def reapply(self, event: DomainEvent) -> None:
        """What a domain event changes for the sockets of this process: role and state
        changes refresh access. In the cluster every process does this (docs/cluster.md)."""
        if isinstance(event, ProjectStateChanged):
            self.refresh(event.project_id, None)
        elif isinstance(event, MemberRoleChanged):
            self.refresh(event.project_id, event.user_id)

    def announce(self, event: DomainEvent) -> None:
        """The client events a domain event makes, published once, by the process where it
        happened."""
        if isinstance(event, PageLockChanged):
            self.publish(
                event.project_id,
                "page.lock",
                {
                    "page_id": event.page_id,
                    "room": event.room,
                    "locked": event.locked,
                    "actor_id": event.actor_id,
                },
            )
        elif isinstance(event, PageDeleted):
            self.publish(
                event.project_id, "page.deleted", {"page_id": event.page_id, "room": event.room}
            )
        elif isinstance(event, ProjectStateChanged):
            self.publish(event.project_id, "project.state", {"state": event.state.value})
