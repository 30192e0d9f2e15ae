"""Server-side awareness bookkeeping for one room, independent of sockets.

Mirrors y-protocols' ``applyAwarenessUpdate`` rules: an entry wins when its clock is newer, or
when it removes a live state at the same clock. The server has no local state of its own, so it
only tracks which connection controls which client IDs, and answers with ready-to-send frames.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from twinspace.realtime.protocol import AwarenessEntry, AwarenessMessage, encode_message

NULL_STATE = "null"


def with_account_name(entries: Iterable[AwarenessEntry], name: str) -> list[AwarenessEntry]:
    """Carets show the account's display name whatever the client wrote: a state's
    ``user.name`` (what Tiptap's caret and the web client's "also editing" show) is replaced,
    so a pupil can neither pose as someone else nor put contact details in it. States without
    a ``user`` object, and states that already carry the right name, are relayed unchanged."""
    out: list[AwarenessEntry] = []
    for entry in entries:
        if entry.state_json == NULL_STATE:
            out.append(entry)
            continue
        try:
            state = json.loads(entry.state_json)
        except ValueError:
            out.append(entry)
            continue
        user = state.get("user") if isinstance(state, dict) else None
        if isinstance(user, dict) and user.get("name") != name:
            user["name"] = name
            stamped = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
            out.append(AwarenessEntry(entry.client_id, entry.clock, stamped))
        else:
            out.append(entry)
    return out


@dataclass(slots=True)
class _Client:
    clock: int
    state_json: str
    owner: Hashable

    @property
    def live(self) -> bool:
        return self.state_json != NULL_STATE


class RoomAwareness:
    """Who is present in one room; connection keys are any hashable the server chooses.

    A connection controls the client IDs it announced (at most ``max_clients_per_connection``
    of them); a newer entry for an ID from another connection moves the ID to that connection,
    which is what a client reconnecting on a fresh socket looks like.
    """

    def __init__(self, max_clients_per_connection: int = 8) -> None:
        self._max_per_connection = max_clients_per_connection
        self._clients: dict[int, _Client] = {}
        self._owned: dict[Hashable, set[int]] = {}

    def apply(self, connection: Hashable, entries: Iterable[AwarenessEntry]) -> bytes | None:
        """Apply an awareness update from ``connection``; returns the frame to relay, if any."""
        relay: list[AwarenessEntry] = []
        for entry in entries:
            if self._accept(connection, entry):
                relay.append(entry)
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

    def states(self) -> dict[int, str]:
        """Live states by client ID, as raw JSON."""
        return {cid: c.state_json for cid, c in self._clients.items() if c.live}

    def clients_of(self, connection: Hashable) -> frozenset[int]:
        return frozenset(self._owned.get(connection, ()))

    def is_empty(self) -> bool:
        return not self._clients and not self._owned

    def _accept(self, connection: Hashable, entry: AwarenessEntry) -> bool:
        current = self._clients.get(entry.client_id)
        current_clock = 0 if current is None else current.clock
        was_live = current is not None and current.live
        newer = current_clock < entry.clock
        removes_live = current_clock == entry.clock and entry.removed and was_live
        if not (newer or removes_live):
            return False
        owned = self._owned.get(connection)
        moving_in = current is None or current.owner != connection
        if moving_in and owned is not None and len(owned) >= self._max_per_connection:
            return False
        if current is not None and current.owner != connection:
            self._release(current.owner, entry.client_id)
        self._clients[entry.client_id] = _Client(entry.clock, entry.state_json, connection)
        self._owned.setdefault(connection, set()).add(entry.client_id)
        # like y-protocols, a removal of an unknown client changes nothing anyone sees
        return was_live or not entry.removed

    def _release(self, connection: Hashable, client_id: int) -> None:
        owned = self._owned.get(connection)
        if owned is not None:
            owned.discard(client_id)
            if not owned:
                del self._owned[connection]


def _frame(entries: list[AwarenessEntry]) -> bytes | None:
    return encode_message(AwarenessMessage(tuple(entries))) if entries else None
