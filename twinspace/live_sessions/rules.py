"""The rules of live sessions that need no storage: states and their transitions, the live
window, join codes, time zones, request forms, and who may write in a session's spaces."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from twinspace.errors import Conflict, Forbidden
from twinspace.storage.live_sessions import LiveSessionRecord
from twinspace.workspace.access import WriteBlock

# Unambiguous when read aloud or typed by a young pupil: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_SESSION_HOURS = 12
MAX_EXTEND_MINUTES = 240
# "Starting soon": the clock tells the teachers and pupils involved this long before the
# start (a domain event for notifications), and calendar feeds carry an alarm this early.
REMINDER_MINUTES = 15
MAX_SESSION_CLASSES = 50
SPACES = ("page", "channel", "board")


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"  # called off before it started (stored as ended + cancelled_at)

    def require(self, target: SessionState) -> None:
        """Raise unless the session may move from this state to `target`."""
        if target not in TRANSITIONS[self]:
            raise SessionStateConflict(
                f"a {self.value} session cannot become {target.value}", state=self.value
            )


TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    SessionState.SCHEDULED: frozenset({SessionState.LIVE, SessionState.CANCELLED}),
    SessionState.LIVE: frozenset({SessionState.ENDED}),
    SessionState.ENDED: frozenset(),
    SessionState.CANCELLED: frozenset(),
}


class SessionStateConflict(Conflict):
    code = "session-state"


class SessionNotLive(Forbidden):
    code = "session-not-live"


class InvalidJoinCode(Forbidden):
    code = "invalid-code"


class WrongClass(Forbidden):
    code = "wrong-class"


def state_at(session: LiveSessionRecord, now: datetime) -> SessionState:
    """The state the clock and the teachers' actions put the session in at `now`."""
    if session.cancelled_at is not None:
        return SessionState.CANCELLED
    if session.ended_at is not None or now >= session.ends_at:
        return SessionState.ENDED
    if session.opened_at is not None or now >= session.starts_at:
        return SessionState.LIVE
    return SessionState.SCHEDULED


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a pupil typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_zone(value: str | None) -> str | None:
    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
    return value


def made_for_session(session: LiveSessionRecord, space: str) -> bool:
    made = {
        "page": session.page_created,
        "channel": session.channel_created,
        "board": session.board_created,
    }
    return made.get(space, False)


def pupil_block(
    sessions: Iterable[LiveSessionRecord], joined: set[int], space: str, now: datetime
) -> WriteBlock | None:
    """Why a pupil may not write in a space the `sessions` use (None: they may).

    Live: only pupils who joined, and not while the teacher holds "eyes on me". Before the
    window and after the end: read-only if the space was made for the session (a chosen
    existing space is only restricted while the session is live)."""
    live, upcoming, ended_own = [], [], []
    for session in sessions:
        state = state_at(session, now)
        if state is SessionState.LIVE:
            live.append(session)
        elif not made_for_session(session, space):
            continue  # a chosen existing space is only restricted while the session is live
        elif state is SessionState.SCHEDULED:
            upcoming.append(session)
        else:
            ended_own.append(session)
    if live:
        mine = [s for s in live if s.id in joined]
        if not mine:
            return WriteBlock(
                "session-not-joined",
                f"join the live session “{live[0].title}” with your class code to write here",
            )
        if all(s.read_only for s in mine):
            return WriteBlock(
                "session-read-only",
                "eyes on your teacher: writing is paused in the live session for a moment",
            )
        return None
    if upcoming:
        first = min(upcoming, key=lambda s: s.starts_at)
        return WriteBlock(
            "session-not-live",
            f"this opens when the live session “{first.title}"
            f"” starts ({first.starts_at:%Y-%m-%d %H:%M} UTC)",
        )
    if ended_own:
        return WriteBlock(
            "session-not-live",
            f"the live session “{ended_own[0].title}” has ended: this is now read-only",
        )
    return None


# -- request forms ---------------------------------------------------------------------------

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class AgendaItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    minutes: int | None = Field(None, ge=1, le=600)


def _check_window(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            raise ValueError("ends_at must be after starts_at")
        if ends_at - starts_at > timedelta(hours=MAX_SESSION_HOURS):
            raise ValueError(f"a session lasts at most {MAX_SESSION_HOURS} hours")


class NewLiveSession(BaseModel):
    """Times must carry their offset or zone (naive times are refused)."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    class_ids: list[Annotated[int, Field(ge=1)]] = Field(
        min_length=1, max_length=MAX_SESSION_CLASSES
    )
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=50)
    page_id: int | None = Field(None, ge=1)
    channel_id: int | None = Field(None, ge=1)
    board_id: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _window(self) -> NewLiveSession:
        _check_window(self.starts_at, self.ends_at)
        return self


class LiveSessionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    agenda: list[AgendaItem] | None = Field(None, max_length=50)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _window(self) -> LiveSessionUpdate:
        _check_window(self.starts_at, self.ends_at)
        return self


class SessionClasses(BaseModel):
    """Classes to add to a session: the caller's own, or (organiser, founders) invitations to
    partner schools' classes of the TwinSpace."""

    model_config = ConfigDict(extra="forbid")

    class_ids: list[Annotated[int, Field(ge=1)]] = Field(
        min_length=1, max_length=MAX_SESSION_CLASSES
    )


class Extension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(ge=1, le=MAX_EXTEND_MINUTES)


class JoinRequest(BaseModel):
    """Pupils send their class's code; teachers join without one."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, max_length=32)


class ZoneQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tz: str | None = Field(None, max_length=64, description="show times in this IANA zone")

    @field_validator("tz")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        return check_zone(value)
