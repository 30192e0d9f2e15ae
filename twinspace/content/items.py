"""What chat messages, board posts and comments share: who sees an item in which moderation
status, the live events a status change causes, reactions, and teachers' moderation notices.

Visibility (docs/design.md, "Pupil safety"): published items go to everyone who may see the
space; held and blocked ones to their author (shown as pending/blocked with the reason) and
the project's teachers;
rejected, hidden and deleted ones to teachers only. A deleted item that was once published
still shows to others as a removed placeholder, so threads keep their shape.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from twinspace.errors import NotFound, Problem, RuleViolation
from twinspace.moderation.model import ContentRef, Decision, ItemStatus
from twinspace.realtime.project_events import ALL_GROUPS, Audience, Group, ProjectEventHub
from twinspace.storage.records import ChannelRecord

T = TypeVar("T")
TEACHERS_ONLY = frozenset({Group.TEACHERS})
VISIBLE_TO: dict[ItemStatus, frozenset[Group]] = {
    ItemStatus.PUBLISHED: ALL_GROUPS,
    ItemStatus.HELD: frozenset({Group.TEACHERS, Group.AUTHOR}),
    ItemStatus.BLOCKED: frozenset({Group.TEACHERS, Group.AUTHOR}),
    ItemStatus.REJECTED: TEACHERS_ONLY,
    ItemStatus.HIDDEN: TEACHERS_ONLY,
    ItemStatus.DELETED: TEACHERS_ONLY,
}

# Reactions come from a fixed, friendly set: open emoji input would let pupils send rude ones.
REACTIONS = (
    "👍",
    "❤️",
    "😂",
    "😮",
    "😢",
    "👏",
    "🎉",
    "🤔",
    "👀",
    "🙏",
    "💡",
    "⭐",
    "✅",
    "🌍",
    "📚",
    "🎨",
    "🎵",
    "⚽",
    "🌈",
    "🔥",
)
_REACTIONS = frozenset(REACTIONS)


async def written(lookup: Awaitable[T | None]) -> T:
    """Read back a row inside the transaction that just wrote it (so it must exist).

    Reading it back on the shared reader connection instead can return a snapshot from
    before the write while other reads are in flight.
    """
    found = await lookup
    if found is None:
        raise NotFound("the item vanished while being written")
    return found


def viewer_group(is_teacher: bool, viewer_id: int, author_id: int | None) -> Group:
    if is_teacher:
        return Group.TEACHERS
    return Group.AUTHOR if author_id == viewer_id else Group.OTHERS


def may_see(status: ItemStatus, *, is_teacher: bool, viewer_id: int, author_id: int | None) -> bool:
    return viewer_group(is_teacher, viewer_id, author_id) in VISIBLE_TO[status]


class HasReason(Protocol):
    @property
    def reason(self) -> str | None: ...

    @property
    def reason_code(self) -> str | None: ...


def shown_reason(
    record: HasReason, status: ItemStatus, *, removed: bool
) -> tuple[str | None, str | None]:
    """(`reason`, `reason_code`) of a view: only while the item waits or was refused."""
    if removed or status is ItemStatus.PUBLISHED:
        return None, None
    return record.reason, record.reason_code


def shows_removed(
    status: ItemStatus,
    published_at: datetime | None,
    *,
    is_teacher: bool,
    viewer_id: int,
    author_id: int | None,
) -> bool:
    """A deleted item a non-teacher still sees as a placeholder (text withheld)."""
    return (
        status is ItemStatus.DELETED
        and not is_teacher
        and (published_at is not None or author_id == viewer_id)
    )


def findable(
    status: ItemStatus,
    published_at: datetime | None,
    *,
    is_teacher: bool,
    viewer_id: int,
    author_id: int | None,
) -> bool:
    """Whether a viewer may look the item up at all (in full or as a removed placeholder)."""
    return may_see(
        status, is_teacher=is_teacher, viewer_id=viewer_id, author_id=author_id
    ) or shows_removed(
        status, published_at, is_teacher=is_teacher, viewer_id=viewer_id, author_id=author_id
    )


def clean_text(text: str, *, max_chars: int, allow_empty: bool = False) -> str:
    """Strip, drop control characters except line breaks and tabs, and bound the length."""
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    kept = kept.strip()
    if not kept and not allow_empty:
        raise RuleViolation("the text is empty", problem=Problem.TEXT_EMPTY)
    if len(kept) > max_chars:
        raise RuleViolation(
            f"the text may have at most {max_chars} characters",
            problem=Problem.TEXT_TOO_LONG,
            max_chars=max_chars,
        )
    return kept


def check_reaction(emoji: str) -> str:
    if emoji not in _REACTIONS:
        raise RuleViolation(
            "pick a reaction from the offered set",
            problem=Problem.REACTION_NOT_OFFERED,
            allowed=list(REACTIONS),
        )
    return emoji


class ReactionView(BaseModel):
    emoji: str
    count: int
    user_ids: list[int]


def reaction_views(pairs: list[tuple[str, int]]) -> list[ReactionView]:
    grouped: dict[str, list[int]] = {}
    for emoji, user_id in pairs:
        grouped.setdefault(emoji, []).append(user_id)
    return [ReactionView(emoji=e, count=len(ids), user_ids=ids) for e, ids in grouped.items()]


class AuthorView(BaseModel):
    id: int
    display_name: str


def author_view(author_id: int | None, name: str | None) -> AuthorView | None:
    return AuthorView(id=author_id, display_name=name or "") if author_id is not None else None


@dataclass(frozen=True, slots=True)
class Transition:
    created: frozenset[Group]
    updated: frozenset[Group]
    removed: frozenset[Group]


def transition(before: ItemStatus | None, after: ItemStatus) -> Transition:
    """Which viewer groups newly see an item, still see it, or stop seeing it."""
    seen_before = VISIBLE_TO[before] if before is not None else frozenset()
    seen_after = VISIBLE_TO[after]
    return Transition(
        created=seen_after - seen_before,
        updated=seen_after & seen_before,
        removed=seen_before - seen_after,
    )


@dataclass(frozen=True, slots=True)
class ItemPush:
    """Where one item's live events go: `<prefix>.created/.updated/.removed`."""

    hub: ProjectEventHub
    project_id: int
    prefix: str
    author_id: int | None
    scope: str
    channel: ChannelRecord | None = None

    def audience(self, groups: frozenset[Group]) -> Audience:
        return Audience(groups=groups, author_id=self.author_id, channel=self.channel)

    def status_change(
        self,
        before: ItemStatus | None,
        after: ItemStatus,
        view: dict[str, Any],
        removed: dict[str, Any],
    ) -> None:
        change = transition(before, after)
        for suffix, groups, data in (
            ("created", change.created, view),
            ("updated", change.updated, view),
            ("removed", change.removed, removed),
        ):
            if groups:
                self.hub.publish(
                    self.project_id,
                    f"{self.prefix}.{suffix}",
                    data,
                    audience=self.audience(groups),
                    scope=self.scope,
                )

    def send(self, status: ItemStatus, event_type: str, data: dict[str, Any]) -> None:
        """An event about the item (reactions, a move) to everyone who sees it now."""
        self.hub.publish(
            self.project_id,
            event_type,
            data,
            audience=self.audience(VISIBLE_TO[status]),
            scope=self.scope,
        )


def notify_teachers(
    hub: ProjectEventHub,
    ref: ContentRef,
    decision: Decision,
    author_name: str | None,
    queue_id: int | None,
) -> None:
    """A held or blocked item: the project's teachers hear of it at once."""
    if decision.status not in (ItemStatus.HELD, ItemStatus.BLOCKED):
        return
    hub.publish(
        ref.project_id,
        "moderation.notice",
        {
            "kind": decision.status.value,
            "queue_id": queue_id,
            "item": ref.kind.value,
            "item_id": ref.item_id,
            "status": decision.status.value,
            "reason": decision.reason,
            "reason_code": decision.code,
            "space": ref.space.value,
            "space_id": ref.space_id,
            "author": {"id": ref.author_id, "display_name": author_name or ""},
            "excerpt": ref.text[:200],
            "flags": [flag.category for flag in decision.flags],
            **{key: int(value) for key, value in ref.extra.items() if key.endswith("_id")},
        },
        audience=Audience.teachers(),
    )
