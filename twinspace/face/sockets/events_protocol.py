"""The events socket's protocol as types: each server event's `data`, the frame envelope and
the client messages (docs/events-protocol.md). One place, read three ways: the JSON Schema
(`events_json_schema`, exported by scripts/export-events-schema.py) from which the web
client's event types are generated, the tests that check every frame a real server sends
(`check_frame`), and the reader of this file.

Events whose data is a view of the HTTP API (a message, a post, a live session) reuse that
view; the rest are described here. Keys a server event sends only sometimes are `NotRequired`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, with_config
from typing_extensions import TypedDict  # pydantic needs it on Python 3.11

from twinspace.boards.views import (
    BoardView,
    CommentView,
    MediaRef,
    PostView,
    SectionView,
)
from twinspace.chat.views import MessageView, ReadState
from twinspace.content.items import ReactionView
from twinspace.face.api import ResponseSchema
from twinspace.face.sockets.project_connection import ClientMessage
from twinspace.live_sessions.views import (
    CallEndpointView,
    CallRosterView,
    LogEntry,
    Roster,
    SessionView,
)
from twinspace.moderation.filters.findings import Category
from twinspace.moderation.model import ItemKind, ItemStatus, SpaceKind
from twinspace.notifications.views import NotificationView
from twinspace.realtime.project_events import PROTOCOL_VERSION
from twinspace.types import ChannelKind, ProjectState, Role

_CLOSED = ConfigDict(extra="forbid")
IsoTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]

# -- people and places -------------------------------------------------------------------


@with_config(_CLOSED)
class UserName(TypedDict):
    id: int
    display_name: str


@with_config(_CLOSED)
class MemberName(TypedDict):
    id: int
    display_name: str
    role: Role


@with_config(_CLOSED)
class Place(TypedDict):
    kind: Literal["channel", "board", "page"]
    id: int


@with_config(_CLOSED)
class Spaces(TypedDict):
    channels: list[int]
    boards: list[int]


# -- connection replies ------------------------------------------------------------------


@with_config(_CLOSED)
class Limits(TypedDict):
    max_message_bytes: int
    messages_per_second: float
    burst: int
    idle_timeout_seconds: float


@with_config(_CLOSED)
class PresenceEntry(TypedDict):
    """`presence.joined` / `presence.moved`, and each entry of `hello.presence`."""

    user: MemberName
    location: Place | None


@with_config(_CLOSED)
class Hello(TypedDict):
    protocol: Literal[1]
    project_id: int
    user: MemberName
    subscriptions: Spaces
    not_found: Spaces
    presence: list[PresenceEntry]
    resumed: bool
    replayed: int
    limits: Limits


@with_config(_CLOSED)
class Reload(TypedDict):
    reason: Literal["too-old", "restarted", "unknown-id"]


@with_config(_CLOSED)
class Subscribed(TypedDict):
    channels: list[int]
    boards: list[int]
    not_found: Spaces
    ref: str | None


@with_config(_CLOSED)
class Unsubscribed(TypedDict):
    channels: list[int]
    boards: list[int]
    ref: str | None


@with_config(_CLOSED)
class Pong(TypedDict):
    ref: str | None


@with_config(_CLOSED)
class Dropped(TypedDict):
    channels: list[int]


@with_config(_CLOSED)
class AccessChanged(TypedDict):
    role: Role
    project_state: ProjectState
    subscriptions: Spaces
    dropped: Dropped


@with_config(_CLOSED)
class FieldError(TypedDict):
    loc: list[str]
    msg: str


@with_config(_CLOSED)
class ErrorReply(TypedDict):
    code: Literal[
        "invalid",
        "unknown-type",
        "rate-limited",
        "not-found",
        "forbidden",
        "rule-violation",
        # calls (docs/events-protocol.md, "Calls")
        "session-not-live",
        "call-refused",
        "not-in-call",
        "media-not-allowed",
        "signal-too-large",
        "call-full",
        "unavailable",  # the cluster's Redis unreachable (docs/cluster.md)
    ]
    detail: str
    ref: str | None
    known: NotRequired[list[str]]  # unknown-type
    errors: NotRequired[list[FieldError]]  # invalid
    retry_after: NotRequired[float]  # rate-limited, unavailable
    # a precise code of docs/i18n.md ("too-many-subscriptions", "class-teachers-only"…) and
    # the values its message needs; `code` stays the class of the refusal
    problem: NotRequired[str]
    values: NotRequired[dict[str, Any]]


# -- chat and boards ---------------------------------------------------------------------


@with_config(_CLOSED)
class SomeoneTyping(TypedDict):
    channel_id: int
    user: UserName


@with_config(_CLOSED)
class MessageRemoved(TypedDict):
    id: int
    channel_id: int
    parent_id: int | None


@with_config(_CLOSED)
class MessageReactions(TypedDict):
    id: int
    channel_id: int
    reactions: list[ReactionView]


@with_config(_CLOSED)
class PostRemoved(TypedDict):
    id: int
    board_id: int


@with_config(_CLOSED)
class PostMoved(TypedDict):
    id: int
    board_id: int
    section_id: int | None
    position: float


@with_config(_CLOSED)
class PostReactions(TypedDict):
    id: int
    board_id: int
    reactions: list[ReactionView]


@with_config(_CLOSED)
class CommentRemoved(TypedDict):
    id: int
    post_id: int
    board_id: int


@with_config(_CLOSED)
class SectionRemoved(TypedDict):
    id: int
    board_id: int


@with_config(_CLOSED)
class ChannelUpdated(TypedDict):
    id: int
    project_id: int
    name: str
    kind: ChannelKind
    class_id: int | None
    archived: bool


# -- project-wide ------------------------------------------------------------------------


@with_config(_CLOSED)
class PageLock(TypedDict):
    page_id: int
    room: str
    locked: bool
    actor_id: int | None


@with_config(_CLOSED)
class PageDeleted(TypedDict):
    page_id: int
    room: str


@with_config(_CLOSED)
class ProjectStateChanged(TypedDict):
    state: ProjectState


@with_config(_CLOSED)
class LeftUser(TypedDict):
    id: int


@with_config(_CLOSED)
class PresenceLeft(TypedDict):
    user: LeftUser


# -- moderation (moderation.notice goes to teachers; `kind` says which) --------------------


@with_config(_CLOSED)
class HeldNotice(TypedDict):
    """A pupil's item was kept back (`held`) or refused (`blocked`)."""

    kind: Literal["held", "blocked"]
    queue_id: int | None
    item: ItemKind
    item_id: int
    status: ItemStatus
    reason: str | None
    reason_code: str | None
    space: SpaceKind
    space_id: int
    author: UserName
    excerpt: str
    flags: list[Category]
    channel_id: NotRequired[int]
    board_id: NotRequired[int]
    post_id: NotRequired[int]


@with_config(_CLOSED)
class UrgentNotice(TypedDict):
    """Self-harm: to the teachers of the pupil's own school only, at once (the item is held
    quietly; twinspace/moderation/care.py)."""

    kind: Literal["urgent"]
    urgent: Literal[True]
    category: Literal["self_harm"]
    queue_id: int | None
    item: ItemKind
    item_id: int
    space: SpaceKind
    space_id: int
    author: UserName
    excerpt: str
    advice: str


@with_config(_CLOSED)
class ReportNotice(TypedDict):
    kind: Literal["report"]
    queue_id: int
    item: ItemKind
    item_id: int
    reason: str
    reporter: UserName
    excerpt: str


@with_config(_CLOSED)
class FindingLocation(TypedDict):
    line: int
    column: int
    start: int
    end: int
    # set when the finding is outside the body text: "image title", "image source",
    # "link target" or "link title" (twinspace/moderation/page_scan.py)
    field: NotRequired[str]


@with_config(_CLOSED)
class PageFinding(TypedDict):
    category: Category
    reason: str
    start: int
    end: int
    excerpt: str
    location: FindingLocation


@with_config(_CLOSED)
class PageNotice(TypedDict):
    """New findings after a page's edits settled (`item_id` is the page id)."""

    kind: Literal["page"]
    queue_id: int
    item: Literal["page"]
    item_id: int
    page_title: str
    flags: list[PageFinding]


@with_config(_CLOSED)
class ResolvedNotice(TypedDict):
    """A teacher decided: on a queue entry (`queue_id`) or directly on an item."""

    kind: Literal["resolved"]
    resolution: str
    queue_id: NotRequired[int]
    item: NotRequired[ItemKind]
    item_id: NotRequired[int]


@with_config(_CLOSED)
class MutedNotice(TypedDict):
    kind: Literal["muted"]
    user_id: int
    until: IsoTime
    reason: str


@with_config(_CLOSED)
class UnmutedNotice(TypedDict):
    kind: Literal["unmuted"]
    user_id: int


ModerationNotice = Annotated[
    HeldNotice
    | UrgentNotice
    | ReportNotice
    | PageNotice
    | ResolvedNotice
    | MutedNotice
    | UnmutedNotice,
    Field(discriminator="kind"),
]


@with_config(_CLOSED)
class Muted(TypedDict):
    """`moderation.muted`, to the muted pupil only."""

    user_id: int
    until: IsoTime
    reason: str


@with_config(_CLOSED)
class Unmuted(TypedDict):
    user_id: int


# -- live sessions -----------------------------------------------------------------------


@with_config(_CLOSED)
class SessionReadOnly(TypedDict):
    session_id: int
    read_only: bool
    actor_id: int


class SessionLog(LogEntry):
    """`session.log`: a log entry of the session `session_id`."""

    model_config = _CLOSED
    session_id: int


# -- calls (class-to-class video) ---------------------------------------------------------


@with_config(_CLOSED)
class CallJoined(TypedDict):
    """The reply to `call.join`: this device's endpoint id and who is in the call."""

    session_id: int
    endpoint_id: str
    endpoints: list[CallEndpointView]
    pupils_may_publish: list[int]


@with_config(_CLOSED)
class CallLeft(TypedDict):
    session_id: int
    ref: str | None


@with_config(_CLOSED)
class SignalDescription(TypedDict):
    type: Literal["offer", "answer", "rollback"]
    sdp: str


@with_config(_CLOSED)
class SignalCandidate(TypedDict):
    candidate: str
    sdpMid: NotRequired[str]
    sdpMLineIndex: NotRequired[int]
    usernameFragment: NotRequired[str]


@with_config(_CLOSED)
class CallSignalled(TypedDict):
    """An offer/answer or ICE candidate from endpoint `from` (named by the server)."""

    session_id: int
    from_: Annotated[str, Field(alias="from")]
    description: NotRequired[SignalDescription]
    candidate: NotRequired[SignalCandidate]


@with_config(_CLOSED)
class CallCommand(TypedDict):
    """To one endpoint: a teacher of its class switched its microphone/camera off."""

    session_id: int
    endpoint_id: str
    audio: Literal[False] | None
    video: Literal[False] | None
    by: UserName


@with_config(_CLOSED)
class CallEnded(TypedDict):
    session_id: int


@with_config(_CLOSED)
class InvitedBy(TypedDict):
    id: int
    display_name: str


@with_config(_CLOSED)
class SessionInvited(TypedDict):
    """`session.invited`: classes the receiving teacher teaches were added to a session."""

    session: SessionView
    class_ids: list[int]
    by: InvitedBy | None


@with_config(_CLOSED)
class SessionStartingSoon(TypedDict):
    """`session.starting_soon`: to the session's teachers and its classes' pupils, once."""

    session_id: int
    title: str
    starts_at: IsoTime
    minutes: int


# -- the user channel (/ws/me) -------------------------------------------------------------


@with_config(_CLOSED)
class NotificationPushed(TypedDict):
    """`notification` (only on /ws/me): a new notification and the user's unread count."""

    notification: NotificationView
    unread: int


@with_config(_CLOSED)
class UnreadCount(TypedDict):
    """`notifications.unread` (only on /ws/me): the first frame, and whenever the count
    changes without a new notification (read here or on another device)."""

    unread: int


# -- the protocol ------------------------------------------------------------------------


class ServerEvents(BaseModel):
    """Every event type the server sends, with the type of its `data`."""

    model_config = ConfigDict(title="ServerEvents", populate_by_name=True)

    hello: Hello
    reload: Reload
    subscribed: Subscribed
    unsubscribed: Unsubscribed
    pong: Pong
    access_changed: AccessChanged = Field(alias="access.changed")
    error: ErrorReply
    message_created: MessageView = Field(alias="message.created")
    message_updated: MessageView = Field(alias="message.updated")
    message_removed: MessageRemoved = Field(alias="message.removed")
    message_reactions: MessageReactions = Field(alias="message.reactions")
    typing: SomeoneTyping
    post_created: PostView = Field(alias="post.created")
    post_updated: PostView = Field(alias="post.updated")
    post_removed: PostRemoved = Field(alias="post.removed")
    post_moved: PostMoved = Field(alias="post.moved")
    post_reactions: PostReactions = Field(alias="post.reactions")
    comment_created: CommentView = Field(alias="comment.created")
    comment_updated: CommentView = Field(alias="comment.updated")
    comment_removed: CommentRemoved = Field(alias="comment.removed")
    section_created: SectionView = Field(alias="section.created")
    section_updated: SectionView = Field(alias="section.updated")
    section_removed: SectionRemoved = Field(alias="section.removed")
    channel_updated: ChannelUpdated = Field(alias="channel.updated")
    channel_read: ReadState = Field(alias="channel.read")
    board_updated: BoardView = Field(alias="board.updated")
    media_updated: MediaRef = Field(alias="media.updated")
    page_lock: PageLock = Field(alias="page.lock")
    page_deleted: PageDeleted = Field(alias="page.deleted")
    project_state: ProjectStateChanged = Field(alias="project.state")
    presence_joined: PresenceEntry = Field(alias="presence.joined")
    presence_moved: PresenceEntry = Field(alias="presence.moved")
    presence_left: PresenceLeft = Field(alias="presence.left")
    moderation_notice: ModerationNotice = Field(alias="moderation.notice")
    moderation_muted: Muted = Field(alias="moderation.muted")
    moderation_unmuted: Unmuted = Field(alias="moderation.unmuted")
    session_updated: SessionView = Field(alias="session.updated")
    session_read_only: SessionReadOnly = Field(alias="session.read_only")
    session_roster: Roster = Field(alias="session.roster")
    session_log: SessionLog = Field(alias="session.log")
    notification: NotificationPushed
    notifications_unread: UnreadCount = Field(alias="notifications.unread")
    call_joined: CallJoined = Field(alias="call.joined")
    call_left: CallLeft = Field(alias="call.left")
    call_roster: CallRosterView = Field(alias="call.roster")
    call_signal: CallSignalled = Field(alias="call.signal")
    call_control: CallCommand = Field(alias="call.control")
    call_ended: CallEnded = Field(alias="call.ended")
    session_invited: SessionInvited = Field(alias="session.invited")
    session_starting_soon: SessionStartingSoon = Field(alias="session.starting_soon")


class Envelope(BaseModel):
    """Every server frame: `data` has the type `ServerEvents[type]`."""

    model_config = _CLOSED

    v: Literal[1]
    id: str = Field(description="resume cursor `<epoch>-<seq>`, a valid `since`")
    type: str
    ts: IsoTime
    data: dict[str, Any]


assert PROTOCOL_VERSION == 1, "a new protocol version needs its own schema"

EVENT_DATA: dict[str, TypeAdapter[Any]] = {
    field.alias or name: TypeAdapter(field.rebuild_annotation())
    for name, field in ServerEvents.model_fields.items()
}
_ENVELOPE: TypeAdapter[Envelope] = TypeAdapter(Envelope)


class _EventsSchema(ResponseSchema):
    """Types carry titles, properties do not (generated TypeScript names types, not keys)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def events_json_schema() -> dict[str, Any]:
    """The protocol as JSON Schema (draft 2020-12): the envelope and the server's events as
    the server sends them, the client's messages as the server accepts them."""
    keyed, definitions = TypeAdapter.json_schemas(
        [
            ("envelope", "serialization", TypeAdapter(Envelope)),
            ("server", "serialization", TypeAdapter(ServerEvents)),
            ("client", "validation", TypeAdapter(ClientMessage)),
        ],
        ref_template="#/$defs/{model}",
        schema_generator=_EventsSchema,
    )
    defs = definitions["$defs"]
    defs["ClientMessage"] = {"title": "ClientMessage", **keyed[("client", "validation")]}
    notice = defs["ServerEvents"]["properties"]["moderation.notice"]
    defs["ModerationNotice"] = {"title": "ModerationNotice", **notice}
    defs["ServerEvents"]["properties"]["moderation.notice"] = {"$ref": "#/$defs/ModerationNotice"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "events-protocol-v1.json",
        "title": "EventsProtocol",
        "description": (
            "/ws/projects/{id} and the user channel /ws/me, protocol v1 (docs/events-protocol.md)"
        ),
        "type": "object",
        "properties": {
            "envelope": keyed[("envelope", "serialization")],
            "server": keyed[("server", "serialization")],
            "client": {"$ref": "#/$defs/ClientMessage"},
        },
        "required": ["envelope", "server", "client"],
        "$defs": defs,
    }


class FrameMismatch(ValueError):
    """A frame that the protocol does not describe."""


def check_frame(frame: object) -> None:
    """Raise FrameMismatch unless `frame` (a decoded server frame) is exactly as described:
    a known type, and data that validates and has no key the schema does not name."""
    envelope = _ENVELOPE.validate_python(frame)
    adapter = EVENT_DATA.get(envelope.type)
    if adapter is None:
        raise FrameMismatch(f"event type {envelope.type!r} is not in the protocol")
    data = adapter.validate_python(envelope.data)
    again = adapter.dump_python(data, mode="json", by_alias=True, exclude_unset=True)
    if again != envelope.data:
        raise FrameMismatch(
            f"{envelope.type}: data differs from its schema: sent {envelope.data!r}, "
            f"described {again!r}"
        )
