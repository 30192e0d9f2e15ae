"""Websocket close codes, one per lifecycle edge; both sockets use these.

The contract is in docs/design.md, "External contract".
"""

from __future__ import annotations

from typing import Final

NORMAL: Final = 1000  # the client or server finished normally
GOING_AWAY: Final = 1001  # server shutdown
MALFORMED: Final = 1007  # a frame the protocol cannot decode (or a text frame)
TOO_BIG: Final = 1009  # a message or the document exceeds its size limit
INTERNAL: Final = 1011  # unexpected server error; the room goes on
RESTART: Final = 1012  # server restart
TRY_AGAIN_LATER: Final = 1013  # the client stopped reading, or the page store is failing
NOT_AUTHENTICATED: Final = 4401  # no/expired session or token (also: sessions revoked)
FORBIDDEN: Final = 4403  # foreign Origin with a cookie; membership removed
UNKNOWN_ROOM: Final = 4404  # no such page/project for this user (never leaks which)
TIMEOUT: Final = 4408  # handshake or idle timeout
RATE_LIMITED: Final = 4429  # message flood or too many connections for this user

DESCRIPTIONS: Final = {
    NORMAL: "normal closure",
    GOING_AWAY: "server shutting down",
    MALFORMED: "malformed message",
    TOO_BIG: "message or document too big",
    INTERNAL: "internal error",
    RESTART: "server restarting",
    TRY_AGAIN_LATER: "try again later",
    NOT_AUTHENTICATED: "not authenticated",
    FORBIDDEN: "forbidden",
    UNKNOWN_ROOM: "unknown room",
    TIMEOUT: "timeout",
    RATE_LIMITED: "rate limited",
}
