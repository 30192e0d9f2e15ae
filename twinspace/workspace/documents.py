"""Page content: rooms and persistence together, versions, restore, export, live permissions."""

from __future__ import annotations

import asyncio
import html as html_escape
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import nh3

from twinspace.clock import utcnow
from twinspace.config import Settings
from twinspace.domain_events import (
    DomainEvent,
    DomainEventBus,
    LiveSessionChanged,
    MemberRoleChanged,
    PageDeleted,
    PageLockChanged,
    PageVersionRestored,
    ProjectStateChanged,
    PupilConsentChanged,
)
from twinspace.errors import NotFound, Problem, Unavailable
from twinspace.realtime import close_codes, crdt
from twinspace.realtime.persistence import DocumentPersistence
from twinspace.realtime.rooms import Room, RoomInfo, RoomManager
from twinspace.storage import Storage
from twinspace.storage.documents import VersionRecord
from twinspace.storage.records import PageRecord
from twinspace.workspace.access import Access, AccessRules, Action
from twinspace.workspace.page_edits import PageEditRecorder
from twinspace.workspace.version_history import VersionBudgets, VersionHistory

log = logging.getLogger("twinspace.workspace.documents")

# Tags and attributes a page export may keep (what the editor can produce).
EXPORT_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "br",
    "hr",
    "strong",
    "em",
    "s",
    "u",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sub",
    "sup",
    "mark",
}
EXPORT_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


def sanitise_html(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=EXPORT_TAGS,
        attributes=EXPORT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def room_info(page: PageRecord) -> RoomInfo:
    return RoomInfo(room=page.room, page_id=page.id, project_id=page.project_id)


@dataclass(frozen=True, slots=True)
class VersionContent:
    record: VersionRecord
    text: str
    html: str


class PageWriteRules:
    """Who may write in an open room: recomputed when locks, roles or project state change."""

    def __init__(self, storage: Storage, access: AccessRules) -> None:
        self._storage = storage
        self._access = access

    async def can_write(self, user_id: int, page: PageRecord) -> bool:
        user = await self._storage.users.get(user_id)
        if user is None:
            return False
        try:
            access, fresh = await self._access.page(user, page.id)
        except NotFound:
            return False
        return await self.allowed(access, fresh)

    async def allowed(self, access: Access, page: PageRecord) -> bool:
        """Role and lock (access rules), then space restrictions such as live sessions."""
        if not access.can_edit_page(page):
            return False
        block = await self._access.pupil_write_block(
            project_id=page.project_id,
            user_id=access.user.id,
            role=access.role,
            space="page",
            space_id=page.id,
        )
        return block is None


class DocumentService:
    def __init__(
        self, storage: Storage, settings: Settings, access: AccessRules, events: DomainEventBus
    ) -> None:
        self._storage = storage
        self._events = events
        self._settings = settings
        self.engine = (
            crdt.Engine(settings.crdt_engine) if settings.crdt_engine else crdt.default_engine()
        )
        self.persistence = DocumentPersistence(storage, settings, self.engine)
        self.write_rules = PageWriteRules(storage, access)
        self.rooms = RoomManager(settings, self.persistence, self.engine)
        self.history = VersionHistory(
            storage,
            VersionBudgets(
                page_bytes=settings.version_page_budget_bytes,
                project_bytes=settings.version_project_budget_bytes,
            ),
        )
        self.edits = PageEditRecorder(storage, settings.page_edit_record_seconds)
        self._versioner: asyncio.Task[None] | None = None
        self._edited_rooms: dict[str, RoomInfo] = {}
        self._settle_timers: dict[str, asyncio.TimerHandle] = {}
        self._last_edit: dict[str, float] = {}  # loop time of each room's latest edit
        self._settled_listeners: list[Callable[[RoomInfo], None]] = []
        self._versions_writing = 0
        self.rooms.on_edit(self._on_edit)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        self.persistence.start()
        self.edits.start()
        self._versioner = asyncio.create_task(self._auto_versions(), name="auto-versions")

    async def stop(self) -> None:
        """Close every client (server going away), flush, write pending versions."""
        await self.rooms.close_all(close_codes.GOING_AWAY, "server shutting down")
        for timer in self._settle_timers.values():
            timer.cancel()
        self._settle_timers.clear()
        self._last_edit.clear()
        if self._versioner is not None:
            self._versioner.cancel()
            await asyncio.gather(self._versioner, return_exceptions=True)
        await self._write_auto_versions(force=True)
        await self.persistence.stop()
        await self.edits.stop()

    # -- edits settle (moderation scans) and automatic versions -----------------------------------

    def on_settled(self, listener: Callable[[RoomInfo], None]) -> None:
        """Call `listener` once edits to a page have paused for `page_settle_seconds`."""
        self._settled_listeners.append(listener)

    def _on_edit(self, room: Room) -> None:
        # One timer per quiet period, not one per edit: when it fires early it re-arms.
        self._edited_rooms[room.name] = room.info
        self.edits.mark(room.info.page_id, room.last_editor)
        loop = asyncio.get_running_loop()
        self._last_edit[room.name] = loop.time()
        if room.name not in self._settle_timers:
            self._settle_timers[room.name] = loop.call_later(
                self._settings.page_settle_seconds, self._settled, room.info
            )

    def _settled(self, info: RoomInfo) -> None:
        loop = asyncio.get_running_loop()
        quiet_from = self._last_edit.get(info.room, 0.0) + self._settings.page_settle_seconds
        if quiet_from > loop.time():
            self._settle_timers[info.room] = loop.call_at(quiet_from, self._settled, info)
            return
        self._settle_timers.pop(info.room, None)
        self._last_edit.pop(info.room, None)
        for listener in list(self._settled_listeners):
            try:
                listener(info)
            except Exception:
                log.exception("page-settled listener failed")

    async def _auto_versions(self) -> None:
        """An edited page (open or unloaded since) gets an automatic version when one is due
        (`version_interval_seconds`), never merely because its room unloaded."""
        period = min(60.0, self._settings.version_interval_seconds / 2)
        while True:
            await asyncio.sleep(period)
            await self._write_auto_versions(force=False)

    async def _write_auto_versions(self, *, force: bool) -> None:
        now = utcnow()
        interval = timedelta(seconds=self._settings.version_interval_seconds)
        for name, info in list(self._edited_rooms.items()):
            latest = await self._storage.documents.latest_version_at(info.page_id)
            due = latest is None or now - latest >= interval
            if force or due:
                self._edited_rooms.pop(name, None)
                self._versions_writing += 1
                try:
                    await self._auto_version(info, None if force else now - interval)
                finally:
                    self._versions_writing -= 1

    @property
    def pending_auto_versions(self) -> int:
        """Edited pages whose automatic version is not written (or skipped) yet."""
        return len(self._edited_rooms) + self._versions_writing

    async def _auto_version(self, info: RoomInfo, unless_since: datetime | None) -> None:
        """`unless_since`: skip it if the page got a version since then (another process of a
        cluster may have written it meanwhile; `VersionHistory.add` checks under its lock)."""
        try:
            durable = await self.persistence.durable_state(info.room)
            fingerprint = await asyncio.to_thread(crdt.content_fingerprint, durable.state)
            await self.history.add(
                page_id=info.page_id,
                project_id=info.project_id,
                kind="auto",
                name=None,
                data=durable.state,
                content_hash=fingerprint,
                created_by=None,
                unless_since=unless_since,
            )
        except Exception:
            log.exception("automatic version of page %s failed", info.page_id)

    # -- versions -----------------------------------------------------------------------------

    async def create_version(
        self, access: Access, page: PageRecord, name: str | None, kind: str = "named"
    ) -> VersionRecord:
        access.require(Action.READ)
        if kind == "named":
            access.require(Action.MANAGE_SPACES)
        durable = await self.persistence.durable_state(page.room)
        fingerprint = await asyncio.to_thread(crdt.content_fingerprint, durable.state)
        version_id = await self.history.add(
            page_id=page.id,
            project_id=page.project_id,
            kind=kind,
            name=name,
            data=durable.state,
            content_hash=fingerprint,
            created_by=access.user.id,
        )
        assert version_id is not None  # only automatic versions are ever skipped
        found = await self._storage.documents.version(page.id, version_id)
        assert found is not None
        return found[0]

    async def versions(
        self, access: Access, page: PageRecord, *, limit: int, before: int | None
    ) -> list[VersionRecord]:
        access.require(Action.READ)
        return await self._storage.documents.versions(page.id, limit=limit, before=before)

    async def version(self, access: Access, page: PageRecord, version_id: int) -> VersionContent:
        access.require(Action.READ)
        found = await self._storage.documents.version(page.id, version_id)
        if found is None:
            raise NotFound("no such version")
        record, data = found
        text, fragment = await asyncio.to_thread(_render, data)
        return VersionContent(record, text, sanitise_html(fragment))

    async def delete_version(self, access: Access, page: PageRecord, version_id: int) -> None:
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            if await tx.documents.version(page.id, version_id) is None:
                raise NotFound("no such version")
            await tx.documents.delete_versions([version_id])

    async def restore(self, access: Access, page: PageRecord, version_id: int) -> VersionRecord:
        """Apply an old version as new edits that every connected client receives."""
        access.require(Action.MODERATE)
        found = await self._storage.documents.version(page.id, version_id)
        if found is None:
            raise NotFound("no such version")
        _, old_state = found
        if not self.persistence.accepting:
            raise Unavailable(
                "the page store is not accepting edits right now", problem=Problem.PAGES_PAUSED
            )
        saved = await self.create_version(
            access, page, f"before restoring #{version_id}", kind="before_restore"
        )
        async with self.rooms.pinned(room_info(page)) as room:
            self.rooms.apply_server_update(room, lambda doc: crdt.restore(doc, old_state))
        await self.persistence.flush()
        await self._events.publish(
            PageVersionRestored(page.project_id, page.id, version_id, saved.id, access.user.id)
        )
        return saved

    # -- export -------------------------------------------------------------------------------

    async def export(self, access: Access, page: PageRecord) -> tuple[str, str]:
        """(plain text, sanitised HTML document) of the page's current content."""
        access.require(Action.READ)
        durable = await self.persistence.durable_state(page.room)
        text, fragment = await asyncio.to_thread(_render, durable.state)
        title = html_escape.escape(page.title)
        document = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body>\n<h1>{title}</h1>\n"
            f"{sanitise_html(fragment)}\n</body></html>\n"
        )
        return text, document

    async def plain_text(self, room: str) -> str:
        durable = await self.persistence.durable_state(room)
        text, _ = await asyncio.to_thread(_render, durable.state)
        return text

    async def scan_view(self, room: str) -> tuple[str, list[crdt.PageExtra]]:
        """The page's text plus its image titles and link targets, for moderation."""
        durable = await self.persistence.durable_state(room)
        return await asyncio.to_thread(crdt.scan_view, durable.state)

    # -- live permission changes ----------------------------------------------------------------

    async def on_event(self, event: DomainEvent) -> None:
        if isinstance(event, PageLockChanged):
            await self._recheck_rooms(lambda room: room.name == event.room)
        elif isinstance(event, ProjectStateChanged | MemberRoleChanged):
            await self._recheck_rooms(lambda room: room.info.project_id == event.project_id)
        elif isinstance(event, LiveSessionChanged):
            await self._recheck_rooms(lambda room: room.info.page_id == event.page_id)
        elif isinstance(event, PupilConsentChanged):
            user_id = event.user_id
            await self._recheck_rooms(lambda room: any(c.user_id == user_id for c in room.clients))
        elif isinstance(event, PageDeleted):
            room = self.rooms.rooms.get(event.room)
            if room is not None:
                for client in list(room.clients):
                    client.close(close_codes.UNKNOWN_ROOM, "the page was deleted")

    async def _recheck_rooms(self, selects: Callable[[Room], bool]) -> None:
        for room in [r for r in self.rooms.rooms.values() if selects(r)]:
            page = await self._storage.pages.get(room.info.page_id)
            if page is None:
                continue
            for client in list(room.clients):
                client.allow_writing(await self.write_rules.can_write(client.user_id, page))


def _render(state: bytes) -> tuple[str, str]:
    return crdt.plain_text(state), crdt.html(state)
