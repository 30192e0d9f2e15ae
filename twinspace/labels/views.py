"""Response models of Quality Labels: applications, labels, editions and their recipients."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from twinspace.labels.service import (
    ApplicationStatus,
    CriterionScores,
    CriterionStatements,
    LabelLevel,
)
from twinspace.storage.labels import ApplicationRecord, LabelRecord


class ApplicationView(BaseModel):
    id: int
    project_id: int
    teacher_id: int
    school_id: int
    country: str
    statements: CriterionStatements
    status: ApplicationStatus
    scores: CriterionScores | None
    reason: str | None
    nominated: bool
    submitted_at: datetime
    reviewed_at: datetime | None
    teacher_name: str
    school_name: str
    project_title: str

    @classmethod
    def of(cls, a: ApplicationRecord) -> ApplicationView:
        return cls(
            id=a.id,
            project_id=a.project_id,
            teacher_id=a.teacher_id,
            school_id=a.school_id,
            country=a.country,
            statements=CriterionStatements.model_validate(a.statements),
            status=a.status,
            scores=CriterionScores.model_validate(a.scores) if a.scores else None,
            reason=a.reason,
            nominated=a.nominated,
            submitted_at=a.submitted_at,
            reviewed_at=a.reviewed_at,
            teacher_name=a.teacher_name,
            school_name=a.school_name,
            project_title=a.project_title,
        )


class LabelView(BaseModel):
    id: int
    level: LabelLevel
    teacher_id: int
    teacher_name: str
    project_id: int
    project_title: str
    school_id: int
    school_name: str
    country: str
    nominated: bool = Field(description="national labels: nominated for the European label")
    edition: int | None = Field(description="European labels: the October edition's year")
    awarded_at: datetime

    @classmethod
    def of(cls, label: LabelRecord) -> LabelView:
        return cls(
            id=label.id,
            level=label.level,
            teacher_id=label.teacher_id,
            teacher_name=label.teacher_name,
            project_id=label.project_id,
            project_title=label.project_title,
            school_id=label.school_id,
            school_name=label.school_name,
            country=label.country,
            nominated=label.nominated,
            edition=label.edition,
            awarded_at=label.awarded_at,
        )


class RecipientView(BaseModel):
    teacher_id: int
    teacher_name: str
    project_id: int
    school_id: int
    country: str


class EditionView(BaseModel):
    year: int
    edition_date: datetime = Field(description="NQLs awarded before this instant count")
    qualifying_projects: int
    created: int = Field(description="European labels created by this run")
    recipients: list[RecipientView]


class EntrantView(BaseModel):
    teacher_id: int
    teacher_name: str
    labels: list[LabelView]
