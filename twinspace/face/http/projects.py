"""TwinSpace projects HTTP API: projects, members, invitations, pupils."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twinspace.clock import utcnow
from twinspace.face.api import ApiRouter, AuthMode, Ctx
from twinspace.registry.views import PersonView
from twinspace.storage.records import InvitationRecord
from twinspace.types import ProjectState, Role
from twinspace.workspace.access import Action
from twinspace.workspace.projects import NewProject, ProjectUpdate
from twinspace.workspace.views import (
    AddressInvitationView,
    InvitationLinkView,
    InvitationView,
    MemberView,
    PartnerClassView,
    ProjectView,
)

router = ApiRouter("projects")


class StateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: ProjectState


class NewInvitation(BaseModel):
    """Whom to invite: `user_id`, or `email` (an account with that address gets the normal
    invitation; an unknown address an e-mail with a link to register, in `language`)."""

    model_config = ConfigDict(extra="forbid")

    user_id: int | None = Field(None, ge=1, le=10**18)
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    language: str | None = Field(
        None,
        pattern=r"^[a-z]{2}(-[A-Z]{2})?$",
        description="the e-mail's language for an unknown address (default: the inviter's)",
    )
    role: Role = Role.TEACHER
    message: str = Field("", max_length=2000)

    @model_validator(mode="after")
    def _one_invitee(self) -> NewInvitation:
        if (self.user_id is None) == (self.email is None):
            raise ValueError("send either user_id or email")
        return self


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
    "/projects/{project_id:id}/invitations",
    body=NewInvitation,
    response=InvitationView | AddressInvitationView,
    status=201,
)
async def invite(ctx: Ctx, body: NewInvitation) -> InvitationView | AddressInvitationView:
    """Invite a partner teacher (or a guest observer) by user id or e-mail address.

    The invitee is told by e-mail. An address with no account gets a link to register that
    carries the invitation (an `AddressInvitationView` is returned): once their NSO validates
    them they are a member (docs/mail.md).
    """
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    invitations = ctx.services.email_invitations
    if body.user_id is not None:
        return InvitationView.of(
            await invitations.invite_user(access, body.user_id, body.role, body.message)
        )
    assert body.email is not None
    sent = await invitations.invite_address(
        access, body.email, body.role, body.message, body.language or ctx.user.locale or "en"
    )
    if isinstance(sent, InvitationRecord):
        return InvitationView.of(sent)
    return AddressInvitationView.of(sent)


@router.get("/projects/{project_id:id}/address-invitations", response=list[AddressInvitationView])
async def address_invitations(ctx: Ctx) -> list[AddressInvitationView]:
    """Invitations sent to e-mail addresses with no account (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    found = await ctx.services.email_invitations.of_project(access)
    return [AddressInvitationView.of(i) for i in found]


@router.delete("/projects/{project_id:id}/address-invitations/{invitation_id:id}", status=204)
async def revoke_address_invitation(ctx: Ctx) -> None:
    """Withdraw an invitation sent to an address: its link stops working."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.email_invitations.revoke(access, ctx.path_id("invitation_id"))


class LinkQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    token: str = Field(min_length=1, max_length=512)


@router.get("/invitation-links", auth=AuthMode.PUBLIC, query=LinkQuery, response=InvitationLinkView)
async def invitation_link(ctx: Ctx, query: LinkQuery) -> InvitationLinkView:
    """What an invitation link from an e-mail stands for (shown on the registration page).

    404 for a link that is forged, used or withdrawn; 409 (`rule: expired`) once it expired.
    """
    found = await ctx.services.email_invitations.open_link(query.token)
    project = await ctx.services.storage.projects.get(found.project_id)
    inviter = await ctx.services.storage.users.get(found.inviter_id) if found.inviter_id else None
    assert project is not None
    return InvitationLinkView(
        project_title=project.title,
        inviter_name=inviter.display_name if inviter else "",
        address=found.address,
        expires_at=found.expires_at,
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
