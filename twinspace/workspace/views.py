"""Response models of the workspace: projects, members, invitations, pages and versions, spaces."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from twinspace.registry.views import PersonView
from twinspace.storage.documents import VersionRecord
from twinspace.storage.plan import PlanActivityRecord, ResultRecord, SchoolRef
from twinspace.storage.records import (
    BoardRecord,
    ChannelRecord,
    InvitationRecord,
    PageRecord,
    ProjectRecord,
)
from twinspace.types import (
    ChannelKind,
    InvitationStatus,
    ProjectKind,
    ProjectState,
    Role,
)


class MemberView(PersonView):
    role: Role
    added_at: datetime


class ProjectView(BaseModel):
    id: int
    title: str
    description: str
    subjects: list[str]
    languages: list[str]
    age_min: int | None
    age_max: int | None
    kind: ProjectKind
    state: ProjectState
    created_at: datetime
    my_role: Role | None = None

    @classmethod
    def of(cls, p: ProjectRecord, role: Role | None = None) -> ProjectView:
        return cls(
            id=p.id,
            title=p.title,
            description=p.description,
            subjects=list(p.subjects),
            languages=list(p.languages),
            age_min=p.age_min,
            age_max=p.age_max,
            kind=p.kind,
            state=p.state,
            created_at=p.created_at,
            my_role=role,
        )


class InvitationView(BaseModel):
    id: int
    project_id: int
    inviter_id: int | None
    invitee_id: int
    role: Role
    message: str
    status: InvitationStatus
    created_at: datetime

    @classmethod
    def of(cls, i: InvitationRecord) -> InvitationView:
        return cls(
            id=i.id,
            project_id=i.project_id,
            inviter_id=i.inviter_id,
            invitee_id=i.invitee_id,
            role=i.role,
            message=i.message,
            status=i.status,
            created_at=i.created_at,
        )


class PageView(BaseModel):
    id: int
    project_id: int
    title: str
    room: str
    locked: bool
    created_at: datetime
    updated_at: datetime
    # the last change of the page's content or title, and who made it (None: the server)
    edited_at: datetime
    edited_by: int | None
    edited_by_name: str | None
    deleted: bool
    can_edit: bool | None = None

    @classmethod
    def of(cls, p: PageRecord, can_edit: bool | None = None) -> PageView:
        return cls(
            id=p.id,
            project_id=p.project_id,
            title=p.title,
            room=p.room,
            locked=p.locked,
            created_at=p.created_at,
            updated_at=p.updated_at,
            edited_at=p.edited_at,
            edited_by=p.edited_by,
            edited_by_name=p.edited_by_name,
            deleted=p.deleted_at is not None,
            can_edit=can_edit,
        )


class ChannelView(BaseModel):
    id: int
    project_id: int
    name: str
    kind: ChannelKind
    class_id: int | None
    archived: bool

    @classmethod
    def of(cls, c: ChannelRecord) -> ChannelView:
        return cls(
            id=c.id,
            project_id=c.project_id,
            name=c.name,
            kind=c.kind,
            class_id=c.class_id,
            archived=c.archived_at is not None,
        )


class BoardSpaceView(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    archived: bool

    @classmethod
    def of(cls, b: BoardRecord) -> BoardSpaceView:
        return cls(
            id=b.id,
            project_id=b.project_id,
            title=b.title,
            description=b.description,
            archived=b.archived_at is not None,
        )


class VersionView(BaseModel):
    id: int
    page_id: int
    kind: str
    name: str | None
    size: int
    created_by: int | None
    created_at: datetime

    @classmethod
    def of(cls, v: VersionRecord) -> VersionView:
        return cls(
            id=v.id,
            page_id=v.page_id,
            kind=v.kind,
            name=v.name,
            size=v.size,
            created_by=v.created_by,
            created_at=v.created_at,
        )


class VersionContentView(VersionView):
    text: str
    html: str


class PartnerClassView(BaseModel):
    id: int
    name: str
    school_id: int
    school_name: str
    country: str


class SchoolRefView(BaseModel):
    id: int
    name: str
    country: str

    @classmethod
    def of(cls, school: SchoolRef) -> SchoolRefView:
        return cls(id=school.id, name=school.name, country=school.country)


class PlanActivityView(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    starts_on: date
    ends_on: date
    schools: list[SchoolRefView]
    updated_at: datetime

    @classmethod
    def of(cls, a: PlanActivityRecord) -> PlanActivityView:
        return cls(
            id=a.id,
            project_id=a.project_id,
            title=a.title,
            description=a.description,
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            schools=[SchoolRefView.of(s) for s in a.schools],
            updated_at=a.updated_at,
        )


class ResultView(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    page_id: int | None
    board_id: int | None
    schools: list[SchoolRefView]
    updated_at: datetime

    @classmethod
    def of(cls, r: ResultRecord) -> ResultView:
        return cls(
            id=r.id,
            project_id=r.project_id,
            title=r.title,
            description=r.description,
            page_id=r.page_id,
            board_id=r.board_id,
            schools=[SchoolRefView.of(s) for s in r.schools],
            updated_at=r.updated_at,
        )
