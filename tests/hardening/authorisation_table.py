"""The authorisation matrix as data: every route of the app mapped to a named rule, and every
rule mapping every actor (see `scene.Actor`) to the expected outcome.

A route is keyed by its method and its path template exactly as the app declares it (with
Starlette convertors, e.g. `/api/v1/projects/{project_id:id}`); websockets use the method
`WS`. Each route has one or more cases: a rule plus a builder that turns the scene and the
actor into a concrete request with real ids and a valid body, so the answer reflects
authorisation and never validation. Destructive requests build fresh objects every time.

Outcome classes: ok = any 2xx; unauth = 401; forbidden = 403; hidden = 404; refused = 422
(a domain rule, stated per rule); websockets: accept, or the close code 4401 / 4403 / 4404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from starlette.routing import Mount, Route, WebSocketRoute

from tests.hardening.scene import (
    MEMBERS,
    NON_MEMBERS,
    POSTERS,
    SCORES,
    STATEMENTS,
    TEACHER_ACCOUNTS,
    Actor,
    Scene,
    n,
    tiny_png,
)
from tests.support.world import PASSWORD, Person
from twinspace.calendar.feeds import new_token, token_hash
from twinspace.clock import utcnow
from twinspace.labels.competitions import NewCompetition, NewEntry
from twinspace.labels.service import LabelApplicationForm, LabelReview
from twinspace.registry.service import policy_of
from twinspace.storage.competitions import CompetitionRecord
from twinspace.types import Role, UserKind
from twinspace.workspace.plan import PlanActivityForm, ResultForm

# -- outcomes and rules ----------------------------------------------------------------------


class Outcome(StrEnum):
    OK = "ok"  # any 2xx
    UNAUTH = "unauth"  # 401
    FORBIDDEN = "forbidden"  # 403
    HIDDEN = "hidden"  # 404
    REFUSED = "refused"  # 422: a domain rule refuses what the role may otherwise do
    ACCEPT = "accept"  # websocket accepted
    CLOSE_4401 = "close-4401"  # websocket closed: not authenticated
    CLOSE_4403 = "close-4403"  # websocket closed: forbidden
    CLOSE_4404 = "close-4404"  # websocket closed: unknown room / project


HTTP_STATUS = {
    Outcome.UNAUTH: 401,
    Outcome.FORBIDDEN: 403,
    Outcome.HIDDEN: 404,
    Outcome.REFUSED: 422,
}
CLOSE_CODE = {Outcome.CLOSE_4401: 4401, Outcome.CLOSE_4403: 4403, Outcome.CLOSE_4404: 4404}
HTTP_OUTCOMES = frozenset({Outcome.OK, *HTTP_STATUS})
WS_OUTCOMES = frozenset({Outcome.ACCEPT, *CLOSE_CODE})
EVERYONE = frozenset(Actor)
SIGNED_IN = EVERYONE - {Actor.ANONYMOUS}
PUPILS = frozenset({Actor.PUPIL, Actor.OTHER_PUPIL})


@dataclass(frozen=True)
class Rule:
    name: str
    meaning: str
    outcomes: Mapping[Actor, Outcome]
    project_scoped: bool = False  # non-members must get 404, never 403


def rule(
    name: str, meaning: str, *, project_scoped: bool = False, **groups: Iterable[Actor]
) -> Rule:
    """`ok=`, `forbidden=`, `hidden=`, `unauth=`, ... list the actors of each outcome; every
    actor must appear exactly once. Anonymous callers default to `unauth`."""
    outcomes: dict[Actor, Outcome] = {}
    if not any(Actor.ANONYMOUS in set(actors) for actors in groups.values()):
        groups["unauth"] = (*groups.get("unauth", ()), Actor.ANONYMOUS)
    for outcome_name, actors in groups.items():
        outcome = Outcome(outcome_name.replace("_", "-"))
        for actor in actors:
            assert actor not in outcomes, f"rule {name}: {actor} listed twice"
            outcomes[actor] = outcome
    missing = EVERYONE - outcomes.keys()
    assert not missing, f"rule {name} says nothing about {sorted(missing)}"
    return Rule(name, meaning, outcomes, project_scoped)


PUBLIC = rule("public", "anyone, signed in or not", ok=EVERYONE)
NO_SUCH_PATH = rule("no-such-path", "an unknown API path is 404 for everyone", hidden=EVERYONE)
SIGNED_IN_RULE = rule("signed-in", "any signed-in user", ok=SIGNED_IN)
NOT_PUPIL = rule(
    "not-pupil",
    "signed-in staff: teachers, NSOs, admin (pupils 403)",
    ok=SIGNED_IN - PUPILS,
    forbidden=PUPILS,
)
VALIDATED_TEACHER = rule(
    "validated-teacher",
    "a teacher validated by their NSO (pending registrations, pupils, NSOs, admin 403)",
    ok=TEACHER_ACCOUNTS,
    forbidden=SIGNED_IN - TEACHER_ACCOUNTS,
)
ADMIN_ONLY = rule(
    "admin-only", "the central admin", ok={Actor.ADMIN}, forbidden=SIGNED_IN - {Actor.ADMIN}
)
NSO_OR_ADMIN = rule(
    "nso-or-admin",
    "any NSO (its own country's data) or the admin",
    ok={Actor.NSO, Actor.OTHER_NSO, Actor.ADMIN},
    forbidden=SIGNED_IN - {Actor.NSO, Actor.OTHER_NSO, Actor.ADMIN},
)
NSO_OWN_COUNTRY = rule(
    "nso-own-country",
    "the NSO of the object's country (PL) or the admin; other NSOs 403",
    ok={Actor.NSO, Actor.ADMIN},
    forbidden=SIGNED_IN - {Actor.NSO, Actor.ADMIN},
)
EVENT_ORGANISER = rule(
    "event-organiser",
    "the event's organiser (the PL NSO) or the admin",
    ok={Actor.NSO, Actor.ADMIN},
    forbidden=SIGNED_IN - {Actor.NSO, Actor.ADMIN},
)
OWN_ENROLMENT = rule(
    "own-enrolment",
    "a teacher's own enrolment; others have none (404); pupils 403",
    ok=TEACHER_ACCOUNTS,
    forbidden=PUPILS,
    hidden={Actor.NSO, Actor.OTHER_NSO, Actor.ADMIN, Actor.PENDING_TEACHER},
)
NOT_VALIDATED = {Actor.PENDING_TEACHER}
OWN_SCHOOL_TEACHER = rule(
    "own-school-teacher",
    "a validated teacher of the pupil's / class's own school; a "
    "registration the NSO has not validated 403; anyone else 404",
    ok={Actor.TEACHER},
    forbidden=NOT_VALIDATED,
    hidden=SIGNED_IN - {Actor.TEACHER} - NOT_VALIDATED,
)
CLASS_TEACHER = rule(
    "class-teacher",
    "a teacher of the pupil's class (the teacher teaches A1): reset, export, erase, new "
    "pupils, new class teachers; a registration not validated 403; anyone else, partner "
    "founders included, 404",
    ok={Actor.TEACHER},
    forbidden=NOT_VALIDATED,
    hidden=SIGNED_IN - {Actor.TEACHER} - NOT_VALIDATED,
)
COLLEAGUES_CLASS = rule(
    "colleagues-class",
    "a class (or its pupil) of a colleague of the same school: a teacher of the school who "
    "does not teach it 403, a registration not validated 403, anyone else 404",
    forbidden={Actor.TEACHER} | NOT_VALIDATED,
    hidden=SIGNED_IN - {Actor.TEACHER} - NOT_VALIDATED,
)
NSO_OWN_COUNTRY_HIDDEN = rule(
    "nso-own-country-hidden",
    "the NSO of the registration's country (PL) or the admin; another country's NSO 404 "
    "(ids do not leak); everyone else 403",
    ok={Actor.NSO, Actor.ADMIN},
    hidden={Actor.OTHER_NSO},
    forbidden=SIGNED_IN - {Actor.NSO, Actor.OTHER_NSO, Actor.ADMIN},
)
PENDING_PROFILE = rule(
    "pending-profile",
    "a registration the NSO has not validated: the teacher, the NSO of "
    "their country and the admin see it; other NSOs and teachers 404; pupils 403",
    ok={Actor.PENDING_TEACHER, Actor.NSO, Actor.ADMIN},
    forbidden=PUPILS,
    hidden=SIGNED_IN - PUPILS - {Actor.PENDING_TEACHER, Actor.NSO, Actor.ADMIN},
)
INVITEE = rule(
    "invitee",
    "only the invited teacher (the outside teacher); others 404",
    ok={Actor.OUTSIDE_TEACHER},
    hidden=SIGNED_IN - {Actor.OUTSIDE_TEACHER},
)
APPLICATION_READ = rule(
    "label-application-read",
    "the applicant (teacher), the NSO of its country, the admin; anyone else, another "
    "country's NSO included, 404",
    ok={Actor.TEACHER, Actor.NSO, Actor.ADMIN},
    hidden=SIGNED_IN - {Actor.TEACHER, Actor.NSO, Actor.ADMIN},
)
APPLICATION_WITHDRAW = rule(
    "label-withdraw",
    "only the applicant; those who may read it 403; anyone else (other NSOs too) 404",
    ok={Actor.TEACHER},
    forbidden={Actor.NSO, Actor.ADMIN},
    hidden=SIGNED_IN - {Actor.TEACHER, Actor.NSO, Actor.ADMIN},
)
APPLICATION_REVIEW = rule(
    "label-reviewer",
    "only the NSO of the applicant's country; readers 403; others (other NSOs too) 404",
    ok={Actor.NSO},
    forbidden={Actor.TEACHER, Actor.ADMIN},
    hidden=SIGNED_IN - {Actor.TEACHER, Actor.NSO, Actor.ADMIN},
)

COMPETITION_ORGANISER = rule(
    "competition-organiser",
    "the organiser of a national competition (the PL NSO) or the admin; others 403",
    ok={Actor.NSO, Actor.ADMIN},
    forbidden=SIGNED_IN - {Actor.NSO, Actor.ADMIN},
)
COMPETITION_JURY_OR_ORGANISER = rule(
    "competition-jury-or-organiser",
    "the competition's jury (the outside teacher), its organiser (the PL NSO) or the admin",
    ok={Actor.OUTSIDE_TEACHER, Actor.NSO, Actor.ADMIN},
    forbidden=SIGNED_IN - {Actor.OUTSIDE_TEACHER, Actor.NSO, Actor.ADMIN},
)
COMPETITION_JUROR = rule(
    "competition-juror",
    "only a juror of the competition (the outside teacher) scores; others 403",
    ok={Actor.OUTSIDE_TEACHER},
    forbidden=SIGNED_IN - {Actor.OUTSIDE_TEACHER},
)

# project-scoped rules (docs/design.md, "Roles"): non-members always 404
PROJECT_MEMBER = rule(
    "project-member",
    "any member of the project, guests included",
    project_scoped=True,
    ok=MEMBERS,
    hidden=NON_MEMBERS,
)
PROJECT_POST = rule(
    "project-post",
    "members who post: teachers and pupils (guests 403)",
    project_scoped=True,
    ok=POSTERS,
    forbidden={Actor.GUEST},
    hidden=NON_MEMBERS,
)
PROJECT_TEACHER = rule(
    "project-teacher",
    "teacher roles of the project (pupils, guests 403)",
    project_scoped=True,
    ok={Actor.TEACHER, Actor.FOUNDER},
    forbidden={Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS,
)
COMPETITION_ENTRANT = rule(
    "competition-entrant",
    "a teacher of the TwinSpace holding the competition's label for it (the teacher); a "
    "founder without the label 422; pupils and guests 403",
    project_scoped=True,
    ok={Actor.TEACHER},
    refused={Actor.FOUNDER},
    forbidden={Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS,
)
SESSION_PARTICIPANT = rule(
    "session-participant",
    "a live session's teachers and its classes' pupils (guests 403)",
    project_scoped=True,
    ok=POSTERS,
    forbidden={Actor.GUEST},
    hidden=NON_MEMBERS,
)
CALL_PARTICIPANT = rule(
    "call-participant",
    "a live session's call: teachers of a participating class and its pupils who joined; "
    "the founder, who teaches none of its classes, and guests 403",
    project_scoped=True,
    ok={Actor.TEACHER, Actor.PUPIL},
    forbidden={Actor.FOUNDER, Actor.GUEST},
    hidden=NON_MEMBERS,
)
OWN_SCHOOL_CODE = rule(
    "own-school-code",
    "a class's join code: the class's own teachers; other members 403",
    project_scoped=True,
    ok={Actor.TEACHER},
    forbidden={Actor.FOUNDER, Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS,
)
OWN_PUPIL_IN_SESSION = rule(
    "own-pupil-in-session",
    "letting a pupil into a live session: the teachers of the pupil's class; a partner "
    "school's founder gets 404 (not their pupil); pupils and guests 403",
    project_scoped=True,
    ok={Actor.TEACHER},
    forbidden={Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS | {Actor.FOUNDER},
)
PROJECT_ADMIN_REFUSED = rule(
    "project-admin-refused",
    "a member-management change a founder may make but a domain rule "
    "forbids (422); other members 403",
    project_scoped=True,
    refused={Actor.FOUNDER},
    forbidden={Actor.TEACHER, Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS,
)
NOT_PUPIL_REFUSED = rule(
    "not-pupil-refused",
    "signed-in staff; pupils are refused (422: pupils receive no e-mail)",
    ok=SIGNED_IN - PUPILS,
    refused=PUPILS,
)
PROJECT_ADMIN = rule(
    "project-admin",
    "founders and teacher admins (other members 403)",
    project_scoped=True,
    ok={Actor.FOUNDER},
    forbidden={Actor.TEACHER, Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS,
)
MODERATION_POLICY = rule(
    "moderation-policy",
    "project-wide moderation policy and channel/board overrides: founders and teacher "
    "admins; plain teachers, pupils and guests 403",
    project_scoped=True,
    ok={Actor.FOUNDER},
    forbidden={Actor.TEACHER, Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS,
)
PUPILS_SCHOOL_DECIDES = rule(
    "pupils-school-decides",
    "publishing, rejecting, restoring or dismissing an item of a pupil of another school (the "
    "founder's): founders and that school's teachers; the teacher of the other school, pupils "
    "and guests 403",
    project_scoped=True,
    ok={Actor.FOUNDER},
    forbidden={Actor.TEACHER, Actor.PUPIL, Actor.GUEST},
    hidden=NON_MEMBERS,
)
TEACHERS_SEE = rule(
    "teachers-see",
    "only the project's teachers see it (staff room, held or unattached "
    "items, deleted pages): pupils and guests 404",
    project_scoped=True,
    ok={Actor.TEACHER, Actor.FOUNDER},
    hidden=NON_MEMBERS | {Actor.PUPIL, Actor.GUEST},
)
OTHER_CLASS_READ = rule(
    "other-class-read",
    "a class channel of another class: pupils 404, guests read",
    project_scoped=True,
    ok={Actor.TEACHER, Actor.FOUNDER, Actor.GUEST},
    hidden=NON_MEMBERS | {Actor.PUPIL},
)
OTHER_CLASS_POST = rule(
    "other-class-post",
    "posting in another class's channel: pupils 404, guests 403",
    project_scoped=True,
    ok={Actor.TEACHER, Actor.FOUNDER},
    forbidden={Actor.GUEST},
    hidden=NON_MEMBERS | {Actor.PUPIL},
)
OTHERS_ITEM = rule(
    "others-item",
    "changing another member's message or post: every member 403",
    project_scoped=True,
    forbidden=MEMBERS,
    hidden=NON_MEMBERS,
)
ADD_OWN_PUPILS = rule(
    "add-own-pupils",
    "a teacher adds their own school's pupils; a founder of another "
    "school gets 404 for that pupil; pupils and guests 403",
    project_scoped=True,
    ok={Actor.TEACHER},
    hidden=NON_MEMBERS | {Actor.FOUNDER},
    forbidden={Actor.PUPIL, Actor.GUEST},
)
READ_ONLY = rule(
    "read-only",
    "a write to an archived project or channel: members 403",
    project_scoped=True,
    forbidden=MEMBERS,
    hidden=NON_MEMBERS,
)
GONE = rule(
    "gone", "a deleted page: 404 for everyone signed in", project_scoped=True, hidden=SIGNED_IN
)
PROJECT_SOCKET = rule(
    "project-socket",
    "members connect; non-members 4404; anonymous 4401",
    project_scoped=True,
    accept=MEMBERS,
    close_4404=NON_MEMBERS,
    close_4401={Actor.ANONYMOUS},
)
GONE_SOCKET = rule(
    "gone-socket",
    "a deleted page's room: 4404 for everyone signed in",
    project_scoped=True,
    close_4404=SIGNED_IN,
    close_4401={Actor.ANONYMOUS},
)
USER_SOCKET = rule(
    "user-socket",
    "the user channel /ws/me: any signed-in user; anonymous 4401",
    accept=SIGNED_IN,
    close_4401={Actor.ANONYMOUS},
)
OWN_NOTIFICATION = rule(
    "own-notification", "the recipient marks their own notification read", ok=SIGNED_IN
)
SOMEONE_ELSES_NOTIFICATION = rule(
    "someone-elses-notification",
    "another user's notification does not exist for anyone else (404)",
    hidden=SIGNED_IN,
)

# -- requests --------------------------------------------------------------------------------


@dataclass
class Call:
    path: str
    json: Any = None
    params: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    own_session: bool = False  # send `token` instead of the actor's shared token
    token: str | None = None


Extra = Mapping[str, Any]
Builder = Callable[[Scene, Actor], Awaitable[Call]]
Maker = Callable[[Scene, Actor], Awaitable[Extra]]
BodyFactory = Callable[[Scene, Actor, Extra], Any]


async def _nothing(scene: Scene, actor: Actor) -> Extra:
    return {}


def req(
    template: str,
    make: Maker = _nothing,
    *,
    json: Any = None,
    body: BodyFactory | None = None,
    params: dict[str, str] | None = None,
    upload: bool = False,
) -> Builder:
    """A request to `template` filled from the scene's ids and what `make` returns."""

    async def build(scene: Scene, actor: Actor) -> Call:
        extra = await make(scene, actor)
        payload = body(scene, actor, extra) if body is not None else json
        files = {"file": ("photo.png", tiny_png(), "image/png")} if upload else None
        return Call(scene.format(template, extra), json=payload, params=params, files=files)

    return build


async def _own_session(scene: Scene, actor: Actor) -> Call:
    return Call("/api/v1/session", own_session=True, token=await scene.fresh_token(actor))


# fresh objects (each returns the ids its template needs)


async def fresh_project(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_project": (await scene.fresh_project()).id}


async def fresh_page(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_page": (await scene.fresh_page()).id}


async def fresh_locked_page(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_page": (await scene.fresh_page(locked=True)).id}


async def fresh_deleted_page(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_page": (await scene.fresh_page(deleted=True)).id}


async def fresh_page_version(scene: Scene, actor: Actor) -> Extra:
    page = await scene.fresh_page()
    return {"fresh_page": page.id, "fresh_version": await scene.fresh_version(page)}


async def fresh_channel(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_channel": (await scene.fresh_channel()).id}


async def fresh_archived_channel(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_channel": (await scene.fresh_channel(archived=True)).id}


async def fresh_board(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_board": (await scene.fresh_board()).id}


async def fresh_archived_board(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_board": (await scene.fresh_board(archived=True)).id}


async def fresh_section(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_section": await scene.fresh_section()}


async def own_message(scene: Scene, actor: Actor) -> Extra:
    """A message by the caller (by the teacher when the caller may not post here)."""
    return {"fresh_message": (await scene.fresh_message(scene.author_for(actor)))["id"]}


async def others_message(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_message": (await scene.fresh_message(scene.classmate))["id"]}


async def teachers_message(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_message": (await scene.fresh_message(scene.people[Actor.TEACHER]))["id"]}


async def classmates_message(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_message": (await scene.fresh_message(scene.classmate))["id"]}


async def hidden_message(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_message": await scene.fresh_hidden_message()}


async def held_entry(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_entry": await scene.fresh_held_entry()}


async def own_post(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_post": await scene.fresh_post(scene.author_for(actor))}


async def others_post(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_post": await scene.fresh_post(scene.classmate)}


async def own_comment(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_comment": await scene.fresh_comment(scene.author_for(actor))}


async def others_comment(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_comment": await scene.fresh_comment(scene.classmate)}


async def archived_twin(scene: Scene, actor: Actor) -> Extra:
    """An archived project with the caller's own message, post and comment (the teacher's
    when the caller may not post)."""
    return await scene.fresh_archived(scene.author_for(actor))


async def staff_message(scene: Scene, actor: Actor) -> Extra:
    teacher = scene.people[Actor.TEACHER]
    return {
        "fresh_message": (
            await scene.fresh_message(teacher, "for teachers", scene.ids["staff_channel"])
        )["id"]
    }


async def pending_guest(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_member": await scene.fresh_pending_guest()}


async def scheduled_session(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_session": await scene.fresh_session()}


async def live_session(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_session": await scene.fresh_session(live=True)}


async def two_class_session(scene: Scene, actor: Actor) -> Extra:
    """A scheduled session of A1 and A2 (the teacher's classes), so one can be taken out."""
    session_id = await scene.fresh_session()
    access = await scene.access(scene.people[Actor.TEACHER])
    record = await scene.services.storage.live_sessions.get(session_id)
    assert record is not None
    session = await scene.services.live_sessions.add_classes(access, record, [scene.other_class.id])
    return {"fresh_session": session.id}


async def calendar_feed_of_actor(scene: Scene, actor: Actor) -> Extra:
    """A calendar feed of the caller's own (when the caller may have one)."""
    person = scene.person(actor)
    if person is not None and person.user.kind is not UserKind.PUPIL:
        await scene.services.storage.calendar_feeds.replace(
            person.user.id, token_hash(new_token()), utcnow()
        )
    return {}


async def calendar_feed_token(scene: Scene, actor: Actor) -> Extra:
    token = new_token()
    await scene.services.storage.calendar_feeds.replace(
        scene.people[Actor.TEACHER].user.id, token_hash(token), utcnow()
    )
    return {"feed_token": token}


async def paused_session(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_session": await scene.fresh_session(live=True, read_only=True)}


async def pupil_in_project(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_pupil": (await scene.fresh_pupil(in_project=True)).id}


async def pupil_outside_project(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_pupil": (await scene.fresh_pupil(in_project=False)).id}


async def colleagues_pupil(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_pupil": (await scene.fresh_colleague_pupil()).id}


async def partner_held_entry(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_entry": await scene.fresh_partner_held_entry()}


async def partner_hidden_message(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_message": await scene.fresh_partner_hidden_message()}


async def fresh_colleague(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_teacher": await scene.fresh_colleague()}


async def shared_class(scene: Scene, actor: Actor) -> Extra:
    return {
        "fresh_class": await scene.fresh_shared_class(),
        "fresh_teacher": scene.ids["colleague_id"],
    }


async def muted_pupil(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_pupil": (await scene.fresh_muted_pupil()).id}


async def teacher_member(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_member": (await scene.fresh_teacher_member()).id}


async def invitee(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_invitee": (await scene.world.teacher("PL")).id}


async def pending_invitation(scene: Scene, actor: Actor) -> Extra:
    """An invitation of A to a new teacher (for the project's side: list, withdraw)."""
    invited = await scene.world.teacher("PL")
    return {"fresh_invitation": await scene.fresh_invitation(invited, scene.project)}


async def address_invitation(scene: Scene, actor: Actor) -> Extra:
    """An invitation of A to an address with no account, and its link's token."""
    storage, mail = scene.server.services.storage, scene.server.services.mail
    invitation_id = await storage.address_invitations.create(
        project_id=scene.project.id,
        inviter_id=scene.people[Actor.FOUNDER].id,
        address=f"nobody{n()}@school.example",
        role=Role.TEACHER,
        message="",
        nonce_hash=hashlib.sha256(b"nonce").hexdigest(),
        now=utcnow(),
        expires_at=utcnow() + timedelta(days=1),
    )
    token = await mail.signer.sign("invitation", f"{invitation_id}.nonce")
    return {"fresh_address_invitation": invitation_id, "link_token": token}


async def unsubscribe_token(scene: Scene, actor: Actor) -> Extra:
    token = await scene.server.services.mail.signer.sign(
        "unsubscribe", f"{scene.people[Actor.FOUNDER].id}:digest"
    )
    return {"unsubscribe_token": token}


async def invitation_for_outsider(scene: Scene, actor: Actor) -> Extra:
    """An invitation to the outside teacher, into a fresh project (accepting it must not
    make them a member of A)."""
    project = await scene.fresh_project()
    invited = scene.people[Actor.OUTSIDE_TEACHER]
    return {"fresh_invitation": await scene.fresh_invitation(invited, project)}


async def _notification_for(scene: Scene, person: Person) -> int:
    return await scene.services.storage.notifications.add(
        recipient_id=person.id,
        kind="mention",
        project_id=scene.project.id,
        params={},
        link="/",
        urgent=False,
        dedupe_key=f"authorisation:{n()}",
        now=utcnow(),
    )


async def own_notification(scene: Scene, actor: Actor) -> Extra:
    person = scene.person(actor) or scene.classmate
    return {"fresh_notification": await _notification_for(scene, person)}


async def classmates_notification(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_notification": await _notification_for(scene, scene.classmate)}


async def pending_registration(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_teacher": await scene.fresh_registration()}


async def fresh_event(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_event": await scene.fresh_event()}


async def european_event(scene: Scene, actor: Actor) -> Extra:
    """A Europe-wide event (the admin's): open to the teachers of every country."""
    return {"fresh_event": await scene.fresh_event(european=True)}


async def event_with_own_seat(scene: Scene, actor: Actor) -> Extra:
    event_id = await scene.fresh_event(european=True)
    await scene.enrol(actor, event_id)
    return {"fresh_event": event_id}


async def attendee(scene: Scene, actor: Actor) -> Extra:
    event_id, teacher_id = await scene.fresh_attendee()
    return {"fresh_event": event_id, "fresh_teacher": teacher_id}


async def certificate(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_certificate": await scene.fresh_certificate()}


async def application(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_application": await scene.fresh_application()}


async def fresh_activity(scene: Scene, actor: Actor) -> Extra:
    access = await scene.access(scene.people[Actor.TEACHER])
    activity = await scene.services.plan.add_activity(
        access, PlanActivityForm.model_validate(_activity(scene, actor, {}))
    )
    return {"fresh_activity": activity.id}


async def fresh_result(scene: Scene, actor: Actor) -> Extra:
    access = await scene.access(scene.people[Actor.TEACHER])
    result = await scene.services.plan.add_result(
        access, ResultForm.model_validate(_result(scene, actor, {}))
    )
    return {"fresh_result": result.id}


async def _competition(scene: Scene) -> CompetitionRecord:
    """A national Polish competition by the PL NSO, judged by the outside teacher."""
    return await scene.services.competitions.create(
        scene.people[Actor.NSO].user,
        NewCompetition.model_validate(_competition_body(scene, Actor.NSO, {})),
    )


async def competition(scene: Scene, actor: Actor) -> Extra:
    return {"fresh_competition": (await _competition(scene)).id}


async def closed_competition(scene: Scene, actor: Actor) -> Extra:
    found = await _competition(scene)
    await scene.services.storage.competitions.close_entries(found.id, utcnow())
    return {"fresh_competition": found.id}


async def labelled_project(scene: Scene, actor: Actor) -> Extra:
    """A fresh project whose teacher holds the National Quality Label, and an open
    competition it may enter."""
    project = await scene.fresh_project()
    application = await scene.services.labels.apply(
        scene.people[Actor.TEACHER].user,
        LabelApplicationForm.model_validate({"project_id": project.id, "statements": STATEMENTS}),
    )
    await scene.services.labels.review(
        scene.people[Actor.NSO].user,
        application.id,
        LabelReview.model_validate({"decision": "award", "scores": SCORES}),
    )
    found = await _competition(scene)
    return {
        "fresh_project": project.id,
        "fresh_competition": found.id,
        "fresh_category": found.categories[0].id,
    }


async def closed_entry(scene: Scene, actor: Actor) -> Extra:
    """An entry of a labelled TwinSpace in a competition whose entries are closed."""
    extra = await labelled_project(scene, actor)
    entry = await scene.services.competitions.enter(
        scene.people[Actor.TEACHER].user,
        extra["fresh_competition"],
        NewEntry(project_id=extra["fresh_project"], category_id=extra["fresh_category"]),
    )
    await scene.services.storage.competitions.close_entries(extra["fresh_competition"], utcnow())
    return {**extra, "fresh_entry": entry.id}


# bodies that depend on the scene


def _login(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"username": scene.login.user.username, "password": PASSWORD}


def _same_password(scene: Scene, actor: Actor, extra: Extra) -> Any:
    person = scene.person(actor)
    password = person.password if person else PASSWORD
    return {"current_password": password, "new_password": password}


def _registration(scene: Scene, actor: Actor, extra: Extra) -> Any:
    k = n()
    return {
        "username": f"newteacher{k}",
        "password": PASSWORD,
        "display_name": f"New {k}",
        "email": f"new{k}@school.example",
        "staff_role": "teacher",
        "school_id": scene.ids["school"],
    }


def _class(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"name": f"Matrix class {n()}"}


def _policy(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return scene.ids["pl_policy"]


def _event(scene: Scene, actor: Actor, extra: Extra) -> Any:
    now = utcnow()
    return {
        "kind": "national_training",
        "title": "Safe internet",
        "language": "pl",
        "format": "online",
        "link": "https://training.example/x",
        "capacity": 10,
        **{
            name: (now + timedelta(days=days)).isoformat()
            for name, days in (
                ("enrol_opens_at", 0),
                ("enrol_closes_at", 5),
                ("starts_at", 6),
                ("ends_at", 7),
            )
        },
    }


def _live_session(scene: Scene, actor: Actor, extra: Extra) -> Any:
    now = utcnow()
    return {
        "title": "Rivers, live",
        "starts_at": (now + timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
        "class_ids": [scene.ids["school_class"]],
    }


def _join(scene: Scene, actor: Actor, extra: Extra) -> Any:
    """Pupils type their class's code; teachers join without one."""
    if actor is Actor.PUPIL:
        return {"code": extra["code"]}
    return {}


async def live_session_with_code(scene: Scene, actor: Actor) -> Extra:
    session_id = await scene.fresh_session(live=True)
    return {"fresh_session": session_id, "code": await scene.join_code(session_id)}


async def live_session_joined(scene: Scene, actor: Actor) -> Extra:
    """A fresh live session the pupil has joined (recorded directly: the join route's own
    throttle of a pupil's code attempts is not what this case is about)."""
    session_id = await scene.fresh_session(live=True)
    pupil = scene.people[Actor.PUPIL].user
    await scene.services.storage.live_sessions.attendance.record_join(
        session_id=session_id,
        user_id=pupil.id,
        role="pupil",
        school_id=pupil.school_id,
        class_id=scene.school_class.id,
        now=utcnow(),
    )
    return {"fresh_session": session_id}


def _add_pupil(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"user_ids": [extra["fresh_pupil"]]}


def _class_teacher(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"user_id": extra["fresh_teacher"]}


def _invite(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"user_id": extra["fresh_invitee"], "role": "teacher"}


def _activity(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {
        "title": "Measure the river",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-07",
        "school_ids": [scene.ids["school"]],
    }


def _result(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"title": "The river guide", "school_ids": [scene.ids["school"]]}


def _competition_body(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {
        "level": "national",
        "country": "PL",
        "title": "Polish eTwinning Prize",
        "categories": ["Primary", "Secondary"],
        "entries_close_at": (utcnow() + timedelta(days=30)).isoformat(),
        "jury_ids": [scene.people[Actor.OUTSIDE_TEACHER].id],
    }


def _entry(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"project_id": extra["fresh_project"], "category_id": extra["fresh_category"]}


def _application(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"project_id": extra["fresh_project"], "statements": STATEMENTS}


def _report(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"item_kind": "message", "item_id": extra["fresh_message"], "reason": "unkind"}


def _mute(scene: Scene, actor: Actor, extra: Extra) -> Any:
    return {"user_id": extra["fresh_pupil"], "minutes": 10}


async def prepare(scene: Scene) -> None:
    """Ids the table needs beyond the scene's own."""
    scene.ids["pl_policy"] = policy_of(await scene.services.registry.country("PL")).model_dump(
        mode="json"
    )


# -- the table -------------------------------------------------------------------------------

RouteKey = tuple[str, str]


@dataclass(frozen=True)
class Case:
    rule: Rule
    build: Builder
    variant: str = ""


_withdrawal = {
    "state": "withdrawn",
    "decided_on": "2025-09-01",
    "method": "guardian_email",
    "note": "",
}


def c(rule_: Rule, build: Builder, variant: str = "") -> Case:
    return Case(rule_, build, variant)


def archived(template: str, *, json: Any = None, upload: bool = False, own: str = "") -> Case:
    """The same write in an archived (read-only) twin of the project; `own`: the item is the
    caller's own."""
    variant = f"own {own}, archived project" if own else "archived project"
    return c(READ_ONLY, req(A + template, archived_twin, json=json, upload=upload), variant)


A = "/api/v1"
P = A + "/projects/{project_id:id}"
L = A + "/live-sessions/{session_id:id}"
TEXT = {"text": "Hello from the matrix"}
DECISION = {"reason": "checked"}

TABLE: dict[RouteKey, tuple[Case, ...]] = {
    # plain routes
    ("GET", "/"): (c(PUBLIC, req("/")),),
    ("GET", "/healthz"): (c(PUBLIC, req("/healthz")),),
    ("GET", "/readyz"): (c(PUBLIC, req("/readyz")),),
    # no metrics token is configured: served to loopback callers (the tests) only
    ("GET", "/metrics"): (c(PUBLIC, req("/metrics")),),
    ("GET", A + "/openapi.json"): (c(PUBLIC, req(A + "/openapi.json")),),
    ("GET", "/media/{media_id:id}"): (
        c(PROJECT_MEMBER, req("/media/{media}"), "shown in a post"),
        c(TEACHERS_SEE, req("/media/{loose_media}"), "not in any post"),
    ),
    ("GET", "/media/{media_id:id}/thumb"): (
        c(PROJECT_MEMBER, req("/media/{media}/thumb"), "shown in a post"),
        c(TEACHERS_SEE, req("/media/{loose_media}/thumb"), "not in any post"),
    ),
    **{
        (method, "/api/{rest:path}"): (c(NO_SUCH_PATH, req(A + "/no-such-thing")),)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
    },
    # websockets
    ("WS", "/ws/docs/{room}"): (
        c(PROJECT_SOCKET, req("/ws/docs/{room}")),
        c(GONE_SOCKET, req("/ws/docs/{deleted_room}"), "deleted page"),
    ),
    ("WS", "/ws/projects/{project_id:id}"): (c(PROJECT_SOCKET, req("/ws/projects/{project}")),),
    ("WS", "/ws/me"): (c(USER_SOCKET, req("/ws/me")),),
    ("GET", A + "/me/notifications"): (c(SIGNED_IN_RULE, req(A + "/me/notifications")),),
    ("GET", A + "/me/notifications/unread"): (
        c(SIGNED_IN_RULE, req(A + "/me/notifications/unread")),
    ),
    ("POST", A + "/me/notifications/read"): (c(SIGNED_IN_RULE, req(A + "/me/notifications/read")),),
    ("POST", A + "/me/notifications/{notification_id:id}/read"): (
        c(
            OWN_NOTIFICATION,
            req(A + "/me/notifications/{fresh_notification}/read", own_notification),
        ),
        c(
            SOMEONE_ELSES_NOTIFICATION,
            req(A + "/me/notifications/{fresh_notification}/read", classmates_notification),
            "another user's",
        ),
    ),
    # session
    ("POST", A + "/session"): (c(PUBLIC, req(A + "/session", body=_login)),),
    ("GET", A + "/session"): (c(SIGNED_IN_RULE, req(A + "/session")),),
    ("DELETE", A + "/session"): (c(SIGNED_IN_RULE, _own_session),),
    ("GET", A + "/me"): (c(SIGNED_IN_RULE, req(A + "/me")),),
    ("GET", A + "/calendar"): (c(SIGNED_IN_RULE, req(A + "/calendar")),),
    ("GET", A + "/calendar/feed"): (c(NOT_PUPIL, req(A + "/calendar/feed")),),
    ("POST", A + "/calendar/feed"): (c(NOT_PUPIL, req(A + "/calendar/feed")),),
    ("DELETE", A + "/calendar/feed"): (
        c(NOT_PUPIL, req(A + "/calendar/feed", calendar_feed_of_actor), "an existing feed"),
    ),
    ("GET", A + "/calendar/feeds/{token}.ics"): (
        c(PUBLIC, req(A + "/calendar/feeds/{feed_token}.ics", calendar_feed_token)),
    ),
    ("PATCH", A + "/me"): (c(SIGNED_IN_RULE, req(A + "/me", json={"locale": "en"})),),
    ("POST", A + "/me/password"): (
        c(SIGNED_IN_RULE, req(A + "/me/password", body=_same_password)),
    ),
    # registry
    ("GET", A + "/countries"): (c(PUBLIC, req(A + "/countries")),),
    ("PUT", A + "/countries/{code}/policy"): (
        c(ADMIN_ONLY, req(A + "/countries/PL/policy", body=_policy)),
    ),
    ("GET", A + "/schools"): (c(PUBLIC, req(A + "/schools", params={"country": "PL"})),),
    ("POST", A + "/schools"): (
        c(
            NSO_OWN_COUNTRY,
            req(
                A + "/schools",
                json={
                    "name": "Szkoła Podstawowa nr 5",
                    "country": "PL",
                    "city": "Kraków",
                    "type": "primary",
                    "ownership": "public",
                },
            ),
            "a PL school",
        ),
    ),
    ("GET", A + "/schools/{school_id:id}"): (c(PUBLIC, req(A + "/schools/{school}")),),
    ("POST", A + "/registrations"): (c(PUBLIC, req(A + "/registrations", body=_registration)),),
    ("GET", A + "/registrations"): (c(NSO_OR_ADMIN, req(A + "/registrations")),),
    ("POST", A + "/registrations/{user_id:id}/validate"): (
        c(
            NSO_OWN_COUNTRY_HIDDEN,
            req(A + "/registrations/{fresh_teacher}/validate", pending_registration, json={}),
            "a PL teacher",
        ),
    ),
    ("POST", A + "/registrations/{user_id:id}/reject"): (
        c(
            NSO_OWN_COUNTRY_HIDDEN,
            req(
                A + "/registrations/{fresh_teacher}/reject",
                pending_registration,
                json={"reason": "not a school of ours"},
            ),
            "a PL teacher",
        ),
    ),
    ("GET", A + "/teachers"): (c(NOT_PUPIL, req(A + "/teachers")),),
    ("GET", A + "/teachers/{user_id:id}"): (
        c(NOT_PUPIL, req(A + "/teachers/{teacher_id}"), "a validated teacher"),
        c(PENDING_PROFILE, req(A + "/teachers/{pending_teacher_id}"), "a pending registration"),
    ),
    ("GET", A + "/classes"): (c(SIGNED_IN_RULE, req(A + "/classes")),),
    ("POST", A + "/classes"): (c(VALIDATED_TEACHER, req(A + "/classes", body=_class)),),
    ("GET", A + "/classes/{class_id:id}/pupils"): (
        c(OWN_SCHOOL_TEACHER, req(A + "/classes/{school_class}/pupils")),
        c(OWN_SCHOOL_TEACHER, req(A + "/classes/{colleague_class}/pupils"), "a colleague's class"),
    ),
    ("POST", A + "/classes/{class_id:id}/pupils"): (
        c(
            CLASS_TEACHER,
            req(A + "/classes/{school_class}/pupils", json={"names": ["Ada Nowak"]}),
        ),
        c(
            COLLEAGUES_CLASS,
            req(A + "/classes/{colleague_class}/pupils", json={"names": ["Ada Nowak"]}),
            "a colleague's class",
        ),
    ),
    ("GET", A + "/classes/{class_id:id}/teachers"): (
        c(OWN_SCHOOL_TEACHER, req(A + "/classes/{school_class}/teachers")),
    ),
    ("GET", A + "/classes/{class_id:id}/colleagues"): (
        c(CLASS_TEACHER, req(A + "/classes/{school_class}/colleagues")),
        c(
            COLLEAGUES_CLASS,
            req(A + "/classes/{colleague_class}/colleagues"),
            "a colleague's class",
        ),
    ),
    ("POST", A + "/classes/{class_id:id}/teachers"): (
        c(
            CLASS_TEACHER,
            req(A + "/classes/{school_class}/teachers", fresh_colleague, body=_class_teacher),
        ),
        c(
            COLLEAGUES_CLASS,
            req(A + "/classes/{colleague_class}/teachers", fresh_colleague, body=_class_teacher),
            "a colleague's class",
        ),
    ),
    ("DELETE", A + "/classes/{class_id:id}/teachers/{user_id:id}"): (
        c(CLASS_TEACHER, req(A + "/classes/{fresh_class}/teachers/{fresh_teacher}", shared_class)),
    ),
    ("POST", A + "/pupils/{user_id:id}/password"): (
        c(CLASS_TEACHER, req(A + "/pupils/{fresh_pupil}/password", pupil_in_project)),
        c(
            COLLEAGUES_CLASS,
            req(A + "/pupils/{fresh_pupil}/password", colleagues_pupil),
            "a pupil of a colleague's class",
        ),
    ),
    # projects
    ("POST", A + "/projects"): (
        c(
            VALIDATED_TEACHER,
            req(A + "/projects", json={"title": "Our national project", "kind": "national"}),
        ),
    ),
    ("GET", A + "/projects"): (c(SIGNED_IN_RULE, req(A + "/projects")),),
    ("GET", P): (
        c(PROJECT_MEMBER, req(A + "/projects/{project}")),
        c(PROJECT_MEMBER, req(A + "/projects/{archived_project}"), "archived project"),
    ),
    ("PATCH", P): (
        c(PROJECT_ADMIN, req(A + "/projects/{project}", json={"description": "Rivers of Europe"})),
    ),
    ("POST", P + "/state"): (
        c(
            PROJECT_ADMIN,
            req(A + "/projects/{fresh_project}/state", fresh_project, json={"state": "archived"}),
        ),
    ),
    ("GET", P + "/members"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/members")),),
    ("PATCH", P + "/members/{user_id:id}"): (
        c(
            PROJECT_ADMIN,
            req(
                A + "/projects/{project}/members/{fresh_member}",
                teacher_member,
                json={"role": "teacher_admin"},
            ),
            "a teacher -> teacher admin",
        ),
        c(
            PROJECT_ADMIN_REFUSED,
            req(
                A + "/projects/{project}/members/{fresh_member}",
                pending_guest,
                json={"role": "teacher"},
            ),
            "an observer whose registration is not validated -> teacher",
        ),
    ),
    ("DELETE", P + "/members/{user_id:id}"): (
        c(PROJECT_ADMIN, req(A + "/projects/{project}/members/{fresh_member}", teacher_member)),
    ),
    ("POST", P + "/pupils"): (
        c(
            ADD_OWN_PUPILS,
            req(A + "/projects/{project}/pupils", pupil_outside_project, body=_add_pupil),
        ),
    ),
    ("POST", P + "/invitations"): (
        c(PROJECT_ADMIN, req(A + "/projects/{project}/invitations", invitee, body=_invite)),
    ),
    ("GET", P + "/invitations"): (c(PROJECT_ADMIN, req(A + "/projects/{project}/invitations")),),
    ("DELETE", P + "/invitations/{invitation_id:id}"): (
        c(
            PROJECT_ADMIN,
            req(A + "/projects/{project}/invitations/{fresh_invitation}", pending_invitation),
        ),
    ),
    ("GET", P + "/address-invitations"): (
        c(PROJECT_ADMIN, req(A + "/projects/{project}/address-invitations")),
    ),
    ("DELETE", P + "/address-invitations/{invitation_id:id}"): (
        c(
            PROJECT_ADMIN,
            req(
                A + "/projects/{project}/address-invitations/{fresh_address_invitation}",
                address_invitation,
            ),
        ),
    ),
    ("GET", A + "/invitation-links"): (
        c(PUBLIC, req(A + "/invitation-links?token={link_token}", address_invitation)),
    ),
    ("GET", A + "/mail/preferences"): (c(SIGNED_IN_RULE, req(A + "/mail/preferences")),),
    ("PUT", A + "/mail/preferences"): (
        c(NOT_PUPIL_REFUSED, req(A + "/mail/preferences", json={"kinds": {"digest": True}})),
    ),
    ("POST", A + "/mail/unsubscribe"): (
        c(PUBLIC, req(A + "/mail/unsubscribe?token={unsubscribe_token}", unsubscribe_token)),
    ),
    ("GET", A + "/invitations"): (c(SIGNED_IN_RULE, req(A + "/invitations")),),
    ("POST", A + "/invitations/{invitation_id:id}/accept"): (
        c(INVITEE, req(A + "/invitations/{fresh_invitation}/accept", invitation_for_outsider)),
    ),
    ("POST", A + "/invitations/{invitation_id:id}/decline"): (
        c(INVITEE, req(A + "/invitations/{fresh_invitation}/decline", invitation_for_outsider)),
    ),
    # pages, channels and boards as records
    ("POST", P + "/pages"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/pages", json={"title": "Our town"})),
        c(
            READ_ONLY,
            req(A + "/projects/{archived_project}/pages", json={"title": "Late"}),
            "archived project",
        ),
    ),
    ("GET", P + "/pages"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/pages")),),
    ("GET", A + "/pages/{page_id:id}"): (
        c(PROJECT_MEMBER, req(A + "/pages/{page}")),
        c(GONE, req(A + "/pages/{deleted_page}"), "deleted page"),
    ),
    ("PATCH", A + "/pages/{page_id:id}"): (
        c(PROJECT_TEACHER, req(A + "/pages/{fresh_page}", fresh_page, json={"title": "Renamed"})),
        archived("/pages/{arch_page}", json={"title": "Late"}),
    ),
    ("DELETE", A + "/pages/{page_id:id}"): (
        c(PROJECT_TEACHER, req(A + "/pages/{fresh_page}", fresh_page)),
        archived("/pages/{arch_page}"),
    ),
    ("POST", A + "/pages/{page_id:id}/restore"): (
        c(TEACHERS_SEE, req(A + "/pages/{fresh_page}/restore", fresh_deleted_page), "deleted page"),
    ),
    ("POST", A + "/pages/{page_id:id}/lock"): (
        c(PROJECT_TEACHER, req(A + "/pages/{fresh_page}/lock", fresh_page)),
        archived("/pages/{arch_page}/lock"),
    ),
    ("DELETE", A + "/pages/{page_id:id}/lock"): (
        c(PROJECT_TEACHER, req(A + "/pages/{fresh_page}/lock", fresh_locked_page)),
    ),
    ("POST", P + "/channels"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/channels", json={"name": "news"})),
        archived("/projects/{arch_project}/channels", json={"name": "late"}),
    ),
    ("GET", P + "/channels"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/channels")),),
    ("POST", P + "/boards"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/boards", json={"title": "Drawings"})),
        archived("/projects/{arch_project}/boards", json={"title": "late"}),
    ),
    ("GET", P + "/boards"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/boards")),),
    # page content
    ("GET", A + "/pages/{page_id:id}/versions"): (
        c(PROJECT_MEMBER, req(A + "/pages/{page}/versions")),
    ),
    ("POST", A + "/pages/{page_id:id}/versions"): (
        c(PROJECT_TEACHER, req(A + "/pages/{page}/versions", json={"name": "draft"})),
        archived("/pages/{arch_page}/versions", json={"name": "late"}),
    ),
    ("GET", A + "/pages/{page_id:id}/versions/{version_id:id}"): (
        c(PROJECT_MEMBER, req(A + "/pages/{page}/versions/{version}")),
    ),
    ("DELETE", A + "/pages/{page_id:id}/versions/{version_id:id}"): (
        c(
            PROJECT_TEACHER,
            req(A + "/pages/{fresh_page}/versions/{fresh_version}", fresh_page_version),
        ),
    ),
    ("POST", A + "/pages/{page_id:id}/versions/{version_id:id}/restore"): (
        c(
            PROJECT_TEACHER,
            req(A + "/pages/{fresh_page}/versions/{fresh_version}/restore", fresh_page_version),
        ),
    ),
    ("GET", A + "/pages/{page_id:id}/export"): (
        c(PROJECT_MEMBER, req(A + "/pages/{page}/export", params={"format": "text"})),
    ),
    # training
    ("GET", A + "/training/events"): (c(NOT_PUPIL, req(A + "/training/events")),),
    ("POST", A + "/training/events"): (c(NSO_OR_ADMIN, req(A + "/training/events", body=_event)),),
    ("GET", A + "/training/events/{event_id:id}"): (
        c(NOT_PUPIL, req(A + "/training/events/{event}")),
    ),
    ("PATCH", A + "/training/events/{event_id:id}"): (
        c(
            EVENT_ORGANISER,
            req(A + "/training/events/{fresh_event}", fresh_event, json={"description": "More"}),
        ),
    ),
    ("POST", A + "/training/events/{event_id:id}/enrolment"): (
        c(VALIDATED_TEACHER, req(A + "/training/events/{fresh_event}/enrolment", european_event)),
    ),
    ("DELETE", A + "/training/events/{event_id:id}/enrolment"): (
        c(OWN_ENROLMENT, req(A + "/training/events/{fresh_event}/enrolment", event_with_own_seat)),
    ),
    ("GET", A + "/training/events/{event_id:id}/participants"): (
        c(EVENT_ORGANISER, req(A + "/training/events/{event}/participants")),
    ),
    ("PUT", A + "/training/events/{event_id:id}/participants/{teacher_id:id}"): (
        c(
            EVENT_ORGANISER,
            req(
                A + "/training/events/{fresh_event}/participants/{fresh_teacher}",
                attendee,
                json={"attended": True, "completed": False},
            ),
        ),
    ),
    ("GET", A + "/me/training"): (c(NOT_PUPIL, req(A + "/me/training")),),
    ("GET", A + "/me/training.ics"): (c(NOT_PUPIL, req(A + "/me/training.ics")),),
    ("GET", A + "/certificates/{code}"): (c(PUBLIC, req(A + "/certificates/{certificate}")),),
    ("POST", A + "/certificates/{code}/revoke"): (
        c(
            EVENT_ORGANISER,
            req(
                A + "/certificates/{fresh_certificate}/revoke",
                certificate,
                json={"reason": "issued by mistake"},
            ),
        ),
    ),
    # labels
    ("POST", A + "/labels/applications"): (
        c(PROJECT_TEACHER, req(A + "/labels/applications", fresh_project, body=_application)),
    ),
    ("GET", A + "/labels/applications"): (c(NOT_PUPIL, req(A + "/labels/applications")),),
    ("GET", A + "/labels/applications/{application_id:id}"): (
        c(APPLICATION_READ, req(A + "/labels/applications/{application}")),
    ),
    ("DELETE", A + "/labels/applications/{application_id:id}"): (
        c(APPLICATION_WITHDRAW, req(A + "/labels/applications/{fresh_application}", application)),
    ),
    ("POST", A + "/labels/applications/{application_id:id}/review"): (
        c(
            APPLICATION_REVIEW,
            req(
                A + "/labels/applications/{fresh_application}/review",
                application,
                json={"decision": "award", "scores": SCORES, "nominate": True},
            ),
        ),
    ),
    ("POST", A + "/labels/editions/{year:int}/run"): (
        c(ADMIN_ONLY, req(A + "/labels/editions/{year}/run")),
    ),
    ("GET", P + "/labels"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/labels")),),
    ("GET", A + "/teachers/{user_id:id}/labels"): (
        c(NOT_PUPIL, req(A + "/teachers/{teacher_id}/labels"), "a validated teacher"),
        c(
            PENDING_PROFILE,
            req(A + "/teachers/{pending_teacher_id}/labels"),
            "a pending registration",
        ),
    ),
    ("GET", A + "/labels/competitions"): (
        c(NOT_PUPIL, req(A + "/labels/competitions", params={"level": "national"})),
    ),
    ("GET", A + "/labels/applications/{application_id:id}/work"): (
        c(APPLICATION_READ, req(A + "/labels/applications/{application}/work")),
    ),
    ("GET", A + "/labels/policies/{code}"): (c(PUBLIC, req(A + "/labels/policies/PL")),),
    ("PUT", A + "/labels/policies/{code}"): (
        c(
            ADMIN_ONLY,
            req(A + "/labels/policies/PL", json={"min_per_criterion": 6, "min_total": 35}),
        ),
    ),
    # plan and results
    ("GET", P + "/plan"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/plan")),),
    ("POST", P + "/plan"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/plan", body=_activity)),
    ),
    ("PUT", P + "/plan/{activity_id:id}"): (
        c(
            PROJECT_TEACHER,
            req(A + "/projects/{project}/plan/{fresh_activity}", fresh_activity, body=_activity),
        ),
    ),
    ("DELETE", P + "/plan/{activity_id:id}"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/plan/{fresh_activity}", fresh_activity)),
    ),
    ("GET", P + "/results"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/results")),),
    ("POST", P + "/results"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/results", body=_result)),
    ),
    ("PUT", P + "/results/{result_id:id}"): (
        c(
            PROJECT_TEACHER,
            req(A + "/projects/{project}/results/{fresh_result}", fresh_result, body=_result),
        ),
    ),
    ("DELETE", P + "/results/{result_id:id}"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/results/{fresh_result}", fresh_result)),
    ),
    # competitions
    ("POST", A + "/competitions"): (
        c(NSO_OWN_COUNTRY, req(A + "/competitions", body=_competition_body)),
    ),
    ("GET", A + "/competitions"): (c(NOT_PUPIL, req(A + "/competitions")),),
    ("GET", A + "/competitions/{competition_id:id}"): (
        c(NOT_PUPIL, req(A + "/competitions/{fresh_competition}", competition)),
    ),
    ("POST", A + "/competitions/{competition_id:id}/close"): (
        c(COMPETITION_ORGANISER, req(A + "/competitions/{fresh_competition}/close", competition)),
    ),
    ("GET", A + "/competitions/{competition_id:id}/eligible"): (
        c(NOT_PUPIL, req(A + "/competitions/{fresh_competition}/eligible", competition)),
    ),
    ("GET", A + "/competitions/{competition_id:id}/eligibility"): (
        c(NOT_PUPIL, req(A + "/competitions/{fresh_competition}/eligibility", competition)),
    ),
    ("POST", A + "/competitions/{competition_id:id}/entries"): (
        c(
            COMPETITION_ENTRANT,
            req(A + "/competitions/{fresh_competition}/entries", labelled_project, body=_entry),
        ),
    ),
    ("GET", A + "/competitions/{competition_id:id}/entries"): (
        c(NOT_PUPIL, req(A + "/competitions/{fresh_competition}/entries", closed_entry)),
    ),
    ("GET", A + "/competitions/{competition_id:id}/entries/{entry_id:id}/work"): (
        c(
            COMPETITION_JURY_OR_ORGANISER,
            req(A + "/competitions/{fresh_competition}/entries/{fresh_entry}/work", closed_entry),
        ),
    ),
    ("PUT", A + "/competitions/{competition_id:id}/entries/{entry_id:id}/score"): (
        c(
            COMPETITION_JUROR,
            req(
                A + "/competitions/{fresh_competition}/entries/{fresh_entry}/score",
                closed_entry,
                json={"score": 77},
            ),
        ),
    ),
    ("POST", A + "/competitions/{competition_id:id}/announce"): (
        c(
            COMPETITION_ORGANISER,
            req(A + "/competitions/{fresh_competition}/announce", closed_competition),
        ),
    ),
    ("GET", A + "/teachers/{user_id:id}/prizes"): (
        c(NOT_PUPIL, req(A + "/teachers/{teacher_id}/prizes"), "a validated teacher"),
        c(
            PENDING_PROFILE,
            req(A + "/teachers/{pending_teacher_id}/prizes"),
            "a pending registration",
        ),
    ),
    ("GET", P + "/prizes"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/prizes")),),
    # chat
    ("GET", A + "/channels/{channel_id:id}"): (
        c(PROJECT_MEMBER, req(A + "/channels/{channel}"), "project channel"),
        c(TEACHERS_SEE, req(A + "/channels/{staff_channel}"), "staff room"),
        c(PROJECT_MEMBER, req(A + "/channels/{class_channel}"), "the pupil's class"),
        c(OTHER_CLASS_READ, req(A + "/channels/{other_class_channel}"), "another class"),
    ),
    ("PATCH", A + "/channels/{channel_id:id}"): (
        c(
            PROJECT_TEACHER,
            req(A + "/channels/{fresh_channel}", fresh_channel, json={"name": "renamed"}),
        ),
        archived("/channels/{arch_channel}", json={"name": "late"}),
    ),
    ("POST", A + "/channels/{channel_id:id}/archive"): (
        c(PROJECT_TEACHER, req(A + "/channels/{fresh_channel}/archive", fresh_channel)),
        archived("/channels/{arch_channel}/archive"),
    ),
    ("DELETE", A + "/channels/{channel_id:id}/archive"): (
        c(PROJECT_TEACHER, req(A + "/channels/{fresh_channel}/archive", fresh_archived_channel)),
    ),
    ("POST", A + "/channels/{channel_id:id}/messages"): (
        c(PROJECT_POST, req(A + "/channels/{channel}/messages", json=TEXT), "project channel"),
        c(TEACHERS_SEE, req(A + "/channels/{staff_channel}/messages", json=TEXT), "staff room"),
        c(
            PROJECT_POST,
            req(A + "/channels/{class_channel}/messages", json=TEXT),
            "the pupil's class",
        ),
        c(
            OTHER_CLASS_POST,
            req(A + "/channels/{other_class_channel}/messages", json=TEXT),
            "another class",
        ),
        c(
            READ_ONLY,
            req(A + "/channels/{fresh_channel}/messages", fresh_archived_channel, json=TEXT),
            "archived channel",
        ),
        c(
            READ_ONLY,
            req(A + "/channels/{archived_channel}/messages", json=TEXT),
            "archived project",
        ),
    ),
    ("GET", A + "/channels/{channel_id:id}/messages"): (
        c(PROJECT_MEMBER, req(A + "/channels/{channel}/messages"), "project channel"),
        c(TEACHERS_SEE, req(A + "/channels/{staff_channel}/messages"), "staff room"),
        c(OTHER_CLASS_READ, req(A + "/channels/{other_class_channel}/messages"), "another class"),
    ),
    ("GET", A + "/messages/{message_id:id}"): (
        c(PROJECT_MEMBER, req(A + "/messages/{message}"), "published"),
        c(TEACHERS_SEE, req(A + "/messages/{staff_message}"), "in the staff room"),
        c(
            OTHER_CLASS_READ,
            req(A + "/messages/{other_class_message}"),
            "in another class's channel",
        ),
        c(TEACHERS_SEE, req(A + "/messages/{held_message}"), "a classmate's held message"),
        c(
            TEACHERS_SEE,
            req(A + "/messages/{fresh_message}", hidden_message),
            "hidden by a teacher",
        ),
    ),
    ("GET", A + "/messages/{message_id:id}/replies"): (
        c(PROJECT_MEMBER, req(A + "/messages/{message}/replies")),
        c(TEACHERS_SEE, req(A + "/messages/{staff_message}/replies"), "in the staff room"),
    ),
    ("PATCH", A + "/messages/{message_id:id}"): (
        c(
            PROJECT_POST,
            req(A + "/messages/{fresh_message}", own_message, json={"text": "edited"}),
            "own message",
        ),
        c(
            OTHERS_ITEM,
            req(A + "/messages/{fresh_message}", others_message, json={"text": "edited"}),
            "a classmate's message",
        ),
        archived("/messages/{arch_message}", json={"text": "edited"}, own="message"),
    ),
    ("DELETE", A + "/messages/{message_id:id}"): (
        c(PROJECT_POST, req(A + "/messages/{fresh_message}", own_message), "own message"),
        c(
            OTHERS_ITEM,
            req(A + "/messages/{fresh_message}", others_message),
            "a classmate's message",
        ),
        archived("/messages/{arch_message}", own="message"),
    ),
    ("POST", A + "/messages/{message_id:id}/reactions"): (
        c(
            PROJECT_POST,
            req(A + "/messages/{fresh_message}/reactions", teachers_message, json={"emoji": "👍"}),
        ),
        archived("/messages/{arch_message}/reactions", json={"emoji": "👍"}),
    ),
    ("POST", A + "/channels/{channel_id:id}/read"): (
        c(PROJECT_MEMBER, req(A + "/channels/{channel}/read", json={})),
        c(TEACHERS_SEE, req(A + "/channels/{staff_channel}/read", json={}), "staff room"),
    ),
    ("GET", P + "/unread"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/unread")),),
    ("GET", P + "/search"): (
        c(PROJECT_MEMBER, req(A + "/projects/{project}/search", params={"q": "rivers"})),
    ),
    # boards
    ("GET", A + "/boards/{board_id:id}"): (c(PROJECT_MEMBER, req(A + "/boards/{board}")),),
    ("PATCH", A + "/boards/{board_id:id}"): (
        c(
            PROJECT_TEACHER,
            req(A + "/boards/{fresh_board}", fresh_board, json={"description": "Our photos"}),
        ),
        archived("/boards/{arch_board}", json={"description": "Late"}),
    ),
    ("POST", A + "/boards/{board_id:id}/archive"): (
        c(PROJECT_TEACHER, req(A + "/boards/{fresh_board}/archive", fresh_board)),
    ),
    ("DELETE", A + "/boards/{board_id:id}/archive"): (
        c(PROJECT_TEACHER, req(A + "/boards/{fresh_board}/archive", fresh_archived_board)),
    ),
    ("POST", A + "/boards/{board_id:id}/sections"): (
        c(PROJECT_TEACHER, req(A + "/boards/{board}/sections", json={"title": "Rivers"})),
        archived("/boards/{arch_board}/sections", json={"title": "Late"}),
    ),
    ("PATCH", A + "/sections/{section_id:id}"): (
        c(
            PROJECT_TEACHER,
            req(A + "/sections/{fresh_section}", fresh_section, json={"title": "Lakes"}),
        ),
    ),
    ("POST", A + "/sections/{section_id:id}/move"): (
        c(
            PROJECT_TEACHER,
            req(A + "/sections/{fresh_section}/move", fresh_section, json={"after_id": None}),
        ),
    ),
    ("DELETE", A + "/sections/{section_id:id}"): (
        c(PROJECT_TEACHER, req(A + "/sections/{fresh_section}", fresh_section)),
    ),
    ("POST", A + "/boards/{board_id:id}/posts"): (
        c(
            PROJECT_POST,
            req(A + "/boards/{board}/posts", json={"kind": "text", "title": "Our river"}),
        ),
        c(
            READ_ONLY,
            req(
                A + "/boards/{fresh_board}/posts",
                fresh_archived_board,
                json={"kind": "text", "title": "Late"},
            ),
            "archived board",
        ),
        archived("/boards/{arch_board}/posts", json={"kind": "text", "title": "Late"}),
    ),
    ("GET", A + "/posts/{post_id:id}"): (c(PROJECT_MEMBER, req(A + "/posts/{post}")),),
    ("PATCH", A + "/posts/{post_id:id}"): (
        c(
            PROJECT_POST,
            req(A + "/posts/{fresh_post}", own_post, json={"title": "Edited"}),
            "own post",
        ),
        c(
            OTHERS_ITEM,
            req(A + "/posts/{fresh_post}", others_post, json={"title": "Edited"}),
            "a classmate's post",
        ),
        archived("/posts/{arch_post}", json={"title": "Edited"}, own="post"),
    ),
    ("DELETE", A + "/posts/{post_id:id}"): (
        c(PROJECT_POST, req(A + "/posts/{fresh_post}", own_post), "own post"),
        c(
            PROJECT_TEACHER,
            req(A + "/posts/{fresh_post}", others_post),
            "a classmate's post (teachers curate)",
        ),
        archived("/posts/{arch_post}", own="post"),
    ),
    ("POST", A + "/posts/{post_id:id}/move"): (
        c(
            PROJECT_POST,
            req(
                A + "/posts/{fresh_post}/move",
                own_post,
                json={"section_id": None, "after_id": None},
            ),
            "own post",
        ),
        c(
            PROJECT_TEACHER,
            req(
                A + "/posts/{fresh_post}/move",
                others_post,
                json={"section_id": None, "after_id": None},
            ),
            "a classmate's post (teachers curate)",
        ),
        archived(
            "/posts/{arch_post}/move", json={"section_id": None, "after_id": None}, own="post"
        ),
    ),
    ("POST", A + "/posts/{post_id:id}/reactions"): (
        c(PROJECT_POST, req(A + "/posts/{fresh_post}/reactions", own_post, json={"emoji": "⭐"})),
        archived("/posts/{arch_post}/reactions", json={"emoji": "⭐"}),
    ),
    ("GET", A + "/posts/{post_id:id}/comments"): (
        c(PROJECT_MEMBER, req(A + "/posts/{post}/comments")),
    ),
    ("POST", A + "/posts/{post_id:id}/comments"): (
        c(PROJECT_POST, req(A + "/posts/{post}/comments", json={"text": "Lovely"})),
        archived("/posts/{arch_post}/comments", json={"text": "Late"}),
    ),
    ("DELETE", A + "/comments/{comment_id:id}"): (
        c(PROJECT_POST, req(A + "/comments/{fresh_comment}", own_comment), "own comment"),
        c(
            PROJECT_TEACHER,
            req(A + "/comments/{fresh_comment}", others_comment),
            "a classmate's comment (teachers curate)",
        ),
        archived("/comments/{arch_comment}", own="comment"),
    ),
    # media
    ("POST", A + "/boards/{board_id:id}/media"): (
        c(PROJECT_POST, req(A + "/boards/{board}/media", upload=True)),
        archived("/boards/{arch_board}/media", upload=True),
    ),
    ("GET", P + "/storage"): (c(PROJECT_MEMBER, req(A + "/projects/{project}/storage")),),
    ("GET", A + "/media/{media_id:id}"): (
        c(PROJECT_MEMBER, req(A + "/media/{media}"), "shown in a post"),
        c(TEACHERS_SEE, req(A + "/media/{loose_media}"), "not in any post"),
    ),
    # moderation
    ("GET", P + "/moderation/policy"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/moderation/policy")),
    ),
    ("PUT", P + "/moderation/policy"): (
        c(
            MODERATION_POLICY,
            req(A + "/projects/{fresh_project}/moderation/policy", fresh_project, json={}),
        ),
    ),
    ("GET", P + "/classes"): (c(PROJECT_TEACHER, req(A + "/projects/{project}/classes")),),
    ("GET", A + "/channels/{channel_id:id}/moderation/policy"): (
        c(PROJECT_TEACHER, req(A + "/channels/{channel}/moderation/policy")),
    ),
    ("GET", A + "/boards/{board_id:id}/moderation/policy"): (
        c(PROJECT_TEACHER, req(A + "/boards/{board}/moderation/policy")),
    ),
    ("PUT", A + "/channels/{channel_id:id}/moderation/policy"): (
        c(
            MODERATION_POLICY,
            req(
                A + "/channels/{fresh_channel}/moderation/policy",
                fresh_channel,
                json={"mode": "auto"},
            ),
        ),
    ),
    ("DELETE", A + "/channels/{channel_id:id}/moderation/policy"): (
        c(MODERATION_POLICY, req(A + "/channels/{fresh_channel}/moderation/policy", fresh_channel)),
    ),
    ("PUT", A + "/boards/{board_id:id}/moderation/policy"): (
        c(
            MODERATION_POLICY,
            req(A + "/boards/{fresh_board}/moderation/policy", fresh_board, json={"mode": "auto"}),
        ),
    ),
    ("DELETE", A + "/boards/{board_id:id}/moderation/policy"): (
        c(MODERATION_POLICY, req(A + "/boards/{fresh_board}/moderation/policy", fresh_board)),
    ),
    ("GET", P + "/moderation/queue"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/moderation/queue")),
    ),
    **{
        ("POST", P + "/moderation/queue/{queue_id:id}/" + decision): (
            c(
                PROJECT_TEACHER,
                req(
                    A + "/projects/{project}/moderation/queue/{fresh_entry}/" + decision,
                    held_entry,
                    json=DECISION,
                ),
            ),
            c(
                PROJECT_TEACHER if decision == "hide" else PUPILS_SCHOOL_DECIDES,
                req(
                    A + "/projects/{project}/moderation/queue/{fresh_entry}/" + decision,
                    partner_held_entry,
                    json=DECISION,
                ),
                "a partner school's pupil's item",
            ),
        )
        for decision in ("approve", "reject", "hide", "dismiss")
    },
    ("POST", P + "/moderation/items/{kind}/{item_id:id}/hide"): (
        c(
            PROJECT_TEACHER,
            req(
                A + "/projects/{project}/moderation/items/message/{fresh_message}/hide",
                classmates_message,
                json=DECISION,
            ),
        ),
    ),
    ("POST", P + "/moderation/items/{kind}/{item_id:id}/restore"): (
        c(
            PROJECT_TEACHER,
            req(
                A + "/projects/{project}/moderation/items/message/{fresh_message}/restore",
                hidden_message,
                json=DECISION,
            ),
        ),
        c(
            PUPILS_SCHOOL_DECIDES,
            req(
                A + "/projects/{project}/moderation/items/message/{fresh_message}/restore",
                partner_hidden_message,
                json=DECISION,
            ),
            "a partner school's pupil's item",
        ),
    ),
    ("POST", P + "/reports"): (
        c(
            PROJECT_MEMBER,
            req(A + "/projects/{project}/reports", classmates_message, body=_report),
            "a classmate's message",
        ),
        c(
            TEACHERS_SEE,
            req(A + "/projects/{project}/reports", staff_message, body=_report),
            "a staff-room message",
        ),
    ),
    ("GET", P + "/mutes"): (c(PROJECT_TEACHER, req(A + "/projects/{project}/mutes")),),
    ("POST", P + "/mutes"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/mutes", pupil_in_project, body=_mute)),
    ),
    ("DELETE", P + "/mutes/{user_id:id}"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/mutes/{fresh_pupil}", muted_pupil)),
    ),
    ("GET", P + "/members/{user_id:id}/activity"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/members/{pupil_id}/activity")),
    ),
    ("GET", P + "/audit"): (c(PROJECT_ADMIN, req(A + "/projects/{project}/audit")),),
    ("GET", P + "/audit.csv"): (c(PROJECT_ADMIN, req(A + "/projects/{project}/audit.csv")),),
    # live sessions
    ("POST", P + "/live-sessions"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/live-sessions", body=_live_session)),
        c(
            READ_ONLY,
            req(A + "/projects/{archived_project}/live-sessions", body=_live_session),
            "archived project",
        ),
    ),
    ("GET", P + "/live-sessions"): (
        c(PROJECT_MEMBER, req(A + "/projects/{project}/live-sessions")),
    ),
    ("GET", L): (c(PROJECT_MEMBER, req(A + "/live-sessions/{live_session}")),),
    ("GET", P + "/live-sessions/classes"): (
        c(PROJECT_TEACHER, req(A + "/projects/{project}/live-sessions/classes")),
    ),
    ("POST", L + "/classes"): (
        c(
            PROJECT_TEACHER,
            req(
                A + "/live-sessions/{fresh_session}/classes",
                scheduled_session,
                body=lambda scene, actor, extra: {"class_ids": [scene.other_class.id]},
            ),
            "the teacher's other class",
        ),
    ),
    ("DELETE", L + "/classes/{class_id:id}"): (
        c(
            PROJECT_TEACHER,
            req(A + "/live-sessions/{fresh_session}/classes/{school_class}", two_class_session),
            "the teacher's own class",
        ),
    ),
    ("POST", L + "/pupils/{user_id:id}/admit"): (
        c(
            OWN_PUPIL_IN_SESSION,
            req(A + "/live-sessions/{fresh_session}/pupils/{pupil_id}/admit", live_session),
            "the teacher's pupil",
        ),
    ),
    ("POST", L + "/cancel"): (
        c(PROJECT_TEACHER, req(A + "/live-sessions/{fresh_session}/cancel", scheduled_session)),
    ),
    ("PATCH", L): (
        c(
            PROJECT_TEACHER,
            req(A + "/live-sessions/{fresh_session}", scheduled_session, json={"title": "Renamed"}),
        ),
    ),
    ("POST", L + "/open"): (
        c(PROJECT_TEACHER, req(A + "/live-sessions/{fresh_session}/open", scheduled_session)),
    ),
    ("POST", L + "/extend"): (
        c(
            PROJECT_TEACHER,
            req(
                A + "/live-sessions/{fresh_session}/extend", scheduled_session, json={"minutes": 15}
            ),
        ),
    ),
    ("POST", L + "/end"): (
        c(PROJECT_TEACHER, req(A + "/live-sessions/{fresh_session}/end", live_session)),
    ),
    ("PUT", L + "/read-only"): (
        c(PROJECT_TEACHER, req(A + "/live-sessions/{fresh_session}/read-only", live_session)),
    ),
    ("DELETE", L + "/read-only"): (
        c(PROJECT_TEACHER, req(A + "/live-sessions/{fresh_session}/read-only", paused_session)),
    ),
    ("GET", L + "/codes"): (c(PROJECT_TEACHER, req(A + "/live-sessions/{live_session}/codes")),),
    ("POST", L + "/codes/{class_id:id}/regenerate"): (
        c(
            OWN_SCHOOL_CODE,
            req(
                A + "/live-sessions/{fresh_session}/codes/{school_class}/regenerate",
                scheduled_session,
            ),
            "the pupil's class",
        ),
    ),
    ("POST", L + "/join"): (
        c(
            SESSION_PARTICIPANT,
            req(A + "/live-sessions/{fresh_session}/join", live_session_with_code, body=_join),
        ),
    ),
    ("GET", L + "/roster"): (
        c(SESSION_PARTICIPANT, req(A + "/live-sessions/{live_session}/roster")),
    ),
    ("GET", L + "/call"): (c(SESSION_PARTICIPANT, req(A + "/live-sessions/{live_session}/call")),),
    ("GET", L + "/call/ice"): (
        c(
            CALL_PARTICIPANT,
            req(A + "/live-sessions/{fresh_session}/call/ice", live_session_joined),
        ),
    ),
    ("GET", L + "/attendance"): (
        c(PROJECT_TEACHER, req(A + "/live-sessions/{live_session}/attendance")),
    ),
    ("GET", L + "/log"): (c(PROJECT_TEACHER, req(A + "/live-sessions/{live_session}/log")),),
    ("GET", A + "/pupils/{user_id:id}/export"): (
        c(CLASS_TEACHER, req(A + "/pupils/{pupil_id}/export")),
        c(
            COLLEAGUES_CLASS,
            req(A + "/pupils/{fresh_pupil}/export", colleagues_pupil),
            "a pupil of a colleague's class",
        ),
    ),
    # guardian consent (docs/consent.md)
    ("GET", A + "/pupils/{user_id:id}/consent"): (
        c(CLASS_TEACHER, req(A + "/pupils/{pupil_id}/consent")),
        c(
            COLLEAGUES_CLASS,
            req(A + "/pupils/{fresh_pupil}/consent", colleagues_pupil),
            "a pupil of a colleague's class",
        ),
    ),
    ("PUT", A + "/pupils/{user_id:id}/consent"): (
        c(
            CLASS_TEACHER,
            req(A + "/pupils/{fresh_pupil}/consent", pupil_in_project, json=_withdrawal),
        ),
        c(
            COLLEAGUES_CLASS,
            req(A + "/pupils/{fresh_pupil}/consent", colleagues_pupil, json=_withdrawal),
            "a pupil of a colleague's class",
        ),
    ),
    ("PUT", A + "/pupils/{user_id:id}/birth-date"): (
        c(CLASS_TEACHER, req(A + "/pupils/{pupil_id}/birth-date", json={"year": 2014})),
    ),
    ("GET", A + "/me/consent"): (c(SIGNED_IN_RULE, req(A + "/me/consent")),),
    ("GET", A + "/classes/{class_id:id}/consents"): (
        c(CLASS_TEACHER, req(A + "/classes/{school_class}/consents")),
        c(COLLEAGUES_CLASS, req(A + "/classes/{colleague_class}/consents"), "a colleague's class"),
    ),
    ("GET", A + "/classes/{class_id:id}/consent-letters"): (
        c(CLASS_TEACHER, req(A + "/classes/{school_class}/consent-letters")),
    ),
    ("POST", A + "/classes/{class_id:id}/sign-in-cards"): (
        c(CLASS_TEACHER, req(A + "/classes/{school_class}/sign-in-cards", json={})),
        c(
            COLLEAGUES_CLASS,
            req(A + "/classes/{colleague_class}/sign-in-cards", json={}),
            "a colleague's class",
        ),
    ),
    ("DELETE", A + "/pupils/{user_id:id}"): (
        c(
            CLASS_TEACHER,
            req(A + "/pupils/{fresh_pupil}", pupil_in_project, params={"content": "anonymise"}),
        ),
        c(
            COLLEAGUES_CLASS,
            req(A + "/pupils/{fresh_pupil}", colleagues_pupil, params={"content": "anonymise"}),
            "a pupil of a colleague's class",
        ),
    ),
}

ALL_RULES: tuple[Rule, ...] = tuple(
    {case.rule.name: case.rule for cases in TABLE.values() for case in cases}.values()
)


def route_keys(routes: Iterable[Any]) -> list[RouteKey]:
    """(method, path template) of every HTTP route and websocket of an app. HEAD rides on
    GET; the static web client (a Mount) is not an API and has no key."""
    keys: list[RouteKey] = []
    for route in routes:
        if isinstance(route, WebSocketRoute):
            keys.append(("WS", route.path))
        elif isinstance(route, Route):
            methods = set(route.methods or ())
            if "GET" in methods:
                methods.discard("HEAD")
            keys.extend((method, route.path) for method in sorted(methods))
        elif isinstance(route, Mount):
            continue
        else:
            raise AssertionError(f"unknown kind of route {route!r}: give it a key")
    return keys
