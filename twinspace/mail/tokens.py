"""Signed link tokens (unsubscribe, invitation): `payload.mac`, both base64url, the MAC an
HMAC-SHA256 over the purpose and the payload with a key kept in the database (table
`mail_keys`, created by the first process that needs it). The payload is not secret; what a
token allows is checked again where it is used (docs/mail.md, "Links")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from twinspace.clock import utcnow
from twinspace.storage import Storage

KEY_NAME = "links"
MAC_BYTES = 20


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._key: bytes | None = None

    async def _secret(self) -> bytes:
        if self._key is None:
            stored = await self._storage.mail_keys.get_or_create(
                KEY_NAME, secrets.token_hex(32), utcnow()
            )
            self._key = bytes.fromhex(stored)
        return self._key

    async def sign(self, purpose: str, payload: str) -> str:
        body = payload.encode("utf-8")
        mac = hmac.new(await self._secret(), purpose.encode() + b"\0" + body, hashlib.sha256)
        return f"{_b64(body)}.{_b64(mac.digest()[:MAC_BYTES])}"

    async def verify(self, purpose: str, token: str) -> str | None:
        """The payload of a token signed for `purpose`, or None for anything else."""
        if len(token) > 512 or token.count(".") != 1:
            return None
        body_text, mac_text = token.split(".")
        try:
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, TypeError):
            return None
        expected = hmac.new(await self._secret(), purpose.encode() + b"\0" + body, hashlib.sha256)
        if not hmac.compare_digest(expected.digest()[:MAC_BYTES], mac):
            return None
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return None
