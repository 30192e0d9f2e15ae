"""Moderation policy per project, with channel and board overrides (docs/design.md)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from twinspace.moderation.filters import Category
from twinspace.workspace.access import PupilItemDeciders


class Mode(StrEnum):
    OFF = "off"  # publish pupils' items without filtering
    AUTO = "auto"  # filters decide: what they flag gets the category's action
    PRE = "pre"  # hold every pupil item until a teacher approves


class FlagAction(StrEnum):
    HOLD = "hold"  # keep it for a teacher
    BLOCK = "block"  # refuse it, telling the author why
    MASK = "mask"  # publish with the finding masked


Domain = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        min_length=3,
        max_length=253,
        pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$",
    ),
]
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class QuietHours(BaseModel):
    """Local times in each pupil's own school time zone; may wrap past midnight."""

    model_config = ConfigDict(extra="forbid")

    start: str = Field(examples=["21:00"])
    end: str = Field(examples=["07:00"])

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError("use HH:MM, 24-hour clock")
        return value

    def _parse(self, value: str) -> time:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))

    def active(self, moment: datetime, zone: str) -> bool:
        local = moment.astimezone(ZoneInfo(zone)).time()
        start, end = self._parse(self.start), self._parse(self.end)
        if start == end:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end

    def ends_after(self, moment: datetime, zone: str) -> datetime:
        """The next instant the quiet period ends (as an aware UTC-comparable datetime)."""
        local = moment.astimezone(ZoneInfo(zone))
        end = self._parse(self.end)
        candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate = (local + timedelta(days=1)).replace(
                hour=end.hour, minute=end.minute, second=0, microsecond=0
            )
        return candidate


DEFAULT_ACTIONS: dict[Category, FlagAction] = {category: FlagAction.HOLD for category in Category}


class Policy(BaseModel):
    """A project's policy; new projects start at `auto` with every finding held."""

    model_config = ConfigDict(extra="forbid")

    mode: Mode = Mode.AUTO
    actions: dict[Category, FlagAction] = Field(default_factory=lambda: dict(DEFAULT_ACTIONS))
    slow_mode_seconds: int = Field(0, ge=0, le=3600)
    quiet_hours: QuietHours | None = None
    filter_teachers: bool = False
    link_allowlist: list[Domain] = Field(default_factory=list, max_length=200)
    # who publishes, rejects, restores or dismisses a pupil's item (anyone may hide it)
    pupil_item_deciders: PupilItemDeciders = PupilItemDeciders.OWN_SCHOOL

    def action(self, category: Category) -> FlagAction:
        return self.actions.get(category, FlagAction.HOLD)


class PolicyOverride(BaseModel):
    """A channel's or board's changes to the project policy; unset fields inherit."""

    model_config = ConfigDict(extra="forbid")

    mode: Mode | None = None
    slow_mode_seconds: int | None = Field(None, ge=0, le=3600)

    def apply(self, base: Policy) -> Policy:
        changes = {k: v for k, v in self.model_dump().items() if v is not None}
        return base.model_copy(update=changes)
