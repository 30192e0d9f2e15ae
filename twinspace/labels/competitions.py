"""Competitions and prizes for Quality Label holders (docs/etwinning-rules.md).

"The labels entitle teachers to take part in the competitions, national and European
respectively": an NSO opens a national competition for its country's National Quality Label
holders, the central admin a European one for European Quality Label holders. A competition
has categories, a deadline for entries and a jury of named accounts.

Decisions:
- An entry is a TwinSpace, entered once per competition, in one category, by a teacher-role
  member holding the competition's label for that TwinSpace (of the competition's country,
  for a national one), before the deadline.
- Jurors score each entry 0..100 after the deadline (a juror who is a member of the
  TwinSpace does not score it); the organiser may close entries early.
- The organiser announces once every juror scored every entry: per category, entries are
  ranked by their mean score (ties share a place); places up to `prizes_per_category` win.
  The prize is shown on the TwinSpace and on the profiles of its teachers holding the
  competition's label for it, as announced.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from twinspace.clock import utcnow
from twinspace.errors import Conflict, Forbidden, NotFound, Problem, RuleViolation
from twinspace.registry.service import RegistryService
from twinspace.storage import Storage
from twinspace.storage.competitions import (
    CompetitionRecord,
    EntryRecord,
    PrizeRecord,
    ScoreRecord,
)
from twinspace.storage.labels import LabelLevel, LabelRecord
from twinspace.storage.plan import PlanActivityRecord, ResultRecord, WorkSummary
from twinspace.storage.records import UserRecord
from twinspace.types import UserKind
from twinspace.workspace.access import AccessRules, may_organise_for

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
CountryCode = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{2}$")]


class NewCompetition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: LabelLevel
    country: CountryCode | None = Field(
        None, description="national competitions: the country (the NSO's own); European: null"
    )
    title: Title
    description: str = Field("", max_length=5000)
    categories: list[Category] = Field(min_length=1, max_length=20)
    entries_close_at: AwareDatetime
    prizes_per_category: int = Field(1, ge=1, le=10)
    jury_ids: list[Annotated[int, Field(ge=1)]] = Field(min_length=1, max_length=30)


class NewEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: int = Field(ge=1)
    category_id: int = Field(ge=1)
    statement: str = Field("", max_length=5000)


class JurorScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=0, le=100)
    comment: str = Field("", max_length=2000)


@dataclass(frozen=True, slots=True)
class Eligibility:
    """One TwinSpace a teacher may enter, through the label they hold for it."""

    label: LabelRecord
    entry_id: int | None  # already entered (by anyone)


@dataclass(frozen=True, slots=True)
class EntryWork:
    entry: EntryRecord
    work: WorkSummary
    plan: list[PlanActivityRecord]
    results: list[ResultRecord]


@dataclass(frozen=True, slots=True)
class EntryView:
    entry: EntryRecord
    scores: list[ScoreRecord]  # only for the organiser, the jury and the admin


class CompetitionService:
    def __init__(self, storage: Storage, access: AccessRules, registry: RegistryService) -> None:
        self._storage = storage
        self._access = access
        self._registry = registry

    # -- roles ------------------------------------------------------------------------------

    def _no_pupils(self, viewer: UserRecord) -> None:
        if viewer.kind is UserKind.PUPIL:
            raise Forbidden(
                "competitions are for teachers, NSOs and the central admin",
                problem=Problem.COMPETITIONS_AUDIENCE,
            )

    def _organises(self, user: UserRecord, competition: CompetitionRecord) -> bool:
        return may_organise_for(user, competition.country)

    def _require_organiser(self, user: UserRecord, competition: CompetitionRecord) -> None:
        if not self._organises(user, competition):
            raise Forbidden(
                "only the competition's organiser (or the central admin) does this",
                problem=Problem.ORGANISER_ONLY,
            )

    def _is_juror(self, user: UserRecord, competition: CompetitionRecord) -> bool:
        return user.id in competition.jury_ids

    async def _check_juror(self, user_id: int) -> None:
        juror = await self._storage.users.get(user_id)
        if juror is None or juror.disabled or juror.kind is UserKind.PUPIL:
            raise RuleViolation(
                f"user {user_id} cannot sit on a jury",
                problem=Problem.JUROR_NOT_ELIGIBLE,
                user_id=user_id,
                rule="juror",
            )
        if juror.kind is UserKind.TEACHER and not await self._registry.is_validated_teacher(juror):
            raise RuleViolation(
                f"user {user_id} is not a validated teacher",
                problem=Problem.TEACHER_NOT_VALIDATED,
                user_id=user_id,
                rule="juror",
            )

    # -- organising -------------------------------------------------------------------------

    async def create(self, actor: UserRecord, form: NewCompetition) -> CompetitionRecord:
        """An NSO opens a national competition for its country; the admin a European one."""
        if actor.kind not in (UserKind.NSO, UserKind.ADMIN):
            raise Forbidden(
                "competitions are opened by NSOs and the central admin",
                problem=Problem.NSO_OR_ADMIN_ONLY,
            )
        if form.level is LabelLevel.EUROPEAN and form.country is not None:
            raise RuleViolation(
                "a European competition has no country",
                problem=Problem.COMPETITION_COUNTRY,
                rule="competition-level",
            )
        if form.level is LabelLevel.NATIONAL:
            if form.country is None and actor.kind is UserKind.NSO:
                form.country = actor.country
            if form.country is None:
                raise RuleViolation(
                    "a national competition names its country",
                    problem=Problem.COMPETITION_COUNTRY,
                    rule="country",
                )
            await self._registry.country(form.country)
        if not may_organise_for(actor, form.country):
            raise Forbidden(
                "an NSO opens national competitions for its own country; European ones are "
                "the central admin's",
                problem=Problem.NSO_OWN_COUNTRY,
                rule="nso-own-country",
            )
        now = utcnow()
        if form.entries_close_at <= now:
            raise RuleViolation(
                "the deadline for entries must be ahead",
                problem=Problem.DEADLINE_PAST,
                rule="deadline",
            )
        if len(set(form.categories)) != len(form.categories):
            raise RuleViolation(
                "categories have different names",
                problem=Problem.CATEGORY_NAMES_REPEAT,
                rule="categories",
            )
        jury = list(dict.fromkeys(form.jury_ids))
        for user_id in jury:
            await self._check_juror(user_id)
        async with self._storage.transaction() as tx:
            competition_id = await tx.competitions.create(
                level=form.level,
                country=form.country,
                title=form.title,
                description=form.description,
                prizes_per_category=form.prizes_per_category,
                entries_close_at=form.entries_close_at,
                organiser_id=actor.id,
                categories=form.categories,
                jury_ids=jury,
                now=now,
            )
        return await self.competition(actor, competition_id)

    async def competition(self, viewer: UserRecord, competition_id: int) -> CompetitionRecord:
        self._no_pupils(viewer)
        found = await self._storage.competitions.get(competition_id)
        if found is None:
            raise NotFound("no such competition")
        return found

    async def competitions(
        self,
        viewer: UserRecord,
        *,
        level: LabelLevel | None,
        country: str | None,
        limit: int,
        offset: int,
    ) -> list[CompetitionRecord]:
        self._no_pupils(viewer)
        return await self._storage.competitions.search(
            level=level, country=country.upper() if country else None, limit=limit, offset=offset
        )

    async def close_entries(self, actor: UserRecord, competition_id: int) -> CompetitionRecord:
        """Close entries now (the deadline moves to now; it never moves later)."""
        competition = await self.competition(actor, competition_id)
        self._require_organiser(actor, competition)
        if competition.announced_at is not None:
            raise Conflict("the winners are announced", problem=Problem.WINNERS_ANNOUNCED)
        await self._storage.competitions.close_entries(competition.id, utcnow())
        return await self.competition(actor, competition_id)

    # -- eligibility and entries ------------------------------------------------------------

    def _label_country(self, competition: CompetitionRecord) -> str | None:
        return competition.country if competition.level is LabelLevel.NATIONAL else None

    async def eligible_holders(
        self, viewer: UserRecord, competition_id: int, limit: int, offset: int
    ) -> list[LabelRecord]:
        """Every label holder the competition is open to (teachers see the list too)."""
        competition = await self.competition(viewer, competition_id)
        return await self._storage.labels.holders(
            competition.level, self._label_country(competition), limit, offset
        )

    async def eligibility(self, teacher: UserRecord, competition_id: int) -> list[Eligibility]:
        """The TwinSpaces the signed-in teacher may enter (or has entered) here."""
        competition = await self.competition(teacher, competition_id)
        labels = await self._storage.labels.of_teacher_level(
            teacher.id, competition.level, self._label_country(competition)
        )
        found = []
        for label in labels:
            membership = await self._storage.memberships.get(label.project_id, teacher.id)
            if membership is None:
                continue
            entry = await self._storage.competitions.entry_of_project(
                competition.id, label.project_id
            )
            found.append(Eligibility(label, entry.id if entry else None))
        return found

    async def enter(self, teacher: UserRecord, competition_id: int, form: NewEntry) -> EntryRecord:
        # The TwinSpace first: non-members learn nothing about it (404), members who are not
        # its teachers (pupils, guests) are refused (403).
        access = await self._access.project(teacher, form.project_id)
        if not access.is_teacher:
            raise Forbidden(
                "a TwinSpace is entered by one of its teachers",
                problem=Problem.PROJECT_TEACHERS_ONLY,
            )
        competition = await self.competition(teacher, competition_id)
        holds = await self._storage.labels.of_teacher_level(
            teacher.id, competition.level, self._label_country(competition)
        )
        if not any(label.project_id == access.project.id for label in holds):
            raise RuleViolation(
                f"entering needs your {competition.level.value} Quality Label for this TwinSpace"
                + (f" from {competition.country}" if competition.country else ""),
                problem=Problem.LABEL_REQUIRED,
                level=competition.level.value,
                rule="label-holder",
            )
        if utcnow() >= competition.entries_close_at or competition.announced_at is not None:
            raise RuleViolation(
                "entries are closed", problem=Problem.ENTRIES_CLOSED, rule="entries-closed"
            )
        if form.category_id not in {c.id for c in competition.categories}:
            raise RuleViolation(
                "no such category in this competition",
                problem=Problem.CATEGORY_MISSING,
                rule="category",
            )
        async with self._storage.transaction() as tx:
            if await tx.competitions.entry_of_project(competition.id, access.project.id):
                raise Conflict("this TwinSpace is already entered", problem=Problem.ALREADY_ENTERED)
            entry_id = await tx.competitions.enter(
                competition_id=competition.id,
                category_id=form.category_id,
                project_id=access.project.id,
                teacher_id=teacher.id,
                statement=form.statement,
                now=utcnow(),
            )
            entry = await tx.competitions.entry(entry_id)
        assert entry is not None
        return entry

    async def entries(self, viewer: UserRecord, competition_id: int) -> list[EntryView]:
        """Organiser, jury and admin: every entry with the scores. After the announcement
        every signed-in adult sees the ranked entries; before it a teacher sees their own."""
        competition = await self.competition(viewer, competition_id)
        entries = await self._storage.competitions.entries(competition.id)
        if self._organises(viewer, competition) or self._is_juror(viewer, competition):
            by_entry: defaultdict[int, list[ScoreRecord]] = defaultdict(list)
            for score in await self._storage.competitions.scores(competition.id):
                by_entry[score.entry_id].append(score)
            return [EntryView(e, by_entry[e.id]) for e in entries]
        if competition.announced_at is None:
            entries = [e for e in entries if e.teacher_id == viewer.id]
        return [EntryView(e, []) for e in entries]

    async def _entry(self, competition: CompetitionRecord, entry_id: int) -> EntryRecord:
        entry = await self._storage.competitions.entry(entry_id)
        if entry is None or entry.competition_id != competition.id:
            raise NotFound("no such entry")
        return entry

    async def entry_work(self, viewer: UserRecord, competition_id: int, entry_id: int) -> EntryWork:
        """The entered TwinSpace's actual work, for the jury and the organiser."""
        competition = await self.competition(viewer, competition_id)
        if not (self._organises(viewer, competition) or self._is_juror(viewer, competition)):
            raise Forbidden(
                "entries' work is for the jury and the organiser", problem=Problem.JURY_ONLY
            )
        entry = await self._entry(competition, entry_id)
        return EntryWork(
            entry,
            await self._storage.plan.work(entry.project_id),
            await self._storage.plan.activities(entry.project_id),
            await self._storage.plan.results(entry.project_id),
        )

    # -- jury and announcement ---------------------------------------------------------------

    async def score(
        self, juror: UserRecord, competition_id: int, entry_id: int, form: JurorScore
    ) -> EntryRecord:
        competition = await self.competition(juror, competition_id)
        if not self._is_juror(juror, competition):
            raise Forbidden("only the competition's jury scores entries", problem=Problem.JURY_ONLY)
        entry = await self._entry(competition, entry_id)
        if competition.announced_at is not None:
            raise Conflict("the winners are announced", problem=Problem.WINNERS_ANNOUNCED)
        if utcnow() < competition.entries_close_at:
            raise RuleViolation(
                "the jury scores once entries are closed",
                problem=Problem.ENTRIES_OPEN,
                rule="entries-open",
            )
        if await self._storage.memberships.get(entry.project_id, juror.id) is not None:
            raise RuleViolation(
                "a juror does not score a TwinSpace they belong to",
                problem=Problem.JUROR_OWN_PROJECT,
                rule="juror-conflict",
            )
        await self._storage.competitions.score(
            entry_id=entry.id,
            juror_id=juror.id,
            score=form.score,
            comment=form.comment,
            now=utcnow(),
        )
        return await self._entry(competition, entry_id)

    async def announce(self, actor: UserRecord, competition_id: int) -> list[EntryRecord]:
        """Rank every category by mean score and announce the winners (once)."""
        competition = await self.competition(actor, competition_id)
        self._require_organiser(actor, competition)
        if competition.announced_at is not None:
            raise Conflict("the winners are announced already", problem=Problem.WINNERS_ANNOUNCED)
        if utcnow() < competition.entries_close_at:
            raise RuleViolation(
                "entries are still open", problem=Problem.ENTRIES_OPEN, rule="entries-open"
            )
        entries = await self._storage.competitions.entries(competition.id)
        by_entry: defaultdict[int, dict[int, int]] = defaultdict(dict)
        for score in await self._storage.competitions.scores(competition.id):
            by_entry[score.entry_id][score.juror_id] = score.score
        missing = 0
        for entry in entries:
            for juror_id in competition.jury_ids:
                if juror_id in by_entry[entry.id]:
                    continue
                if await self._storage.memberships.get(entry.project_id, juror_id) is None:
                    missing += 1  # a juror who belongs to the TwinSpace abstains
        if missing:
            raise Conflict(
                f"{missing} score(s) are missing: every juror scores every entry first",
                problem=Problem.SCORES_MISSING,
                missing_scores=missing,
            )
        means = {e.id: fmean(by_entry[e.id].values()) if by_entry[e.id] else 0.0 for e in entries}
        now = utcnow()
        async with self._storage.transaction() as tx:
            if await tx.competitions.announce(competition.id, now) != 1:
                raise Conflict(
                    "the winners are announced already", problem=Problem.WINNERS_ANNOUNCED
                )
            for category in competition.categories:
                ranked = [e for e in entries if e.category_id == category.id]
                for entry in ranked:
                    place = 1 + sum(1 for o in ranked if means[o.id] > means[entry.id])
                    await tx.competitions.place(entry.id, place, means[entry.id])
                    if place <= competition.prizes_per_category:
                        holders = await tx.labels.holders_in_project(
                            entry.project_id, competition.level, self._label_country(competition)
                        )
                        await tx.competitions.award_prize(entry.id, holders)
        return await self._storage.competitions.entries(competition.id)

    # -- prizes on profiles and TwinSpaces ---------------------------------------------------

    async def prizes_of_teacher(self, viewer: UserRecord, teacher_id: int) -> list[PrizeRecord]:
        user, _ = await self._registry.visible_teacher(viewer, teacher_id)
        return await self._storage.competitions.prizes_of_teacher(user.id)

    async def prizes_of_project(self, viewer: UserRecord, project_id: int) -> list[PrizeRecord]:
        access = await self._access.project(viewer, project_id)
        return await self._storage.competitions.prizes_of_project(access.project.id)
