"""TwinSpace projects HTTP API: projects, members, invitations, pupils."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from twinspace.clock import utcnow
from twinspace.face.api import ApiRouter, Ctx
from twinspace.registry.views import PersonView
from twinspace.types import ProjectState, Role
from twinspace.workspace.access import Action
from twinspace.workspace.projects import NewProject, ProjectUpdate
from twinspace.workspace.views import InvitationView, MemberView, PartnerClassView, ProjectView

router = ApiRouter("projects")


class StateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: ProjectState


class NewInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1)
    role: Role = Role.TEACHER
    message: str = Field("", max_length=2000)


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class RemovalQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    turn_national: bool = Field(
        False,
        description="a founder's confirmation that removing the last partner from another "
        "country turns the European project national",
    )


class PupilIds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_ids: list[int] = Field(min_length=1, max_length=200)


class MuteState(BaseModel):
    until: datetime
    reason: str


class ProjectDetail(ProjectView):
    member_counts: dict[str, int]
    my_mute: MuteState | None = None


@router.post("/projects", body=NewProject, response=ProjectView, status=201)
async def create_project(ctx: Ctx, body: NewProject) -> ProjectView:
    """Found a TwinSpace; named co-founders are invited and become founders on accepting.

    A European project stays `founding` until co-founders from another country accept.
    """
    project = await ctx.services.projects.create(ctx.user, body)
    return ProjectView.of(project, Role.FOUNDER)


@router.get("/projects", response=list[ProjectView])
async def my_projects(ctx: Ctx) -> list[ProjectView]:
    """The TwinSpaces the signed-in user belongs to."""
    return [ProjectView.of(p, role) for p, role in await ctx.services.projects.mine(ctx.user)]


@router.get("/projects/{project_id:id}", response=ProjectDetail)
async def get_project(ctx: Ctx) -> ProjectDetail:
    """One TwinSpace (members only)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    counts = await ctx.services.storage.memberships.count_by_role(access.project.id)
    mute = await ctx.services.storage.mutes.active(access.project.id, ctx.user.id, utcnow())
    base = ProjectView.of(access.project, access.role)
    return ProjectDetail(
        **base.model_dump(),
        member_counts={r.value: n for r, n in counts.items()},
        my_mute=MuteState(until=mute.until, reason=mute.reason) if mute else None,
    )


@router.get("/projects/{project_id:id}/classes", response=list[PartnerClassView])
async def partner_classes(ctx: Ctx) -> list[PartnerClassView]:
    """Classes of the partner schools (for scheduling live sessions; teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    access.require(Action.MANAGE_SPACES)
    rows = await ctx.services.storage.memberships.partner_classes(access.project.id)
    return [PartnerClassView.model_validate(row) for row in rows]


@router.patch("/projects/{project_id:id}", body=ProjectUpdate, response=ProjectView)
async def update_project(ctx: Ctx, body: ProjectUpdate) -> ProjectView:
    """Change a TwinSpace's settings (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return ProjectView.of(await ctx.services.projects.update(access, body), access.role)


@router.post("/projects/{project_id:id}/state", body=StateChange, response=ProjectView)
async def set_state(ctx: Ctx, body: StateChange) -> ProjectView:
    """Archive (read-only), close, or reactivate an archived TwinSpace."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return ProjectView.of(await ctx.services.projects.set_state(access, body.state), access.role)


@router.get("/projects/{project_id:id}/members", response=list[MemberView])
async def members(ctx: Ctx) -> list[MemberView]:
    """Members of a TwinSpace with their roles."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [
        MemberView(**PersonView.of(u).model_dump(), role=m.role, added_at=m.added_at)
        for m, u in await ctx.services.projects.members(access)
    ]


@router.patch(
    "/projects/{project_id:id}/members/{user_id:id}", body=RoleChange, response=MemberView
)
async def change_role(ctx: Ctx, body: RoleChange) -> MemberView:
    """Change a member's role (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    membership = await ctx.services.projects.set_role(access, ctx.path_id("user_id"), body.role)
    user = await ctx.services.storage.users.get(membership.user_id)
    assert user is not None
    return MemberView(
        **PersonView.of(user).model_dump(), role=membership.role, added_at=membership.added_at
    )


@router.delete("/projects/{project_id:id}/members/{user_id:id}", query=RemovalQuery, status=204)
async def remove_member(ctx: Ctx, query: RemovalQuery) -> None:
    """Remove a member (or leave); their live connections close.

    A European TwinSpace keeps partners from two countries: removing the last partner from
    another country is a 409 (`rule: european-partners`) unless a founder sends
    `?turn_national=true`, which turns the project national.
    """
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.projects.remove_member(
        access, ctx.path_id("user_id"), turn_national=query.turn_national
    )


@router.post("/projects/{project_id:id}/pupils", body=PupilIds, response=list[PersonView])
async def add_pupils(ctx: Ctx, body: PupilIds) -> list[PersonView]:
    """Add pupils of the teacher's own school to the TwinSpace."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [PersonView.of(p) for p in await ctx.services.projects.add_pupils(access, body.user_ids)]


@router.post(
    "/projects/{project_id:id}/invitations", body=NewInvitation, response=InvitationView, status=201
)
async def invite(ctx: Ctx, body: NewInvitation) -> InvitationView:
    """Invite a partner teacher (or a guest observer)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return InvitationView.of(
        await ctx.services.projects.invite(access, body.user_id, body.role, body.message)
    )


@router.get("/projects/{project_id:id}/invitations", response=list[InvitationView])
async def project_invitations(ctx: Ctx) -> list[InvitationView]:
    """Invitations sent for a TwinSpace (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [
        InvitationView.of(i) for i in await ctx.services.projects.invitations_of_project(access)
    ]


@router.delete("/projects/{project_id:id}/invitations/{invitation_id:id}", status=204)
async def revoke_invitation(ctx: Ctx) -> None:
    """Withdraw a pending invitation."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.projects.revoke(access, ctx.path_id("invitation_id"))


@router.get("/invitations", response=list[InvitationView])
async def my_invitations(ctx: Ctx) -> list[InvitationView]:
    """Pending invitations addressed to the signed-in user."""
    return [InvitationView.of(i) for i in await ctx.services.projects.my_invitations(ctx.user)]


@router.post("/invitations/{invitation_id:id}/accept", response=ProjectView)
async def accept_invitation(ctx: Ctx) -> ProjectView:
    """Accept an invitation and join the TwinSpace."""
    project = await ctx.services.projects.accept(ctx.user, ctx.path_id("invitation_id"))
    access = await ctx.services.access.project(ctx.user, project.id)
    return ProjectView.of(project, access.role)


@router.post("/invitations/{invitation_id:id}/decline", status=204)
async def decline_invitation(ctx: Ctx) -> None:
    """Decline an invitation."""
    await ctx.services.projects.decline(ctx.user, ctx.path_id("invitation_id"))
