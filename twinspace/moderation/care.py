"""Self-harm: an urgent notice to the pupil's own teachers, and no shaming of the pupil.

When a pupil writes that they want to die or hurt themselves, the item is **held quietly**:
other pupils do not see it, the pupil sees it as pending with a kind sentence (never
"blocked", never a list of forbidden content), and the teachers of the pupil's school in
the project receive an urgent ``moderation.notice`` (``"urgent": true``) at once, besides
the queue entry every held item gets. A policy cannot turn this into a block or a mask.
Holding rather than publishing keeps a child's crisis out of a class-wide chat while the
adults who know the pupil are told first (see README, "Pupil safety").
"""

from __future__ import annotations

from twinspace.moderation.model import ContentRef, Decision, Flag, Outcome
from twinspace.realtime.project_events import Audience, ProjectEventHub
from twinspace.storage import Storage
from twinspace.types import Role

SELF_HARM = "self_harm"
# What the pupil reads: no blame, no "blocked", no category.
CARE_REASON = "a teacher will read your message soon"
CARE_CAUSE = "care"
TEACHING_ROLES = frozenset({Role.FOUNDER, Role.TEACHER_ADMIN, Role.TEACHER})


def needs_care(flags: tuple[Flag, ...]) -> bool:
    return any(flag.category == SELF_HARM for flag in flags)


def care_decision(flags: tuple[Flag, ...]) -> Decision:
    return Decision(Outcome.HELD, CARE_REASON, flags, cause=CARE_CAUSE)


class UrgentNotices:
    def __init__(self, storage: Storage, hub: ProjectEventHub) -> None:
        self._storage = storage
        self._hub = hub

    async def pupils_teachers(self, project_id: int, pupil_id: int) -> list[int]:
        """Teachers of the pupil's school in this project; all its teachers if none."""
        pupil = await self._storage.users.get(pupil_id)
        members = await self._storage.memberships.members(project_id)
        teachers = [(m, u) for m, u in members if m.role in TEACHING_ROLES]
        own = [u.id for _m, u in teachers if pupil is not None and u.school_id == pupil.school_id]
        return own or [u.id for _m, u in teachers]

    async def self_harm(
        self, ref: ContentRef, decision: Decision, queue_id: int | None
    ) -> list[int]:
        """Tell the pupil's teachers live; returns who was told."""
        if ref.author_id is None:
            return []
        recipients = await self.pupils_teachers(ref.project_id, ref.author_id)
        author = await self._storage.users.get(ref.author_id)
        self._hub.publish(
            ref.project_id,
            "moderation.notice",
            {
                "kind": "urgent",
                "urgent": True,
                "category": SELF_HARM,
                "queue_id": queue_id,
                "item": ref.kind.value,
                "item_id": ref.item_id,
                "space": ref.space.value,
                "space_id": ref.space_id,
                "author": {
                    "id": ref.author_id,
                    "display_name": author.display_name if author else "",
                },
                "excerpt": ref.text[:200],
                "advice": "talk to this pupil today; follow your school's safeguarding plan",
            },
            audience=Audience.only(recipients),
        )
        return recipients
