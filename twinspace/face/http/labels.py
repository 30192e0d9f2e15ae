"""Quality Labels HTTP API: NQL applications and reviews, EQL editions, labels on projects and
profiles, and the lists of teachers eligible for the national and European competitions."""

from __future__ import annotations

from itertools import groupby

from pydantic import Field

from twinspace.face.api import ApiRouter, AuthMode, Ctx, Paging
from twinspace.labels.service import (
    ApplicationStatus,
    LabelApplicationForm,
    LabelLevel,
    LabelPolicy,
    LabelReview,
)
from twinspace.labels.views import (
    ApplicationView,
    ApplicationWorkView,
    EditionView,
    EntrantView,
    LabelView,
    RecipientView,
    WorkView,
)
from twinspace.workspace.views import PlanActivityView, ResultView

router = ApiRouter("labels")


class ApplicationQuery(Paging):
    status: ApplicationStatus | None = None


class CompetitionQuery(Paging):
    level: LabelLevel
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")


@router.post(
    "/labels/applications", body=LabelApplicationForm, response=ApplicationView, status=201
)
async def apply(ctx: Ctx, body: LabelApplicationForm) -> ApplicationView:
    """Apply for the National Quality Label for a project you teach in."""
    return ApplicationView.of(await ctx.services.labels.apply(ctx.user, body))


@router.get("/labels/applications", query=ApplicationQuery, response=list[ApplicationView])
async def applications(ctx: Ctx, query: ApplicationQuery) -> list[ApplicationView]:
    """Applications: a teacher's own, an NSO's country's, or all (admin)."""
    found = await ctx.services.labels.applications(
        ctx.user, query.status, query.limit, query.offset
    )
    return [ApplicationView.of(a) for a in found]


@router.get("/labels/applications/{application_id:id}", response=ApplicationView)
async def application(ctx: Ctx) -> ApplicationView:
    """One application (the applicant, the NSO of its country, the admin)."""
    found = await ctx.services.labels.application(ctx.user, ctx.path_id("application_id"))
    return ApplicationView.of(found)


@router.get("/labels/applications/{application_id:id}/work", response=ApplicationWorkView)
async def application_work(ctx: Ctx) -> ApplicationWorkView:
    """The TwinSpace's actual work beside an application: pages, boards, activity counts,
    plan and results, and the country's score thresholds (the application's readers)."""
    found = await ctx.services.labels.work(ctx.user, ctx.path_id("application_id"))
    w = found.work
    return ApplicationWorkView(
        application=ApplicationView.of(found.application),
        work=WorkView.of(w),
        plan=[PlanActivityView.of(a) for a in found.plan],
        results=[ResultView.of(r) for r in found.results],
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
    "/labels/applications/{application_id:id}/review", body=LabelReview, response=ApplicationView
)
async def review(ctx: Ctx, body: LabelReview) -> ApplicationView:
    """Score, award or reject, and maybe nominate for the EQL (NSO of the teacher's country)."""
    reviewed = await ctx.services.labels.review(ctx.user, ctx.path_id("application_id"), body)
    return ApplicationView.of(reviewed)


@router.post("/labels/editions/{year:int}/run", response=EditionView)
async def run_edition(ctx: Ctx) -> EditionView:
    """Run the European Quality Label's October edition of a year (admin); idempotent."""
    year = int(ctx.request.path_params["year"])
    result = await ctx.services.labels.run_edition(ctx.user, year)
    return EditionView(
        year=result.year,
        edition_date=result.cutoff,
        qualifying_projects=result.qualifying_projects,
        created=len(result.recipients),
        recipients=[
            RecipientView(
                teacher_id=r.teacher_id,
                teacher_name=r.teacher_name,
                project_id=r.project_id,
                school_id=r.school_id,
                country=r.country,
            )
            for r in result.recipients
        ],
    )


@router.get("/projects/{project_id:id}/labels", response=list[LabelView])
async def project_labels(ctx: Ctx) -> list[LabelView]:
    """Quality Labels awarded for a project (members)."""
    found = await ctx.services.labels.of_project(ctx.user, ctx.path_id("project_id"))
    return [LabelView.of(label) for label in found]


@router.get("/teachers/{user_id:id}/labels", response=list[LabelView])
async def teacher_labels(ctx: Ctx) -> list[LabelView]:
    """A teacher's Quality Labels, for their profile."""
    found = await ctx.services.labels.of_teacher(ctx.user, ctx.path_id("user_id"))
    return [LabelView.of(label) for label in found]


@router.get("/labels/competitions", query=CompetitionQuery, response=list[EntrantView])
async def competition_entrants(ctx: Ctx, query: CompetitionQuery) -> list[EntrantView]:
    """Teachers eligible for the national (NQL) or European (EQL) competitions.

    An NSO and a teacher list their own country's national list; the European list and the
    admin any country or all.
    """
    labels = await ctx.services.labels.competition_entrants(
        ctx.user, query.level, query.country, query.limit, query.offset
    )
    return [
        EntrantView(
            teacher_id=teacher_id,
            teacher_name=group[0].teacher_name,
            labels=[LabelView.of(label) for label in group],
        )
        for teacher_id, group in (
            (k, list(g)) for k, g in groupby(labels, key=lambda label: label.teacher_id)
        )
    ]
