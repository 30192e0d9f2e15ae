"""The kinds of e-mail TwinSpaces sends, their parameters and whether a user may turn them off
(docs/mail.md, "Kinds")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MailKind:
    name: str
    params: frozenset[str]
    to_users: bool  # sent to an account (preferences and unsubscribe apply)


KINDS: dict[str, MailKind] = {
    k.name: k
    for k in (
        MailKind("invitation", frozenset({"project", "inviter", "url"}), to_users=True),
        MailKind(
            "invitation_signup",
            frozenset({"project", "inviter", "url", "days"}),
            to_users=False,
        ),
        MailKind("urgent_safety", frozenset({"project", "summary", "url"}), to_users=True),
        MailKind("digest", frozenset({"count", "items", "url"}), to_users=True),
    )
}

USER_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS.values() if k.to_users)
