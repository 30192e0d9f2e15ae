"""Response models of Quality Labels: applications and their work, labels, editions,
competitions and prizes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from twinspace.labels.service import (
    ApplicationStatus,
    CriterionScores,
    CriterionStatements,
    LabelLevel,
    LabelPolicy,
)
from twinspace.storage.competitions import (
    CompetitionRecord,
    EntryRecord,
    PrizeRecord,
    ScoreRecord,
)
from twinspace.storage.labels import ApplicationRecord, LabelRecord
from twinspace.storage.plan import SpaceCount, WorkSummary
from twinspace.workspace.views import PlanActivityView, ResultView, SchoolRefView


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
    plan_activity_ids: list[int] = Field(description="plan activities the application points to")
    result_ids: list[int] = Field(description="results the application points to")

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
            plan_activity_ids=a.evidence.get("plan_activity_ids", []),
            result_ids=a.evidence.get("result_ids", []),
        )


class SpaceCountView(BaseModel):
    id: int
    title: str
    items: int = Field(description="published posts (boards) or messages (channels)")

    @classmethod
    def of(cls, space: SpaceCount) -> SpaceCountView:
        return cls(id=space.id, title=space.title, items=space.items)


class WorkView(BaseModel):
    """A TwinSpace's actual work, counted from what it stores."""

    pages: list[SpaceCountView]
    boards: list[SpaceCountView]
    channels: list[SpaceCountView]
    schools: list[SchoolRefView]
    members: dict[str, int]
    messages: int
    board_posts: int
    comments: int
    page_versions: int
    media: int

    @classmethod
    def of(cls, w: WorkSummary) -> WorkView:
        return cls(
            pages=[SpaceCountView.of(p) for p in w.pages],
            boards=[SpaceCountView.of(b) for b in w.boards],
            channels=[SpaceCountView.of(c) for c in w.channels],
            schools=[SchoolRefView.of(s) for s in w.schools],
            members=w.members,
            messages=w.messages,
            board_posts=w.board_posts,
            comments=w.comments,
            page_versions=w.page_versions,
            media=w.media,
        )


class ApplicationWorkView(BaseModel):
    application: ApplicationView
    work: WorkView
    plan: list[PlanActivityView]
    results: list[ResultView]
    policy: LabelPolicy


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


class CategoryView(BaseModel):
    id: int
    name: str


class CompetitionView(BaseModel):
    id: int
    level: LabelLevel
    country: str | None = Field(description="national: the country; European: null")
    title: str
    description: str
    categories: list[CategoryView]
    jury_ids: list[int]
    prizes_per_category: int
    entries_close_at: datetime
    entries_open: bool
    announced_at: datetime | None
    organiser_id: int | None

    @classmethod
    def of(cls, c: CompetitionRecord, now: datetime) -> CompetitionView:
        return cls(
            id=c.id,
            level=c.level,
            country=c.country,
            title=c.title,
            description=c.description,
            categories=[CategoryView(id=k.id, name=k.name) for k in c.categories],
            jury_ids=list(c.jury_ids),
            prizes_per_category=c.prizes_per_category,
            entries_close_at=c.entries_close_at,
            entries_open=now < c.entries_close_at and c.announced_at is None,
            announced_at=c.announced_at,
            organiser_id=c.organiser_id,
        )


class ScoreView(BaseModel):
    juror_id: int
    score: int
    comment: str
    scored_at: datetime

    @classmethod
    def of(cls, s: ScoreRecord) -> ScoreView:
        return cls(juror_id=s.juror_id, score=s.score, comment=s.comment, scored_at=s.scored_at)


class EntryView(BaseModel):
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
    scored_by: int = Field(description="how many jurors scored it")
    place: int | None = Field(description="after the announcement: its place in its category")
    mean_score: float | None
    scores: list[ScoreView] = Field(description="the organiser, the jury and the admin only")

    @classmethod
    def of(cls, e: EntryRecord, scores: list[ScoreRecord] | None = None) -> EntryView:
        return cls(
            id=e.id,
            competition_id=e.competition_id,
            category_id=e.category_id,
            category_name=e.category_name,
            project_id=e.project_id,
            project_title=e.project_title,
            teacher_id=e.teacher_id,
            teacher_name=e.teacher_name,
            statement=e.statement,
            entered_at=e.entered_at,
            scored_by=e.scores,
            place=e.place,
            mean_score=e.mean_score,
            scores=[ScoreView.of(s) for s in scores or []],
        )


class EligibilityView(BaseModel):
    label: LabelView
    entered: bool
    entry_id: int | None


class EligibleTeacherView(BaseModel):
    teacher_id: int
    teacher_name: str
    labels: list[LabelView]


class EntryWorkView(BaseModel):
    entry: EntryView
    work: WorkView
    plan: list[PlanActivityView]
    results: list[ResultView]


class PrizeView(BaseModel):
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
    teacher_ids: list[int] = Field(description="the label holders of the TwinSpace it went to")

    @classmethod
    def of(cls, p: PrizeRecord) -> PrizeView:
        return cls(
            competition_id=p.competition_id,
            competition_title=p.competition_title,
            level=p.level,
            country=p.country,
            category_name=p.category_name,
            entry_id=p.entry_id,
            project_id=p.project_id,
            project_title=p.project_title,
            place=p.place,
            announced_at=p.announced_at,
            teacher_ids=list(p.teacher_ids),
        )
