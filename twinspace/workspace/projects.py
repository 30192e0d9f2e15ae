"""TwinSpace projects: founding rules, invitations, members, roles, pupils and states."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from twinspace.clock import utcnow
from twinspace.domain_events import (
    DomainEventBus,
    InvitationCreated,
    MemberRemoved,
    MemberRoleChanged,
    ProjectStateChanged,
)
from twinspace.errors import Conflict, Forbidden, NotFound, Problem, RuleViolation
from twinspace.registry.service import RegistryService
from twinspace.storage import Storage
from twinspace.storage.records import (
    InvitationRecord,
    MembershipRecord,
    ProjectRecord,
    UserRecord,
)
from twinspace.types import (
    TEACHER_ROLES,
    CountryStatus,
    InvitationStatus,
    ProjectKind,
    ProjectState,
    Role,
    UserKind,
)
from twinspace.workspace.access import Access, AccessRules, Action

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class _AgeRange(BaseModel):
    age_min: int | None = Field(None, ge=0, le=99)
    age_max: int | None = Field(None, ge=0, le=99)

    @model_validator(mode="after")
    def _ordered(self) -> _AgeRange:
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min is above age_max")
        return self


class NewProject(_AgeRange):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: str = Field("", max_length=10_000)
    subjects: list[Tag] = Field(default_factory=list, max_length=20)
    languages: list[Tag] = Field(default_factory=list, max_length=20)
    kind: ProjectKind
    cofounder_ids: list[int] = Field(default_factory=list, max_length=10)


class ProjectUpdate(_AgeRange):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: str | None = Field(None, max_length=10_000)
    subjects: list[Tag] | None = Field(None, max_length=20)
    languages: list[Tag] | None = Field(None, max_length=20)


INVITABLE_ROLES = frozenset({Role.FOUNDER, Role.TEACHER_ADMIN, Role.TEACHER, Role.GUEST})


def founding_rule_met(kind: ProjectKind, countries: list[tuple[str, CountryStatus]]) -> bool:
    """Whether the accepted founders found the project (the rule `check_founders` states)."""
    try:
        check_founders(kind, countries)
    except RuleViolation:
        return False
    return True


def check_founders(kind: ProjectKind, countries: list[tuple[str, CountryStatus]]) -> None:
    """European: founders from two or more countries; national: from exactly one.

    Neighbourhood partners collaborate alongside eTwinning countries, so at least one founder
    must come from an eTwinning country.
    """
    codes = {code for code, _ in countries}
    if not any(status is CountryStatus.ETWINNING for _, status in countries):
        raise RuleViolation(
            "at least one founder must be from an eTwinning country",
            rule="etwinning-founder",
            problem=Problem.ETWINNING_FOUNDER,
        )
    if kind is ProjectKind.EUROPEAN and len(codes) < 2:
        raise RuleViolation(
            "a European project needs founders from at least two countries",
            rule="european-founders",
            problem=Problem.EUROPEAN_FOUNDERS,
        )
    if kind is ProjectKind.NATIONAL and len(codes) != 1:
        raise RuleViolation(
            "a national project has founders from one country only",
            rule="national-founders",
            problem=Problem.NATIONAL_FOUNDERS,
        )


class ProjectService:
    def __init__(
        self,
        storage: Storage,
        access: AccessRules,
        registry: RegistryService,
        events: DomainEventBus,
    ) -> None:
        self._storage = storage
        self._access = access
        self._registry = registry
        self._events = events

    async def _validated_teacher(self, user_id: int) -> UserRecord:
        user = await self._storage.users.get(user_id)
        if user is None or not await self._registry.is_validated_teacher(user):
            raise RuleViolation(
                f"user {user_id} is not a validated teacher",
                problem=Problem.TEACHER_NOT_VALIDATED,
                user_id=user_id,
                rule="validated-teacher",
            )
        return user

    async def create(self, actor: UserRecord, form: NewProject) -> ProjectRecord:
        if not await self._registry.is_validated_teacher(actor):
            raise Forbidden(
                "only teachers validated by their NSO found projects",
                problem=Problem.REGISTRATION_PENDING,
            )
        cofounder_ids = list(dict.fromkeys(i for i in form.cofounder_ids if i != actor.id))
        founders = [actor] + [await self._validated_teacher(i) for i in cofounder_ids]
        countries = []
        for founder in founders:
            if founder.country is None:
                raise RuleViolation(
                    "every founder needs a country", problem=Problem.FOUNDER_NEEDS_COUNTRY
                )
            countries.append(
                (founder.country, await self._registry.country_status(founder.country))
            )
        check_founders(form.kind, countries)
        now = utcnow()
        async with self._storage.transaction() as tx:
            project_id = await tx.projects.create(
                title=form.title,
                description=form.description,
                subjects=form.subjects,
                languages=form.languages,
                age_min=form.age_min,
                age_max=form.age_max,
                kind=form.kind,
                created_by=actor.id,
                now=now,
                founded=founding_rule_met(form.kind, countries[:1]),
            )
            await tx.memberships.add(
                project_id=project_id,
                user_id=actor.id,
                role=Role.FOUNDER,
                added_by=actor.id,
                now=now,
            )
            # Named co-founders are asked, not enrolled: they become founders on accepting.
            invited: list[tuple[int, int]] = []
            for cofounder in founders[1:]:
                invitation_id = await tx.invitations.create(
                    project_id=project_id,
                    inviter_id=actor.id,
                    invitee_id=cofounder.id,
                    role=Role.FOUNDER,
                    message=f"Co-found {form.title!r}",
                    now=now,
                )
                invited.append((invitation_id, cofounder.id))
            project = await tx.projects.get(project_id)
        assert project is not None
        for invitation_id, invitee_id in invited:
            await self._events.publish(
                InvitationCreated(project_id, invitation_id, actor.id, invitee_id, Role.FOUNDER)
            )
        return project

    async def _founders_countries(self, project_id: int) -> list[tuple[str, CountryStatus]]:
        return [
            (code, await self._registry.country_status(code))
            for code in await self._storage.memberships.founder_countries(project_id)
        ]

    async def mine(self, user: UserRecord) -> list[tuple[ProjectRecord, Role]]:
        return await self._storage.projects.of_user(user.id)

    async def update(self, access: Access, form: ProjectUpdate) -> ProjectRecord:
        access.require(Action.MANAGE_PROJECT)
        if access.read_only_project:
            raise Forbidden(
                f"the project is {access.project.state.value} (read-only)",
                problem=Problem.PROJECT_READ_ONLY,
            )
        await self._storage.projects.update(
            access.project.id,
            title=form.title,
            description=form.description,
            subjects=form.subjects,
            languages=form.languages,
            age_min=form.age_min,
            age_max=form.age_max,
        )
        project = await self._storage.projects.get(access.project.id)
        assert project is not None
        return project

    async def set_state(self, access: Access, state: ProjectState) -> ProjectRecord:
        access.require(Action.MANAGE_PROJECT)
        if access.project.state is ProjectState.CLOSED and state is not ProjectState.CLOSED:
            raise RuleViolation(
                "a closed project cannot be reopened", problem=Problem.CLOSED_FOR_GOOD
            )
        if state is ProjectState.FOUNDING or (
            access.project.state is ProjectState.FOUNDING and state is not ProjectState.CLOSED
        ):
            raise RuleViolation(
                "a project becomes active when its co-founders accept (or is closed unfounded)",
                problem=Problem.PROJECT_FOUNDING,
                rule="founding",
            )
        if state is not access.project.state:
            await self._storage.projects.set_state(access.project.id, state, utcnow())
            await self._storage.audit.record(
                project_id=access.project.id,
                now=utcnow(),
                actor=access.user,
                action="project_state_changed",
                details={"from": access.project.state.value, "to": state.value},
            )
            await self._events.publish(ProjectStateChanged(access.project.id, state))
        project = await self._storage.projects.get(access.project.id)
        assert project is not None
        return project

    # -- members ------------------------------------------------------------------------

    async def members(self, access: Access) -> list[tuple[MembershipRecord, UserRecord]]:
        access.require(Action.READ)
        return await self._storage.memberships.members(access.project.id)

    async def _target(self, access: Access, user_id: int) -> MembershipRecord:
        membership = await self._storage.memberships.get(access.project.id, user_id)
        if membership is None:
            raise NotFound("no such member")
        return membership

    async def _founders_left(self, project_id: int, without: int) -> int:
        counts = await self._storage.memberships.count_by_role(project_id)
        target = await self._storage.memberships.get(project_id, without)
        founders = counts.get(Role.FOUNDER, 0)
        return founders - (1 if target and target.role is Role.FOUNDER else 0)

    async def set_role(self, access: Access, user_id: int, role: Role) -> MembershipRecord:
        access.require(Action.MANAGE_MEMBERS)
        target = await self._target(access, user_id)
        if (target.role is Role.PUPIL) != (role is Role.PUPIL):
            raise RuleViolation(
                "pupils keep the pupil role; other members cannot become pupils",
                problem=Problem.PUPIL_ROLE_FIXED,
            )
        if role is Role.FOUNDER or target.role is Role.FOUNDER:
            if access.role is not Role.FOUNDER:
                raise Forbidden(
                    "only founders change who is a founder", problem=Problem.FOUNDERS_ONLY
                )
            if (
                role is not Role.FOUNDER
                and await self._founders_left(access.project.id, user_id) < 1
            ):
                raise RuleViolation(
                    "a project keeps at least one founder", problem=Problem.LAST_FOUNDER
                )
        if role in TEACHER_ROLES:
            await self._validated_teacher(user_id)
        elif target.role in TEACHER_ROLES:
            await self._keep_european(access, user_id, turn_national=False)
        await self._storage.memberships.set_role(access.project.id, user_id, role)
        if role is not target.role:
            await self._storage.audit.record(
                project_id=access.project.id,
                now=utcnow(),
                actor=access.user,
                action="member_role_changed",
                subject_user_id=user_id,
                details={"from": target.role.value, "to": role.value},
            )
        await self._events.publish(MemberRoleChanged(access.project.id, user_id, role))
        return await self._target(access, user_id)

    async def _keep_european(self, access: Access, user_id: int, *, turn_national: bool) -> bool:
        """A European project keeps partners from two countries: removing the last teacher
        from another country is refused unless a founder confirms turning it national.
        Returns whether the project must turn national (docs/etwinning-rules.md)."""
        if access.project.kind is not ProjectKind.EUROPEAN:
            return False
        partners = await self._storage.memberships.teacher_countries(access.project.id)
        before = {country for _, country in partners}
        after = {country for uid, country in partners if uid != user_id}
        if len(before) < 2 or len(after) >= 2:
            return False
        if not turn_national:
            raise Conflict(
                "this is the last partner from another country: a European project keeps "
                "partners from at least two countries; a founder may turn it national instead",
                problem=Problem.EUROPEAN_PARTNERS,
                rule="european-partners",
                countries_left=sorted(after),
            )
        if access.role is not Role.FOUNDER:
            raise Forbidden(
                "only a founder turns a European project national", problem=Problem.FOUNDERS_ONLY
            )
        check_founders(
            ProjectKind.NATIONAL,
            [(code, await self._registry.country_status(code)) for code in after],
        )
        return True

    async def remove_member(
        self, access: Access, user_id: int, *, turn_national: bool = False
    ) -> ProjectRecord:
        """Remove a member (or leave); `turn_national` is a founder's explicit confirmation
        that removing the last partner from another country turns the project national."""
        if user_id != access.user.id:
            access.require(Action.MANAGE_MEMBERS)
        target = await self._target(access, user_id)
        if target.role is Role.FOUNDER:
            if user_id != access.user.id and access.role is not Role.FOUNDER:
                raise Forbidden("only founders remove a founder", problem=Problem.FOUNDERS_ONLY)
            if await self._founders_left(access.project.id, user_id) < 1:
                raise RuleViolation(
                    "a project keeps at least one founder", problem=Problem.LAST_FOUNDER
                )
        to_national = target.role in TEACHER_ROLES and await self._keep_european(
            access, user_id, turn_national=turn_national
        )
        now = utcnow()
        async with self._storage.transaction() as tx:
            await tx.memberships.remove(access.project.id, user_id)
            await tx.audit.record(
                project_id=access.project.id,
                now=now,
                actor=access.user,
                action="member_left" if user_id == access.user.id else "member_removed",
                subject_user_id=user_id,
                details={"role": target.role.value}
                | ({"turned_national": True} if to_national else {}),
            )
            if to_national:
                await tx.projects.set_kind(access.project.id, ProjectKind.NATIONAL)
                countries = {
                    c for _, c in await tx.memberships.teacher_countries(access.project.id)
                }
                for pending in await tx.invitations.pending_of_project(access.project.id):
                    invitee = await tx.users.get(pending.invitee_id)
                    if pending.role is not Role.GUEST and (
                        invitee is None or invitee.country not in countries
                    ):
                        await tx.invitations.respond(pending.id, InvitationStatus.REVOKED, now)
            project = await tx.projects.get(access.project.id)
        assert project is not None
        await self._events.publish(MemberRemoved(access.project.id, user_id))
        return project

    async def add_pupils(self, access: Access, pupil_ids: list[int]) -> list[UserRecord]:
        """A teacher adds pupils of their own school to the project."""
        access.require(Action.MANAGE_PUPILS)
        pupils = [await self._registry.own_pupil(access.user, pid) for pid in pupil_ids]
        now = utcnow()
        added = []
        async with self._storage.transaction() as tx:
            for pupil in pupils:
                if await tx.memberships.get(access.project.id, pupil.id) is not None:
                    continue
                await tx.memberships.add(
                    project_id=access.project.id,
                    user_id=pupil.id,
                    role=Role.PUPIL,
                    added_by=access.user.id,
                    now=now,
                )
                added.append(pupil)
        for pupil in added:
            await self._storage.audit.record(
                project_id=access.project.id,
                now=utcnow(),
                actor=access.user,
                action="pupil_added",
                subject_user_id=pupil.id,
            )
        return pupils

    # -- invitations --------------------------------------------------------------------

    async def invite(
        self, access: Access, invitee_id: int, role: Role, message: str
    ) -> InvitationRecord:
        access.require(Action.MANAGE_MEMBERS)
        founding = access.project.state is ProjectState.FOUNDING
        if access.read_only_project and not (founding and role is Role.FOUNDER):
            raise Forbidden(
                f"the project is {access.project.state.value} (read-only)",
                problem=Problem.PROJECT_READ_ONLY,
            )
        if role not in INVITABLE_ROLES:
            raise RuleViolation(
                "invitations are for founder, teacher_admin, teacher or guest roles",
                problem=Problem.INVITATION_ROLE,
            )
        if role is Role.FOUNDER and access.role is not Role.FOUNDER:
            raise Forbidden("only founders invite co-founders", problem=Problem.FOUNDERS_ONLY)
        invitee = await self._storage.users.get(invitee_id)
        if invitee is None or invitee.kind is UserKind.PUPIL:
            raise NotFound("no such teacher")
        if role is not Role.GUEST:
            await self._validated_teacher(invitee_id)
            if access.project.kind is ProjectKind.NATIONAL:
                founders = await self._storage.memberships.school_countries(access.project.id)
                if founders and invitee.country not in {c for _, c in founders}:
                    raise RuleViolation(
                        "partners of a national project come from its country",
                        problem=Problem.NATIONAL_PARTNER,
                        rule="national-partner",
                    )
        if await self._storage.memberships.get(access.project.id, invitee_id):
            raise Conflict("already a member", problem=Problem.ALREADY_MEMBER)
        if await self._storage.invitations.pending_for(access.project.id, invitee_id):
            raise Conflict("an invitation is already pending", problem=Problem.INVITATION_PENDING)
        invitation_id = await self._storage.invitations.create(
            project_id=access.project.id,
            inviter_id=access.user.id,
            invitee_id=invitee_id,
            role=role,
            message=message,
            now=utcnow(),
        )
        invitation = await self._storage.invitations.get(invitation_id)
        assert invitation is not None
        await self._events.publish(
            InvitationCreated(access.project.id, invitation_id, access.user.id, invitee_id, role)
        )
        return invitation

    async def invitations_of_project(self, access: Access) -> list[InvitationRecord]:
        access.require(Action.MANAGE_MEMBERS)
        return await self._storage.invitations.of_project(access.project.id)

    async def my_invitations(self, user: UserRecord) -> list[InvitationRecord]:
        return await self._storage.invitations.of_invitee(user.id, InvitationStatus.PENDING)

    async def _own_pending(self, user: UserRecord, invitation_id: int) -> InvitationRecord:
        invitation = await self._storage.invitations.get(invitation_id)
        if invitation is None or invitation.invitee_id != user.id:
            raise NotFound("no such invitation")
        if invitation.status is not InvitationStatus.PENDING:
            raise Conflict(
                f"the invitation is {invitation.status.value}",
                problem=Problem.INVITATION_NOT_OPEN,
                state=invitation.status.value,
            )
        return invitation

    async def accept(self, user: UserRecord, invitation_id: int) -> ProjectRecord:
        invitation = await self._own_pending(user, invitation_id)
        project = await self._storage.projects.get(invitation.project_id)
        open_states = {ProjectState.ACTIVE}
        if invitation.role is Role.FOUNDER:
            open_states.add(ProjectState.FOUNDING)
            await self._validated_teacher(user.id)
        if project is None or project.state not in open_states:
            raise Conflict(
                "the project no longer takes new members",
                problem=Problem.PROJECT_CLOSED_TO_MEMBERS,
            )
        now = utcnow()
        async with self._storage.transaction() as tx:
            if await tx.invitations.respond(invitation.id, InvitationStatus.ACCEPTED, now) != 1:
                raise Conflict(
                    "the invitation was answered already", problem=Problem.INVITATION_NOT_OPEN
                )
            await tx.memberships.add(
                project_id=project.id,
                user_id=user.id,
                role=invitation.role,
                added_by=invitation.inviter_id,
                now=now,
            )
        if project.state is ProjectState.FOUNDING and founding_rule_met(
            project.kind, await self._founders_countries(project.id)
        ):
            if await self._storage.projects.mark_founded(project.id, utcnow()) == 1:
                await self._events.publish(ProjectStateChanged(project.id, ProjectState.ACTIVE))
        found = await self._storage.projects.get(project.id)
        assert found is not None
        return found

    async def decline(self, user: UserRecord, invitation_id: int) -> None:
        invitation = await self._own_pending(user, invitation_id)
        await self._storage.invitations.respond(invitation.id, InvitationStatus.DECLINED, utcnow())

    async def revoke(self, access: Access, invitation_id: int) -> None:
        access.require(Action.MANAGE_MEMBERS)
        invitation = await self._storage.invitations.get(invitation_id)
        if invitation is None or invitation.project_id != access.project.id:
            raise NotFound("no such invitation")
        if (
            await self._storage.invitations.respond(
                invitation_id, InvitationStatus.REVOKED, utcnow()
            )
            != 1
        ):
            raise Conflict(
                f"the invitation is {invitation.status.value}",
                problem=Problem.INVITATION_NOT_OPEN,
                state=invitation.status.value,
            )
