"""Page records of a TwinSpace: create, list, rename, soft-delete, lock."""

from __future__ import annotations

import secrets
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from twinspace.clock import utcnow
from twinspace.domain_events import DomainEventBus, PageDeleted, PageLockChanged
from twinspace.errors import NotFound
from twinspace.storage import Storage
from twinspace.storage.records import PageRecord
from twinspace.workspace.access import Access, Action

PageTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class NewPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: PageTitle


class PageRename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: PageTitle


def new_room_name() -> str:
    return "page-" + secrets.token_urlsafe(12)


class PageService:
    def __init__(self, storage: Storage, events: DomainEventBus) -> None:
        self._storage = storage
        self._events = events

    async def _reload(self, page_id: int) -> PageRecord:
        page = await self._storage.pages.get(page_id)
        if page is None:
            raise NotFound("no such page")
        return page

    async def create(self, access: Access, title: str) -> PageRecord:
        access.require(Action.MANAGE_SPACES)
        page_id = await self._storage.pages.create(
            project_id=access.project.id,
            title=title,
            room=new_room_name(),
            created_by=access.user.id,
            now=utcnow(),
        )
        return await self._reload(page_id)

    async def list(self, access: Access, *, include_deleted: bool = False) -> list[PageRecord]:
        access.require(Action.READ)
        return await self._storage.pages.of_project(
            access.project.id, include_deleted=include_deleted and access.is_teacher
        )

    async def rename(self, access: Access, page: PageRecord, title: str) -> PageRecord:
        access.require(Action.MANAGE_SPACES)
        await self._storage.pages.rename(page.id, title, utcnow(), access.user.id)
        return await self._reload(page.id)

    async def delete(self, access: Access, page: PageRecord) -> None:
        """Soft delete: the page disappears for everyone, its content stays restorable."""
        access.require(Action.MANAGE_SPACES)
        await self._storage.pages.set_deleted(page.id, utcnow())
        await self._events.publish(PageDeleted(page.project_id, page.id, page.room, access.user.id))

    async def undelete(self, access: Access, page: PageRecord) -> PageRecord:
        access.require(Action.MANAGE_SPACES)
        await self._storage.pages.set_deleted(page.id, None)
        return await self._reload(page.id)

    async def set_locked(self, access: Access, page: PageRecord, locked: bool) -> PageRecord:
        access.require(Action.MANAGE_SPACES)
        if page.locked != locked:
            await self._storage.pages.set_locked(page.id, locked, utcnow())
            await self._events.publish(
                PageLockChanged(page.project_id, page.id, page.room, locked, access.user.id)
            )
        return await self._reload(page.id)
