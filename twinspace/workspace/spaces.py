"""Chat channel and board records of a TwinSpace (their live content lives in realtime)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from twinspace.clock import utcnow
from twinspace.errors import NotFound, Problem, RuleViolation
from twinspace.storage import Storage
from twinspace.storage.records import BoardRecord, ChannelRecord
from twinspace.types import ChannelKind
from twinspace.workspace.access import Access, Action

SpaceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class NewChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: SpaceName
    kind: ChannelKind = ChannelKind.PROJECT
    class_id: int | None = None


class NewBoard(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: SpaceName
    description: str = Field("", max_length=2000)


class SpaceService:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def create_channel(self, access: Access, form: NewChannel) -> ChannelRecord:
        access.require(Action.MANAGE_SPACES)
        if form.kind is ChannelKind.CLASS:
            if form.class_id is None:
                raise RuleViolation(
                    "a class channel names its class", problem=Problem.CLASS_CHANNEL_CLASS
                )
            school_class = await self._storage.classes.get(form.class_id)
            if school_class is None:
                raise NotFound("no such class")
        elif form.class_id is not None:
            raise RuleViolation(
                "only class channels name a class", problem=Problem.CLASS_CHANNEL_CLASS
            )
        channel_id = await self._storage.channels.create(
            project_id=access.project.id,
            name=form.name,
            kind=form.kind,
            class_id=form.class_id,
            created_by=access.user.id,
            now=utcnow(),
        )
        channel = await self._storage.channels.get(channel_id)
        assert channel is not None
        return channel

    async def channels(self, access: Access, pupil_class_id: int | None) -> list[ChannelRecord]:
        access.require(Action.READ)
        return [
            c
            for c in await self._storage.channels.of_project(access.project.id)
            if access.can_see_channel(c, pupil_class_id)
        ]

    async def create_board(self, access: Access, form: NewBoard) -> BoardRecord:
        access.require(Action.MANAGE_SPACES)
        board_id = await self._storage.boards.create(
            project_id=access.project.id,
            title=form.title,
            description=form.description,
            created_by=access.user.id,
            now=utcnow(),
        )
        board = await self._storage.boards.get(board_id)
        assert board is not None
        return board

    async def boards(self, access: Access) -> list[BoardRecord]:
        access.require(Action.READ)
        return await self._storage.boards.of_project(access.project.id)
