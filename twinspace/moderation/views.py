"""Response models of moderation: queue entries, items, mutes, activity, audit and reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal, NotRequired

from pydantic import BaseModel
from typing_extensions import TypedDict

from twinspace.moderation.desk import QueueEntry
from twinspace.moderation.model import ItemKind
from twinspace.storage.moderation import AuditRecord, MuteRecord


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


class ItemView(BaseModel):
    kind: ItemKind
    id: int
    author_id: int | None
    text: str
    status: str
    space: str
    space_id: int


REASON_HEADS = (
    "held.filter",
    "held.pre",
    "held.approval",
    "blocked.filter",
    "masked.filter",
    "page_scan",
    "reported",
    "urgent.self_harm",
)
"""Every head of a reason code (`head[:category,…]`): the web client has a message for each."""


def _with_categories(head: str, categories: Iterable[str]) -> str:
    return head + ":" + ",".join(sorted(set(categories)))


def queue_reason_code(origin: str, reason: str, flags: Iterable[dict[str, Any]]) -> str | None:
    """The queue entry's reason as a code the client translates (the same codes as an item's
    `reason_code`, docs/i18n.md); None for a reporter's own words, shown as written."""
    if origin == "filter":
        return _with_categories("held.filter", (str(f["category"]) for f in flags))
    if origin in ("pre", "approval"):
        return f"held.{origin}"
    if origin == "page_scan":
        return _with_categories("page_scan", (str(f["category"]) for f in flags))
    return "reported" if origin == "report" and reason == "reported" else None


def audit_reason_code(action: str, reason: str, details: dict[str, Any]) -> str | None:
    """An automatic audit entry's reason as a code; None for a person's own words."""
    code = details.get("reason_code")
    if isinstance(code, str):
        return code
    flags = details.get("flags")
    if action in ("blocked", "masked") and isinstance(flags, list):
        return _with_categories(f"{action}.filter", (str(f) for f in flags))
    if action == "urgent_notice":
        return "urgent.self_harm"
    return None


class QueueEntryView(BaseModel):
    id: int
    project_id: int
    item_kind: ItemKind
    item_id: int
    author_id: int | None
    origin: Literal["filter", "pre", "approval", "report", "page_scan"]
    reason: str
    reason_code: str | None  # "held.filter:phone", "page_scan:email", "reported" (docs/i18n.md)
    flags: list[QueueFlag]
    excerpt: str
    state: Literal["open", "resolved"]
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None
    item: ItemView | None
    can_decide: bool  # the viewer may approve, reject or dismiss (every teacher may hide)

    @classmethod
    def of(cls, entry: QueueEntry) -> QueueEntryView:
        r, ref = entry.record, entry.item
        item = (
            ItemView(
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
            reason_code=queue_reason_code(r.origin, r.reason, r.flags),
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


class MuteView(BaseModel):
    user_id: int
    until: datetime
    reason: str
    created_by: int | None
    created_at: datetime

    @classmethod
    def of(cls, m: MuteRecord) -> MuteView:
        return cls(
            user_id=m.user_id,
            until=m.until,
            reason=m.reason,
            created_by=m.created_by,
            created_at=m.created_at,
        )


class ActivityItemView(BaseModel):
    kind: str
    id: int
    space_id: int
    text: str
    status: str
    created_at: datetime


class ActivityView(BaseModel):
    user_id: int
    muted_until: datetime | None
    items: list[ActivityItemView]


class AuditView(BaseModel):
    id: int
    project_id: int | None
    actor_id: int | None
    actor_name: str
    action: str
    item_kind: str | None
    item_id: int | None
    subject_user_id: int | None
    reason: str
    reason_code: str | None  # automatic entries: "blocked.filter:phone" (docs/i18n.md)
    details: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, a: AuditRecord) -> AuditView:
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
            reason_code=audit_reason_code(a.action, a.reason, a.details),
            details=a.details,
            created_at=a.created_at,
        )


class ReportView(BaseModel):
    reported: bool
