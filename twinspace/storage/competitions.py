"""SQL for competitions: categories, jury, entries, scores and announced prizes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row
from twinspace.storage.labels import LabelLevel


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CompetitionRecord:
    id: int
    level: LabelLevel
    country: str | None  # national competitions: the organising NSO's country
    title: str
    description: str
    prizes_per_category: int
    entries_close_at: datetime
    organiser_id: int | None
    created_at: datetime
    announced_at: datetime | None
    categories: tuple[CategoryRecord, ...]
    jury_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EntryRecord:
    id: int
    competition_id: int
    category_id: int
    category_name: str
    project_id: int
    project_title: str
    teacher_id: int | None
    teacher_name: str
    statement: str
    entered_at: datetime
    place: int | None
    mean_score: float | None
    scores: int  # how many jurors scored it

    @classmethod
    def from_row(cls, row: Row) -> EntryRecord:
        return cls(
            row["id"],
            row["competition_id"],
            row["category_id"],
            row["category_name"],
            row["project_id"],
            row["project_title"],
            row["teacher_id"],
            row["teacher_name"],
            row["statement"],
            from_iso(row["entered_at"]),
            row["place"],
            row["mean_score"],
            row["scores"],
        )


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    entry_id: int
    juror_id: int
    score: int
    comment: str
    scored_at: datetime


@dataclass(frozen=True, slots=True)
class PrizeRecord:
    """A winning entry as shown on a profile or a TwinSpace."""

    competition_id: int
    competition_title: str
    level: LabelLevel
    country: str | None
    category_name: str
    entry_id: int
    project_id: int
    project_title: str
    place: int
    announced_at: datetime
    teacher_ids: tuple[int, ...]


_ENTRY = (
    "SELECT e.*, c.name AS category_name, p.title AS project_title,"
    " coalesce(u.display_name, '') AS teacher_name,"
    " (SELECT count(*) FROM competition_scores s WHERE s.entry_id = e.id) AS scores"
    " FROM competition_entries e JOIN competition_categories c ON c.id = e.category_id"
    " JOIN projects p ON p.id = e.project_id LEFT JOIN users u ON u.id = e.teacher_id"
)
_PRIZE = (  # {teacher_ids}: the dialect's JSON array aggregate
    "SELECT k.id AS competition_id, k.title AS competition_title, k.level, k.country,"
    " c.name AS category_name, e.id AS entry_id, e.project_id, p.title AS project_title,"
    " e.place, k.announced_at,"
    " (SELECT {teacher_ids} FROM competition_prizes z"
    "  WHERE z.entry_id = e.id) AS teacher_ids"
    " FROM competition_entries e JOIN competitions k ON k.id = e.competition_id"
    " JOIN competition_categories c ON c.id = e.category_id"
    " JOIN projects p ON p.id = e.project_id"
    " WHERE k.announced_at IS NOT NULL AND e.place IS NOT NULL"
    " AND e.place <= k.prizes_per_category"
)


def _prize(row: Row) -> PrizeRecord:
    return PrizeRecord(
        row["competition_id"],
        row["competition_title"],
        LabelLevel(row["level"]),
        row["country"],
        row["category_name"],
        row["entry_id"],
        row["project_id"],
        row["project_title"],
        row["place"],
        from_iso(row["announced_at"]),
        tuple(sorted(json.loads(row["teacher_ids"] or "[]"))),
    )


class CompetitionRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    def _prize_select(self) -> str:
        return _PRIZE.format(teacher_ids=self._ex.dialect.json_array_agg("z.teacher_id"))

    async def create(
        self,
        *,
        level: LabelLevel,
        country: str | None,
        title: str,
        description: str,
        prizes_per_category: int,
        entries_close_at: datetime,
        organiser_id: int,
        categories: Sequence[str],
        jury_ids: Sequence[int],
        now: datetime,
    ) -> int:
        competition_id = await self._ex.execute(
            "INSERT INTO competitions (level, country, title, description, prizes_per_category,"
            " entries_close_at, organiser_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                level.value,
                country,
                title,
                description,
                prizes_per_category,
                to_iso(entries_close_at),
                organiser_id,
                to_iso(now),
            ),
        )
        await self._ex.execute_many(
            "INSERT INTO competition_categories (competition_id, name) VALUES (?, ?)",
            [(competition_id, name) for name in categories],
        )
        await self._ex.execute_many(
            "INSERT INTO competition_jurors (competition_id, user_id) VALUES (?, ?)",
            [(competition_id, user_id) for user_id in jury_ids],
        )
        return competition_id

    async def _record(self, row: Row) -> CompetitionRecord:
        categories = await self._ex.fetch_all(
            "SELECT id, name FROM competition_categories WHERE competition_id = ? ORDER BY id",
            (row["id"],),
        )
        jurors = await self._ex.fetch_all(
            "SELECT user_id FROM competition_jurors WHERE competition_id = ? ORDER BY user_id",
            (row["id"],),
        )
        return CompetitionRecord(
            row["id"],
            LabelLevel(row["level"]),
            row["country"],
            row["title"],
            row["description"],
            row["prizes_per_category"],
            from_iso(row["entries_close_at"]),
            row["organiser_id"],
            from_iso(row["created_at"]),
            from_iso(row["announced_at"]) if row["announced_at"] else None,
            tuple(CategoryRecord(c["id"], c["name"]) for c in categories),
            tuple(j["user_id"] for j in jurors),
        )

    async def get(self, competition_id: int) -> CompetitionRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM competitions WHERE id = ?", (competition_id,))
        return await self._record(row) if row else None

    async def search(
        self, *, level: LabelLevel | None, country: str | None, limit: int, offset: int
    ) -> list[CompetitionRecord]:
        level_value = level.value if level else None
        rows = await self._ex.fetch_all(
            "SELECT * FROM competitions WHERE (? IS NULL OR level = ?)"
            " AND (? IS NULL OR country = ?) ORDER BY entries_close_at DESC, id DESC"
            " LIMIT ? OFFSET ?",
            (level_value, level_value, country, country, limit, offset),
        )
        return [await self._record(r) for r in rows]

    async def close_entries(self, competition_id: int, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE competitions SET entries_close_at = ? WHERE id = ? AND entries_close_at > ?",
            (to_iso(now), competition_id, to_iso(now)),
        )

    # -- entries ----------------------------------------------------------------------------

    async def enter(
        self,
        *,
        competition_id: int,
        category_id: int,
        project_id: int,
        teacher_id: int,
        statement: str,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO competition_entries (competition_id, category_id, project_id,"
            " teacher_id, statement, entered_at) VALUES (?, ?, ?, ?, ?, ?)",
            (competition_id, category_id, project_id, teacher_id, statement, to_iso(now)),
        )

    async def entry(self, entry_id: int) -> EntryRecord | None:
        row = await self._ex.fetch_one(_ENTRY + " WHERE e.id = ?", (entry_id,))
        return EntryRecord.from_row(row) if row else None

    async def entry_of_project(self, competition_id: int, project_id: int) -> EntryRecord | None:
        row = await self._ex.fetch_one(
            _ENTRY + " WHERE e.competition_id = ? AND e.project_id = ?",
            (competition_id, project_id),
        )
        return EntryRecord.from_row(row) if row else None

    async def entries(self, competition_id: int) -> list[EntryRecord]:
        rows = await self._ex.fetch_all(
            _ENTRY + " WHERE e.competition_id = ? ORDER BY e.category_id,"
            " coalesce(e.place, 1000000), e.id",
            (competition_id,),
        )
        return [EntryRecord.from_row(r) for r in rows]

    # -- jury -------------------------------------------------------------------------------

    async def score(
        self, *, entry_id: int, juror_id: int, score: int, comment: str, now: datetime
    ) -> None:
        await self._ex.execute(
            "INSERT INTO competition_scores (entry_id, juror_id, score, comment, scored_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (entry_id, juror_id) DO UPDATE SET"
            " score = excluded.score, comment = excluded.comment, scored_at = excluded.scored_at",
            (entry_id, juror_id, score, comment, to_iso(now)),
        )

    async def scores(self, competition_id: int) -> list[ScoreRecord]:
        rows = await self._ex.fetch_all(
            "SELECT s.* FROM competition_scores s JOIN competition_entries e ON e.id = s.entry_id"
            " JOIN competition_jurors j ON j.competition_id = e.competition_id"
            " AND j.user_id = s.juror_id WHERE e.competition_id = ? ORDER BY s.entry_id,"
            " s.juror_id",
            (competition_id,),
        )
        return [
            ScoreRecord(
                r["entry_id"], r["juror_id"], r["score"], r["comment"], from_iso(r["scored_at"])
            )
            for r in rows
        ]

    # -- announcement -----------------------------------------------------------------------

    async def place(self, entry_id: int, place: int, mean_score: float) -> None:
        await self._ex.execute(
            "UPDATE competition_entries SET place = ?, mean_score = ? WHERE id = ?",
            (place, mean_score, entry_id),
        )

    async def award_prize(self, entry_id: int, teacher_ids: Sequence[int]) -> None:
        await self._ex.execute_many(
            "INSERT INTO competition_prizes (entry_id, teacher_id) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            [(entry_id, teacher_id) for teacher_id in dict.fromkeys(teacher_ids)],
        )

    async def announce(self, competition_id: int, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE competitions SET announced_at = ? WHERE id = ? AND announced_at IS NULL",
            (to_iso(now), competition_id),
        )

    async def prizes_of_teacher(self, teacher_id: int) -> list[PrizeRecord]:
        rows = await self._ex.fetch_all(
            self._prize_select()
            + " AND e.id IN (SELECT entry_id FROM competition_prizes WHERE teacher_id = ?)"
            " ORDER BY k.announced_at DESC, e.id",
            (teacher_id,),
        )
        return [_prize(r) for r in rows]

    async def prizes_of_project(self, project_id: int) -> list[PrizeRecord]:
        rows = await self._ex.fetch_all(
            self._prize_select() + " AND e.project_id = ? ORDER BY k.announced_at DESC, e.id",
            (project_id,),
        )
        return [_prize(r) for r in rows]
