"""A TwinSpace's plan and results over HTTP: members read, teachers edit."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from twinspace.face.api import ApiRouter, Ctx
from twinspace.storage.plan import PlanActivityRecord, ResultRecord, SchoolRef
from twinspace.workspace.plan import PlanActivityForm, ResultForm

router = ApiRouter("plan")


class SchoolRefOut(BaseModel):
    id: int
    name: str
    country: str

    @classmethod
    def of(cls, school: SchoolRef) -> SchoolRefOut:
        return cls(id=school.id, name=school.name, country=school.country)


class PlanActivityOut(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    starts_on: date
    ends_on: date
    schools: list[SchoolRefOut]
    updated_at: datetime

    @classmethod
    def of(cls, a: PlanActivityRecord) -> PlanActivityOut:
        return cls(
            id=a.id,
            project_id=a.project_id,
            title=a.title,
            description=a.description,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            schools=[SchoolRefOut.of(s) for s in a.schools],
            updated_at=a.updated_at,
        )


class ResultOut(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    page_id: int | None
    board_id: int | None
    schools: list[SchoolRefOut]
    updated_at: datetime

    @classmethod
    def of(cls, r: ResultRecord) -> ResultOut:
        return cls(
            id=r.id,
            project_id=r.project_id,
            title=r.title,
            description=r.description,
            page_id=r.page_id,
            board_id=r.board_id,
            schools=[SchoolRefOut.of(s) for s in r.schools],
            updated_at=r.updated_at,
        )


@router.get("/projects/{project_id:id}/plan", response=list[PlanActivityOut])
async def plan(ctx: Ctx) -> list[PlanActivityOut]:
    """The project's jointly developed plan: activities by date (members)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [PlanActivityOut.of(a) for a in await ctx.services.plan.activities(access)]


@router.post(
    "/projects/{project_id:id}/plan", body=PlanActivityForm, response=PlanActivityOut, status=201
)
async def add_activity(ctx: Ctx, body: PlanActivityForm) -> PlanActivityOut:
    """Add an activity with its dates and responsible partner schools (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return PlanActivityOut.of(await ctx.services.plan.add_activity(access, body))


@router.put(
    "/projects/{project_id:id}/plan/{activity_id:id}",
    body=PlanActivityForm,
    response=PlanActivityOut,
)
async def change_activity(ctx: Ctx, body: PlanActivityForm) -> PlanActivityOut:
    """Replace an activity of the plan (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    changed = await ctx.services.plan.change_activity(access, ctx.path_id("activity_id"), body)
    return PlanActivityOut.of(changed)


@router.delete("/projects/{project_id:id}/plan/{activity_id:id}", status=204)
async def remove_activity(ctx: Ctx) -> None:
    """Remove an activity from the plan (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.plan.remove_activity(access, ctx.path_id("activity_id"))


@router.get("/projects/{project_id:id}/results", response=list[ResultOut])
async def results(ctx: Ctx) -> list[ResultOut]:
    """The results the partners made (members)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [ResultOut.of(r) for r in await ctx.services.plan.results(access)]


@router.post("/projects/{project_id:id}/results", body=ResultForm, response=ResultOut, status=201)
async def add_result(ctx: Ctx, body: ResultForm) -> ResultOut:
    """Add a result, pointing to its page or board and naming the schools that made it."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return ResultOut.of(await ctx.services.plan.add_result(access, body))


@router.put("/projects/{project_id:id}/results/{result_id:id}", body=ResultForm, response=ResultOut)
async def change_result(ctx: Ctx, body: ResultForm) -> ResultOut:
    """Replace a result (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    changed = await ctx.services.plan.change_result(access, ctx.path_id("result_id"), body)
    return ResultOut.of(changed)


@router.delete("/projects/{project_id:id}/results/{result_id:id}", status=204)
async def remove_result(ctx: Ctx) -> None:
    """Remove a result (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.plan.remove_result(access, ctx.path_id("result_id"))
