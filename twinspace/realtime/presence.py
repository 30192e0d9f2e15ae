"""Who is online in a project and where (a channel, board or page), pushed as ephemeral events.

A member is online while at least one of their project sockets is open; their location is the
one their newest report named. A channel location is shown only to viewers who may see that
channel; others see the member online without a place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from twinspace.realtime.project_events import Audience, ProjectEventHub, Viewer
from twinspace.storage.records import ChannelRecord
from twinspace.types import Role

LocationKind = Literal["channel", "board", "page"]


@dataclass(frozen=True, slots=True)
class Location:
    kind: LocationKind
    id: int
    channel: ChannelRecord | None = None  # set for channel locations, to filter viewers

    def as_data(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id}


@dataclass(slots=True)
class Member:
    user_id: int
    display_name: str
    role: Role
    connections: int = 0
    location: Location | None = None

    def as_data(self, viewer: Viewer | None) -> dict[str, Any]:
        location = self.location
        shown = location is not None and (
            location.channel is None or viewer is None or viewer.can_see_channel(location.channel)
        )
        return {
            "user": {
                "id": self.user_id,
                "display_name": self.display_name,
                "role": self.role.value,
            },
            "location": location.as_data() if shown and location else None,
        }


class Presence:
    def __init__(self, hub: ProjectEventHub) -> None:
        self._hub = hub
        self._projects: dict[int, dict[int, Member]] = {}

    def snapshot(self, project_id: int, viewer: Viewer) -> list[dict[str, Any]]:
        return [m.as_data(viewer) for m in self._projects.get(project_id, {}).values()]

    async def view(self, project_id: int, viewer: Viewer) -> list[dict[str, Any]]:
        """Who is online as `viewer` may see it (in the cluster: on every process)."""
        return self.snapshot(project_id, viewer)

    def online(self, project_id: int) -> set[int]:
        return set(self._projects.get(project_id, {}))

    def _connected(
        self, project_id: int, user_id: int, display_name: str, role: Role
    ) -> Member | None:
        """Count one more socket of the member here; the member when it is their first."""
        members = self._projects.setdefault(project_id, {})
        member = members.get(user_id)
        if member is None:
            member = members[user_id] = Member(user_id, display_name, role)
        member.connections += 1
        return member if member.connections == 1 else None

    def _disconnected(self, project_id: int, user_id: int) -> bool:
        """Count one socket of the member less here; True when it was their last."""
        members = self._projects.get(project_id, {})
        member = members.get(user_id)
        if member is None:
            return False
        member.connections -= 1
        if member.connections > 0:
            return False
        del members[user_id]
        if not members:
            self._projects.pop(project_id, None)
        return True

    def join(self, project_id: int, user_id: int, display_name: str, role: Role) -> None:
        member = self._connected(project_id, user_id, display_name, role)
        if member is not None:
            self._publish(project_id, "presence.joined", member)

    def leave(self, project_id: int, user_id: int) -> None:
        if self._disconnected(project_id, user_id):
            self._hub.publish(project_id, "presence.left", {"user": {"id": user_id}}, durable=False)

    def move(self, project_id: int, user_id: int, location: Location | None) -> None:
        member = self._projects.get(project_id, {}).get(user_id)
        if member is None or member.location == location:
            return
        member.location = location
        self._publish(project_id, "presence.moved", member)

    def _publish(self, project_id: int, event_type: str, member: Member) -> None:
        channel = member.location.channel if member.location else None
        if channel is None:
            self._hub.publish(project_id, event_type, member.as_data(None), durable=False)
            return
        hidden = Member(member.user_id, member.display_name, member.role, member.connections)
        self._hub.publish(
            project_id,
            event_type,
            member.as_data(None),
            audience=Audience(channel=channel),
            durable=False,
        )
        self._hub.publish(
            project_id,
            event_type,
            hidden.as_data(None),
            audience=Audience(channel=channel, channel_visible=False),
            durable=False,
        )
