"""Rooms: one live CRDT document per page, shared by its connected clients.

A room is loaded once however many clients join at the same moment, relays document updates
and awareness between its clients, persists every update, and is unloaded `room_grace_seconds`
after its last client leaves. Everything here runs on the event-loop thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol, TypeVar

from twinspace.config import Settings
from twinspace.realtime import crdt
from twinspace.realtime.awareness import AwarenessLimits, RoomAwareness
from twinspace.realtime.persistence import DocumentPersistence
from twinspace.realtime.protocol import SyncUpdate, encode_message

log = logging.getLogger("twinspace.realtime.rooms")
_T = TypeVar("_T")


class RoomState(Enum):
    LOADING = "loading"
    OPEN = "open"
    UNLOADING = "unloading"
    CLOSED = "closed"


class InvalidRoomState(RuntimeError):
    pass


class RoomClient(Protocol):
    """A connection as a room sees it."""

    user_id: int
    can_write: bool
    # non-empty edits refused while it could not write: it must rebuild before writing
    # (docs_ws.py closes it with 4409 when it may write again)
    refused_edits: int

    def __hash__(self) -> int: ...

    def send(self, frame: bytes) -> None:
        """Queue a frame without blocking (a full queue closes the client)."""
        ...

    def close(self, code: int, reason: str) -> None: ...

    def allow_writing(self, allowed: bool) -> None:
        """Apply a recomputed right to write (a lock, role or live-session change)."""
        ...


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """What the room needs to know about the page it holds."""

    room: str
    page_id: int
    project_id: int


@dataclass(eq=False)
class Room:
    info: RoomInfo
    doc: crdt.Document
    size: int
    state: RoomState = RoomState.LOADING
    clients: set[RoomClient] = field(default_factory=set)
    awareness: RoomAwareness = field(default_factory=RoomAwareness)
    pins: int = 0
    edited: bool = False  # changed since the last automatic version
    origin: RoomClient | None = None
    last_editor: int | None = None  # the user whose update was integrated last (None: server)
    # Clustered mode: the document holds every stored update of the page up to this id
    # (docs/cluster.md, "Pages across processes"); None when untracked (embedded: every stored
    # update came from this very document).
    applied_upto: int | None = None
    applying_peer_update: bool = False
    unload_timer: asyncio.TimerHandle | None = None
    _unsubscribe: Callable[[], None] | None = None

    @property
    def name(self) -> str:
        return self.info.room

    def require_open(self) -> None:
        if self.state is not RoomState.OPEN:
            raise InvalidRoomState(f"room {self.name} is {self.state.value}")

    def broadcast(self, frame: bytes, *, exclude: RoomClient | None = None) -> None:
        for client in list(self.clients):
            if client is not exclude:
                client.send(frame)


class DocumentTooLarge(Exception):
    pass


class StoreBackedUp(Exception):
    """The page store has been failing long enough that edits are refused for now."""


EditListener = Callable[[Room], None]
# (room, awareness frame, user id of the connection it came from)
AwarenessListener = Callable[[Room, bytes, int], None]


class RoomManager:
    def __init__(
        self, settings: Settings, persistence: DocumentPersistence, engine: crdt.Engine
    ) -> None:
        self._settings = settings
        self._persistence = persistence
        self._engine = engine
        self.rooms: dict[str, Room] = {}
        self._loading: dict[str, asyncio.Task[Room]] = {}
        self._unloading: dict[str, asyncio.Task[None]] = {}
        self.loads = 0
        self._edit_listeners: list[EditListener] = []
        self._unload_listeners: list[EditListener] = []
        self._open_listeners: list[EditListener] = []
        self._awareness_listeners: list[AwarenessListener] = []
        persistence.live_state = self._live_state

    def _live_state(self, name: str, upto: int) -> bytes | None:
        room = self.rooms.get(name)
        if room is None or room.state is not RoomState.OPEN:
            return None
        if room.applied_upto is not None and room.applied_upto < upto:
            return None  # other processes stored updates it has not applied yet
        return room.doc.encode_state_as_update()

    # -- listeners (versions, moderation scans) -----------------------------------------------

    def on_edit(self, listener: EditListener) -> None:
        self._edit_listeners.append(listener)

    def on_unload(self, listener: EditListener) -> None:
        self._unload_listeners.append(listener)

    def on_open(self, listener: EditListener) -> None:
        """Call `listener(room)` when a room has loaded (the cluster relay subscribes)."""
        self._open_listeners.append(listener)

    def on_awareness(self, listener: AwarenessListener) -> None:
        """Call `listener(room, frame, user_id)` for awareness relayed from a local client."""
        self._awareness_listeners.append(listener)

    # -- joining and leaving ------------------------------------------------------------------

    async def join(self, info: RoomInfo, client: RoomClient) -> Room:
        room = await self._open(info)
        room.clients.add(client)
        return room

    def leave(self, room: Room, client: RoomClient) -> bytes | None:
        """Remove `client`; returns the awareness frame that removes its states (relayed)."""
        room.clients.discard(client)
        removal = room.awareness.disconnect(client)
        if removal is not None:
            self.relay_awareness(room, removal, client.user_id)
        self._maybe_schedule_unload(room)
        return removal

    def relay_awareness(self, room: Room, frame: bytes, user_id: int) -> None:
        """Relay an awareness frame from a local client to the room's clients (the sender
        included) and to the room's listeners (other processes)."""
        room.broadcast(frame)
        for listener in list(self._awareness_listeners):
            try:
                listener(room, frame, user_id)
            except Exception:
                log.exception("awareness listener failed")

    @asynccontextmanager
    async def pinned(self, info: RoomInfo) -> AsyncIterator[Room]:
        """Hold a room open for server-side work (restore, versions) without a client."""
        room = await self._open(info)
        room.pins += 1
        try:
            yield room
        finally:
            room.pins -= 1
            self._maybe_schedule_unload(room)

    async def _open(self, info: RoomInfo) -> Room:
        while True:
            unloading = self._unloading.get(info.room)
            if unloading is not None and not unloading.done():
                # A finished unload is skipped, not awaited: awaiting a done task does not
                # yield, and its done callback (which forgets it) would never get to run.
                await asyncio.shield(unloading)
                continue
            room = self.rooms.get(info.room)
            if room is not None and room.state is RoomState.OPEN:
                if room.unload_timer is not None:
                    room.unload_timer.cancel()
                    room.unload_timer = None
                return room
            task = self._loading.get(info.room)
            if task is None:
                task = asyncio.create_task(self._load(info), name=f"load:{info.room}")
                self._loading[info.room] = task
                task.add_done_callback(
                    lambda done: self._forget_task(self._loading, info.room, done)
                )
            return await asyncio.shield(task)

    async def _load(self, info: RoomInfo) -> Room:
        stored = await self._persistence.load(info.room)
        doc = crdt.Document(self._engine)
        doc.load(([stored.snapshot] if stored.snapshot else []) + [u for _, u in stored.updates])
        head = max([stored.upto_update_id, *(update_id for update_id, _ in stored.updates)])
        settings = self._settings
        limits = AwarenessLimits(
            clients_per_connection=settings.awareness_clients_per_connection,
            state_bytes=settings.awareness_state_bytes,
            connection_bytes=settings.awareness_connection_bytes,
        )
        room = Room(info=info, doc=doc, size=stored.size, awareness=RoomAwareness(limits))
        if settings.clustered:
            room.applied_upto = head
        room._unsubscribe = doc.on_update(lambda event: self._integrated(room, event))
        room.state = RoomState.OPEN
        self.rooms[info.room] = room
        self.loads += 1
        for listener in list(self._open_listeners):
            try:
                listener(room)
            except Exception:
                log.exception("room-open listener failed")
        self._maybe_schedule_unload(room)
        return room

    @staticmethod
    def _forget_task(tasks: dict[str, asyncio.Task[_T]], name: str, done: asyncio.Task[_T]) -> None:
        if tasks.get(name) is done:  # not a newer load or unload of the same room
            del tasks[name]

    def _maybe_schedule_unload(self, room: Room) -> None:
        if room.clients or room.pins or room.state is not RoomState.OPEN:
            return
        if room.unload_timer is not None:
            room.unload_timer.cancel()
        loop = asyncio.get_running_loop()
        room.unload_timer = loop.call_later(
            self._settings.room_grace_seconds, self._start_unload, room
        )

    def _start_unload(self, room: Room) -> None:
        room.unload_timer = None
        if room.clients or room.pins or room.state is not RoomState.OPEN:
            return
        task = asyncio.create_task(self._unload(room), name=f"unload:{room.name}")
        self._unloading[room.name] = task
        task.add_done_callback(lambda done: self._forget_task(self._unloading, room.name, done))

    async def _unload(self, room: Room) -> None:
        room.state = RoomState.UNLOADING
        if self.rooms.get(room.name) is room:
            del self.rooms[room.name]
        try:
            await self._persistence.flush()
            for listener in list(self._unload_listeners):
                listener(room)
        finally:
            if room._unsubscribe is not None:
                room._unsubscribe()
            room._unsubscribe = None
            room.state = RoomState.CLOSED
            self._persistence.forget(room.name)
            # closed means gone from the counters too, not one loop turn later
            current = asyncio.current_task()
            if current is not None and self._unloading.get(room.name) is current:
                del self._unloading[room.name]

    # -- document traffic -------------------------------------------------------------------

    def apply_client_update(self, room: Room, client: RoomClient, update: bytes) -> bool:
        """Apply a client's update; False when the client may not write (update dropped).

        What is refused is decided by the connection's own right to write, never by the Yjs
        client ids in the update (anyone can write any id): a read-only connection that sends
        something new is counted in `refused_edits`, and nothing else remembers it.
        Raises `crdt.MalformedUpdate` on bad bytes and `DocumentTooLarge` over the limit.
        """
        room.require_open()
        if not client.can_write:
            if room.doc.holds_news(update):
                client.refused_edits += 1
            return False
        if not self._persistence.accepting:
            raise StoreBackedUp("the page store is unavailable; try again later")
        if room.size + len(update) > self._settings.max_document_bytes:
            raise DocumentTooLarge(
                f"the page may hold at most {self._settings.max_document_bytes} bytes"
            )
        room.origin = client
        try:
            room.doc.apply_update(update)
        finally:
            room.origin = None
        return True

    def apply_peer_update(self, room: Room, update: bytes) -> None:
        """Apply an update another process stored (clustered mode): its clients get it; it is
        neither stored again nor counted as an edit here. Raises `crdt.MalformedUpdate`."""
        if room.state is not RoomState.OPEN:
            return
        room.applying_peer_update = True
        try:
            room.doc.apply_update(update)
        finally:
            room.applying_peer_update = False

    def apply_server_update(self, room: Room, produce: Callable[[crdt.Document], object]) -> None:
        """Run a server-side edit (restore); the update reaches every client."""
        room.require_open()
        produce(room.doc)

    def _integrated(self, room: Room, event: crdt.UpdateEvent) -> None:
        room.size += len(event.update)
        if room.applying_peer_update:
            room.broadcast(encode_message(SyncUpdate(event.update)))
            return
        room.edited = True
        room.last_editor = room.origin.user_id if room.origin is not None else None
        self._persistence.append(room.name, event.update)
        # Only the first update of an apply is the origin's own; later ones (updates that
        # waited for this one) are new to the origin too.
        room.broadcast(encode_message(SyncUpdate(event.update)), exclude=room.origin)
        room.origin = None
        for listener in list(self._edit_listeners):
            listener(room)

    # -- shutdown -------------------------------------------------------------------------------

    async def close_all(self, code: int, reason: str) -> None:
        for room in list(self.rooms.values()):
            for client in list(room.clients):
                client.close(code, reason)
        if self._loading:
            await asyncio.gather(*self._loading.values(), return_exceptions=True)
        for room in list(self.rooms.values()):
            room.clients.clear()
            if room.unload_timer is not None:
                room.unload_timer.cancel()
            await self._unload(room)
        if self._unloading:
            await asyncio.gather(*self._unloading.values(), return_exceptions=True)

    def stats(self) -> dict[str, int]:
        return {
            "rooms": len(self.rooms),
            "loading": len(self._loading),
            "unloading": len(self._unloading),
            "clients": sum(len(r.clients) for r in self.rooms.values()),
            "awareness_clients": sum(len(r.awareness.states()) for r in self.rooms.values()),
        }
