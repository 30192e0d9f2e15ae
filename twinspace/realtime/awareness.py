"""Server-side awareness bookkeeping for one room, independent of sockets.

Mirrors y-protocols' ``applyAwarenessUpdate`` rules: an entry wins when its clock is newer, or
when it removes a live state at the same clock. The server has no local state of its own, so it
tracks which connection controls which client IDs, and answers with ready-to-send frames.

Awareness is bound to the account and bounded (docs/events-protocol.md, "Page awareness"):
the server writes the connection's identity under ``user`` of every state it relays (name,
role and colour come from the account, never from the client), a state must be a JSON object
of at most ``state_bytes``, a connection may control ``clients_per_connection`` client IDs
whose states total at most ``connection_bytes``, and a client ID held by another account's
connection cannot be taken over. Breaking a limit raises ``AwarenessRefused`` with the close
code for the connection.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from twinspace.realtime import close_codes
from twinspace.realtime.protocol import (
    AwarenessEntry,
    AwarenessMessage,
    MalformedMessage,
    encode_message,
    parse_json,
)

NULL_STATE = "null"

# The web client's avatar colours (web/src/components/ui.tsx `colourFor`): the same account
# gets the same colour in the member list and on its caret.
PALETTE = (
    "#b3261e",
    "#1b5e20",
    "#0d47a1",
    "#6a1b9a",
    "#8d4a00",
    "#00695c",
    "#ad1457",
    "#37474f",
    "#4527a0",
    "#2e7d32",
)


def colour_for(user_id: int) -> str:
    return PALETTE[abs(user_id) % len(PALETTE)]


@dataclass(frozen=True, slots=True)
class Identity:
    """The account behind a connection, as every awareness state it sends will carry it."""

    user_id: int
    name: str
    role: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "name": self.name,
            "role": self.role,
            "color": colour_for(self.user_id),
        }


@dataclass(frozen=True, slots=True)
class PeerOwner:
    """The owner of every awareness state another server process relayed (clustered mode)."""

    process: str


@dataclass(frozen=True, slots=True)
class AwarenessLimits:
    clients_per_connection: int = 4
    state_bytes: int = 2048
    connection_bytes: int = 4096


class AwarenessRefused(Exception):
    """An awareness update broke a limit: close the connection with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(slots=True)
class _Client:
    clock: int
    state_json: str
    owner: Hashable
    user_id: int
    size: int  # bytes of state_json as UTF-8

    @property
    def live(self) -> bool:
        return self.state_json != NULL_STATE


class RoomAwareness:
    """Who is present in one room; connection keys are any hashable the server chooses.

    A connection controls the client IDs it announced; a newer entry for an ID from another
    connection of the same account moves the ID to that connection, which is what a client
    reconnecting on a fresh socket looks like. Another account's entry for it is ignored.
    """

    def __init__(self, limits: AwarenessLimits | None = None) -> None:
        self.limits = limits or AwarenessLimits()
        self._clients: dict[int, _Client] = {}
        self._owned: dict[Hashable, set[int]] = {}

    def apply(
        self, connection: Hashable, identity: Identity, entries: Iterable[AwarenessEntry]
    ) -> bytes | None:
        """Apply an awareness update from ``connection``; returns the frame to relay, if any.

        Raises ``MalformedMessage`` for a state that is not a JSON object and
        ``AwarenessRefused`` over a limit.
        """
        relay: list[AwarenessEntry] = []
        for entry in entries:
            accepted = self._accept(connection, identity, entry)
            if accepted is not None:
                relay.append(accepted)
        return _frame(relay)

    def apply_peer(
        self, owner: Hashable, user_id: int, entries: Iterable[AwarenessEntry]
    ) -> bytes | None:
        """Apply entries another server process relayed for its client `user_id` (clustered
        mode): already stamped and bounded there, so only the clock and ownership rules apply.
        ``owner`` stands for that process; ``disconnect(owner)`` removes them all."""
        relay: list[AwarenessEntry] = []
        for entry in entries:
            current = self._clients.get(entry.client_id)
            current_clock = 0 if current is None else current.clock
            was_live = current is not None and current.live
            newer = current_clock < entry.clock
            if not (newer or (current_clock == entry.clock and entry.removed and was_live)):
                continue
            if current is not None and current.user_id != user_id:
                continue
            if current is not None and current.owner != owner:
                self._release(current.owner, entry.client_id)
            state_json = NULL_STATE if entry.removed else entry.state_json
            self._clients[entry.client_id] = _Client(
                entry.clock, state_json, owner, user_id, len(state_json.encode("utf-8"))
            )
            self._owned.setdefault(owner, set()).add(entry.client_id)
            if was_live or not entry.removed:
                relay.append(AwarenessEntry(entry.client_id, entry.clock, state_json))
        return _frame(relay)

    def snapshot(self) -> bytes | None:
        """The full current awareness as one frame (for a new client or ``queryAwareness``)."""
        return _frame(
            [
                AwarenessEntry(client_id, client.clock, client.state_json)
                for client_id, client in self._clients.items()
                if client.live
            ]
        )

    def disconnect(self, connection: Hashable) -> bytes | None:
        """Forget ``connection``; returns the frame that removes its live client states."""
        removals = []
        for client_id in sorted(self._owned.pop(connection, ())):
            client = self._clients.pop(client_id)
            if client.live:
                removals.append(AwarenessEntry(client_id, client.clock + 1, NULL_STATE))
        return _frame(removals)

    def local_frames(self) -> list[tuple[int, bytes]]:
        """(user id, frame of its live states) for each connection of this process (not the
        states other processes relayed): what a process that just opened the room asks for."""
        frames = []
        for owner, client_ids in self._owned.items():
            if isinstance(owner, PeerOwner):
                continue
            clients = [(cid, self._clients[cid]) for cid in sorted(client_ids)]
            frame = _frame(
                [AwarenessEntry(cid, c.clock, c.state_json) for cid, c in clients if c.live]
            )
            if frame is not None and clients:
                frames.append((clients[0][1].user_id, frame))
        return frames

    def states(self) -> dict[int, str]:
        """Live states by client ID, as raw JSON."""
        return {cid: c.state_json for cid, c in self._clients.items() if c.live}

    def clients_of(self, connection: Hashable) -> frozenset[int]:
        return frozenset(self._owned.get(connection, ()))

    def bytes_of(self, connection: Hashable) -> int:
        return sum(self._clients[cid].size for cid in self._owned.get(connection, ()))

    def is_empty(self) -> bool:
        return not self._clients and not self._owned

    def _accept(
        self, connection: Hashable, identity: Identity, entry: AwarenessEntry
    ) -> AwarenessEntry | None:
        current = self._clients.get(entry.client_id)
        current_clock = 0 if current is None else current.clock
        was_live = current is not None and current.live
        newer = current_clock < entry.clock
        removes_live = current_clock == entry.clock and entry.removed and was_live
        if not (newer or removes_live):
            return None
        if current is not None and current.user_id != identity.user_id:
            return None  # another account's client ID: not this connection's to change
        state_json = NULL_STATE if entry.removed else self._stamp(entry.state_json, identity)
        size = len(state_json.encode("utf-8"))
        owned = self._owned.get(connection, set())
        moving_in = current is None or current.owner != connection
        limits = self.limits
        if moving_in and len(owned) >= limits.clients_per_connection:
            raise AwarenessRefused(
                close_codes.POLICY,
                f"at most {limits.clients_per_connection} awareness client ids per connection",
            )
        kept = self.bytes_of(connection) - (0 if moving_in or current is None else current.size)
        if kept + size > limits.connection_bytes:
            raise AwarenessRefused(
                close_codes.TOO_BIG,
                f"a connection's awareness may hold at most {limits.connection_bytes} bytes",
            )
        if current is not None and current.owner != connection:
            self._release(current.owner, entry.client_id)
        self._clients[entry.client_id] = _Client(
            entry.clock, state_json, connection, identity.user_id, size
        )
        self._owned.setdefault(connection, set()).add(entry.client_id)
        # like y-protocols, a removal of an unknown client changes nothing anyone sees
        if not (was_live or not entry.removed):
            return None
        return AwarenessEntry(entry.client_id, entry.clock, state_json)

    def _stamp(self, state_json: str, identity: Identity) -> str:
        """The state with the account's identity under ``user``, within ``state_bytes``."""
        limit = self.limits.state_bytes
        if len(state_json) > limit:  # characters: a cheap lower bound of the bytes
            raise AwarenessRefused(
                close_codes.TOO_BIG, f"an awareness state may hold at most {limit} bytes"
            )
        state = parse_json(state_json)
        if not isinstance(state, dict):
            raise MalformedMessage("an awareness state is a JSON object or null")
        state["user"] = identity.as_json()
        stamped = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
        try:
            encoded = stamped.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate escape: not text
            raise MalformedMessage("an awareness state holds invalid text") from exc
        if len(encoded) > limit:
            raise AwarenessRefused(
                close_codes.TOO_BIG, f"an awareness state may hold at most {limit} bytes"
            )
        return stamped

    def _release(self, connection: Hashable, client_id: int) -> None:
        owned = self._owned.get(connection)
        if owned is not None:
            owned.discard(client_id)
            if not owned:
                del self._owned[connection]


def _frame(entries: list[AwarenessEntry]) -> bytes | None:
    return encode_message(AwarenessMessage(tuple(entries))) if entries else None
