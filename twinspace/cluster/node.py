"""What a clustered process adds to the embedded one, built once by the service container
(docs/cluster.md): the Redis link, the stream reader and writer, the project event hub and
user bus on streams, shared presence and calls, the domain event relay and the limits kept in
Redis."""

from __future__ import annotations

import asyncio
import logging

from twinspace.cluster.calls import SharedCalls
from twinspace.cluster.domain_relay import DomainEventRelay, LocalEffect
from twinspace.cluster.limits import (
    RedisConnectionCap,
    RedisRateGate,
    RedisSignInThrottle,
    RedisSlowMode,
)
from twinspace.cluster.presence import SharedPresence
from twinspace.cluster.project_streams import StreamedProjectEvents
from twinspace.cluster.redis_link import RedisLink
from twinspace.cluster.stream_reader import StreamReader
from twinspace.cluster.stream_writer import StreamWriter
from twinspace.cluster.user_pushes import StreamedUserBus
from twinspace.config import Settings

log = logging.getLogger("twinspace.cluster")


class ClusterNode:
    def __init__(self, settings: Settings, link: RedisLink) -> None:
        self.settings = settings
        self.link = link
        self.reader = StreamReader(link)
        self.writer = StreamWriter(link)
        self.project_events = StreamedProjectEvents(
            link,
            self.reader,
            self.writer,
            replay_events=settings.events_replay_events,
            replay_seconds=settings.events_replay_seconds,
        )
        self.presence = SharedPresence(self.project_events, link)
        self.calls = SharedCalls(link, self.reader, self.writer)
        self.user_bus = StreamedUserBus(link, self.reader, self.writer)
        self.connection_cap = RedisConnectionCap(link)
        self.post_rate = RedisRateGate(
            link, "posts", settings.posts_per_minute / 60, settings.post_burst
        )
        self.slow_mode = RedisSlowMode(link)
        self.sign_in = RedisSignInThrottle(
            link,
            per_account_address=settings.login_failures_per_account_address,
            per_account=settings.login_failures_per_account,
            per_address=settings.login_failures_per_address,
            window=settings.login_window_seconds,
            known_address_seconds=settings.login_known_address_days * 86_400,
        )
        self.relay: DomainEventRelay | None = None
        self._starting: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> ClusterNode | None:
        link = RedisLink.from_settings(settings)
        return None if link is None else cls(settings, link)

    def join_attempts(self, per_minute: float, burst: int) -> RedisRateGate:
        return RedisRateGate(self.link, "join-code", per_minute / 60, burst)

    def relay_domain_events(self, local_effects: list[LocalEffect]) -> DomainEventRelay:
        """Socket-side handlers every process runs for the domain events of the others."""
        self.relay = DomainEventRelay(self.link, self.reader, self.writer, local_effects)
        return self.relay

    def start(self) -> None:
        """Start reading and writing streams (a serving process; one-shot commands skip it)."""
        self.reader.start()
        self.writer.start()
        if self.relay is not None:
            self._starting = asyncio.get_running_loop().create_task(self.relay.start())

    async def stop(self) -> None:
        await self.presence.stop()
        await self.calls.stop()
        await self.writer.stop()
        if self._starting is not None:
            await asyncio.gather(self._starting, return_exceptions=True)
        if self.relay is not None:
            await self.relay.stop()
        await self.connection_cap.stop()
        await self.reader.stop()
        await self.link.close()
