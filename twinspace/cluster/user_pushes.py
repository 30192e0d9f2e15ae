"""The per-user pushes behind `/ws/me` (notifications, unread counts) on every process.

The notification service publishes `UserPush` messages on the bus topic `user:<id>`; in the
cluster that bus is this one: each topic is a short Redis stream (`<prefix>:topic:user:<id>`,
the newest 100 entries for ten minutes), followed by the processes that have a socket of that
user. `/ws/me` has no replay (a reconnecting client reads the HTTP list), so a socket hears
the pushes from about the moment it subscribed on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from twinspace.cluster.redis_link import RedisLink
from twinspace.cluster.stream_reader import Fields, StreamReader, text
from twinspace.cluster.stream_writer import StreamWriter, Trim, newest_id_key
from twinspace.notifications.service import UserPush
from twinspace.realtime.bus import Listener, LocalBus

log = logging.getLogger("twinspace.cluster.user_pushes")

TRIM = Trim(length=100, age_ms=600_000, ttl_ms=600_000)


class StreamedUserBus:
    """A `Bus` for `UserPush` messages whose topics are Redis streams."""

    def __init__(self, link: RedisLink, reader: StreamReader, writer: StreamWriter) -> None:
        self._link = link
        self._reader = reader
        self._writer = writer
        self._local = LocalBus()
        self._holders: dict[str, int] = {}

    def key(self, topic: str) -> str:
        return self._link.key("topic", topic)

    def publish(self, topic: str, message: Any) -> None:
        if not isinstance(message, UserPush):
            raise TypeError(f"the user bus carries UserPush messages, not {type(message)}")
        body = json.dumps({"type": message.type, "data": message.data}, default=str)
        self._writer.append(self.key(topic), TRIM, {"b": body})

    def subscribe(self, topic: str, listener: Listener) -> Callable[[], None]:
        self._holders[topic] = self._holders.get(topic, 0) + 1
        unsubscribe = self._local.subscribe(topic, listener)
        task = asyncio.get_running_loop().create_task(self._follow(topic))
        task.add_done_callback(_log_failure)
        done = False

        def detach() -> None:
            nonlocal done
            if done:
                return
            done = True
            unsubscribe()
            left = self._holders.get(topic, 0) - 1
            if left > 0:
                self._holders[topic] = left
            else:
                self._holders.pop(topic, None)
                self._reader.unfollow(self.key(topic))

        return detach

    async def _follow(self, topic: str) -> None:
        key = self.key(topic)
        if self._reader.last_id(key) is not None:
            return
        newest = await self._link.client.get(newest_id_key(key))
        if self._holders.get(topic) and self._reader.last_id(key) is None:
            start = text(newest) if newest else "0-0"
            self._reader.follow(key, start, partial(self._on_entry, topic))

    def _on_entry(self, topic: str, entry_id: str, fields: Fields) -> None:
        body = json.loads(fields[b"b"])
        self._local.publish(topic, UserPush(body["type"], body["data"]))

    def topic_count(self) -> int:
        return self._local.topic_count()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("following a user's stream failed: %s", task.exception())
