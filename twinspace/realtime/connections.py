"""Every open websocket, by user and project: the per-user cap and closing on revocation.

Both websocket endpoints register here, so `max_connections_per_user` counts all of a
user's sockets, and removing a member or revoking sessions closes their sockets at once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from twinspace.config import Settings
from twinspace.domain_events import DomainEvent, MemberRemoved, SessionsRevoked
from twinspace.realtime import close_codes


class Closable(Protocol):
    user_id: int
    project_id: int

    def close(self, code: int, reason: str) -> None: ...


class TooManyConnections(Exception):
    pass


class ConnectionRegistry:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._by_user: defaultdict[int, set[Closable]] = defaultdict(set)

    def add(self, connection: Closable) -> None:
        limit = self._settings.max_connections_per_user
        current = self._by_user.get(connection.user_id, set())
        if limit and len(current) >= limit:
            raise TooManyConnections(f"at most {limit} connections per user")
        self._by_user[connection.user_id].add(connection)

    def remove(self, connection: Closable) -> None:
        current = self._by_user.get(connection.user_id)
        if current is not None:
            current.discard(connection)
            if not current:
                del self._by_user[connection.user_id]

    def of_user(self, user_id: int, project_id: int | None = None) -> list[Closable]:
        return [
            c
            for c in self._by_user.get(user_id, ())
            if project_id is None or c.project_id == project_id
        ]

    def count(self) -> int:
        return sum(len(c) for c in self._by_user.values())

    def on_event(self, event: DomainEvent) -> None:
        """Close sockets whose right to be open just ended."""
        if isinstance(event, MemberRemoved):
            for connection in self.of_user(event.user_id, event.project_id):
                connection.close(close_codes.FORBIDDEN, "no longer a member")
        elif isinstance(event, SessionsRevoked):
            for connection in self.of_user(event.user_id):
                connection.close(close_codes.NOT_AUTHENTICATED, "signed out")
