"""SQL for users, teacher profiles, pupils and login sessions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row
from twinspace.storage.records import PupilRecord, SessionRecord, TeacherRecord, UserRecord
from twinspace.types import StaffRole, TeacherStatus, UserKind


class UserRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        username: str,
        password_hash: str,
        kind: UserKind,
        display_name: str,
        now: datetime,
        email: str | None = None,
        country: str | None = None,
        school_id: int | None = None,
        locale: str | None = None,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO users (username, password_hash, kind, display_name, email, country,"
            " school_id, locale, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                username,
                password_hash,
                kind.value,
                display_name,
                email,
                country,
                school_id,
                locale,
                to_iso(now),
                to_iso(now),
            ),
        )

    async def get(self, user_id: int) -> UserRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM users WHERE id = ?", (user_id,))
        return UserRecord.from_row(row) if row else None

    async def with_email(self, address: str) -> list[UserRecord]:
        """Accounts whose e-mail address is `address`, ignoring case."""
        rows = await self._ex.fetch_all(
            "SELECT * FROM users WHERE lower(email) = lower(?) ORDER BY id",
            (address,),
        )
        return [UserRecord.from_row(r) for r in rows]

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, UserRecord]:
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = await self._ex.fetch_all(
            f"SELECT * FROM users WHERE id IN ({marks})", tuple(user_ids)
        )
        return {row["id"]: UserRecord.from_row(row) for row in rows}

    async def by_username(self, username: str) -> UserRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM users WHERE username = ?", (username,))
        return UserRecord.from_row(row) if row else None

    async def username_taken(self, username: str) -> bool:
        row = await self._ex.fetch_one("SELECT 1 AS x FROM users WHERE username = ?", (username,))
        return row is not None

    async def set_password(self, user_id: int, password_hash: str, now: datetime | None) -> None:
        """Store a new hash; `now` marks a real password change (None for a silent rehash)."""
        if now is None:
            await self._ex.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
            )
        else:
            await self._ex.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                (password_hash, to_iso(now), user_id),
            )

    async def update_profile(
        self,
        user_id: int,
        *,
        display_name: str | None = None,
        email: str | None = None,
        locale: str | None = None,
    ) -> None:
        await self._ex.execute(
            "UPDATE users SET display_name = coalesce(?, display_name),"
            " email = coalesce(?, email), locale = coalesce(?, locale) WHERE id = ?",
            (display_name, email, locale, user_id),
        )

    async def set_disabled(self, user_id: int, disabled: bool) -> None:
        await self._ex.execute(
            "UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user_id)
        )

    async def delete(self, user_id: int) -> None:
        await self._ex.execute("DELETE FROM users WHERE id = ?", (user_id,))

    async def count_by_kind(self) -> dict[str, int]:
        rows = await self._ex.fetch_all("SELECT kind, count(*) AS n FROM users GROUP BY kind")
        return {row["kind"]: row["n"] for row in rows}


class TeacherRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        user_id: int,
        *,
        staff_role: StaffRole,
        status: TeacherStatus,
        subjects: Sequence[str],
        languages: Sequence[str],
        age_min: int | None,
        age_max: int | None,
        bio: str,
    ) -> None:
        await self._ex.execute(
            "INSERT INTO teachers (user_id, staff_role, status, subjects, languages, age_min,"
            " age_max, bio) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user_id,
                staff_role.value,
                status.value,
                json.dumps(list(subjects)),
                json.dumps(list(languages)),
                age_min,
                age_max,
                bio,
            ),
        )

    async def get(self, user_id: int) -> TeacherRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM teachers WHERE user_id = ?", (user_id,))
        return TeacherRecord.from_row(row) if row else None

    async def update_profile(
        self,
        user_id: int,
        *,
        subjects: Sequence[str] | None,
        languages: Sequence[str] | None,
        age_min: int | None,
        age_max: int | None,
        bio: str | None,
    ) -> None:
        await self._ex.execute(
            "UPDATE teachers SET subjects = coalesce(?, subjects),"
            " languages = coalesce(?, languages), age_min = coalesce(?, age_min),"
            " age_max = coalesce(?, age_max), bio = coalesce(?, bio) WHERE user_id = ?",
            (
                json.dumps(list(subjects)) if subjects is not None else None,
                json.dumps(list(languages)) if languages is not None else None,
                age_min,
                age_max,
                bio,
                user_id,
            ),
        )

    async def review(
        self,
        user_id: int,
        *,
        status: TeacherStatus,
        reviewer_id: int,
        reason: str | None,
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "UPDATE teachers SET status = ?, reviewed_by = ?, reviewed_at = ?, review_reason = ?"
            " WHERE user_id = ?",
            (status.value, reviewer_id, to_iso(now), reason, user_id),
        )

    async def list_registrations(
        self,
        *,
        country: str | None,
        status: TeacherStatus | None,
        limit: int,
        offset: int,
    ) -> list[tuple[UserRecord, TeacherRecord]]:
        rows = await self._ex.fetch_all(
            "SELECT u.*, t.* FROM users u JOIN teachers t ON t.user_id = u.id"
            " WHERE (? IS NULL OR u.country = ?) AND (? IS NULL OR t.status = ?)"
            " ORDER BY u.created_at, u.id LIMIT ? OFFSET ?",
            (country, country, status, status, limit, offset),
        )
        return [(UserRecord.from_row(r), TeacherRecord.from_row(r)) for r in rows]

    async def search(
        self,
        *,
        country: str | None,
        subject: str | None,
        language: str | None,
        age: int | None,
        exclude_user: int | None,
        limit: int,
        offset: int,
    ) -> list[tuple[UserRecord, TeacherRecord]]:
        dialect = self._ex.dialect
        rows = await self._ex.fetch_all(
            "SELECT u.*, t.* FROM users u JOIN teachers t ON t.user_id = u.id"
            " WHERE t.status = 'validated' AND u.disabled = 0"
            " AND (? IS NULL OR u.country = ?)"
            f" AND (? IS NULL OR EXISTS (SELECT 1 FROM {dialect.json_each('t.subjects')}"
            "      WHERE lower(value) = lower(?)))"
            f" AND (? IS NULL OR EXISTS (SELECT 1 FROM {dialect.json_each('t.languages')}"
            "      WHERE lower(value) = lower(?)))"
            " AND (? IS NULL OR (coalesce(t.age_min, 0) <= ? AND coalesce(t.age_max, 99) >= ?))"
            " AND (? IS NULL OR u.id <> ?)"
            " ORDER BY u.display_name, u.id LIMIT ? OFFSET ?",
            (
                country,
                country,
                subject,
                subject,
                language,
                language,
                age,
                age,
                age,
                exclude_user,
                exclude_user,
                limit,
                offset,
            ),
        )
        return [(UserRecord.from_row(r), TeacherRecord.from_row(r)) for r in rows]


class PupilRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(self, user_id: int, *, class_id: int | None, created_by: int) -> None:
        await self._ex.execute(
            "INSERT INTO pupils (user_id, class_id, created_by) VALUES (?, ?, ?)",
            (user_id, class_id, created_by),
        )

    async def get(self, user_id: int) -> PupilRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM pupils WHERE user_id = ?", (user_id,))
        return PupilRecord.from_row(row) if row else None

    async def in_class(self, class_id: int) -> list[UserRecord]:
        rows = await self._ex.fetch_all(
            "SELECT u.* FROM users u JOIN pupils p ON p.user_id = u.id WHERE p.class_id = ?"
            " ORDER BY u.display_name, u.id",
            (class_id,),
        )
        return [UserRecord.from_row(r) for r in rows]

    async def set_class(self, user_id: int, class_id: int | None) -> None:
        await self._ex.execute(
            "UPDATE pupils SET class_id = ? WHERE user_id = ?", (class_id, user_id)
        )


class SessionRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        token_hash: str,
        csrf_token: str,
        user_id: int,
        now: datetime,
        expires_at: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, expires_at,"
            " last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash, csrf_token, user_id, to_iso(now), to_iso(expires_at), to_iso(now)),
        )

    async def by_token_hash(self, token_hash: str) -> SessionRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,))
        return SessionRecord.from_row(row) if row else None

    async def with_user(self, token_hash: str) -> tuple[SessionRecord, UserRecord | None] | None:
        """The session with this token hash and its user (None if the user row is gone), in
        one read: every request and socket authenticates with both."""
        return (await self.with_users([token_hash])).get(token_hash)

    async def with_users(
        self, token_hashes: Sequence[str]
    ) -> dict[str, tuple[SessionRecord, UserRecord | None]]:
        """`with_user` for several token hashes in one read (storage/batched.py), by hash;
        a hash with no session is missing."""
        if not token_hashes:
            return {}
        marks = ", ".join("?" * len(token_hashes))
        rows = await self._ex.fetch_all(
            "SELECT s.token_hash AS session_token_hash, s.id AS session_id,"
            " s.user_id AS session_user_id, s.csrf_token AS session_csrf_token,"
            " s.created_at AS session_created_at, s.expires_at AS session_expires_at,"
            " s.last_seen_at AS session_last_seen_at, u.* FROM sessions s"
            f" LEFT JOIN users u ON u.id = s.user_id WHERE s.token_hash IN ({marks})",
            list(token_hashes),
        )
        return {row["session_token_hash"]: _session_with_user(row) for row in rows}

    async def touch(self, session_id: int, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE sessions SET last_seen_at = ? WHERE id = ?", (to_iso(now), session_id)
        )

    async def delete(self, session_id: int) -> None:
        await self._ex.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    async def delete_for_user(self, user_id: int, *, keep: int | None = None) -> int:
        return await self._ex.execute(
            "DELETE FROM sessions WHERE user_id = ? AND (? IS NULL OR id <> ?)",
            (user_id, keep, keep),
        )

    async def still_valid(self, session_ids: Sequence[int], now: datetime) -> set[int]:
        """Of `session_ids`, those that exist, have not expired and whose user is active."""
        valid: set[int] = set()
        for start in range(0, len(session_ids), 500):
            chunk = list(session_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = await self._ex.fetch_all(
                "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id"
                f" WHERE s.id IN ({marks}) AND s.expires_at > ? AND u.disabled = 0",
                (*chunk, to_iso(now)),
            )
            valid.update(int(row["id"]) for row in rows)
        return valid

    async def delete_expired(self, now: datetime) -> int:
        return await self._ex.execute("DELETE FROM sessions WHERE expires_at < ?", (to_iso(now),))


def _session_with_user(row: Row) -> tuple[SessionRecord, UserRecord | None]:
    session = SessionRecord(
        row["session_id"],
        row["session_user_id"],
        row["session_csrf_token"],
        from_iso(row["session_created_at"]),
        from_iso(row["session_expires_at"]),
        from_iso(row["session_last_seen_at"]),
    )
    return session, UserRecord.from_row(row) if row["id"] is not None else None
