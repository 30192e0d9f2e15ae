"""Every open websocket, by user and by session: the per-user cap, and closing sockets whose
right to be open ended.

Both websocket endpoints register here, so `max_connections_per_user` counts all of a user's
sockets. A socket follows the session it was authenticated with (docs/events-protocol.md,
"Close codes"): signing that session out, revoking the user's sessions (sign-out everywhere,
password change or reset, erasure, deactivation) or the session reaching its expiry closes
it with 4401, and removing the member from the project closes it with 4403.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime
from typing import Protocol

from twinspace.clock import QUIET_CONTEXT, utcnow
from twinspace.config import Settings
from twinspace.domain_events import DomainEvent, MemberRemoved, SessionEnded, SessionsRevoked
from twinspace.realtime import close_codes


class Closable(Protocol):
    user_id: int
    project_id: int
    session_id: int
    session_expires_at: datetime

    def close(self, code: int, reason: str) -> None: ...


class TooManyConnections(Exception):
    pass


class SharedCap(Protocol):
    """The per-user cap counted across processes (the cluster's Redis)."""

    async def enter(self, user_id: int, limit: int) -> str | None:
        """An id for the new connection, or None when the user is at `limit`."""
        ...

    async def leave(self, user_id: int, connection_id: str) -> None: ...


class ConnectionRegistry:
    def __init__(self, settings: Settings, shared_cap: SharedCap | None = None) -> None:
        self._settings = settings
        self._shared_cap = shared_cap
        self._shared_ids: dict[Closable, str] = {}
        self._by_user: defaultdict[int, set[Closable]] = defaultdict(set)
        self._by_session: defaultdict[int, set[Closable]] = defaultdict(set)
        self._expiry: dict[Closable, asyncio.TimerHandle] = {}

    async def admit(self, connection: Closable) -> None:
        """`add`, counting the connection in the shared cap too when there is one."""
        limit = self._settings.max_connections_per_user
        if self._shared_cap is None or not limit:
            self.add(connection)
            return
        connection_id = await self._shared_cap.enter(connection.user_id, limit)
        if connection_id is None:
            raise TooManyConnections(f"at most {limit} connections per user")
        try:
            self.add(connection)
        except BaseException:
            await self._shared_cap.leave(connection.user_id, connection_id)
            raise
        self._shared_ids[connection] = connection_id

    async def release(self, connection: Closable) -> None:
        """`remove`, and give its place in the shared cap back."""
        self.remove(connection)
        connection_id = self._shared_ids.pop(connection, None)
        if connection_id is not None and self._shared_cap is not None:
            await self._shared_cap.leave(connection.user_id, connection_id)

    def add(self, connection: Closable) -> None:
        """Register a connection and arm the timer that closes it when its session expires."""
        limit = self._settings.max_connections_per_user
        current = self._by_user.get(connection.user_id, set())
        if limit and len(current) >= limit:
            raise TooManyConnections(f"at most {limit} connections per user")
        self._by_user[connection.user_id].add(connection)
        self._by_session[connection.session_id].add(connection)
        left = (connection.session_expires_at - utcnow()).total_seconds()
        self._expiry[connection] = asyncio.get_running_loop().call_later(
            max(0.0, left), self._expire, connection, context=QUIET_CONTEXT
        )

    def remove(self, connection: Closable) -> None:
        _discard(self._by_user, connection.user_id, connection)
        _discard(self._by_session, connection.session_id, connection)
        timer = self._expiry.pop(connection, None)
        if timer is not None:
            timer.cancel()

    def of_user(self, user_id: int, project_id: int | None = None) -> list[Closable]:
        return [
            c
            for c in self._by_user.get(user_id, ())
            if project_id is None or c.project_id == project_id
        ]

    def sessions(self) -> set[int]:
        """The sessions that have a socket open."""
        return set(self._by_session)

    def close_session(self, session_id: int, reason: str) -> None:
        for connection in list(self._by_session.get(session_id, ())):
            connection.close(close_codes.NOT_AUTHENTICATED, reason)

    def count(self) -> int:
        return sum(len(c) for c in self._by_user.values())

    def on_event(self, event: DomainEvent) -> None:
        """Close sockets whose right to be open just ended."""
        if isinstance(event, MemberRemoved):
            for connection in self.of_user(event.user_id, event.project_id):
                connection.close(close_codes.FORBIDDEN, "no longer a member")
        elif isinstance(event, SessionEnded):
            self.close_session(event.session_id, "signed out")
        elif isinstance(event, SessionsRevoked):
            for connection in self.of_user(event.user_id):
                if connection.session_id != event.keep_session:
                    connection.close(close_codes.NOT_AUTHENTICATED, "signed out")

    def _expire(self, connection: Closable) -> None:
        self._expiry.pop(connection, None)
        connection.close(close_codes.NOT_AUTHENTICATED, "session expired")


def _discard(index: defaultdict[int, set[Closable]], key: int, connection: Closable) -> None:
    current = index.get(key)
    if current is not None:
        current.discard(connection)
        if not current:
            del index[key]
