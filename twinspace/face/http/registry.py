"""Registry HTTP API: countries, policies, schools, classes, pupils, registrations, partners."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from twinspace.face.api import ApiRouter, AuthMode, Ctx, Paging
from twinspace.registry.service import EligibilityPolicy, NewSchool, TeacherRegistration
from twinspace.registry.views import (
    ClassPupilView,
    ClassView,
    CountryView,
    PersonView,
    PupilCredentialsView,
    RegistrationView,
    SchoolView,
    TeacherView,
    UserView,
)
from twinspace.types import TeacherStatus

router = ApiRouter("registry")

PupilName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class SchoolQuery(Paging):
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    q: str | None = Field(None, max_length=100)


class RegistrationQuery(Paging):
    status: TeacherStatus | None = TeacherStatus.PENDING


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=2000)


class PartnerQuery(Paging):
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    subject: str | None = Field(None, max_length=60)
    language: str | None = Field(None, max_length=60)
    age: int | None = Field(None, ge=0, le=99)


class NewClass(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)


class NewPupils(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[PupilName] = Field(min_length=1, max_length=60)


class NewClassTeacher(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1, le=10**18)


@router.get("/countries", auth=AuthMode.PUBLIC, response=list[CountryView])
async def countries(ctx: Ctx) -> list[CountryView]:
    """Participating countries, their status and eligibility policy."""
    return [CountryView.of(c) for c in await ctx.services.registry.countries()]


@router.put("/countries/{code}/policy", body=EligibilityPolicy, response=CountryView)
async def set_policy(ctx: Ctx, body: EligibilityPolicy) -> CountryView:
    """Replace a country's eligibility policy (central admin)."""
    code = str(ctx.request.path_params["code"])
    await ctx.services.registry.set_policy(ctx.user, code, body)
    return CountryView.of(await ctx.services.registry.country(code))


@router.get("/schools", auth=AuthMode.PUBLIC, query=SchoolQuery, response=list[SchoolView])
async def schools(ctx: Ctx, query: SchoolQuery) -> list[SchoolView]:
    """Find schools by country and name (for registration)."""
    found = await ctx.services.registry.search_schools(
        country=query.country, query=query.q, limit=query.limit, offset=query.offset
    )
    return [SchoolView.of(s) for s in found]


@router.post("/schools", body=NewSchool, response=SchoolView, status=201)
async def create_school(ctx: Ctx, body: NewSchool) -> SchoolView:
    """Add a school (NSO of its country or admin)."""
    return SchoolView.of(await ctx.services.registry.create_school(ctx.user, body))


@router.get("/schools/{school_id:id}", auth=AuthMode.PUBLIC, response=SchoolView)
async def school(ctx: Ctx) -> SchoolView:
    """One school."""
    return SchoolView.of(await ctx.services.registry.school(ctx.path_id("school_id")))


class Registration(TeacherRegistration):
    invitation_token: str | None = Field(
        None,
        max_length=512,
        description="the token of an invitation link from an e-mail: once the NSO validates "
        "the registration, the teacher joins that TwinSpace (docs/mail.md)",
    )


@router.post(
    "/registrations",
    auth=AuthMode.PUBLIC,
    body=Registration,
    response=RegistrationView,
    status=201,
)
async def register(ctx: Ctx, body: Registration) -> RegistrationView:
    """Register as a teacher (free, any time); the country's NSO validates.

    With `invitation_token` the link is checked first (404 when not valid, 409 when expired),
    so a registration never silently loses its invitation.
    """
    invitations = ctx.services.email_invitations
    if body.invitation_token is not None:
        await invitations.open_link(body.invitation_token)
    details = TeacherRegistration.model_validate(body.model_dump(exclude={"invitation_token"}))
    user, teacher = await ctx.services.registry.register_teacher(details)
    if body.invitation_token is not None:
        await invitations.claim(user, body.invitation_token)
    return RegistrationView(user=UserView.of(user, teacher))


@router.get("/registrations", query=RegistrationQuery, response=list[TeacherView])
async def registrations(ctx: Ctx, query: RegistrationQuery) -> list[TeacherView]:
    """Teacher registrations of the NSO's country (admin: all countries)."""
    rows = await ctx.services.registry.registrations(
        ctx.user, query.status, query.limit, query.offset
    )
    return [TeacherView.of_teacher(u, t) for u, t in rows]


@router.post("/registrations/{user_id:id}/validate", body=Review, response=TeacherView)
async def validate(ctx: Ctx, body: Review) -> TeacherView:
    """Validate a teacher's registration (NSO of their country)."""
    user_id = ctx.path_id("user_id")
    await ctx.services.registry.review(ctx.user, user_id, validate=True, reason=body.reason)
    return TeacherView.of_teacher(*await ctx.services.registry.teacher(user_id))


@router.post("/registrations/{user_id:id}/reject", body=Review, response=TeacherView)
async def reject(ctx: Ctx, body: Review) -> TeacherView:
    """Reject a teacher's registration with a reason (NSO of their country)."""
    user_id = ctx.path_id("user_id")
    await ctx.services.registry.review(ctx.user, user_id, validate=False, reason=body.reason)
    return TeacherView.of_teacher(*await ctx.services.registry.teacher(user_id))


@router.get("/teachers", query=PartnerQuery, response=list[TeacherView])
async def partner_search(ctx: Ctx, query: PartnerQuery) -> list[TeacherView]:
    """Partner search: validated teachers by country, subject, pupils' age and language."""
    rows = await ctx.services.registry.search_partners(
        ctx.user,
        country=query.country,
        subject=query.subject,
        language=query.language,
        age=query.age,
        limit=query.limit,
        offset=query.offset,
    )
    return [TeacherView.of_teacher(u, t) for u, t in rows]


@router.get("/teachers/{user_id:id}", response=TeacherView)
async def teacher_profile(ctx: Ctx) -> TeacherView:
    """A validated teacher's public profile."""
    user, teacher = await ctx.services.registry.visible_teacher(ctx.user, ctx.path_id("user_id"))
    return TeacherView.of_teacher(user, teacher)


@router.get("/classes", response=list[ClassView])
async def my_classes(ctx: Ctx) -> list[ClassView]:
    """Classes of the signed-in teacher's school (none until their NSO validated them);
    `can_manage` marks the classes the teacher teaches."""
    managed = await ctx.services.access.managed_classes(ctx.user)
    return [
        ClassView.of(c, can_manage=c.id in managed)
        for c in await ctx.services.registry.classes_for(ctx.user)
    ]


@router.post("/classes", body=NewClass, response=ClassView, status=201)
async def create_class(ctx: Ctx, body: NewClass) -> ClassView:
    """Create a class in the teacher's own school; the creator is its first teacher."""
    created = await ctx.services.registry.create_class(ctx.user, body.name)
    return ClassView.of(created, can_manage=True)


@router.get("/classes/{class_id:id}/pupils", response=list[ClassPupilView])
async def class_pupils(ctx: Ctx) -> list[ClassPupilView]:
    """Pupils of a class of the teacher's own school; `can_manage` is true for the class's
    teachers only."""
    school_class = await ctx.services.access.class_of_school(ctx.user, ctx.path_id("class_id"))
    managed = school_class.id in await ctx.services.access.managed_classes(ctx.user)
    pupils = await ctx.services.registry.pupils_of_class(ctx.user, school_class.id)
    return [ClassPupilView(**PersonView.of(p).model_dump(), can_manage=managed) for p in pupils]


@router.post(
    "/classes/{class_id:id}/pupils", body=NewPupils, response=list[PupilCredentialsView], status=201
)
async def create_pupils(ctx: Ctx, body: NewPupils) -> list[PupilCredentialsView]:
    """Create pupil accounts in a class the teacher teaches (no e-mail; generated easy
    passwords shown once)."""
    school_class = await ctx.services.access.responsible_class(ctx.user, ctx.path_id("class_id"))
    ctx.services.moderation.profiles.check_names(body.names, ctx.user.country)
    created = await ctx.services.accounts.create_pupils(ctx.user, school_class, body.names)
    return [PupilCredentialsView(user=UserView.of(c.user), password=c.password) for c in created]


@router.get("/classes/{class_id:id}/teachers", response=list[PersonView])
async def class_teachers(ctx: Ctx) -> list[PersonView]:
    """The teachers responsible for a class of the teacher's own school."""
    school_class = await ctx.services.access.class_of_school(ctx.user, ctx.path_id("class_id"))
    return [PersonView.of(t) for t in await ctx.services.registry.class_teachers(school_class)]


@router.get("/classes/{class_id:id}/colleagues", response=list[PersonView])
async def class_colleagues(ctx: Ctx) -> list[PersonView]:
    """Validated teachers of the school who do not teach the class yet (the class's
    teachers, to add one of them)."""
    school_class = await ctx.services.access.responsible_class(ctx.user, ctx.path_id("class_id"))
    return [PersonView.of(t) for t in await ctx.services.registry.class_colleagues(school_class)]


@router.post(
    "/classes/{class_id:id}/teachers",
    body=NewClassTeacher,
    response=list[PersonView],
    status=201,
)
async def add_class_teacher(ctx: Ctx, body: NewClassTeacher) -> list[PersonView]:
    """Make a validated colleague of the same school responsible for the class too (the
    class's teachers)."""
    school_class = await ctx.services.access.responsible_class(ctx.user, ctx.path_id("class_id"))
    teachers = await ctx.services.registry.add_class_teacher(ctx.user, school_class, body.user_id)
    return [PersonView.of(t) for t in teachers]


@router.delete("/classes/{class_id:id}/teachers/{user_id:id}", status=204)
async def remove_class_teacher(ctx: Ctx) -> None:
    """A class's teacher removes a colleague (or themselves) from it; one always stays."""
    school_class = await ctx.services.access.responsible_class(ctx.user, ctx.path_id("class_id"))
    await ctx.services.registry.remove_class_teacher(ctx.user, school_class, ctx.path_id("user_id"))


@router.post("/pupils/{user_id:id}/password", response=PupilCredentialsView)
async def reset_pupil_password(ctx: Ctx) -> PupilCredentialsView:
    """Give a pupil of a class the teacher teaches a new generated password; their sessions
    end; the reset is audited."""
    pupil, password = await ctx.services.moderation.privacy.reset_password(
        ctx.user, ctx.path_id("user_id")
    )
    return PupilCredentialsView(user=UserView.of(pupil), password=password)
