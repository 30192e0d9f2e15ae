"""ICE servers for class-to-class video, with short-lived TURN credentials.

The credentials follow the TURN REST scheme coturn checks under `use-auth-secret` with
`static-auth-secret=<secret>` (docs/events-protocol.md, "Calls"): the username is
`<expiry unix time>:<user id>` and the credential is base64(HMAC-SHA1(secret, username)).
coturn refuses a username whose time has passed, so a leaked credential dies by itself.
The secret never leaves this module and is never logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from pydantic import SecretStr


@dataclass(frozen=True, slots=True)
class TurnCredential:
    username: str
    credential: str
    expires_at: int  # unix time


@dataclass(frozen=True, slots=True)
class IceServer:
    urls: tuple[str, ...]
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True, slots=True)
class IceConfig:
    servers: tuple[IceServer, ...]
    transport_policy: str
    expires_at: int | None  # when the TURN credentials stop working; None without TURN


def turn_credential(
    secret: str, user_id: int, *, now: datetime, ttl_seconds: int
) -> TurnCredential:
    """coturn's REST credential for `user_id`, valid for `ttl_seconds` from `now`."""
    expires_at = int(now.timestamp()) + ttl_seconds
    username = f"{expires_at}:{user_id}"
    digest = hmac.new(secret.encode("utf-8"), username.encode("utf-8"), hashlib.sha1).digest()
    return TurnCredential(username, base64.b64encode(digest).decode("ascii"), expires_at)


def ice_config(
    urls: tuple[str, ...],
    secret: SecretStr | None,
    user_id: int,
    *,
    now: datetime,
    ttl_seconds: int,
    transport_policy: str,
) -> IceConfig:
    """STUN URLs as they are; TURN URLs together, with a fresh credential for this user."""
    stun = tuple(u for u in urls if u.startswith(("stun:", "stuns:")))
    turn = tuple(u for u in urls if u.startswith(("turn:", "turns:")))
    servers: list[IceServer] = []
    if stun:
        servers.append(IceServer(stun))
    expires_at = None
    if turn and secret is not None:
        credential = turn_credential(
            secret.get_secret_value(), user_id, now=now, ttl_seconds=ttl_seconds
        )
        servers.append(IceServer(turn, credential.username, credential.credential))
        expires_at = credential.expires_at
    return IceConfig(tuple(servers), transport_policy, expires_at)
