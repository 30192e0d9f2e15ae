"""A TwinSpace's plan and results over HTTP: members read, teachers edit."""

from __future__ import annotations

from twinspace.face.api import ApiRouter, Ctx
from twinspace.workspace.plan import PlanActivityForm, ResultForm
from twinspace.workspace.views import PlanActivityView, ResultView

router = ApiRouter("plan")


@router.get("/projects/{project_id:id}/plan", response=list[PlanActivityView])
async def plan(ctx: Ctx) -> list[PlanActivityView]:
    """The project's jointly developed plan: activities by date (members)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [PlanActivityView.of(a) for a in await ctx.services.plan.activities(access)]


@router.post(
    "/projects/{project_id:id}/plan", body=PlanActivityForm, response=PlanActivityView, status=201
)
async def add_activity(ctx: Ctx, body: PlanActivityForm) -> PlanActivityView:
    """Add an activity with its dates and responsible partner schools (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return PlanActivityView.of(await ctx.services.plan.add_activity(access, body))


@router.put(
    "/projects/{project_id:id}/plan/{activity_id:id}",
    body=PlanActivityForm,
    response=PlanActivityView,
)
async def change_activity(ctx: Ctx, body: PlanActivityForm) -> PlanActivityView:
    """Replace an activity of the plan (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    changed = await ctx.services.plan.change_activity(access, ctx.path_id("activity_id"), body)
    return PlanActivityView.of(changed)


@router.delete("/projects/{project_id:id}/plan/{activity_id:id}", status=204)
async def remove_activity(ctx: Ctx) -> None:
    """Remove an activity from the plan (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.plan.remove_activity(access, ctx.path_id("activity_id"))


@router.get("/projects/{project_id:id}/results", response=list[ResultView])
async def results(ctx: Ctx) -> list[ResultView]:
    """The results the partners made (members)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [ResultView.of(r) for r in await ctx.services.plan.results(access)]


@router.post("/projects/{project_id:id}/results", body=ResultForm, response=ResultView, status=201)
async def add_result(ctx: Ctx, body: ResultForm) -> ResultView:
    """Add a result, pointing to its page or board and naming the schools that made it."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return ResultView.of(await ctx.services.plan.add_result(access, body))


@router.put(
    "/projects/{project_id:id}/results/{result_id:id}", body=ResultForm, response=ResultView
)
async def change_result(ctx: Ctx, body: ResultForm) -> ResultView:
    """Replace a result (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    changed = await ctx.services.plan.change_result(access, ctx.path_id("result_id"), body)
    return ResultView.of(changed)


@router.delete("/projects/{project_id:id}/results/{result_id:id}", status=204)
async def remove_result(ctx: Ctx) -> None:
    """Remove a result (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.plan.remove_result(access, ctx.path_id("result_id"))
