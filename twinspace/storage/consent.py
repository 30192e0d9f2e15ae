"""SQL for guardian consent: pupils' birth dates, the current consent and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row
from twinspace.types import ConsentMethod, ConsentState

_COLUMNS = "state, decided_on, method, note, recorded_by, recorded_at"


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One consent decision as recorded (the current one, or one entry of the history)."""

    pupil_id: int
    state: ConsentState
    decided_on: date | None
    method: ConsentMethod | None
    note: str
    recorded_by: int | None
    recorded_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> ConsentRecord:
        return cls(
            row["pupil_id"],
            ConsentState(row["state"]),
            date.fromisoformat(row["decided_on"]) if row["decided_on"] else None,
            ConsentMethod(row["method"]) if row["method"] else None,
            row["note"],
            row["recorded_by"],
            from_iso(row["recorded_at"]),
        )


@dataclass(frozen=True, slots=True)
class BirthDate:
    year: int | None
    month: int | None


class ConsentRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def lock_pupil(self, pupil_id: int) -> None:
        """First statement of a transaction that reads a pupil's consent and changes it."""
        await self._ex.lock("pupil_consent", pupil_id)

    async def current(self, pupil_id: int) -> ConsentRecord | None:
        row = await self._ex.fetch_one(
            f"SELECT pupil_id, {_COLUMNS} FROM pupil_consents WHERE pupil_id = ?", (pupil_id,)
        )
        return ConsentRecord.from_row(row) if row else None

    async def of_pupils(self, pupil_ids: list[int]) -> dict[int, ConsentRecord]:
        if not pupil_ids:
            return {}
        marks = ", ".join("?" for _ in pupil_ids)
        rows = await self._ex.fetch_all(
            f"SELECT pupil_id, {_COLUMNS} FROM pupil_consents WHERE pupil_id IN ({marks})",
            tuple(pupil_ids),
        )
        return {r["pupil_id"]: ConsentRecord.from_row(r) for r in rows}

    async def record(self, entry: ConsentRecord) -> None:
        """Make `entry` the pupil's current consent and append it to the history."""
        values = (
            entry.pupil_id,
            entry.state.value,
            entry.decided_on.isoformat() if entry.decided_on else None,
            entry.method.value if entry.method else None,
            entry.note,
            entry.recorded_by,
            to_iso(entry.recorded_at),
        )
        await self._ex.execute(
            f"INSERT INTO pupil_consents (pupil_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (pupil_id) DO UPDATE SET state = excluded.state,"
            " decided_on = excluded.decided_on, method = excluded.method, note = excluded.note,"
            " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            values,
        )
        await self._ex.execute(
            f"INSERT INTO pupil_consent_history (pupil_id, {_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            values,
        )

    async def history(self, pupil_id: int) -> list[ConsentRecord]:
        rows = await self._ex.fetch_all(
            f"SELECT pupil_id, {_COLUMNS} FROM pupil_consent_history WHERE pupil_id = ?"
            " ORDER BY id",
            (pupil_id,),
        )
        return [ConsentRecord.from_row(r) for r in rows]

    async def birth_date(self, pupil_id: int) -> BirthDate | None:
        """None when `pupil_id` is no pupil."""
        row = await self._ex.fetch_one(
            "SELECT birth_year, birth_month FROM pupils WHERE user_id = ?", (pupil_id,)
        )
        return BirthDate(row["birth_year"], row["birth_month"]) if row else None

    async def birth_dates(self, pupil_ids: list[int]) -> dict[int, BirthDate]:
        if not pupil_ids:
            return {}
        marks = ", ".join("?" for _ in pupil_ids)
        rows = await self._ex.fetch_all(
            f"SELECT user_id, birth_year, birth_month FROM pupils WHERE user_id IN ({marks})",
            tuple(pupil_ids),
        )
        return {r["user_id"]: BirthDate(r["birth_year"], r["birth_month"]) for r in rows}

    async def set_birth_date(self, pupil_id: int, year: int | None, month: int | None) -> None:
        await self._ex.execute(
            "UPDATE pupils SET birth_year = ?, birth_month = ? WHERE user_id = ?",
            (year, month, pupil_id),
        )
