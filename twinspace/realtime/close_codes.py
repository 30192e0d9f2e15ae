"""Websocket close codes, one per lifecycle edge; both sockets use these.

The contract is in docs/design.md, "External contract", the README's "Close codes" table and
docs/events-protocol.md.
"""

from __future__ import annotations

from typing import Final

NORMAL: Final = 1000  # the client or server finished normally
GOING_AWAY: Final = 1001  # server shutdown
MALFORMED: Final = 1007  # a frame the protocol cannot decode (or a text frame)
POLICY: Final = 1008  # more awareness client ids on one connection than allowed
TOO_BIG: Final = 1009  # a message or the document exceeds its size limit
INTERNAL: Final = 1011  # unexpected server error; the room goes on
RESTART: Final = 1012  # service restart: a draining process (SIGTERM; app/drain.py)
TRY_AGAIN_LATER: Final = 1013  # the client stopped reading, or the page store is failing
NOT_AUTHENTICATED: Final = 4401  # no/expired session or token; the socket's session ended
FORBIDDEN: Final = 4403  # foreign Origin with a cookie; membership removed
UNKNOWN_ROOM: Final = 4404  # no such page/project for this user (never leaks which)
TIMEOUT: Final = 4408  # handshake or idle timeout
RESYNC: Final = 4409  # edits sent while read-only were refused; now writable: rebuild the page
RATE_LIMITED: Final = 4429  # message flood or too many connections for this user

DESCRIPTIONS: Final = {
    NORMAL: "normal closure",
    GOING_AWAY: "server shutting down",
    MALFORMED: "malformed message",
    POLICY: "policy violation",
    TOO_BIG: "message or document too big",
    INTERNAL: "internal error",
    RESTART: "server restarting",
    TRY_AGAIN_LATER: "try again later",
    NOT_AUTHENTICATED: "not authenticated",
    FORBIDDEN: "forbidden",
    UNKNOWN_ROOM: "unknown room",
    TIMEOUT: "timeout",
    RESYNC: "refused edits: rebuild from the server",
    RATE_LIMITED: "rate limited",
}
