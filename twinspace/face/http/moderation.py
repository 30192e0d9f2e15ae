"""Moderation over HTTP: policies, the teachers' queue, decisions, mutes, reports, activity,
the audit log, and a pupil's data export and erasure."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Literal, NotRequired

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from starlette.responses import Response
from typing_extensions import TypedDict  # pydantic needs it on Python 3.11

from twinspace.clock import utcnow
from twinspace.errors import NotFound
from twinspace.face.api import ApiRouter, Ctx
from twinspace.moderation.desk import QueueEntry
from twinspace.moderation.model import ItemKind, ItemStatus, SpaceKind
from twinspace.moderation.policy import Policy, PolicyOverride
from twinspace.moderation.privacy import ContentChoice
from twinspace.storage.moderation import AuditRecord, MuteRecord
from twinspace.workspace.access import Action

router = ApiRouter("moderation")

Reason = Field("", max_length=1000)


class FlagLocation(TypedDict):
    """Where a page finding is: 1-based line (block) and column, and its offsets; `field`
    ("image title", "image source", "link target", "link title") when the finding is in
    what the page carries besides its text, the column and offsets then within that field."""

    line: int
    column: int
    start: int
    end: int
    field: NotRequired[str]


class QueueFlag(TypedDict):
    """One finding: `start`/`end` are code-point offsets into the item's text."""

    category: str
    reason: str
    start: int
    end: int
    excerpt: str
    location: NotRequired[FlagLocation]  # page findings only


class ItemOut(BaseModel):
    kind: ItemKind
    id: int
    author_id: int | None
    text: str
    status: str
    space: str
    space_id: int


class QueueEntryOut(BaseModel):
    id: int
    project_id: int
    item_kind: ItemKind
    item_id: int
    author_id: int | None
    origin: Literal["filter", "pre", "approval", "report", "page_scan"]
    reason: str
    flags: list[QueueFlag]
    excerpt: str
    state: Literal["open", "resolved"]
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    item: ItemOut | None
    can_decide: bool  # the viewer may approve, reject or dismiss (every teacher may hide)

    @classmethod
    def of(cls, entry: QueueEntry) -> QueueEntryOut:
        r, ref = entry.record, entry.item
        item = (
            ItemOut(
                kind=ref.kind,
                id=ref.item_id,
                author_id=ref.author_id,
                text=ref.text,
                status=ref.status.value,
                space=ref.space.value,
                space_id=ref.space_id,
            )
            if ref
            else None
        )
        return cls(
            id=r.id,
            project_id=r.project_id,
            item_kind=r.item_kind,
            item_id=r.item_id,
            author_id=r.author_id,
            origin=r.origin,
            reason=r.reason,
            flags=r.flags,
            excerpt=r.excerpt,
            state=r.state,
            resolution=r.resolution,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
            resolved_by=r.resolved_by,
            item=item,
            can_decide=entry.can_decide,
        )


class QueueQuery(BaseModel):
    state: Literal["open", "resolved", "all"] = "open"
    limit: int = Field(50, ge=1, le=200)
    before: int | None = Field(None, ge=1, le=10**18)


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Reason


class NewReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_kind: ItemKind
    item_id: int = Field(ge=1, le=10**18)
    reason: str = Field(min_length=1, max_length=1000)


class NewMute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int = Field(ge=1, le=10**18)
    minutes: int | None = Field(None, ge=1, le=30 * 24 * 60)
    until: AwareDatetime | None = None
    reason: str = Reason

    @model_validator(mode="after")
    def _one_end(self) -> NewMute:
        if (self.minutes is None) == (self.until is None):
            raise ValueError("give either minutes or until")
        return self

    def end(self) -> datetime:
        return self.until or utcnow() + timedelta(minutes=self.minutes or 0)


class MuteOut(BaseModel):
    user_id: int
    until: datetime
    reason: str
    created_by: int | None
    created_at: datetime

    @classmethod
    def of(cls, m: MuteRecord) -> MuteOut:
        return cls(
            user_id=m.user_id,
            until=m.until,
            reason=m.reason,
            created_by=m.created_by,
            created_at=m.created_at,
        )


class ActivityItemOut(BaseModel):
    kind: str
    id: int
    space_id: int
    text: str
    status: str
    created_at: datetime


class ActivityOut(BaseModel):
    user_id: int
    muted_until: datetime | None
    items: list[ActivityItemOut]


class AuditOut(BaseModel):
    id: int
    project_id: int | None
    actor_id: int | None
    actor_name: str
    action: str
    item_kind: str | None
    item_id: int | None
    subject_user_id: int | None
    reason: str
    details: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, a: AuditRecord) -> AuditOut:
        return cls(
            id=a.id,
            project_id=a.project_id,
            actor_id=a.actor_id,
            actor_name=a.actor_name,
            action=a.action,
            item_kind=a.item_kind,
            item_id=a.item_id,
            subject_user_id=a.subject_user_id,
            reason=a.reason,
            details=a.details,
            created_at=a.created_at,
        )


class AuditQuery(BaseModel):
    limit: int = Field(100, ge=1, le=500)
    before: int | None = Field(None, ge=1, le=10**18)


class EraseQuery(BaseModel):
    content: ContentChoice = ContentChoice.ANONYMISE


class ActivityQuery(BaseModel):
    limit: int = Field(100, ge=1, le=500)


def _kind(ctx: Ctx) -> ItemKind:
    try:
        return ItemKind(str(ctx.request.path_params["kind"]))
    except ValueError:
        raise NotFound("no such item kind") from None


# -- policies ------------------------------------------------------------------------------


@router.get("/projects/{project_id:id}/moderation/policy", response=Policy)
async def get_policy(ctx: Ctx) -> Policy:
    """The project's moderation policy (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    access.require(Action.MODERATE)
    return await ctx.services.moderation.policies.project_policy(access.project.id)


@router.put("/projects/{project_id:id}/moderation/policy", body=Policy, response=Policy)
async def put_policy(ctx: Ctx, body: Policy) -> Policy:
    """Set the project's policy (founders and teacher admins): mode off/auto/pre, actions per
    finding, slow mode, quiet hours, whether teachers are filtered, the link allow-list, and
    who decides on pupils' items."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return await ctx.services.moderation.policies.set_project_policy(access, body)


@router.get("/channels/{channel_id:id}/moderation/policy", response=PolicyOverride)
async def get_channel_policy(ctx: Ctx) -> PolicyOverride:
    """A channel's override of the project policy (empty when it follows the project)."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    access.require(Action.MODERATE)
    found = await ctx.services.moderation.policies.override(SpaceKind.CHANNEL, channel.id)
    return found or PolicyOverride()


@router.get("/boards/{board_id:id}/moderation/policy", response=PolicyOverride)
async def get_board_policy(ctx: Ctx) -> PolicyOverride:
    """A board's override of the project policy (empty when it follows the project)."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    access.require(Action.MODERATE)
    found = await ctx.services.moderation.policies.override(SpaceKind.BOARD, board.id)
    return found or PolicyOverride()


@router.put("/channels/{channel_id:id}/moderation/policy", body=PolicyOverride, status=204)
async def put_channel_policy(ctx: Ctx, body: PolicyOverride) -> None:
    """Override the mode or slow mode for one channel (founders and teacher admins)."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    await ctx.services.moderation.policies.set_override(access, SpaceKind.CHANNEL, channel.id, body)


@router.delete("/channels/{channel_id:id}/moderation/policy", status=204)
async def delete_channel_policy(ctx: Ctx) -> None:
    """Let a channel follow the project policy again (founders and teacher admins)."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    await ctx.services.moderation.policies.set_override(access, SpaceKind.CHANNEL, channel.id, None)


@router.put("/boards/{board_id:id}/moderation/policy", body=PolicyOverride, status=204)
async def put_board_policy(ctx: Ctx, body: PolicyOverride) -> None:
    """Override the mode or slow mode for one board (founders and teacher admins)."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    await ctx.services.moderation.policies.set_override(access, SpaceKind.BOARD, board.id, body)


@router.delete("/boards/{board_id:id}/moderation/policy", status=204)
async def delete_board_policy(ctx: Ctx) -> None:
    """Let a board follow the project policy again (founders and teacher admins)."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    await ctx.services.moderation.policies.set_override(access, SpaceKind.BOARD, board.id, None)


# -- queue and decisions -------------------------------------------------------------------


@router.get(
    "/projects/{project_id:id}/moderation/queue", query=QueueQuery, response=list[QueueEntryOut]
)
async def queue(ctx: Ctx, query: QueueQuery) -> list[QueueEntryOut]:
    """Held, reported and flagged items with the reason and the matched spans (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    entries = await ctx.services.moderation.desk.queue(
        access,
        state=None if query.state == "all" else query.state,
        limit=query.limit,
        before=query.before,
    )
    return [QueueEntryOut.of(e) for e in entries]


async def _decide(ctx: Ctx, decision: str, reason: str) -> QueueEntryOut:
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    record = await ctx.services.moderation.desk.decide(
        access, ctx.path_id("queue_id"), decision, reason
    )
    ref = None
    try:
        ref = await ctx.services.moderation.desk.item(
            access, ItemKind(record.item_kind), record.item_id
        )
    except NotFound:
        pass
    can_decide = await ctx.services.moderation.desk.may_decide(access, record.author_id)
    return QueueEntryOut.of(QueueEntry(record, ref, can_decide))


@router.post(
    "/projects/{project_id:id}/moderation/queue/{queue_id:id}/approve",
    body=DecisionBody,
    response=QueueEntryOut,
)
async def approve(ctx: Ctx, body: DecisionBody) -> QueueEntryOut:
    """Publish a held item."""
    return await _decide(ctx, "approve", body.reason)


@router.post(
    "/projects/{project_id:id}/moderation/queue/{queue_id:id}/reject",
    body=DecisionBody,
    response=QueueEntryOut,
)
async def reject(ctx: Ctx, body: DecisionBody) -> QueueEntryOut:
    """Reject a held item: nobody but teachers sees it."""
    return await _decide(ctx, "reject", body.reason)


@router.post(
    "/projects/{project_id:id}/moderation/queue/{queue_id:id}/hide",
    body=DecisionBody,
    response=QueueEntryOut,
)
async def hide_entry(ctx: Ctx, body: DecisionBody) -> QueueEntryOut:
    """Hide a reported (or held) item."""
    return await _decide(ctx, "hide", body.reason)


@router.post(
    "/projects/{project_id:id}/moderation/queue/{queue_id:id}/dismiss",
    body=DecisionBody,
    response=QueueEntryOut,
)
async def dismiss(ctx: Ctx, body: DecisionBody) -> QueueEntryOut:
    """Close a report or page finding without changing the item."""
    return await _decide(ctx, "dismiss", body.reason)


@router.post(
    "/projects/{project_id:id}/moderation/items/{kind}/{item_id:id}/hide",
    body=DecisionBody,
    response=ItemOut,
)
async def hide_item(ctx: Ctx, body: DecisionBody) -> ItemOut:
    """Hide any item of the project at once."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    ref = await ctx.services.moderation.desk.set_item_status(
        access, _kind(ctx), ctx.path_id("item_id"), ItemStatus.HIDDEN, body.reason, "hide"
    )
    return ItemOut(
        kind=ref.kind,
        id=ref.item_id,
        author_id=ref.author_id,
        text=ref.text,
        status=ItemStatus.HIDDEN.value,
        space=ref.space.value,
        space_id=ref.space_id,
    )


@router.post(
    "/projects/{project_id:id}/moderation/items/{kind}/{item_id:id}/restore",
    body=DecisionBody,
    response=ItemOut,
)
async def restore_item(ctx: Ctx, body: DecisionBody) -> ItemOut:
    """Publish again an item that was hidden or rejected."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    ref = await ctx.services.moderation.desk.set_item_status(
        access, _kind(ctx), ctx.path_id("item_id"), ItemStatus.PUBLISHED, body.reason, "restore"
    )
    return ItemOut(
        kind=ref.kind,
        id=ref.item_id,
        author_id=ref.author_id,
        text=ref.text,
        status=ItemStatus.PUBLISHED.value,
        space=ref.space.value,
        space_id=ref.space_id,
    )


# -- reports -------------------------------------------------------------------------------


class ReportOut(BaseModel):
    reported: bool


@router.post("/projects/{project_id:id}/reports", body=NewReport, response=ReportOut, status=201)
async def report(ctx: Ctx, body: NewReport) -> ReportOut:
    """Report an item to this project's teachers (any member)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.moderation.desk.report(access, body.item_kind, body.item_id, body.reason)
    return ReportOut(reported=True)


# -- mutes ---------------------------------------------------------------------------------


@router.get("/projects/{project_id:id}/mutes", response=list[MuteOut])
async def list_mutes(ctx: Ctx) -> list[MuteOut]:
    """Pupils muted now, with the end time."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [MuteOut.of(m) for m in await ctx.services.moderation.desk.mutes(access)]


@router.post("/projects/{project_id:id}/mutes", body=NewMute, response=MuteOut, status=201)
async def mute(ctx: Ctx, body: NewMute) -> MuteOut:
    """Mute a pupil in this project until a given time (at most 30 days)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    record = await ctx.services.moderation.desk.mute(access, body.user_id, body.end(), body.reason)
    return MuteOut.of(record)


@router.delete("/projects/{project_id:id}/mutes/{user_id:id}", status=204)
async def unmute(ctx: Ctx) -> None:
    """End a pupil's mute now."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    await ctx.services.moderation.desk.unmute(access, ctx.path_id("user_id"))


# -- a pupil's activity, the audit log ------------------------------------------------------


@router.get(
    "/projects/{project_id:id}/members/{user_id:id}/activity",
    query=ActivityQuery,
    response=ActivityOut,
)
async def activity(ctx: Ctx, query: ActivityQuery) -> ActivityOut:
    """One member's recent messages, posts, comments and uploads in the project (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    user_id = ctx.path_id("user_id")
    found = await ctx.services.moderation.desk.activity(access, user_id, query.limit)
    return ActivityOut(
        user_id=user_id,
        muted_until=found["muted_until"],
        items=[
            ActivityItemOut(
                kind=i.kind,
                id=i.id,
                space_id=i.space_id,
                text=i.text,
                status=i.status,
                created_at=i.created_at,
            )
            for i in found["items"]
        ],
    )


@router.get("/projects/{project_id:id}/audit", query=AuditQuery, response=list[AuditOut])
async def audit(ctx: Ctx, query: AuditQuery) -> list[AuditOut]:
    """The project's audit log, newest first (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    entries = await ctx.services.moderation.audit.entries(
        access, limit=query.limit, before=query.before
    )
    return [AuditOut.of(e) for e in entries]


@router.get("/projects/{project_id:id}/audit.csv", media=("text/csv",))
async def audit_csv(ctx: Ctx) -> Response:
    """The whole audit log as CSV (founders and teacher admins)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    text = await ctx.services.moderation.audit.csv(access)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="audit-project-{access.project.id}.csv"'
        },
    )


# -- privacy -------------------------------------------------------------------------------


@router.get("/pupils/{user_id:id}/export", media=("application/json",))
async def export_pupil(ctx: Ctx) -> Response:
    """Everything stored about one pupil of a class the teacher teaches, as JSON (audited)."""
    data = await ctx.services.moderation.privacy.export(ctx.user, ctx.path_id("user_id"))
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="pupil-{ctx.path_id("user_id")}.json"'
        },
    )


@router.delete("/pupils/{user_id:id}", query=EraseQuery, status=204)
async def erase_pupil(ctx: Ctx, query: EraseQuery) -> None:
    """Erase a pupil of a class the teacher teaches: the account goes; their content is
    anonymised or deleted (audited)."""
    await ctx.services.moderation.privacy.erase_own_pupil(
        ctx.user, ctx.path_id("user_id"), query.content
    )
