"""The events socket's call messages (docs/events-protocol.md, "Calls"): WebRTC signalling and
the call's controls, as the server accepts them. Who may do what is decided by
`live_sessions/calls.py` from the connection's own access; nothing here trusts an id the client
chose beyond naming the session, the class it stands for and the endpoint it addresses.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from twinspace.live_sessions.calls import CallService, Peer
from twinspace.workspace.access import Access

Ref = Annotated[str | None, Field(None, max_length=64)]
EndpointId = Annotated[str, Field(min_length=1, max_length=64)]
SessionId = Annotated[int, Field(ge=1)]


class _CallMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: Ref = None
    session_id: SessionId


class CallJoin(_CallMessage):
    type: Literal["call.join"]
    class_id: int | None = Field(None, ge=1, description="the class this device stands for")
    kind: Literal["teacher", "classroom"] | None = Field(
        None, description="teachers only: their own device, or the classroom's"
    )


class CallLeave(_CallMessage):
    type: Literal["call.leave"]


class SessionDescription(BaseModel):
    """RTCSessionDescriptionInit; the size cap is checked by the call (error `signal-too-large`)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["offer", "answer", "rollback"]
    sdp: str = ""


class IceCandidate(BaseModel):
    """RTCIceCandidateInit."""

    model_config = ConfigDict(extra="forbid")
    candidate: str
    sdpMid: str | None = Field(None, max_length=64)
    sdpMLineIndex: int | None = Field(None, ge=0, le=255)
    usernameFragment: str | None = Field(None, max_length=256)


class CallSignal(_CallMessage):
    type: Literal["call.signal"]
    to: EndpointId
    description: SessionDescription | None = None
    candidate: IceCandidate | None = None


class CallMedia(_CallMessage):
    """What this device sends now."""

    type: Literal["call.media"]
    audio: bool
    video: bool
    screen: bool = False


class CallControl(_CallMessage):
    """A teacher of the endpoint's class switches its microphone and/or camera off."""

    type: Literal["call.control"]
    endpoint_id: EndpointId
    audio: Literal[False] | None = None
    video: Literal[False] | None = None


class CallPermit(_CallMessage):
    """A teacher of the class lets its pupils' devices send camera/microphone, or stops it."""

    type: Literal["call.permit"]
    class_id: int = Field(ge=1)
    pupils_may_publish: bool


CallMessage = CallJoin | CallLeave | CallSignal | CallMedia | CallControl | CallPermit
CALL_TYPES = ("call.join", "call.leave", "call.signal", "call.media", "call.control", "call.permit")


def _dumped(model: BaseModel | None) -> dict[str, Any] | None:
    return None if model is None else model.model_dump(exclude_none=True)


async def handle_call(calls: CallService, access: Access, peer: Peer, message: CallMessage) -> None:
    """Run one call message; refusals are DomainErrors (sent back as `error` frames)."""
    match message:
        case CallJoin(session_id=session_id, class_id=class_id, kind=kind):
            await calls.join(access, peer, session_id, class_id, kind)
        case CallLeave(session_id=session_id, ref=ref):
            await calls.leave(peer, session_id)
            peer.local("call.left", {"session_id": session_id, "ref": ref})
        case CallSignal(session_id=session_id, to=to, description=description, candidate=cand):
            await calls.signal(
                peer,
                session_id,
                to,
                _dumped(description),
                _dumped(cand),
            )
        case CallMedia(session_id=session_id, audio=audio, video=video, screen=screen):
            await calls.report_media(peer, session_id, audio=audio, video=video, screen=screen)
        case CallControl(session_id=session_id, endpoint_id=endpoint_id, audio=a, video=v):
            await calls.control(
                access, peer, session_id, endpoint_id, audio_off=a is False, video_off=v is False
            )
        case CallPermit(session_id=session_id, class_id=class_id, pupils_may_publish=allowed):
            await calls.permit(access, session_id, class_id, allowed)
