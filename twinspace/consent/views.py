"""Response models of guardian consent (docs/consent.md)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from twinspace.consent.service import ConsentStatus
from twinspace.storage.consent import ConsentRecord
from twinspace.types import ConsentMethod, ConsentState


class ConsentEntryView(BaseModel):
    """One recorded decision (the history keeps every one)."""

    state: ConsentState
    decided_on: date | None
    method: ConsentMethod | None
    note: str
    recorded_by: str | None = Field(description="the teacher's name; null: before records")
    recorded_at: datetime

    @classmethod
    def of(cls, record: ConsentRecord, names: dict[int, str]) -> ConsentEntryView:
        return cls(
            state=record.state,
            decided_on=record.decided_on,
            method=record.method,
            note=record.note,
            recorded_by=names.get(record.recorded_by) if record.recorded_by else None,
            recorded_at=record.recorded_at,
        )


class ConsentView(BaseModel):
    """A pupil's guardian consent as their class teachers see it."""

    pupil_id: int
    state: ConsentState
    current: ConsentEntryView | None = Field(description="null: nothing recorded yet (pending)")
    birth_year: int | None
    birth_month: int | None
    age: int | None = Field(description="the youngest age the birth date allows; null: unknown")
    consent_age: int = Field(description="the age of digital consent of the school's country")
    country: str
    required: bool = Field(description="below the age of consent, or of unknown age")
    may_post: bool

    @classmethod
    def of(cls, status: ConsentStatus, names: dict[int, str]) -> ConsentView:
        return cls(
            pupil_id=status.pupil.id,
            state=status.state,
            current=ConsentEntryView.of(status.record, names) if status.record else None,
            birth_year=status.birth.year,
            birth_month=status.birth.month,
            age=status.age,
            consent_age=status.consent_age,
            country=status.country,
            required=status.required,
            may_post=status.may_post,
        )


class PupilConsentView(ConsentView):
    history: list[ConsentEntryView]


class MyConsentView(BaseModel):
    """The signed-in user's own standing: whether they may write (pupils only ever wait)."""

    required: bool
    state: ConsentState | None = Field(description="null: not a pupil")
    may_post: bool
    consent_age: int | None
