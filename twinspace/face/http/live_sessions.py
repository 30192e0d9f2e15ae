"""Live cross-border sessions over HTTP: schedule, the classes of partner schools taking part,
open, extend, end, cancel, "eyes on me", join codes, joining, roster, attendance and the
session log. Times come back in UTC and in the viewer's
zone (their school's, or `?tz=`)."""

from __future__ import annotations

from pydantic import Field

from twinspace.clock import utcnow
from twinspace.face.api import ApiRouter, Ctx
from twinspace.live_sessions.rules import (
    Extension,
    JoinRequest,
    LiveSessionUpdate,
    NewLiveSession,
    SessionClasses,
    SessionState,
    ZoneQuery,
)
from twinspace.live_sessions.views import (
    JoinCode,
    LogEntry,
    ProjectClassView,
    Roster,
    SessionAttendance,
    SessionList,
    SessionView,
    join_code_view,
)
from twinspace.storage.live_sessions import LiveSessionRecord
from twinspace.workspace.access import Access

router = ApiRouter("live-sessions")


class LogQuery(ZoneQuery):
    after: int = Field(0, ge=0, le=10**18, description="entries after this id")


async def _find(ctx: Ctx) -> tuple[Access, LiveSessionRecord]:
    return await ctx.services.live_sessions.find(ctx.user, ctx.path_id("session_id"))


async def _view(ctx: Ctx, session: LiveSessionRecord, query: ZoneQuery) -> SessionView:
    service = ctx.services.live_sessions
    return await service.view(session, await service.zone_of(ctx.user, query.tz), ctx.user.id)


@router.post(
    "/projects/{project_id:id}/live-sessions",
    body=NewLiveSession,
    query=ZoneQuery,
    response=SessionView,
    status=201,
)
async def schedule_session(ctx: Ctx, body: NewLiveSession, query: ZoneQuery) -> SessionView:
    """Schedule a live session (teachers); page, channel and board are made when omitted."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    session = await ctx.services.live_sessions.schedule(access, body)
    return await _view(ctx, session, query)


@router.get("/projects/{project_id:id}/live-sessions", query=ZoneQuery, response=SessionList)
async def list_sessions(ctx: Ctx, query: ZoneQuery) -> SessionList:
    """Upcoming (and live) and past sessions of a TwinSpace, in the viewer's zone."""
    service = ctx.services.live_sessions
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    zone = await service.zone_of(ctx.user, query.tz)
    views = [await service.view(s, zone, ctx.user.id) for s in await service.sessions(access)]
    return SessionList(
        timezone=zone,
        upcoming=[v for v in views if v.state in (SessionState.SCHEDULED, SessionState.LIVE)],
        past=sorted(
            (v for v in views if v.state in (SessionState.ENDED, SessionState.CANCELLED)),
            key=lambda v: v.starts_at.utc,
            reverse=True,
        ),
    )


@router.get("/projects/{project_id:id}/live-sessions/classes", response=list[ProjectClassView])
async def project_classes(ctx: Ctx) -> list[ProjectClassView]:
    """The TwinSpace's classes a session can include, `yours` marking the caller's (teachers)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [
        ProjectClassView.of(entry, ctx.user.id)
        for entry in await ctx.services.live_sessions.project_classes(access)
    ]


@router.post(
    "/live-sessions/{session_id:id}/classes",
    body=SessionClasses,
    query=ZoneQuery,
    response=SessionView,
)
async def add_classes(ctx: Ctx, body: SessionClasses, query: ZoneQuery) -> SessionView:
    """Add classes: a teacher their own; the organiser and founders invite any class of the
    TwinSpace. Each class gets its own join code."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.add_classes(access, session, body.class_ids)
    return await _view(ctx, session, query)


@router.delete(
    "/live-sessions/{session_id:id}/classes/{class_id:id}", query=ZoneQuery, response=SessionView
)
async def remove_class(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """Take a class out: a teacher their own; the organiser and founders any."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.remove_class(
        access, session, ctx.path_id("class_id")
    )
    return await _view(ctx, session, query)


@router.post("/live-sessions/{session_id:id}/cancel", query=ZoneQuery, response=SessionView)
async def cancel_session(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """Call off a scheduled session (its organiser or a founder)."""
    access, session = await _find(ctx)
    return await _view(ctx, await ctx.services.live_sessions.cancel(access, session), query)


@router.get("/live-sessions/{session_id:id}", query=ZoneQuery, response=SessionView)
async def get_session(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """One live session (members)."""
    _access, session = await _find(ctx)
    return await _view(ctx, session, query)


@router.patch(
    "/live-sessions/{session_id:id}", body=LiveSessionUpdate, query=ZoneQuery, response=SessionView
)
async def update_session(ctx: Ctx, body: LiveSessionUpdate, query: ZoneQuery) -> SessionView:
    """Change title, agenda or (before it starts) times (teachers)."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.update(access, session, body)
    return await _view(ctx, session, query)


@router.post("/live-sessions/{session_id:id}/open", query=ZoneQuery, response=SessionView)
async def open_session(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """Open a scheduled session early (teachers)."""
    access, session = await _find(ctx)
    return await _view(ctx, await ctx.services.live_sessions.open(access, session), query)


@router.post(
    "/live-sessions/{session_id:id}/extend", body=Extension, query=ZoneQuery, response=SessionView
)
async def extend_session(ctx: Ctx, body: Extension, query: ZoneQuery) -> SessionView:
    """Move the end later by `minutes` (teachers)."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.extend(access, session, body.minutes)
    return await _view(ctx, session, query)


@router.post("/live-sessions/{session_id:id}/end", query=ZoneQuery, response=SessionView)
async def end_session(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """End a live session: attendance is recorded and the page saved as a version."""
    access, session = await _find(ctx)
    return await _view(ctx, await ctx.services.live_sessions.end(access, session), query)


@router.put("/live-sessions/{session_id:id}/read-only", query=ZoneQuery, response=SessionView)
async def eyes_on_me(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """ "Eyes on me": pause pupils' writing in the session's spaces (teachers)."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.set_read_only(access, session, True)
    return await _view(ctx, session, query)


@router.delete("/live-sessions/{session_id:id}/read-only", query=ZoneQuery, response=SessionView)
async def lift_read_only(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """Let pupils write again (teachers)."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.set_read_only(access, session, False)
    return await _view(ctx, session, query)


@router.get("/live-sessions/{session_id:id}/codes", query=ZoneQuery, response=list[JoinCode])
async def join_codes(ctx: Ctx, query: ZoneQuery) -> list[JoinCode]:
    """Join codes of the caller's own school's classes (teachers)."""
    service = ctx.services.live_sessions
    access, session = await _find(ctx)
    zone = await service.zone_of(ctx.user, query.tz)
    return [
        join_code_view(entry, session, zone, utcnow())
        for entry in await service.codes(access, session)
    ]


@router.post(
    "/live-sessions/{session_id:id}/codes/{class_id:id}/regenerate",
    query=ZoneQuery,
    response=JoinCode,
)
async def regenerate_code(ctx: Ctx, query: ZoneQuery) -> JoinCode:
    """Replace a class's join code; the old one stops working (its school's teachers)."""
    service = ctx.services.live_sessions
    access, session = await _find(ctx)
    entry = await service.regenerate(access, session, ctx.path_id("class_id"))
    return join_code_view(entry, session, await service.zone_of(ctx.user, query.tz), utcnow())


@router.post(
    "/live-sessions/{session_id:id}/join", body=JoinRequest, query=ZoneQuery, response=SessionView
)
async def join_session(ctx: Ctx, body: JoinRequest, query: ZoneQuery) -> SessionView:
    """Join a live session: pupils with their class's code, teachers without one."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.join(access, session, body.code)
    return await _view(ctx, session, query)


@router.post(
    "/live-sessions/{session_id:id}/pupils/{user_id:id}/admit",
    query=ZoneQuery,
    response=SessionView,
)
async def admit_pupil(ctx: Ctx, query: ZoneQuery) -> SessionView:
    """Let a pupil of your own class in without a code (the class's teachers)."""
    access, session = await _find(ctx)
    session = await ctx.services.live_sessions.admit(access, session, ctx.path_id("user_id"))
    return await _view(ctx, session, query)


@router.get("/live-sessions/{session_id:id}/roster", response=Roster)
async def roster(ctx: Ctx) -> Roster:
    """Who joined and who is online now, per school (teachers and participants)."""
    access, session = await _find(ctx)
    return await ctx.services.live_sessions.roster(access, session)


@router.get(
    "/live-sessions/{session_id:id}/attendance", query=ZoneQuery, response=SessionAttendance
)
async def attendance(ctx: Ctx, query: ZoneQuery) -> SessionAttendance:
    """Attendance per school (teachers); final once the session has ended."""
    service = ctx.services.live_sessions
    access, session = await _find(ctx)
    return await service.attendance(access, session, await service.zone_of(ctx.user, query.tz))


@router.get("/live-sessions/{session_id:id}/log", query=LogQuery, response=list[LogEntry])
async def session_log(ctx: Ctx, query: LogQuery) -> list[LogEntry]:
    """The session's timeline: joins, leaves and teacher actions (teachers)."""
    service = ctx.services.live_sessions
    access, session = await _find(ctx)
    zone = await service.zone_of(ctx.user, query.tz)
    return await service.log_entries(access, session, zone, query.after)
