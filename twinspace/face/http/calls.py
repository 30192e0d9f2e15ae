"""Class-to-class video over HTTP: the ICE servers (with a short-lived TURN credential) and who
is in a live session's call. Signalling itself goes over the events socket
(docs/events-protocol.md, "Calls")."""

from __future__ import annotations

from twinspace.face.api import ApiRouter, Ctx
from twinspace.live_sessions.views import CallRosterView, IceConfigView

router = ApiRouter("calls")


@router.get("/live-sessions/{session_id:id}/call/ice", response=IceConfigView)
async def ice_servers(ctx: Ctx) -> IceConfigView:
    """ICE servers for the session's call, with TURN credentials valid for a short while
    (participants of a live session only; `Cache-Control: no-store`)."""
    session_id = ctx.path_id("session_id")
    access, _ = await ctx.services.live_sessions.find(ctx.user, session_id)
    return IceConfigView.of(await ctx.services.calls.ice(access, session_id))


@router.get("/live-sessions/{session_id:id}/call", response=CallRosterView)
async def call_roster(ctx: Ctx) -> CallRosterView:
    """Who is live in the session's call: each device, its class and its media."""
    session_id = ctx.path_id("session_id")
    access, _ = await ctx.services.live_sessions.find(ctx.user, session_id)
    return await ctx.services.calls.roster(access, session_id)
