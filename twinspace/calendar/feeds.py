"""Private calendar feed URLs: one per user, its token 256 random bits shown once and stored
only as its SHA-256, so a database leak reveals no working URL (docs/calendar.md)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check before touching the database (url-safe base64, 43 characters)."""
    return len(token) == 43 and all(c.isascii() and (c.isalnum() or c in "-_") for c in token)
