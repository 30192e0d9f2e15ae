"""Response models of the mail feature."""

from __future__ import annotations

from pydantic import BaseModel


class MailPreferencesView(BaseModel):
    """Which kinds of e-mail the user receives (every kind is on until turned off)."""

    email: str | None
    language: str
    kinds: dict[str, bool]


class UnsubscribedView(BaseModel):
    kind: str
    unsubscribed: bool
