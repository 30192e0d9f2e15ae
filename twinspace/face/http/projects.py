"""TwinSpace projects HTTP API: projects, members, invitations, pupils."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from twinspace.clock import utcnow
from twinspace.face.api import ApiRouter, Ctx
from twinspace.face.http.views import InvitationOut, MemberOut, PersonOut, ProjectOut
from twinspace.types import ProjectState, Role
from twinspace.workspace.access import Action
from twinspace.workspace.projects import NewProject, ProjectUpdate

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


class ProjectDetail(ProjectOut):
    member_counts: dict[str, int]
    my_mute: MuteState | None = None


class PartnerClassOut(BaseModel):
    id: int
    name: str
    school_id: int
    school_name: str
    country: str


@router.post("/projects", body=NewProject, response=ProjectOut, status=201)
async def create_project(ctx: Ctx, body: NewProject) -> ProjectOut:
    """Found a TwinSpace; named co-founders are invited and become founders on accepting.

    A European project stays `founding` until co-founders from another country accept.
    """
    project = await ctx.services.projects.create(ctx.user, body)
    return ProjectOut.of(project, Role.FOUNDER)


@router.get("/projects", response=list[ProjectOut])
async def my_projects(ctx: Ctx) -> list[ProjectOut]:
    """The TwinSpaces the signed-in user belongs to."""
    return [ProjectOut.of(p, role) for p, role in await ctx.services.projects.mine(ctx.user)]


@router.get("/projects/{project_id:id}", response=ProjectDetail)
async def get_project(ctx: Ctx) -> ProjectDetail:
    """One TwinSpace (members only)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    counts = await ctx.services.storage.memberships.count_by_role(access.project.id)
    mute = await ctx.services.storage.mutes.active(access.project.id, ctx.user.id, utcnow())
    base = ProjectOut.of(access.project, access.role)
    return ProjectDetail(
        **base.model_dump(),
        member_counts={r.value: n for r, n in counts.items()},
        my_mute=MuteState(until=mute.until, reason=mute.reason) if mute else None,
    )


@router.get("/projects/{project_id:id}/classes", response=list[PartnerClassOut])
async def partner_classes(ctx: Ctx) -> list[PartnerClassOut]:
    """Classes of the partner schools (for scheduling live sessions; teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    access.require(Action.MANAGE_SPACES)
    rows = await ctx.services.storage.memberships.partner_classes(access.project.id)
    return [PartnerClassOut.model_validate(row) for row in rows]


@router.patch("/projects/{project_id:id}", body=ProjectUpdate, response=ProjectOut)
async def update_project(ctx: Ctx, body: ProjectUpdate) -> ProjectOut:
    """Change a TwinSpace's settings (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return ProjectOut.of(await ctx.services.projects.update(access, body), access.role)


@router.post("/projects/{project_id:id}/state", body=StateChange, response=ProjectOut)
async def set_state(ctx: Ctx, body: StateChange) -> ProjectOut:
    """Archive (read-only), close, or reactivate an archived TwinSpace."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return ProjectOut.of(await ctx.services.projects.set_state(access, body.state), access.role)


@router.get("/projects/{project_id:id}/members", response=list[MemberOut])
async def members(ctx: Ctx) -> list[MemberOut]:
    """Members of a TwinSpace with their roles."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [
        MemberOut(**PersonOut.of(u).model_dump(), role=m.role, added_at=m.added_at)
        for m, u in await ctx.services.projects.members(access)
    ]


@router.patch("/projects/{project_id:id}/members/{user_id:id}", body=RoleChange, response=MemberOut)
async def change_role(ctx: Ctx, body: RoleChange) -> MemberOut:
    """Change a member's role (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    membership = await ctx.services.projects.set_role(access, ctx.path_id("user_id"), body.role)
    user = await ctx.services.storage.users.get(membership.user_id)
    assert user is not None
    return MemberOut(
        **PersonOut.of(user).model_dump(), role=membership.role, added_at=membership.added_at
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


@router.post("/projects/{project_id:id}/pupils", body=PupilIds, response=list[PersonOut])
async def add_pupils(ctx: Ctx, body: PupilIds) -> list[PersonOut]:
    """Add pupils of the teacher's own school to the TwinSpace."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [PersonOut.of(p) for p in await ctx.services.projects.add_pupils(access, body.user_ids)]


@router.post(
    "/projects/{project_id:id}/invitations", body=NewInvitation, response=InvitationOut, status=201
)
async def invite(ctx: Ctx, body: NewInvitation) -> InvitationOut:
    """Invite a partner teacher (or a guest observer)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return InvitationOut.of(
        await ctx.services.projects.invite(access, body.user_id, body.role, body.message)
    )


@router.get("/projects/{project_id:id}/invitations", response=list[InvitationOut])
async def project_invitations(ctx: Ctx) -> list[InvitationOut]:
    """Invitations sent for a TwinSpace (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [InvitationOut.of(i) for i in await ctx.services.projects.invitations_of_project(access)]


@router.delete("/projects/{project_id:id}/invitations/{invitation_id:id}", status=204)
async def revoke_invitation(ctx: Ctx) -> None:
    """Withdraw a pending invitation."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.projects.revoke(access, ctx.path_id("invitation_id"))


@router.get("/invitations", response=list[InvitationOut])
async def my_invitations(ctx: Ctx) -> list[InvitationOut]:
    """Pending invitations addressed to the signed-in user."""
    return [InvitationOut.of(i) for i in await ctx.services.projects.my_invitations(ctx.user)]


@router.post("/invitations/{invitation_id:id}/accept", response=ProjectOut)
async def accept_invitation(ctx: Ctx) -> ProjectOut:
    """Accept an invitation and join the TwinSpace."""
    project = await ctx.services.projects.accept(ctx.user, ctx.path_id("invitation_id"))
    access = await ctx.services.access.project(ctx.user, project.id)
    return ProjectOut.of(project, access.role)


@router.post("/invitations/{invitation_id:id}/decline", status=204)
async def decline_invitation(ctx: Ctx) -> None:
    """Decline an invitation."""
    await ctx.services.projects.decline(ctx.user, ctx.path_id("invitation_id"))
