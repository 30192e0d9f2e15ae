"""SQL for countries, eligibility policies, schools and school classes."""

from __future__ import annotations

from datetime import datetime

from twinspace.clock import to_iso
from twinspace.storage.db import Executor
from twinspace.storage.records import ClassRecord, CountryRecord, SchoolRecord, UserRecord
from twinspace.types import Ownership, SchoolType

_COUNTRY = (
    "SELECT c.code, c.name, c.status, c.timezone, p.policy FROM countries c"
    " JOIN country_policies p ON p.country = c.code"
)


class CountryRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def all(self) -> list[CountryRecord]:
        rows = await self._ex.fetch_all(_COUNTRY + " ORDER BY c.name")
        return [CountryRecord.from_row(r) for r in rows]

    async def get(self, code: str) -> CountryRecord | None:
        row = await self._ex.fetch_one(_COUNTRY + " WHERE c.code = ?", (code.upper(),))
        return CountryRecord.from_row(row) if row else None

    async def set_policy(self, code: str, policy_json: str, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE country_policies SET policy = ?, updated_at = ? WHERE country = ?",
            (policy_json, to_iso(now), code),
        )


class SchoolRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        name: str,
        country: str,
        city: str,
        type: SchoolType,
        ownership: Ownership,
        timezone: str,
        vocational_course_years: int | None,
        now: datetime,
        open_to_compulsory_schooling: bool | None = None,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO schools (name, country, city, type, ownership, timezone,"
            " vocational_course_years, created_at, open_to_compulsory_schooling)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                country,
                city,
                type.value,
                ownership.value,
                timezone,
                vocational_course_years,
                to_iso(now),
                None if open_to_compulsory_schooling is None else int(open_to_compulsory_schooling),
            ),
        )

    async def get(self, school_id: int) -> SchoolRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM schools WHERE id = ?", (school_id,))
        return SchoolRecord.from_row(row) if row else None

    async def search(
        self, *, country: str | None, query: str | None, limit: int, offset: int
    ) -> list[SchoolRecord]:
        pattern = f"%{query}%" if query else None
        rows = await self._ex.fetch_all(
            "SELECT * FROM schools WHERE (? IS NULL OR country = ?)"
            " AND (? IS NULL OR lower(name) LIKE lower(?) OR lower(city) LIKE lower(?))"
            " ORDER BY name, id LIMIT ? OFFSET ?",
            (country, country, pattern, pattern, pattern, limit, offset),
        )
        return [SchoolRecord.from_row(r) for r in rows]


class ClassRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(self, *, school_id: int, name: str, teacher_id: int, now: datetime) -> int:
        """A class with its creator as its first responsible teacher."""
        class_id = await self._ex.execute(
            "INSERT INTO classes (school_id, name, teacher_id, created_at) VALUES (?, ?, ?, ?)",
            (school_id, name, teacher_id, to_iso(now)),
        )
        await self.add_teacher(class_id, teacher_id, added_by=teacher_id, now=now)
        return class_id

    async def add_teacher(
        self, class_id: int, user_id: int, *, added_by: int | None, now: datetime
    ) -> bool:
        """Make a teacher responsible for a class; False when they were already."""
        before = await self.is_teacher(class_id, user_id)
        await self._ex.execute(
            "INSERT INTO class_teachers (class_id, user_id, added_by, added_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (class_id, user_id, added_by, to_iso(now)),
        )
        return not before

    async def remove_teacher(self, class_id: int, user_id: int) -> None:
        await self._ex.execute(
            "DELETE FROM class_teachers WHERE class_id = ? AND user_id = ?", (class_id, user_id)
        )

    async def is_teacher(self, class_id: int, user_id: int) -> bool:
        row = await self._ex.fetch_one(
            "SELECT 1 AS found FROM class_teachers WHERE class_id = ? AND user_id = ?",
            (class_id, user_id),
        )
        return row is not None

    async def teachers(self, class_id: int) -> list[UserRecord]:
        """The class's responsible teachers, in the order they became responsible."""
        rows = await self._ex.fetch_all(
            "SELECT u.* FROM class_teachers ct JOIN users u ON u.id = ct.user_id"
            " WHERE ct.class_id = ? ORDER BY ct.added_at, u.id",
            (class_id,),
        )
        return [UserRecord.from_row(r) for r in rows]

    async def colleagues(self, class_id: int) -> list[UserRecord]:
        """Validated, active teachers of the class's school who do not teach it yet."""
        rows = await self._ex.fetch_all(
            "SELECT u.* FROM classes c JOIN users u ON u.school_id = c.school_id"
            " JOIN teachers t ON t.user_id = u.id"
            " WHERE c.id = ? AND u.kind = 'teacher' AND t.status = 'validated'"
            " AND u.disabled = 0 AND NOT EXISTS (SELECT 1 FROM class_teachers ct"
            " WHERE ct.class_id = c.id AND ct.user_id = u.id)"
            " ORDER BY u.display_name, u.id",
            (class_id,),
        )
        return [UserRecord.from_row(r) for r in rows]

    async def taught_by(self, user_id: int) -> set[int]:
        """Ids of the classes a teacher is responsible for."""
        rows = await self._ex.fetch_all(
            "SELECT class_id FROM class_teachers WHERE user_id = ?", (user_id,)
        )
        return {int(r["class_id"]) for r in rows}

    async def get(self, class_id: int) -> ClassRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM classes WHERE id = ?", (class_id,))
        return ClassRecord.from_row(row) if row else None

    async def of_school(self, school_id: int) -> list[ClassRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM classes WHERE school_id = ? ORDER BY name", (school_id,)
        )
        return [ClassRecord.from_row(r) for r in rows]
