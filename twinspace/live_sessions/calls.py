"""Class-to-class video: who is in a live session's call, and the signalling between them.

The server only relays WebRTC signalling (offers, answers, ICE candidates) over the events
socket; media flows between the browsers (a mesh of 2 to 6 classroom endpoints), through TURN when
needed (live_sessions/ice.py). Every decision is taken here, from the connection's own access,
never from an id the client sent (docs/events-protocol.md, "Calls"):

- a call exists only while its session is live, and only inside the session's project;
- teachers of a participating class join for that class (as `teacher`, or as a `classroom`
  device signed in with their account) and may publish camera, microphone and screen;
- pupils of a participating class who joined the session may join to watch; their devices
  publish nothing unless a teacher of their class allows it for this session (`permit`):
  offers or answers that would send audio or video are refused, media reports too;
- signals go from one endpoint of a call to another endpoint of the same call, with the
  sender named by the server; sizes and rates are capped;
- teachers of a class may switch its endpoints' microphone or camera off (never on).

Calls live in memory, like presence: a server restart ends them and clients join again. Where
the roster, the publish permits and the cap live is the `CallShare` seam: `LocalCallShare` (this
process's memory, the embedded mode) or `twinspace/cluster/calls.py` (Redis, every process of a
cluster; docs/cluster.md, "Calls across processes").
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pydantic import SecretStr

from twinspace.clock import utcnow
from twinspace.domain_events import DomainEvent, LiveSessionChanged
from twinspace.errors import Conflict, DomainError, Forbidden, NotFound, PayloadTooLarge, Problem
from twinspace.live_sessions.ice import IceConfig, ice_config
from twinspace.live_sessions.rules import SessionNotLive, SessionState
from twinspace.live_sessions.sdp import sends_media
from twinspace.live_sessions.service import LiveSessionService
from twinspace.live_sessions.views import (
    CallEndpointView,
    CallRosterView,
    EndpointKind,
    RosterUser,
)
from twinspace.realtime.limits import KeyedBuckets
from twinspace.realtime.project_events import Audience, ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.live_sessions import LiveSessionRecord, SessionClassRecord
from twinspace.types import Role
from twinspace.workspace.access import Access, AccessRules

log = logging.getLogger("twinspace.live_sessions.calls")

MAX_ENDPOINTS = 8  # a mesh: every endpoint sends to every other one
MAX_SDP_CHARS = 32 * 1024
MAX_CANDIDATE_CHARS = 1024
SIGNALS_PER_SECOND = 20.0
SIGNAL_BURST = 120  # a call's start: an offer, an answer and a few dozen candidates per peer


class CallRefused(Forbidden):
    """Not a participant of this session's call (or not for that class)."""

    code = "call-refused"


class NotInCall(Forbidden):
    """The sender, or the endpoint it addresses, is not in the call."""

    code = "not-in-call"


class MediaNotAllowed(Forbidden):
    """A pupil's device tried to send camera or microphone without its teacher's leave."""

    code = "media-not-allowed"


class SignalTooLarge(PayloadTooLarge):
    code = "signal-too-large"


class SignalThrottled(DomainError):
    """Too many signals: the message is dropped (`retry_after` seconds, in the error frame)."""

    status, code, title = 429, "rate-limited", "Too many signals"


class CallFull(Conflict):
    code = "call-full"


class Peer(Protocol):
    """The socket an endpoint speaks through (face/sockets/project_connection.py)."""

    def local(self, event_type: str, data: dict[str, Any]) -> None: ...


@dataclass(slots=True)
class Endpoint:
    id: str
    peer: Peer
    user_id: int
    display_name: str
    role: Role
    kind: EndpointKind
    entry: SessionClassRecord
    audio: bool = False
    video: bool = False
    screen: bool = False

    def view(self, may_publish: bool) -> CallEndpointView:
        return CallEndpointView(
            endpoint_id=self.id,
            user=RosterUser(id=self.user_id, display_name=self.display_name, role=self.role),
            kind=self.kind,
            class_id=self.entry.class_id,
            class_name=self.entry.class_name,
            school_name=self.entry.school_name,
            may_publish=may_publish,
            audio=self.audio,
            video=self.video,
            screen=self.screen,
        )


@dataclass(slots=True)
class Call:
    session_id: int
    project_id: int
    ends_at: datetime
    pupils: frozenset[int]  # pupils of the participating classes: they see the roster
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    pupils_may_publish: set[int] = field(default_factory=set)

    def may_publish(self, endpoint: Endpoint) -> bool:
        return endpoint.kind != "pupil" or endpoint.entry.class_id in self.pupils_may_publish

    def of_peer(self, peer: Peer) -> Endpoint | None:
        return next((e for e in self.endpoints.values() if e.peer is peer), None)


@dataclass(frozen=True, slots=True)
class SharedEndpoint:
    """An endpoint as the call's roster holds it; `origin`: the process it is connected to."""

    view: CallEndpointView
    origin: str


# a message for the process an endpoint is connected to:
# {"session_id", "endpoint_id", "event": ..., "data": ...} or {..., "control": {...}}
Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class CallShare(Protocol):
    """Where a call's roster, permits and cap live, and how a remote endpoint is reached."""

    origin: str

    def bind(self, deliver: Deliver, dropped: Callable[[Call], Awaitable[None]]) -> None: ...

    async def admit(self, call: Call, endpoint: Endpoint) -> None:
        """Add the endpoint, or CallFull when the call holds MAX_ENDPOINTS."""

    async def put(self, call: Call, endpoint: Endpoint) -> None: ...

    async def withdraw(self, call: Call, endpoint_id: str) -> None: ...

    async def endpoints(self, call: Call) -> list[SharedEndpoint]: ...

    async def permits(self, call: Call) -> set[int]: ...

    async def permit(self, call: Call, class_id: int, allowed: bool) -> None: ...

    def send(self, origin: str, message: dict[str, Any]) -> None: ...


class LocalCallShare:
    """The embedded mode: the call as this process holds it in memory."""

    origin = "local"

    def bind(self, deliver: Deliver, dropped: Callable[[Call], Awaitable[None]]) -> None:
        pass

    async def admit(self, call: Call, endpoint: Endpoint) -> None:
        if len(call.endpoints) >= MAX_ENDPOINTS:
            raise CallFull(f"a call holds at most {MAX_ENDPOINTS} devices")
        call.endpoints[endpoint.id] = endpoint

    async def put(self, call: Call, endpoint: Endpoint) -> None:
        pass

    async def withdraw(self, call: Call, endpoint_id: str) -> None:
        pass

    async def endpoints(self, call: Call) -> list[SharedEndpoint]:
        return [
            SharedEndpoint(e.view(call.may_publish(e)), self.origin)
            for e in call.endpoints.values()
        ]

    async def permits(self, call: Call) -> set[int]:
        return set(call.pupils_may_publish)

    async def permit(self, call: Call, class_id: int, allowed: bool) -> None:
        if allowed:
            call.pupils_may_publish.add(class_id)
        else:
            call.pupils_may_publish.discard(class_id)

    def send(self, origin: str, message: dict[str, Any]) -> None:
        raise RuntimeError("an embedded call has no other process")


class CallService:
    def __init__(
        self,
        storage: Storage,
        access: AccessRules,
        hub: ProjectEventHub,
        sessions: LiveSessionService,
        *,
        ice_servers: tuple[str, ...] = (),
        turn_secret: SecretStr | None = None,
        turn_ttl_seconds: int = 3600,
        ice_transport_policy: str = "all",
        share: CallShare | None = None,
    ) -> None:
        self._storage = storage
        self._access = access
        self._hub = hub
        self._sessions = sessions
        self._ice = (ice_servers, turn_secret, turn_ttl_seconds, ice_transport_policy)
        self._calls: dict[int, Call] = {}
        self._signals = KeyedBuckets(SIGNALS_PER_SECOND, SIGNAL_BURST)
        self._lock = asyncio.Lock()
        self._share: CallShare = share or LocalCallShare()
        self._share.bind(self._delivered, self._push)
        self._closing: set[asyncio.Task[None]] = set()

    # -- who may take part ----------------------------------------------------------------

    async def _live_session(self, access: Access, session_id: int) -> LiveSessionRecord:
        """The session when it is live and in `access`'s project; NotFound for non-members."""
        _, session = await self._sessions.find(access.user, session_id)
        if session.project_id != access.project.id:
            raise NotFound("no such live session")
        if session.state != SessionState.LIVE:
            raise SessionNotLive("the call is open while the session is live", state=session.state)
        return session

    async def _participation(
        self,
        access: Access,
        session: LiveSessionRecord,
        class_id: int | None,
        kind: EndpointKind | None,
    ) -> tuple[SessionClassRecord, EndpointKind]:
        classes = {
            c.class_id: c for c in await self._storage.live_sessions.classes.of_session(session.id)
        }
        if access.is_teacher:
            taught = await self._storage.classes.taught_by(access.user.id)
            mine = [c for c in classes.values() if c.class_id in taught]
            if class_id is not None:
                mine = [c for c in mine if c.class_id == class_id]
            if not mine:
                raise CallRefused("only teachers of a class taking part join the call for it")
            return mine[0], kind if kind in ("teacher", "classroom") else "teacher"
        if access.role is Role.PUPIL:
            own = await self._access.pupil_class(access)
            entry = classes.get(own) if own is not None else None
            if entry is None or (class_id is not None and class_id != own):
                raise CallRefused("your class does not take part in this session")
            if not await self._storage.live_sessions.attendance.has_joined(
                [session.id], access.user.id
            ):
                raise CallRefused("join the session with your class code first")
            return entry, "pupil"
        raise CallRefused("guests follow a session without joining its call")

    async def _call(self, session: LiveSessionRecord, *, keep: bool = True) -> Call:
        call = self._calls.get(session.id)
        if call is None:
            expected = await self._storage.live_sessions.classes.expected_pupils(
                session.id, session.project_id
            )
            call = Call(
                session.id,
                session.project_id,
                session.ends_at,
                frozenset(p.user_id for p in expected),
            )
            if keep:
                self._calls[session.id] = call
        return call

    # -- joining and leaving --------------------------------------------------------------

    async def join(
        self,
        access: Access,
        peer: Peer,
        session_id: int,
        class_id: int | None,
        kind: EndpointKind | None,
    ) -> CallRosterView:
        session = await self._live_session(access, session_id)
        entry, endpoint_kind = await self._participation(access, session, class_id, kind)
        async with self._lock:
            call = await self._call(session)
            old = call.of_peer(peer)
            if old is not None:
                del call.endpoints[old.id]
                await self._share.withdraw(call, old.id)
            endpoint = Endpoint(
                secrets.token_urlsafe(9),
                peer,
                access.user.id,
                access.user.display_name,
                access.role,
                endpoint_kind,
                entry,
            )
            await self._share.admit(call, endpoint)
            call.endpoints[endpoint.id] = endpoint
        roster = await self._roster(call)
        peer.local(
            "call.joined",
            {"session_id": session.id, "endpoint_id": endpoint.id, **_roster_data(roster)},
        )
        self._publish(call, roster)
        return roster

    async def leave(self, peer: Peer, session_id: int) -> None:
        call = self._calls.get(session_id)
        endpoint = call.of_peer(peer) if call else None
        if call is None or endpoint is None:
            raise NotInCall("you are not in this call")
        await self._remove(call, endpoint)

    def leave_all(self, peer: Peer) -> None:
        """The socket closed: its endpoints leave every call."""
        for call in list(self._calls.values()):
            endpoint = call.of_peer(peer)
            if endpoint is not None:
                call.endpoints.pop(endpoint.id, None)
                task = asyncio.get_running_loop().create_task(self._remove(call, endpoint))
                self._closing.add(task)
                task.add_done_callback(self._left)

    def _left(self, task: asyncio.Task[None]) -> None:
        self._closing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a closed socket's call endpoint was not withdrawn: %s", task.exception())

    async def _remove(self, call: Call, endpoint: Endpoint) -> None:
        call.endpoints.pop(endpoint.id, None)
        if not call.endpoints and self._calls.get(call.session_id) is call:
            del self._calls[call.session_id]
        await self._share.withdraw(call, endpoint.id)
        await self._push(call)

    # -- signalling -----------------------------------------------------------------------

    async def _sender(self, peer: Peer, session_id: int) -> tuple[Call, Endpoint]:
        call = self._calls.get(session_id)
        endpoint = call.of_peer(peer) if call else None
        if call is None or endpoint is None:
            raise NotInCall("join the call before signalling")
        if utcnow() >= call.ends_at:
            await self._end(call)
            raise SessionNotLive("the session has ended", state=SessionState.ENDED.value)
        return call, endpoint

    async def _find(self, call: Call, endpoint_id: str) -> SharedEndpoint | None:
        """An endpoint of the call on any process (this one's first)."""
        local = call.endpoints.get(endpoint_id)
        if local is not None:
            return SharedEndpoint(local.view(True), self._share.origin)
        found = [e for e in await self._share.endpoints(call) if e.view.endpoint_id == endpoint_id]
        return found[0] if found else None

    async def _may_publish(self, call: Call, endpoint: Endpoint) -> bool:
        return endpoint.kind != "pupil" or endpoint.entry.class_id in await self._share.permits(
            call
        )

    async def signal(
        self,
        peer: Peer,
        session_id: int,
        to: str,
        description: dict[str, str] | None,
        candidate: dict[str, Any] | None,
    ) -> None:
        """Relay an offer/answer or an ICE candidate to one endpoint of the same call."""
        call, sender = await self._sender(peer, session_id)
        # per account, so leaving and joining again does not refill the bucket
        if not self._signals.take(sender.user_id):
            raise SignalThrottled(
                "too many signals: slow down",
                retry_after=round(self._signals.retry_after(sender.user_id), 3),
            )
        target = await self._find(call, to) if to != sender.id else None
        if target is None:
            raise NotInCall("that endpoint is not in this call")
        if description is not None:
            sdp = description.get("sdp", "")
            if len(sdp) > MAX_SDP_CHARS:
                raise SignalTooLarge(
                    f"a session description has at most {MAX_SDP_CHARS} characters"
                )
            if sends_media(sdp) and not await self._may_publish(call, sender):
                raise MediaNotAllowed(
                    "your teacher has not allowed this device to send camera or microphone"
                )
        if candidate is not None and len(str(candidate.get("candidate", ""))) > MAX_CANDIDATE_CHARS:
            raise SignalTooLarge(f"an ICE candidate has at most {MAX_CANDIDATE_CHARS} characters")
        data: dict[str, Any] = {"session_id": session_id, "from": sender.id}
        if description is not None:
            data["description"] = description
        if candidate is not None:
            data["candidate"] = candidate
        await self._tell(call, target, {"event": "call.signal", "data": data})

    async def report_media(
        self, peer: Peer, session_id: int, *, audio: bool, video: bool, screen: bool
    ) -> None:
        """An endpoint says what it sends now; everyone sees it in the roster."""
        call, endpoint = await self._sender(peer, session_id)
        if (audio or video or screen) and not await self._may_publish(call, endpoint):
            raise MediaNotAllowed(
                "your teacher has not allowed this device to send camera or microphone"
            )
        endpoint.audio, endpoint.video, endpoint.screen = audio, video, screen
        await self._share.put(call, endpoint)
        await self._push(call)

    # -- teachers' controls ---------------------------------------------------------------

    async def control(
        self,
        access: Access,
        peer: Peer,
        session_id: int,
        endpoint_id: str,
        *,
        audio_off: bool,
        video_off: bool,
    ) -> None:
        """A teacher of the endpoint's class switches its microphone and/or camera off."""
        call, _ = await self._sender(peer, session_id)
        target = await self._find(call, endpoint_id)
        if target is None:
            raise NotInCall("that endpoint is not in this call")
        await self._require_class_teacher(access, target.view.class_id)
        await self._tell(call, target, {"control": _command(access, audio_off, video_off)})

    async def permit(
        self, access: Access, session_id: int, class_id: int, allowed: bool
    ) -> CallRosterView:
        """A teacher of the class lets its pupils' devices publish in this session, or not."""
        session = await self._live_session(access, session_id)
        classes = await self._storage.live_sessions.classes.of_session(session.id)
        if class_id not in {c.class_id for c in classes}:
            raise NotFound("no such class in this session")
        await self._require_class_teacher(access, class_id)
        async with self._lock:
            call = await self._call(session)
        await self._share.permit(call, class_id, allowed)
        if not allowed:
            for shared in await self._share.endpoints(call):
                if shared.view.kind == "pupil" and shared.view.class_id == class_id:
                    await self._tell(call, shared, {"control": _command(access, True, True)})
        roster = await self._roster(call)
        self._publish(call, roster)
        if not call.endpoints and isinstance(self._share, LocalCallShare):
            # a permission set before anyone joined is kept with the (empty) call
            self._calls.setdefault(call.session_id, call)
        elif not call.endpoints:
            self._calls.pop(call.session_id, None)  # the permission lives in the shared store
        return roster

    async def _require_class_teacher(self, access: Access, class_id: int) -> None:
        if not access.is_teacher or not await self._storage.classes.is_teacher(
            class_id, access.user.id
        ):
            raise Forbidden(
                "only the class's own teachers control its devices",
                problem=Problem.CLASS_TEACHERS_ONLY,
            )

    # -- reaching an endpoint, here or on another process ---------------------------------

    async def _tell(self, call: Call, target: SharedEndpoint, message: dict[str, Any]) -> None:
        message = {"session_id": call.session_id, "endpoint_id": target.view.endpoint_id, **message}
        if target.origin == self._share.origin:
            await self._delivered(message)
        else:
            self._share.send(target.origin, message)

    async def _delivered(self, message: dict[str, Any]) -> None:
        """A signal or a teacher's command for an endpoint connected to this process."""
        call = self._calls.get(int(message["session_id"]))
        endpoint = call.endpoints.get(str(message["endpoint_id"])) if call else None
        if call is None or endpoint is None:
            return  # it left meanwhile
        if "event" in message:
            endpoint.peer.local(str(message["event"]), message["data"])
            return
        command = message["control"]
        if command["audio"] is False:
            endpoint.audio = False
        if command["video"] is False:
            endpoint.video = endpoint.screen = False
        endpoint.peer.local(
            "call.control",
            {"session_id": call.session_id, "endpoint_id": endpoint.id, **command},
        )
        await self._share.put(call, endpoint)
        await self._push(call)

    # -- the roster -----------------------------------------------------------------------

    async def roster(self, access: Access, session_id: int) -> CallRosterView:
        """For teachers and the pupils of the participating classes; empty without a call."""
        _, session = await self._sessions.find(access.user, session_id)
        if not access.is_teacher:
            own = await self._access.pupil_class(access)
            classes = await self._storage.live_sessions.classes.of_session(session.id)
            if own is None or own not in {c.class_id for c in classes}:
                raise Forbidden(
                    "the call is for the session's participants",
                    problem=Problem.SESSION_PARTICIPANTS_ONLY,
                )
        call = self._calls.get(session.id)
        if call is None:
            if isinstance(self._share, LocalCallShare):
                return CallRosterView(session_id=session.id, endpoints=[], pupils_may_publish=[])
            call = await self._call(session, keep=False)
        return await self._roster(call)

    async def _roster(self, call: Call) -> CallRosterView:
        permits = await self._share.permits(call)
        views = []
        for shared in await self._share.endpoints(call):
            view = shared.view.model_copy()
            view.may_publish = view.kind != "pupil" or view.class_id in permits
            views.append(view)
        return CallRosterView(
            session_id=call.session_id, endpoints=views, pupils_may_publish=sorted(permits)
        )

    async def _push(self, call: Call) -> None:
        self._publish(call, await self._roster(call))

    def _publish(self, call: Call, roster: CallRosterView) -> None:
        data = roster.model_dump(mode="json")
        self._hub.publish(
            call.project_id, "call.roster", data, audience=Audience.teachers(), durable=False
        )
        pupils = call.pupils | {e.user.id for e in roster.endpoints if e.kind == "pupil"}
        if pupils:
            self._hub.publish(
                call.project_id, "call.roster", data, audience=Audience.only(pupils), durable=False
            )

    # -- the session's clock --------------------------------------------------------------

    async def on_event(self, event: DomainEvent) -> None:
        """A session was extended or ended: follow its end time; end its call when over."""
        if not isinstance(event, LiveSessionChanged) or event.session_id not in self._calls:
            return
        session = await self._storage.live_sessions.get(event.session_id)
        call = self._calls.get(event.session_id)
        if call is None:
            return
        if session is None or session.state == SessionState.ENDED:
            await self._end(call)
        else:
            call.ends_at = session.ends_at

    async def _end(self, call: Call) -> None:
        ended = list(call.endpoints.values())
        for endpoint in ended:
            endpoint.peer.local("call.ended", {"session_id": call.session_id})
        call.endpoints.clear()
        self._calls.pop(call.session_id, None)
        for endpoint in ended:
            await self._share.withdraw(call, endpoint.id)
        await self._push(call)

    # -- ICE servers ----------------------------------------------------------------------

    async def ice(self, access: Access, session_id: int) -> IceConfig:
        """ICE servers with a fresh TURN credential, for those who may join the call."""
        session = await self._live_session(access, session_id)
        await self._participation(access, session, None, None)
        urls, secret, ttl, policy = self._ice
        return ice_config(
            urls,
            secret,
            access.user.id,
            now=utcnow(),
            ttl_seconds=ttl,
            transport_policy=policy,
        )


def _roster_data(roster: CallRosterView) -> dict[str, Any]:
    data = roster.model_dump(mode="json")
    return {"endpoints": data["endpoints"], "pupils_may_publish": data["pupils_may_publish"]}


def _command(access: Access, audio_off: bool, video_off: bool) -> dict[str, Any]:
    return {
        "audio": False if audio_off else None,
        "video": False if video_off else None,
        "by": {"id": access.user.id, "display_name": access.user.display_name},
    }
