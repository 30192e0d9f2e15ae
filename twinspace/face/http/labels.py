"""Quality Labels HTTP API: NQL applications and reviews, EQL editions, labels on projects and
profiles, and the lists of teachers eligible for the national and European competitions."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from pydantic import BaseModel, Field

from twinspace.face.api import ApiRouter, AuthMode, Ctx, Paging
from twinspace.face.http.plan import PlanActivityOut, ResultOut, SchoolRefOut
from twinspace.labels.service import (
    ApplicationStatus,
    CriterionScores,
    CriterionStatements,
    LabelApplicationForm,
    LabelLevel,
    LabelPolicy,
    LabelReview,
)
from twinspace.storage.labels import ApplicationRecord, LabelRecord
from twinspace.storage.plan import SpaceCount

router = ApiRouter("labels")


class ApplicationQuery(Paging):
    status: ApplicationStatus | None = None


class CompetitionQuery(Paging):
    level: LabelLevel
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")


class ApplicationOut(BaseModel):
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
    def of(cls, a: ApplicationRecord) -> ApplicationOut:
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


class SpaceCountOut(BaseModel):
    id: int
    title: str
    items: int = Field(description="published posts (boards) or messages (channels)")

    @classmethod
    def of(cls, space: SpaceCount) -> SpaceCountOut:
        return cls(id=space.id, title=space.title, items=space.items)


class WorkOut(BaseModel):
    """A TwinSpace's actual work, counted from what it stores."""

    pages: list[SpaceCountOut]
    boards: list[SpaceCountOut]
    channels: list[SpaceCountOut]
    schools: list[SchoolRefOut]
    members: dict[str, int]
    messages: int
    board_posts: int
    comments: int
    page_versions: int
    media: int


class ApplicationWorkOut(BaseModel):
    application: ApplicationOut
    work: WorkOut
    plan: list[PlanActivityOut]
    results: list[ResultOut]
    policy: LabelPolicy


class LabelOut(BaseModel):
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
    def of(cls, label: LabelRecord) -> LabelOut:
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


class RecipientOut(BaseModel):
    teacher_id: int
    teacher_name: str
    project_id: int
    school_id: int
    country: str


class EditionOut(BaseModel):
    year: int
    edition_date: datetime = Field(description="NQLs awarded before this instant count")
    qualifying_projects: int
    created: int = Field(description="European labels created by this run")
    recipients: list[RecipientOut]


class EntrantOut(BaseModel):
    teacher_id: int
    teacher_name: str
    labels: list[LabelOut]


@router.post("/labels/applications", body=LabelApplicationForm, response=ApplicationOut, status=201)
async def apply(ctx: Ctx, body: LabelApplicationForm) -> ApplicationOut:
    """Apply for the National Quality Label for a project you teach in."""
    return ApplicationOut.of(await ctx.services.labels.apply(ctx.user, body))


@router.get("/labels/applications", query=ApplicationQuery, response=list[ApplicationOut])
async def applications(ctx: Ctx, query: ApplicationQuery) -> list[ApplicationOut]:
    """Applications: a teacher's own, an NSO's country's, or all (admin)."""
    found = await ctx.services.labels.applications(
        ctx.user, query.status, query.limit, query.offset
    )
    return [ApplicationOut.of(a) for a in found]


@router.get("/labels/applications/{application_id:id}", response=ApplicationOut)
async def application(ctx: Ctx) -> ApplicationOut:
    """One application (the applicant, the NSO of its country, the admin)."""
    found = await ctx.services.labels.application(ctx.user, ctx.path_id("application_id"))
    return ApplicationOut.of(found)


@router.get("/labels/applications/{application_id:id}/work", response=ApplicationWorkOut)
async def application_work(ctx: Ctx) -> ApplicationWorkOut:
    """The TwinSpace's actual work beside an application: pages, boards, activity counts,
    plan and results, and the country's score thresholds (the application's readers)."""
    found = await ctx.services.labels.work(ctx.user, ctx.path_id("application_id"))
    w = found.work
    return ApplicationWorkOut(
        application=ApplicationOut.of(found.application),
        work=WorkOut(
            pages=[SpaceCountOut.of(p) for p in w.pages],
            boards=[SpaceCountOut.of(b) for b in w.boards],
            channels=[SpaceCountOut.of(c) for c in w.channels],
            schools=[SchoolRefOut.of(s) for s in w.schools],
            members=w.members,
            messages=w.messages,
            board_posts=w.board_posts,
            comments=w.comments,
            page_versions=w.page_versions,
            media=w.media,
        ),
        plan=[PlanActivityOut.of(a) for a in found.plan],
        results=[ResultOut.of(r) for r in found.results],
        policy=found.policy,
    )


@router.get("/labels/policies/{code}", auth=AuthMode.PUBLIC, response=LabelPolicy)
async def label_policy(ctx: Ctx) -> LabelPolicy:
    """A country's National Quality Label score thresholds (public)."""
    return await ctx.services.labels.policy(str(ctx.request.path_params["code"]))


@router.put("/labels/policies/{code}", body=LabelPolicy, response=LabelPolicy)
async def set_label_policy(ctx: Ctx, body: LabelPolicy) -> LabelPolicy:
    """Replace a country's National Quality Label score thresholds (central admin)."""
    code = str(ctx.request.path_params["code"])
    return await ctx.services.labels.set_policy(ctx.user, code, body)


@router.delete("/labels/applications/{application_id:id}", status=204)
async def withdraw(ctx: Ctx) -> None:
    """Withdraw your open application."""
    await ctx.services.labels.withdraw(ctx.user, ctx.path_id("application_id"))


@router.post(
    "/labels/applications/{application_id:id}/review", body=LabelReview, response=ApplicationOut
)
async def review(ctx: Ctx, body: LabelReview) -> ApplicationOut:
    """Score, award or reject, and maybe nominate for the EQL (NSO of the teacher's country)."""
    reviewed = await ctx.services.labels.review(ctx.user, ctx.path_id("application_id"), body)
    return ApplicationOut.of(reviewed)


@router.post("/labels/editions/{year:int}/run", response=EditionOut)
async def run_edition(ctx: Ctx) -> EditionOut:
    """Run the European Quality Label's October edition of a year (admin); idempotent."""
    year = int(ctx.request.path_params["year"])
    result = await ctx.services.labels.run_edition(ctx.user, year)
    return EditionOut(
        year=result.year,
        edition_date=result.cutoff,
        qualifying_projects=result.qualifying_projects,
        created=len(result.recipients),
        recipients=[
            RecipientOut(
                teacher_id=r.teacher_id,
                teacher_name=r.teacher_name,
                project_id=r.project_id,
                school_id=r.school_id,
                country=r.country,
            )
            for r in result.recipients
        ],
    )


@router.get("/projects/{project_id:id}/labels", response=list[LabelOut])
async def project_labels(ctx: Ctx) -> list[LabelOut]:
    """Quality Labels awarded for a project (members)."""
    found = await ctx.services.labels.of_project(ctx.user, ctx.path_id("project_id"))
    return [LabelOut.of(label) for label in found]


@router.get("/teachers/{user_id:id}/labels", response=list[LabelOut])
async def teacher_labels(ctx: Ctx) -> list[LabelOut]:
    """A teacher's Quality Labels, for their profile."""
    found = await ctx.services.labels.of_teacher(ctx.user, ctx.path_id("user_id"))
    return [LabelOut.of(label) for label in found]


@router.get("/labels/competitions", query=CompetitionQuery, response=list[EntrantOut])
async def competition_entrants(ctx: Ctx, query: CompetitionQuery) -> list[EntrantOut]:
    """Teachers eligible for the national (NQL) or European (EQL) competitions.

    An NSO and a teacher list their own country's national list; the European list and the
    admin any country or all.
    """
    labels = await ctx.services.labels.competition_entrants(
        ctx.user, query.level, query.country, query.limit, query.offset
    )
    return [
        EntrantOut(
            teacher_id=teacher_id,
            teacher_name=group[0].teacher_name,
            labels=[LabelOut.of(label) for label in group],
        )
        for teacher_id, group in (
            (k, list(g)) for k, g in groupby(labels, key=lambda label: label.teacher_id)
        )
    ]
