"""Pages across processes: page updates and awareness over Redis pub/sub, document state from
the stored update log (docs/cluster.md, "Pages across processes").

Pub/sub is only the fast path. Every update is committed to `doc_updates` before it is
published, each room's updates become visible in id order (`DocumentRepo.append_run`), and a
process knows for each open room the id up to which its document holds the log
(`Room.applied_upto`). A published run names the id it follows: when that is not the id the
room is at, a message was lost or is late, and the process reads the log from its own id on.
It also compares every open room with the log's head every `cluster_reconcile_seconds` (a lost
*last* message leaves no later message to notice it by) and after Redis comes back. CRDT
updates are idempotent, so reading something twice does no harm.

Awareness (cursors, names) is ephemeral: pub/sub only. Each process says it is alive every
`cluster_heartbeat_seconds`; one not heard for `cluster_peer_timeout_seconds` has its clients'
awareness removed everywhere else.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import random
import secrets
import socket
from collections.abc import Coroutine
from typing import Any

import redis.asyncio as redis_asyncio
from redis.exceptions import RedisError

from twinspace.cluster.redis_link import RedisLink
from twinspace.config import Settings
from twinspace.realtime import crdt
from twinspace.realtime.awareness import PeerOwner
from twinspace.realtime.persistence import CommittedRun, DocumentPersistence
from twinspace.realtime.protocol import AwarenessMessage, MalformedMessage, decode_message
from twinspace.realtime.rooms import Room, RoomManager, RoomState
from twinspace.storage import Storage
from twinspace.worker import cancel_and_wait

log = logging.getLogger("twinspace.cluster.pages")

# a gap a message left is given this long to be filled by a late message before the log is read
GAP_GRACE_SECONDS = 0.1
OUTGOING_LIMIT = 10_000
RESUBSCRIBE_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0)
DRAIN_SECONDS = 1.0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


class PageRelay:
    """One per process in clustered mode: links this process's rooms with the others'."""

    def __init__(
        self,
        link: RedisLink,
        rooms: RoomManager,
        persistence: DocumentPersistence,
        storage: Storage,
        settings: Settings,
    ) -> None:
        self._link = link
        self._rooms = rooms
        self._storage = storage
        self._settings = settings
        self.process = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._page_prefix = link.key("page", "")
        self._alive_channel = link.key("pages", "alive")
        self._outgoing: asyncio.Queue[tuple[str, str]] = asyncio.Queue(OUTGOING_LIMIT)
        self._pubsub: Any = None  # redis.asyncio.client.PubSub while subscribed
        self._peers: dict[str, float] = {}  # process -> loop time it was last heard
        self._runs: dict[str, dict[int, int]] = {}  # room -> {after: last} held beyond applied
        self._reconciling: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._gap_checks: set[str] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._side_tasks: set[asyncio.Task[None]] = set()  # (un)subscriptions under way
        self._publish_failing = False
        self.connected = False
        self.reconciled_updates = 0  # updates that reached a room through the log, not pub/sub
        self.reconciliations = 0
        self.dropped_for_tests = 0
        rooms.on_open(self._opened)
        rooms.on_unload(self._unloaded)
        rooms.on_awareness(self._awareness_out)
        persistence.on_commit(self._committed)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        loop_tasks = [
            (self._listen(), "pages-listen"),
            (self._publish(), "pages-publish"),
            (self._heartbeat(), "pages-heartbeat"),
        ]
        if self.reconciling:
            loop_tasks.append((self._reconcile_ticks(), "pages-reconcile"))
        self._tasks = [asyncio.create_task(coro, name=name) for coro, name in loop_tasks]

    async def stop(self) -> None:
        """Publish what is queued (the last runs, the departing clients' cursor removals) for
        up to a second, then stop."""
        if self._tasks:
            try:
                async with asyncio.timeout(DRAIN_SECONDS):
                    await self._outgoing.join()
            except TimeoutError:
                log.warning("%d page messages not published at shutdown", self._outgoing.qsize())
        tasks = [*self._tasks, *self._reconciling.values(), *self._side_tasks]
        await cancel_and_wait(*tasks)
        self._tasks = []
        if self._pubsub is not None:
            try:
                await self._pubsub.aclose()
            except (RedisError, OSError):
                pass
            self._pubsub = None

    @property
    def reconciling(self) -> bool:
        """False only in the fault tests' bare-relay mode (`cluster_reconcile_seconds` 0)."""
        return self._settings.cluster_reconcile_seconds > 0

    def channel(self, room: str) -> str:
        return self._page_prefix + room

    # -- rooms opening and closing ----------------------------------------------------------

    def _opened(self, room: Room) -> None:
        self._runs.pop(room.name, None)
        self._spawn(self._subscribe(room))

    async def _subscribe(self, room: Room) -> None:
        pubsub = self._pubsub
        if pubsub is not None:
            try:
                await pubsub.subscribe(self.channel(room.name))
            except (RedisError, OSError) as exc:
                # the listener resubscribes every open room when it reconnects
                log.warning("subscribing to page %s failed: %s", room.name, exc)
        # what was stored between the room's load and the subscription
        self._reconcile(room.name)
        self._exchange_awareness(room)

    def _exchange_awareness(self, room: Room) -> None:
        """Ask the others for the cursors on the page, without waiting for their renewals, and
        tell them ours."""
        self._send(self.channel(room.name), {"k": "aw?", "p": self.process})
        for user_id, frame in room.awareness.local_frames():
            self._awareness_out(room, frame, user_id)

    def _unloaded(self, room: Room) -> None:
        self._runs.pop(room.name, None)
        pubsub = self._pubsub
        if pubsub is not None and not self._open(room.name):
            self._spawn(self._unsubscribe(pubsub, room.name))

    async def _unsubscribe(self, pubsub: Any, name: str) -> None:
        try:
            await pubsub.unsubscribe(self.channel(name))
        except (RedisError, OSError):
            pass  # a new subscription after reconnecting leaves it out anyway

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    def _open(self, name: str) -> Room | None:
        room = self._rooms.rooms.get(name)
        if room is None or room.state is not RoomState.OPEN or room.applied_upto is None:
            return None
        return room

    # -- outgoing -----------------------------------------------------------------------------

    def _send(self, channel: str, message: dict[str, Any]) -> None:
        try:
            self._outgoing.put_nowait((channel, json.dumps(message, separators=(",", ":"))))
        except asyncio.QueueFull:
            pass  # Redis is far behind: the log and awareness renewals make up for it

    def _committed(self, runs: list[CommittedRun]) -> None:
        """This process stored runs: they are in its documents already; tell the others."""
        for run in runs:
            room = self._open(run.room)
            if room is not None:
                self._held(room, run.after, run.last)
            if random.random() < self._settings.cluster_drop_page_updates:
                self.dropped_for_tests += 1
                continue
            self._send(
                self.channel(run.room),
                {
                    "k": "log",
                    "p": self.process,
                    "after": run.after,
                    "last": run.last,
                    "u": [_b64(update) for update in run.updates],
                },
            )

    def _awareness_out(self, room: Room, frame: bytes, user_id: int) -> None:
        self._send(
            self.channel(room.name),
            {"k": "aw", "p": self.process, "user": user_id, "f": _b64(frame)},
        )

    async def _publish(self) -> None:
        client: redis_asyncio.Redis = self._link.client
        while True:
            channel, payload = await self._outgoing.get()
            try:
                await client.publish(channel, payload)
                self._publish_failing = False
            except (RedisError, OSError) as exc:
                if not self._publish_failing:
                    log.warning("publishing to Redis failed (%s): the stored log covers it", exc)
                self._publish_failing = True
            finally:
                self._outgoing.task_done()

    async def _heartbeat(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._send(self._alive_channel, {"k": "alive", "p": self.process})
            now = loop.time()
            for process, seen in list(self._peers.items()):
                if now - seen > self._settings.cluster_peer_timeout_seconds:
                    del self._peers[process]
                    log.info("process %s went quiet: removing its clients' awareness", process)
                    for room in list(self._rooms.rooms.values()):
                        removal = room.awareness.disconnect(PeerOwner(process))
                        if removal is not None:
                            room.broadcast(removal)
            await asyncio.sleep(self._settings.cluster_heartbeat_seconds)

    # -- incoming -----------------------------------------------------------------------------

    async def _listen(self) -> None:
        attempt = 0
        lost = False
        while True:
            pubsub = self._link.client.pubsub()
            try:
                channels = {self._alive_channel}
                channels |= {self.channel(name) for name in list(self._rooms.rooms)}
                await pubsub.subscribe(*channels)
                self._pubsub = pubsub  # rooms opening from now on subscribe themselves
                opened = {self.channel(name) for name in list(self._rooms.rooms)} - channels
                if opened:
                    await pubsub.subscribe(*opened)
                self.connected = True
                attempt = 0
                if lost:
                    log.info("Redis is back: pages resubscribed, reading the log for all")
                    for name in list(self._rooms.rooms):
                        self._reconcile(name)
                        room = self._open(name)
                        if room is not None:  # cursors the others may have dropped meanwhile
                            self._exchange_awareness(room)
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    if message is not None and message.get("type") == "message":
                        self._received(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                if not lost or attempt == 0:
                    log.warning("page pub/sub lost (%s); reconnecting", exc)
                lost = True
            finally:
                self.connected = False
                self._pubsub = None
                try:
                    await pubsub.aclose()
                except (RedisError, OSError):
                    pass
            await asyncio.sleep(RESUBSCRIBE_DELAYS[min(attempt, len(RESUBSCRIBE_DELAYS) - 1)])
            attempt += 1

    def _received(self, channel: bytes, data: bytes) -> None:
        try:
            message = json.loads(data)
            process = str(message["p"])
            if process == self.process:
                return
            self._peers[process] = asyncio.get_running_loop().time()
            name = channel.decode("utf-8")
            if not name.startswith(self._page_prefix):
                return  # a heartbeat
            room = self._open(name[len(self._page_prefix) :])
            if room is None:
                return
            if message["k"] == "log":
                updates = [_unb64(text) for text in message["u"]]
                self._run_received(room, int(message["after"]), int(message["last"]), updates)
            elif message["k"] == "aw":
                self._awareness_in(room, process, int(message["user"]), _unb64(message["f"]))
            elif message["k"] == "aw?":
                for user_id, frame in room.awareness.local_frames():
                    self._awareness_out(room, frame, user_id)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, MalformedMessage) as exc:
            log.warning("ignoring a malformed page message: %s", exc)

    def _awareness_in(self, room: Room, process: str, user_id: int, frame: bytes) -> None:
        message = decode_message(frame)
        if not isinstance(message, AwarenessMessage):
            return
        relay = room.awareness.apply_peer(PeerOwner(process), user_id, message.entries)
        if relay is not None:
            room.broadcast(relay)

    def _run_received(self, room: Room, after: int, last: int, updates: list[bytes]) -> None:
        assert room.applied_upto is not None
        if last <= room.applied_upto:
            return  # already read from the log
        for update in updates:
            try:
                self._rooms.apply_peer_update(room, update)
            except crdt.MalformedUpdate:
                log.error("a stored update of %s does not decode", room.name)
        self._held(room, after, last)

    # -- the log ------------------------------------------------------------------------------

    def _held(self, room: Room, after: int, last: int) -> None:
        """The room's document holds the run (after, last]: advance its position through every
        contiguous run it holds; a gap left open is looked for in the log shortly."""
        assert room.applied_upto is not None
        if last <= room.applied_upto:
            return
        self._runs.setdefault(room.name, {})[after] = last
        self._advance(room)

    def _advance(self, room: Room) -> None:
        assert room.applied_upto is not None
        runs = self._runs.get(room.name, {})
        while room.applied_upto in runs:
            room.applied_upto = runs.pop(room.applied_upto)
        for start in [a for a, end in runs.items() if end <= room.applied_upto]:
            del runs[start]
        if not runs:
            self._runs.pop(room.name, None)
        elif self.reconciling and room.name not in self._gap_checks:
            self._gap_checks.add(room.name)
            asyncio.get_running_loop().call_later(GAP_GRACE_SECONDS, self._check_gap, room.name)

    def _check_gap(self, name: str) -> None:
        self._gap_checks.discard(name)
        if self._runs.get(name):
            self._reconcile(name)

    def _reconcile(self, name: str) -> None:
        """Read the room's log from its position on (at most one read per room at a time)."""
        if not self.reconciling:
            return
        if name in self._reconciling:
            self._again.add(name)
            return
        task = asyncio.get_running_loop().create_task(self._catch_up(name))
        self._reconciling[name] = task
        task.add_done_callback(lambda _done: self._reconciling.pop(name, None))

    async def _catch_up(self, name: str) -> None:
        try:
            while True:
                self._again.discard(name)
                room = self._open(name)
                if room is None or room.applied_upto is None:
                    return
                missing = await self._storage.documents.load_since(name, room.applied_upto)
                if self._open(name) is not room or room.applied_upto is None:
                    return
                self.reconciliations += 1
                if missing.snapshot is not None and missing.upto_update_id > room.applied_upto:
                    log.info("%s fell behind a compaction: applying its snapshot", name)
                    self._rooms.apply_peer_update(room, missing.snapshot)
                    room.applied_upto = missing.upto_update_id
                    self.reconciled_updates += 1
                for update_id, update in missing.updates:
                    if update_id > room.applied_upto:
                        self._rooms.apply_peer_update(room, update)
                        room.applied_upto = update_id
                        self.reconciled_updates += 1
                self._advance(room)
                if name not in self._again:
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reading the stored log of %s failed; the next tick retries", name)

    async def _reconcile_ticks(self) -> None:
        """Compare every open room with the head of its stored log, in one query."""
        while True:
            await asyncio.sleep(self._settings.cluster_reconcile_seconds)
            behind = {
                name: room.applied_upto
                for name, room in list(self._rooms.rooms.items())
                if room.state is RoomState.OPEN and room.applied_upto is not None
            }
            if not behind:
                continue
            try:
                heads = await self._storage.documents.heads(list(behind))
            except Exception as exc:
                log.warning("reading the heads of page logs failed: %s", exc)
                continue
            for name, head in heads.items():
                room = self._open(name)
                if room is not None and room.applied_upto is not None and head > room.applied_upto:
                    self._reconcile(name)

    def stats(self) -> dict[str, int]:
        return {
            "peers": len(self._peers),
            "reconciled_updates": self.reconciled_updates,
            "reconciliations": self.reconciliations,
            "gaps": sum(len(runs) for runs in self._runs.values()),
        }
