"""The moderation seam: what content services ask before anyone else sees a pupil's item.

Chat, boards and uploads call `ModerationHook.submit()` and store the item with the
returned outcome. Moderation later changes an item's status through the `ModeratedContent`
handler its content service registered (approve, reject, hide, restore).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from twinspace.storage.records import UserRecord
from twinspace.types import Role


class ItemKind(StrEnum):
    MESSAGE = "message"
    POST = "post"
    COMMENT = "comment"
    UPLOAD = "upload"
    PAGE = "page"


class SpaceKind(StrEnum):
    CHANNEL = "channel"
    BOARD = "board"
    PAGE = "page"


class Outcome(StrEnum):
    PUBLISHED = "published"
    HELD = "held"
    BLOCKED = "blocked"


class ItemStatus(StrEnum):
    """An item's visibility: only `published` items are seen beyond the author and teachers."""

    PUBLISHED = "published"
    HELD = "held"
    BLOCKED = "blocked"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding shown to teachers: category, readable reason and the matched span."""

    category: str
    reason: str
    start: int
    end: int
    excerpt: str


@dataclass(frozen=True, slots=True)
class Submission:
    project_id: int
    author: UserRecord
    role: Role
    kind: ItemKind
    space: SpaceKind
    space_id: int
    text: str
    board_requires_approval: bool = False
    findings: tuple[Flag, ...] = ()  # made before submitting (image classifiers)
    unchecked: str | None = None  # why part of an upload's content could not be read

    @property
    def maskable(self) -> bool:
        """Text can be published with a finding masked; a file's content cannot."""
        return self.kind is not ItemKind.UPLOAD


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: str | None = None
    flags: tuple[Flag, ...] = ()
    text: str | None = None  # replacement text when the policy masks a finding
    cause: str | None = None  # why it is held: "filter", "pre" or "approval"

    @property
    def status(self) -> ItemStatus:
        return ItemStatus(self.outcome.value)

    @property
    def code(self) -> str | None:
        """`reason` for clients to translate: "held.filter:email,phone", "held.pre",
        "held.approval", "blocked.filter:offensive", "masked.filter:phone"; None when
        nothing happened."""
        if self.reason is None:
            return None
        what = "masked" if self.outcome is Outcome.PUBLISHED else self.outcome.value
        code = f"{what}.{self.cause or 'filter'}"
        if code.endswith(".filter"):
            code += ":" + ",".join(sorted({flag.category for flag in self.flags}))
        return code


@dataclass(frozen=True, slots=True)
class ContentRef:
    kind: ItemKind
    item_id: int
    project_id: int
    author_id: int | None
    text: str
    status: ItemStatus
    space: SpaceKind
    space_id: int
    extra: dict[str, str] = field(default_factory=dict)


class ModeratedContent(Protocol):
    """Registered by a content service for each item kind it owns."""

    async def describe(self, item_id: int) -> ContentRef | None: ...

    async def set_status(self, item_id: int, status: ItemStatus, actor_id: int) -> None:
        """Persist the new status and push the live change to the project's clients."""
        ...


class ModerationHook(Protocol):
    async def submit(self, submission: Submission) -> Decision:
        """Gate (mute, slow mode, quiet hours) and filter; raises DomainError on the gate."""
        ...

    async def recorded(self, ref: ContentRef, decision: Decision) -> int | None:
        """The item is stored: queue it for teachers when held (its queue id), audit when
        blocked."""
        ...

    def register(self, kind: ItemKind, handler: ModeratedContent) -> None: ...

    async def filters(self, project_id: int, role: Role, space: SpaceKind, space_id: int) -> bool:
        """Whether this author's items in this space go through the filters (an upload's
        content is read only when they do)."""
        ...


class PassThroughModeration:
    """Publishes everything; the moderation layer replaces it."""

    def __init__(self) -> None:
        self.handlers: dict[ItemKind, ModeratedContent] = {}

    async def submit(self, submission: Submission) -> Decision:
        if submission.board_requires_approval and submission.role is Role.PUPIL:
            return Decision(
                Outcome.HELD, reason="this board needs a teacher's approval", cause="approval"
            )
        return Decision(Outcome.PUBLISHED)

    async def recorded(self, ref: ContentRef, decision: Decision) -> int | None:
        return None

    def register(self, kind: ItemKind, handler: ModeratedContent) -> None:
        self.handlers[kind] = handler

    async def filters(self, project_id: int, role: Role, space: SpaceKind, space_id: int) -> bool:
        return False
