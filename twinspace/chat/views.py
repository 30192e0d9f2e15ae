"""Request and response models of chat, shared by HTTP and the events socket."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from twinspace.content.items import AuthorView, ReactionView
from twinspace.moderation.model import ItemStatus
from twinspace.storage.records import ChannelRecord

MESSAGE_MAX_CHARS = 4000


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MESSAGE_MAX_CHARS * 2)
    parent_id: int | None = Field(None, ge=1, description="reply to this top-level message")
    client_key: str | None = Field(
        None,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the client's own name for this message: sending it again with the same key"
        " returns the first message instead of posting twice (an offline queue's retry)",
    )


class MessageEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MESSAGE_MAX_CHARS * 2)


class ReactionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emoji: str = Field(min_length=1, max_length=16)


class ChannelRename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message_id: int | None = Field(None, ge=0, description="default: the newest message")


class MessageView(BaseModel):
    id: int
    channel_id: int
    parent_id: int | None
    author: AuthorView | None
    text: str | None  # None for a removed placeholder
    status: ItemStatus
    reason: str | None  # why it is held or blocked (author and teachers only)
    reason_code: str | None  # the same as a code to translate, e.g. "held.filter:phone"
    pending: bool  # held for a teacher's approval
    removed: bool
    created_at: datetime
    edited_at: datetime | None
    reply_count: int = 0
    reactions: list[ReactionView] = Field(default_factory=list)


class ReadState(BaseModel):
    channel_id: int
    last_read_message_id: int
    unread: int


class UnreadSummary(BaseModel):
    channels: list[ReadState]
    total: int


def channel_data(channel: ChannelRecord) -> dict[str, Any]:
    return {
        "id": channel.id,
        "project_id": channel.project_id,
        "name": channel.name,
        "kind": channel.kind.value,
        "class_id": channel.class_id,
        "archived": channel.archived_at is not None,
    }
