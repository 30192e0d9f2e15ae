"""Setting a live session up and closing it: its page, channel and board
(chosen or made for it), the zone each member reads its times in, and the page's version saved
at the end."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from twinspace.errors import NotFound, Problem, RuleViolation
from twinspace.live_sessions.rules import NewLiveSession
from twinspace.storage import Storage
from twinspace.storage.live_sessions import LiveSessionRecord
from twinspace.storage.records import UserRecord
from twinspace.types import TEACHER_ROLES, ChannelKind
from twinspace.workspace.access import Access, AccessRules
from twinspace.workspace.documents import DocumentService
from twinspace.workspace.pages import PageService
from twinspace.workspace.spaces import NewBoard, NewChannel, SpaceService

log = logging.getLogger("twinspace.live_sessions.service")


@dataclass(frozen=True, slots=True)
class SessionSpaces:
    page_id: int
    channel_id: int
    board_id: int
    created: frozenset[str]  # which of "page", "channel", "board" were made for the session


async def session_spaces(
    storage: Storage, pages: PageService, spaces: SpaceService, access: Access, form: NewLiveSession
) -> SessionSpaces:
    """The chosen page, channel and board (checked first), or new ones named after it."""
    project_id, name = access.project.id, form.title[:100]
    page = await storage.pages.get(form.page_id) if form.page_id else None
    channel = await storage.channels.get(form.channel_id) if form.channel_id else None
    board = await storage.boards.get(form.board_id) if form.board_id else None
    if form.page_id and (
        page is None or page.project_id != project_id or page.deleted_at is not None
    ):
        raise RuleViolation(
            "page_id is not a page of this project",
            problem=Problem.SESSION_LINK_INVALID,
            field="page_id",
        )
    if form.channel_id and (
        channel is None
        or channel.project_id != project_id
        or channel.kind is not ChannelKind.PROJECT
        or channel.archived_at is not None
    ):
        raise RuleViolation(
            "channel_id is not an open project-wide channel of this project",
            problem=Problem.SESSION_LINK_INVALID,
            field="channel_id",
        )
    if form.board_id and (
        board is None or board.project_id != project_id or board.archived_at is not None
    ):
        raise RuleViolation(
            "board_id is not an open board of this project",
            problem=Problem.SESSION_LINK_INVALID,
            field="board_id",
        )
    created = set()
    if page is None:
        page = await pages.create(access, form.title)
        created.add("page")
    if channel is None:
        channel = await spaces.create_channel(access, NewChannel(name=name))
        created.add("channel")
    if board is None:
        board = await spaces.create_board(
            access, NewBoard(title=name, description="Board of a live session")
        )
        created.add("board")
    return SessionSpaces(page.id, channel.id, board.id, frozenset(created))


async def viewer_zone(storage: Storage, user: UserRecord, override: str | None) -> str:
    """The zone a member reads times in: `?tz=`, their school's, their country's, else UTC."""
    if override:
        return override
    if user.school_id is not None:
        school = await storage.schools.get(user.school_id)
        if school is not None:
            return school.timezone
    if user.country:
        country = await storage.countries.get(user.country)
        if country is not None:
            return country.timezone
    return "UTC"


async def save_session_page(
    storage: Storage,
    rules: AccessRules,
    documents: DocumentService,
    session: LiveSessionRecord,
    actor: Access | None,
) -> int | None:
    """Save the session's page as a named version (kind `session`); its id, or None."""
    page = await storage.pages.get(session.page_id) if session.page_id else None
    if page is None or page.deleted_at is not None:
        return None
    try:
        access = actor or await _system_access(storage, rules, session)
        if access is None:
            return None
        name = f"{session.title} (live session, {session.starts_at:%Y-%m-%d})"
        version = await documents.create_version(access, page, name, kind="session")
    except Exception:
        log.exception("saving the page of live session %s failed", session.id)
        return None
    await storage.live_sessions.set_version(session.id, version.id)
    return version.id


async def _system_access(
    storage: Storage, rules: AccessRules, session: LiveSessionRecord
) -> Access | None:
    """Whom an automatic end saves the version as: the session's creator, else a teacher."""
    members = await storage.memberships.members(session.project_id)
    teachers = sorted(
        (m for m in members if m[0].role in TEACHER_ROLES),
        key=lambda m: m[1].id != session.created_by,
    )
    for _membership, user in teachers:
        with contextlib.suppress(NotFound):
            return await rules.project(user, session.project_id)
    return None
