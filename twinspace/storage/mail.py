"""E-mail storage (migration 019): the outbox, mail preferences and the signing keys.

The outbox is written by requests and drained by the sender (`twinspace/mail/sender.py`).
A sender claims due rows with a lease (`claim`, `claimed_until`) in one statement whose
conditions are checked again on the claimed row, so two processes never hold the same row;
on PostgreSQL the candidate rows are also taken `FOR UPDATE SKIP LOCKED` so they do not
wait for each other (docs/mail.md, "Delivery").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    kind: str
    user_id: int | None
    address: str
    language: str
    subject: str
    body_text: str
    body_html: str | None
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    id: int
    mail: OutgoingMail
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> OutboxRecord:
        mail = OutgoingMail(
            kind=str(row["kind"]),
            user_id=row["user_id"],
            address=str(row["address"]),
            language=str(row["language"]),
            subject=str(row["subject"]),
            body_text=str(row["body_text"]),
            body_html=row["body_html"],
            headers=json.loads(row["headers"]),
        )
        return cls(
            id=int(row["id"]),
            mail=mail,
            status=str(row["status"]),
            attempts=int(row["attempts"]),
            next_attempt_at=from_iso(row["next_attempt_at"]),
            last_error=row["last_error"],
            created_at=from_iso(row["created_at"]),
            sent_at=from_iso(row["sent_at"]) if row["sent_at"] else None,
        )


# A mail that left (or never will) keeps its envelope but not its body and headers: they hold
# link tokens (unsubscribe, invitation) that must not outlive the message in the database.
_SCRUB = " body_text = '', body_html = NULL, headers = '{}'"


class OutboxRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def add(self, mail: OutgoingMail, now: datetime) -> int:
        return await self._ex.execute(
            "INSERT INTO mail_outbox (kind, user_id, address, language, subject, body_text,"
            " body_html, headers, status, attempts, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
            (
                mail.kind,
                mail.user_id,
                mail.address,
                mail.language,
                mail.subject,
                mail.body_text,
                mail.body_html,
                json.dumps(mail.headers),
                to_iso(now),
                to_iso(now),
            ),
        )

    async def claim_due(
        self, claim: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[OutboxRecord]:
        """Lease up to `limit` due rows to `claim` and return them (oldest first)."""
        due = (
            "status = 'queued' AND next_attempt_at <= ?"
            " AND (claimed_until IS NULL OR claimed_until < ?)"
        )
        skip_locked = " FOR UPDATE SKIP LOCKED" if self._ex.dialect.name == "postgresql" else ""
        moment = to_iso(now)
        await self._ex.execute(
            f"UPDATE mail_outbox SET claim = ?, claimed_until = ? WHERE {due} AND id IN"
            f" (SELECT id FROM mail_outbox WHERE {due} ORDER BY id LIMIT ?{skip_locked})",
            (claim, to_iso(lease_until), moment, moment, moment, moment, limit),
        )
        rows = await self._ex.fetch_all(
            "SELECT * FROM mail_outbox WHERE claim = ? AND status = 'queued' ORDER BY id",
            (claim,),
        )
        return [OutboxRecord.from_row(r) for r in rows]

    async def mark_sent(self, mail_id: int, claim: str, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
            " claim = NULL, claimed_until = NULL, last_error = NULL,"
            + _SCRUB
            + " WHERE id = ? AND claim = ? AND status = 'queued'",
            (to_iso(now), mail_id, claim),
        )

    async def mark_retry(
        self, mail_id: int, claim: str, error: str, next_attempt_at: datetime
    ) -> int:
        return await self._ex.execute(
            "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?,"
            " claim = NULL, claimed_until = NULL, last_error = ?"
            " WHERE id = ? AND claim = ? AND status = 'queued'",
            (to_iso(next_attempt_at), error[:500], mail_id, claim),
        )

    async def mark_failed(self, mail_id: int, claim: str, error: str) -> int:
        return await self._ex.execute(
            "UPDATE mail_outbox SET status = 'failed', attempts = attempts + 1,"
            " claim = NULL, claimed_until = NULL, last_error = ?,"
            + _SCRUB
            + " WHERE id = ? AND claim = ? AND status = 'queued'",
            (error[:500], mail_id, claim),
        )

    async def forget_finished(self, before: datetime) -> int:
        """Delete sent and failed rows created before `before`; returns how many."""
        return await self._ex.execute(
            "DELETE FROM mail_outbox WHERE status IN ('sent', 'failed') AND created_at < ?",
            (to_iso(before),),
        )

    async def get(self, mail_id: int) -> OutboxRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM mail_outbox WHERE id = ?", (mail_id,))
        return OutboxRecord.from_row(row) if row else None

    async def counts(self) -> dict[str, int]:
        rows = await self._ex.fetch_all(
            "SELECT status, count(*) AS n FROM mail_outbox GROUP BY status"
        )
        return {str(r["status"]): int(r["n"]) for r in rows}

    async def next_due(self) -> datetime | None:
        row = await self._ex.fetch_one(
            "SELECT min(next_attempt_at) AS due FROM mail_outbox WHERE status = 'queued'"
        )
        return from_iso(row["due"]) if row and row["due"] else None


class MailPreferenceRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def of_user(self, user_id: int) -> dict[str, bool]:
        rows = await self._ex.fetch_all(
            "SELECT kind, enabled FROM mail_preferences WHERE user_id = ?", (user_id,)
        )
        return {str(r["kind"]): bool(r["enabled"]) for r in rows}

    async def set(self, user_id: int, kind: str, enabled: bool, now: datetime) -> None:
        await self._ex.execute(
            "INSERT INTO mail_preferences (user_id, kind, enabled, changed_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled,"
            " changed_at = excluded.changed_at",
            (user_id, kind, int(enabled), to_iso(now)),
        )


class MailKeyRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def get_or_create(self, name: str, candidate: str, now: datetime) -> str:
        """The stored secret called `name`; `candidate` becomes it if there is none yet (the
        first process to start wins, every process reads the same key)."""
        await self._ex.execute(
            "INSERT INTO mail_keys (name, secret, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO NOTHING",
            (name, candidate, to_iso(now)),
        )
        row = await self._ex.fetch_one("SELECT secret FROM mail_keys WHERE name = ?", (name,))
        assert row is not None
        return str(row["secret"])
