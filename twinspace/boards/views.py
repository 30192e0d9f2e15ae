"""Request and response models of media boards, and their builders from records."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from twinspace.content.items import AuthorView, ReactionView
from twinspace.moderation.model import ItemStatus
from twinspace.storage.boards import SectionRecord
from twinspace.storage.media import MediaRecord
from twinspace.storage.records import BoardRecord

Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
SectionTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]
BODY_MAX_CHARS = 5000
COMMENT_MAX_CHARS = 2000


class PostKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    FILE = "file"
    LINK = "link"


MEDIA_POST_KINDS = frozenset({PostKind.IMAGE, PostKind.VIDEO, PostKind.AUDIO, PostKind.FILE})


BoardLayout = Literal["columns", "wall", "grid", "timeline"]


class BoardSettings(BaseModel):
    """Per-board rules: who may post, whether comments and reactions are on, whether pupils'
    posts wait for a teacher's approval, and how the board is laid out (its teachers choose:
    columns by section, a masonry wall, an even grid, or a timeline by date)."""

    model_config = ConfigDict(extra="forbid")

    who_may_post: Literal["everyone", "teachers"] = "everyone"
    comments: bool = True
    reactions: bool = True
    approval_required: bool = False
    layout: BoardLayout = "columns"

    @classmethod
    def parse(cls, raw: str) -> BoardSettings:
        try:
            return cls.model_validate(json.loads(raw or "{}"))
        except ValueError:
            return cls()


class BoardSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    who_may_post: Literal["everyone", "teachers"] | None = None
    comments: bool | None = None
    reactions: bool | None = None
    approval_required: bool | None = None
    layout: BoardLayout | None = None


class BoardUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: SectionTitle | None = None
    description: str | None = Field(None, max_length=2000)
    settings: BoardSettingsPatch | None = None


class NewSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: SectionTitle


class SectionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: SectionTitle | None = None


class SectionMove(BaseModel):
    """Put a section after `after_id` (null: first)."""

    model_config = ConfigDict(extra="forbid")

    after_id: int | None = Field(None, ge=1)


class Placement(BaseModel):
    """Where an item goes: after `after_id` in `section_id` (null `after_id`: first)."""

    model_config = ConfigDict(extra="forbid")

    section_id: int | None = Field(None, ge=1)
    after_id: int | None = Field(None, ge=1)


class NewPost(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: PostKind
    title: Title = ""
    body: str = Field("", max_length=BODY_MAX_CHARS * 2)
    section_id: int | None = Field(None, ge=1)
    media_id: int | None = Field(None, ge=1)
    url: AnyHttpUrl | None = None


class PostEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: str | None = Field(None, max_length=BODY_MAX_CHARS * 2)
    url: AnyHttpUrl | None = None


class NewComment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=COMMENT_MAX_CHARS * 2)


class MediaRef(BaseModel):
    id: int
    kind: str
    mime: str
    size: int
    name: str
    width: int | None
    height: int | None
    status: ItemStatus
    url: str
    thumb_url: str | None

    @classmethod
    def of(cls, m: MediaRecord) -> MediaRef:
        return cls(
            id=m.id,
            kind=m.kind,
            mime=m.mime,
            size=m.size,
            name=m.original_name,
            width=m.width,
            height=m.height,
            status=ItemStatus(m.status),
            url=f"/media/{m.id}",
            thumb_url=f"/media/{m.id}/thumb" if m.thumb_sha256 else None,
        )


class SectionView(BaseModel):
    id: int
    board_id: int
    title: str
    position: float

    @classmethod
    def of(cls, s: SectionRecord) -> SectionView:
        return cls(id=s.id, board_id=s.board_id, title=s.title, position=s.position)


class PostView(BaseModel):
    id: int
    board_id: int
    section_id: int | None
    author: AuthorView | None
    kind: PostKind
    title: str
    body: str | None  # None for a removed placeholder
    url: str | None
    media: MediaRef | None
    position: float
    status: ItemStatus
    reason: str | None
    reason_code: str | None  # see MessageView
    pending: bool
    removed: bool
    created_at: datetime
    edited_at: datetime | None
    comment_count: int = 0
    reactions: list[ReactionView] = Field(default_factory=list)


class CommentView(BaseModel):
    id: int
    post_id: int
    board_id: int
    author: AuthorView | None
    text: str | None
    status: ItemStatus
    reason: str | None
    reason_code: str | None  # see MessageView
    pending: bool
    removed: bool
    created_at: datetime


class BoardView(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    archived: bool
    settings: BoardSettings
    sections: list[SectionView] = Field(default_factory=list)
    posts: list[PostView] = Field(default_factory=list)

    @classmethod
    def of(cls, b: BoardRecord, settings: BoardSettings) -> BoardView:
        return cls(
            id=b.id,
            project_id=b.project_id,
            title=b.title,
            description=b.description,
            archived=b.archived_at is not None,
            settings=settings,
        )


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
