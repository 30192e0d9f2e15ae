"""Guardian consent: recorded by a pupil's teachers, enforced on every pupil write
(docs/consent.md).

The service is a `SpaceRestrictions` provider of the access rules: a pupil below their school
country's age of digital consent whose consent is not given is refused every write (chat,
board posts, comments, uploads) with the problem code `consent-required`, and their page
sockets are read-only. A change publishes `PupilConsentChanged`, so open page sockets gain or
lose the right to write at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from twinspace.clock import utcnow
from twinspace.consent.ages import consent_age, youngest_age
from twinspace.consent.prints import ClassPrints
from twinspace.consent.states import check_transition
from twinspace.domain_events import DomainEventBus, PupilConsentChanged
from twinspace.errors import Problem, RuleViolation
from twinspace.moderation.privacy import PrivacyService
from twinspace.realtime.project_events import ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.consent import BirthDate, ConsentRecord
from twinspace.storage.records import UserRecord
from twinspace.types import ConsentMethod, ConsentState, UserKind
from twinspace.workspace.access import AccessRules, WriteBlock

CONSENT_REQUIRED = "consent-required"
OLDEST_PUPIL = 25  # a birth year further back than this is a typing mistake


# The furthest timezone ahead of UTC (UTC+14): a teacher's browser sends the local date, so in
# Warsaw at 00:30 "today" is already tomorrow in UTC.
_AHEAD_OF_UTC = timedelta(hours=14)


def latest_decision_date(now: datetime) -> date:
    """The latest date a guardian's decision may carry at `now`: today somewhere on Earth."""
    return (now + _AHEAD_OF_UTC).date()


@dataclass(frozen=True, slots=True)
class ConsentChange:
    """A teacher records a guardian's decision."""

    state: ConsentState
    decided_on: date
    method: ConsentMethod
    note: str = ""


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    """Where one pupil stands: the current record (None: pending, nothing recorded), their
    recorded birth date and age, the age of digital consent of their school's country."""

    pupil: UserRecord
    record: ConsentRecord | None
    birth: BirthDate
    age: int | None
    consent_age: int
    country: str

    @property
    def state(self) -> ConsentState:
        return self.record.state if self.record else ConsentState.PENDING

    @property
    def required(self) -> bool:
        """Below the age of digital consent, or of unknown age (counted as below it)."""
        return self.age is None or self.age < self.consent_age

    @property
    def may_post(self) -> bool:
        return not self.required or self.state is ConsentState.GIVEN


def check_birth_date(year: int | None, month: int | None, today: date) -> None:
    if year is None:
        if month is not None:
            raise RuleViolation(
                "give the birth year with the month", problem=Problem.BIRTH_MONTH, rule="birth-date"
            )
        return
    if not today.year - OLDEST_PUPIL <= year <= today.year:
        raise RuleViolation(
            f"a pupil's birth year lies between {today.year - OLDEST_PUPIL} and {today.year}",
            problem=Problem.BIRTH_YEAR_RANGE,
            from_year=today.year - OLDEST_PUPIL,
            to_year=today.year,
            rule="birth-date",
        )
    if month is not None and not (1 <= month <= 12 and date(year, month, 1) <= today):
        raise RuleViolation(
            "the birth month is not a past month", problem=Problem.BIRTH_MONTH, rule="birth-date"
        )


class ConsentService:
    def __init__(
        self,
        storage: Storage,
        access: AccessRules,
        events: DomainEventBus,
        privacy: PrivacyService,
        project_events: ProjectEventHub,
    ) -> None:
        self._storage = storage
        self._access = access
        self._events = events
        self._project_events = project_events
        self.prints = ClassPrints(storage, access, privacy)
        access.add_restrictions(self)

    # -- reading ------------------------------------------------------------------------

    async def _country(self, pupil: UserRecord) -> str:
        if pupil.school_id is not None:
            school = await self._storage.schools.get(pupil.school_id)
            if school is not None:
                return school.country
        return pupil.country or ""

    def _status(
        self,
        pupil: UserRecord,
        record: ConsentRecord | None,
        birth: BirthDate,
        country: str,
        today: date,
    ) -> ConsentStatus:
        return ConsentStatus(
            pupil=pupil,
            record=record,
            birth=birth,
            age=youngest_age(birth.year, birth.month, today),
            consent_age=consent_age(country).age,
            country=country,
        )

    async def status(self, pupil: UserRecord) -> ConsentStatus:
        birth = await self._storage.consent.birth_date(pupil.id) or BirthDate(None, None)
        record = await self._storage.consent.current(pupil.id)
        return self._status(pupil, record, birth, await self._country(pupil), utcnow().date())

    async def statuses(self, pupils: list[UserRecord]) -> dict[int, ConsentStatus]:
        """The status of many pupils (one class) at once."""
        ids = [p.id for p in pupils]
        records = await self._storage.consent.of_pupils(ids)
        births = await self._storage.consent.birth_dates(ids)
        today = utcnow().date()
        countries: dict[int | None, str] = {}
        found = {}
        for pupil in pupils:
            if pupil.school_id not in countries:
                countries[pupil.school_id] = await self._country(pupil)
            found[pupil.id] = self._status(
                pupil,
                records.get(pupil.id),
                births.get(pupil.id, BirthDate(None, None)),
                countries[pupil.school_id],
                today,
            )
        return found

    async def of_pupil(
        self, teacher: UserRecord, pupil_id: int
    ) -> tuple[ConsentStatus, list[ConsentRecord]]:
        """A pupil's consent and its history, for the teachers of the pupil's class."""
        pupil = await self._access.responsible_for_pupil(teacher, pupil_id)
        return await self.status(pupil), await self._storage.consent.history(pupil.id)

    async def names(self, records: list[ConsentRecord]) -> dict[int, str]:
        """Display names of the teachers who recorded `records`."""
        ids = {r.recorded_by for r in records if r.recorded_by is not None}
        found = {}
        for user_id in ids:
            user = await self._storage.users.get(user_id)
            if user is not None:
                found[user_id] = user.display_name
        return found

    # -- changing -----------------------------------------------------------------------

    async def record(self, teacher: UserRecord, pupil_id: int, change: ConsentChange) -> None:
        """Record a guardian's decision (the pupil's class teachers only); raises
        InvalidConsentTransition for an impossible change, RuleViolation for a future date
        or an 'other' method without a note."""
        pupil = await self._access.responsible_for_pupil(teacher, pupil_id)
        now = utcnow()
        if change.decided_on > latest_decision_date(now):
            raise RuleViolation(
                "the date of the decision lies in the future",
                problem=Problem.DECISION_DATE_FUTURE,
                rule="consent-date",
            )
        note = change.note.strip()
        if change.method is ConsentMethod.OTHER and not note:
            raise RuleViolation(
                "say in the note how the decision reached you",
                problem=Problem.CONSENT_NOTE_REQUIRED,
                rule="consent-note",
            )
        async with self._storage.transaction() as tx:
            await tx.consent.lock_pupil(pupil.id)
            current = await tx.consent.current(pupil.id)
            check_transition(current.state if current else ConsentState.PENDING, change.state)
            await tx.consent.record(
                ConsentRecord(
                    pupil_id=pupil.id,
                    state=change.state,
                    decided_on=change.decided_on,
                    method=change.method,
                    note=note,
                    recorded_by=teacher.id,
                    recorded_at=now,
                )
            )
            await tx.audit.record(
                project_id=None,
                now=now,
                actor=teacher,
                action=f"consent_{change.state.value}",
                subject_user_id=pupil.id,
                details={
                    "method": change.method.value,
                    "decided_on": change.decided_on.isoformat(),
                },
            )
        await self._changed(pupil)

    async def set_birth_date(
        self, teacher: UserRecord, pupil_id: int, year: int | None, month: int | None
    ) -> None:
        pupil = await self._access.responsible_for_pupil(teacher, pupil_id)
        check_birth_date(year, month, utcnow().date())
        await self._storage.consent.set_birth_date(pupil.id, year, month)
        await self._changed(pupil)

    async def _changed(self, pupil: UserRecord) -> None:
        """Open page sockets recompute the pupil's right to write (domain event); the pupil's
        project sockets get `access.changed`, so their client asks `/me/consent` again."""
        await self._events.publish(PupilConsentChanged(pupil.id))
        for project, _role in await self._storage.projects.of_user(pupil.id):
            self._project_events.refresh(project.id, pupil.id)

    # -- enforcement (a SpaceRestrictions provider) ------------------------------------

    async def pupil_block(
        self, project_id: int, space: str, space_id: int, user_id: int
    ) -> WriteBlock | None:
        user = await self._storage.users.get(user_id)
        if user is None or user.kind is not UserKind.PUPIL:
            return None
        status = await self.status(user)
        if status.may_post:
            return None
        return WriteBlock(
            CONSENT_REQUIRED,
            "your teacher has not yet recorded your parent's or guardian's consent, so for now "
            "you can read everything but not write",
        )
