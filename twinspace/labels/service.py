"""Quality Labels (docs/design.md, "Domain rules"; docs/etwinning-rules.md).

National Quality Labels reviewed by the NSO of the teacher's country, all year round, and the
European Quality Label's October editions.

Decisions:
- An application snapshots the teacher's school and country when submitted; the NSO of that
  country reviews it and the award records that school and country. It may point to the
  TwinSpace's plan activities and results; the reviewer sees the TwinSpace's actual work.
- "High level" is the country's label policy (data): an award needs every criterion at or
  above `min_per_criterion` and the sum at or above `min_total`.
- Edition Y counts every NQL awarded before 1 October of Y, 00:00 UTC (the edition date and
  cut-off); an NQL awarded on or after it goes to the next October edition. Edition Y runs on
  or after its date, never before (a missed run may happen later; re-running adds nothing).
- In each project where the NQL schools span at least two countries and at least one of the
  project's NQLs was nominated, every NQL-awarded teacher of those schools in that project
  receives the EQL of edition Y. A teacher holds at most one label of each level per project,
  so re-running any edition creates nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from twinspace.clock import utcnow
from twinspace.domain_events import DomainEventBus, LabelDecided
from twinspace.errors import Conflict, Forbidden, NotFound, Problem, RuleViolation
from twinspace.registry.service import RegistryService
from twinspace.storage import Storage
from twinspace.storage.labels import ApplicationRecord, ApplicationStatus, LabelLevel, LabelRecord
from twinspace.storage.plan import PlanActivityRecord, ResultRecord, WorkSummary
from twinspace.storage.records import UserRecord
from twinspace.types import UserKind
from twinspace.workspace.access import AccessRules

__all__ = ["ApplicationStatus", "LabelLevel"]

EDITION_MONTH = 10
FIRST_EDITION = 2005
Statement = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Score = Annotated[int, Field(ge=0, le=10)]


class Criterion(StrEnum):
    PEDAGOGICAL_INNOVATION = "pedagogical_innovation"  # pedagogical innovation and creativity
    CURRICULUM_INTEGRATION = "curriculum_integration"
    COMMUNICATION = "communication"  # communication and exchange between partner schools
    COLLABORATION = "collaboration"  # collaboration between partner schools
    USE_OF_TECHNOLOGY = "use_of_technology"


class CriterionStatements(BaseModel):
    """A short statement per NQL criterion."""

    model_config = ConfigDict(extra="forbid")

    pedagogical_innovation: Statement
    curriculum_integration: Statement
    communication: Statement
    collaboration: Statement
    use_of_technology: Statement


class CriterionScores(BaseModel):
    """The NSO's score per NQL criterion, 0 to 10."""

    model_config = ConfigDict(extra="forbid")

    pedagogical_innovation: Score
    curriculum_integration: Score
    communication: Score
    collaboration: Score
    use_of_technology: Score


class LabelPolicy(BaseModel):
    """What a country's NSO counts as the "high level" an NQL needs, in review scores."""

    model_config = ConfigDict(extra="forbid")

    min_per_criterion: int = Field(ge=0, le=10, description="every criterion at least this")
    min_total: int = Field(ge=0, le=50, description="the five scores add up to at least this")


Ids = Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=50)]


class LabelApplicationForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project_id: int = Field(ge=1)
    statements: CriterionStatements
    plan_activity_ids: Ids = Field(
        default_factory=list, description="activities of the TwinSpace's plan it points to"
    )
    result_ids: Ids = Field(
        default_factory=list, description="results of the TwinSpace it points to"
    )


@dataclass(frozen=True, slots=True)
class ApplicationWork:
    """What the reviewer sees beside the statements: the TwinSpace's actual work."""

    application: ApplicationRecord
    work: WorkSummary
    plan: list[PlanActivityRecord]
    results: list[ResultRecord]
    policy: LabelPolicy


class Decision(StrEnum):
    AWARD = "award"
    REJECT = "reject"


class LabelReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Decision
    scores: CriterionScores
    reason: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
        | None
    ) = None
    nominate: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> LabelReview:
        if self.decision is Decision.REJECT and self.reason is None:
            raise ValueError("a rejection needs a reason")
        if self.decision is Decision.REJECT and self.nominate:
            raise ValueError("only an awarded label can be nominated")
        return self


@dataclass(frozen=True, slots=True)
class EditionResult:
    year: int
    cutoff: datetime
    qualifying_projects: int
    recipients: list[LabelRecord]  # the NQLs whose holders received the EQL now


def edition_cutoff(year: int) -> datetime:
    """The October edition's date: NQLs awarded before it count for it."""
    return datetime(year, EDITION_MONTH, 1, tzinfo=UTC)


def upcoming_edition(now: datetime) -> int:
    return now.year if now < edition_cutoff(now.year) else now.year + 1


def latest_edition(now: datetime) -> int:
    """The newest edition that may run now (its October has come)."""
    return upcoming_edition(now) - 1


def shortfalls(scores: CriterionScores, policy: LabelPolicy) -> dict[str, int]:
    """Criteria scored under the policy's minimum, with their scores."""
    return {
        criterion: score
        for criterion, score in scores.model_dump().items()
        if score < policy.min_per_criterion
    }


def qualifies_for_eql(national_labels: Sequence[LabelRecord]) -> bool:
    """One project's NQLs: schools from two or more countries and at least one nomination."""
    countries = {label.country for label in national_labels}
    return len(countries) >= 2 and any(label.nominated for label in national_labels)


class LabelService:
    def __init__(
        self,
        storage: Storage,
        access: AccessRules,
        registry: RegistryService,
        events: DomainEventBus | None = None,
    ) -> None:
        self._storage = storage
        self._events = events or DomainEventBus()
        self._access = access
        self._registry = registry

    # -- National Quality Label applications ------------------------------------------------

    async def apply(self, teacher: UserRecord, form: LabelApplicationForm) -> ApplicationRecord:
        """A teacher-role member applies for the NQL for their project."""
        access = await self._access.project(teacher, form.project_id)
        if not access.is_teacher or not await self._registry.is_validated_teacher(teacher):
            raise Forbidden(
                "only the project's validated teachers apply for its label",
                problem=Problem.VALIDATED_TEACHERS_ONLY,
            )
        if teacher.school_id is None or teacher.country is None:
            raise RuleViolation("an applicant needs a school", problem=Problem.TEACHERS_ONLY)
        project_id = access.project.id
        evidence = await self._evidence(project_id, form)
        async with self._storage.transaction() as tx:
            if await tx.labels.holds(LabelLevel.NATIONAL, teacher.id, project_id):
                raise Conflict(
                    "you already hold the National Quality Label for this project",
                    problem=Problem.LABEL_HELD,
                )
            if await tx.labels.open_application(project_id, teacher.id) is not None:
                raise Conflict(
                    "your application for this project is still open",
                    problem=Problem.LABEL_APPLICATION_OPEN,
                )
            application_id = await tx.labels.create_application(
                project_id=project_id,
                teacher_id=teacher.id,
                school_id=teacher.school_id,
                country=teacher.country,
                statements=form.statements.model_dump(),
                now=utcnow(),
                evidence=evidence,
            )
            application = await tx.labels.application(application_id)
        assert application is not None
        return application

    async def _evidence(self, project_id: int, form: LabelApplicationForm) -> dict[str, list[int]]:
        """The plan activities and results the application points to, all of its project."""
        plan = {a.id for a in await self._storage.plan.activities(project_id)}
        results = {r.id for r in await self._storage.plan.results(project_id)}
        strangers = sorted(set(form.plan_activity_ids) - plan) + sorted(
            set(form.result_ids) - results
        )
        if strangers:
            raise RuleViolation(
                "an application points to its own TwinSpace's plan and results",
                problem=Problem.EVIDENCE_OF_PROJECT,
                rule="evidence-of-project",
                ids=strangers,
            )
        return {
            "plan_activity_ids": list(dict.fromkeys(form.plan_activity_ids)),
            "result_ids": list(dict.fromkeys(form.result_ids)),
        }

    # -- label policies (per country) ------------------------------------------------------

    async def policy(self, country: str) -> LabelPolicy:
        stored = await self._storage.labels.policy(country)
        if stored is None:
            raise NotFound(f"{country!r} is not a participating country")
        return LabelPolicy.model_validate_json(stored)

    async def set_policy(self, actor: UserRecord, country: str, policy: LabelPolicy) -> LabelPolicy:
        if actor.kind is not UserKind.ADMIN:
            raise Forbidden(
                "only the central admin changes label policies", problem=Problem.CENTRAL_ADMIN_ONLY
            )
        code = (await self._registry.country(country)).code
        await self._storage.labels.set_policy(code, policy.model_dump_json(), utcnow())
        return await self.policy(code)

    async def work(self, viewer: UserRecord, application_id: int) -> ApplicationWork:
        """The TwinSpace's pages, boards, activity counts, plan and results, for whoever may
        read the application (the reviewing NSO above all)."""
        application = await self.application(viewer, application_id)
        project_id = application.project_id
        return ApplicationWork(
            application=application,
            work=await self._storage.plan.work(project_id),
            plan=await self._storage.plan.activities(project_id),
            results=await self._storage.plan.results(project_id),
            policy=await self.policy(application.country),
        )

    def _is_reviewer(self, user: UserRecord, application: ApplicationRecord) -> bool:
        return user.kind is UserKind.NSO and user.country == application.country

    async def application(self, viewer: UserRecord, application_id: int) -> ApplicationRecord:
        """The applicant, the NSO of its country and the admin see an application; to anyone
        else, another country's NSO included, it does not exist (ids do not leak)."""
        application = await self._storage.labels.application(application_id)
        if application is None:
            raise NotFound("no such application")
        if (
            application.teacher_id == viewer.id
            or viewer.kind is UserKind.ADMIN
            or self._is_reviewer(viewer, application)
        ):
            return application
        raise NotFound("no such application")

    async def applications(
        self, viewer: UserRecord, status: ApplicationStatus | None, limit: int, offset: int
    ) -> list[ApplicationRecord]:
        """Teachers see their own; an NSO its country's; the admin all."""
        if viewer.kind is UserKind.PUPIL:
            raise Forbidden("pupils do not apply for labels", problem=Problem.NOT_FOR_PUPILS)
        return await self._storage.labels.applications(
            teacher_id=viewer.id if viewer.kind is UserKind.TEACHER else None,
            country=viewer.country if viewer.kind is UserKind.NSO else None,
            status=status,
            limit=limit,
            offset=offset,
        )

    async def withdraw(self, teacher: UserRecord, application_id: int) -> None:
        application = await self.application(teacher, application_id)
        if application.teacher_id != teacher.id:
            raise Forbidden(
                "only the applicant withdraws an application", problem=Problem.APPLICANT_ONLY
            )
        if await self._storage.labels.withdraw(application.id, utcnow()) != 1:
            raise Conflict(
                f"the application is {application.status.value}",
                problem=Problem.APPLICATION_NOT_OPEN,
                state=application.status.value,
            )

    async def review(
        self, reviewer: UserRecord, application_id: int, review: LabelReview
    ) -> ApplicationRecord:
        """Only the NSO of the applicant's country scores, awards or rejects, and nominates."""
        application = await self.application(reviewer, application_id)
        if not self._is_reviewer(reviewer, application):
            raise Forbidden(
                "applications are reviewed by the NSO of the teacher's country",
                problem=Problem.NSO_OWN_COUNTRY,
            )
        award = review.decision is Decision.AWARD
        if award:
            policy = await self.policy(application.country)
            low = shortfalls(review.scores, policy)
            total = sum(review.scores.model_dump().values())
            if low or total < policy.min_total:
                raise RuleViolation(
                    "the scores do not reach the high level the National Quality Label needs "
                    f"in {application.country}: each criterion at least "
                    f"{policy.min_per_criterion}, {policy.min_total} in total",
                    problem=Problem.SCORES_BELOW_THRESHOLD,
                    rule="nql-threshold",
                    below_minimum=low,
                    total=total,
                    min_per_criterion=policy.min_per_criterion,
                    min_total=policy.min_total,
                )
        now = utcnow()
        async with self._storage.transaction() as tx:
            decided = await tx.labels.decide(
                application.id,
                status=ApplicationStatus.AWARDED if award else ApplicationStatus.REJECTED,
                scores=review.scores.model_dump(),
                reason=review.reason,
                nominated=review.nominate,
                reviewer_id=reviewer.id,
                now=now,
            )
            if decided != 1:
                raise Conflict(
                    f"the application is {application.status.value}",
                    problem=Problem.APPLICATION_NOT_OPEN,
                    state=application.status.value,
                )
            if award:
                await tx.labels.award(
                    level=LabelLevel.NATIONAL,
                    teacher_id=application.teacher_id,
                    project_id=application.project_id,
                    school_id=application.school_id,
                    country=application.country,
                    application_id=application.id,
                    nominated=review.nominate,
                    edition=None,
                    now=now,
                )
            reviewed = await tx.labels.application(application.id)
        assert reviewed is not None
        await self._events.publish(
            LabelDecided(
                application_id=reviewed.id,
                project_id=reviewed.project_id,
                teacher_id=reviewed.teacher_id,
                awarded=award,
            )
        )
        return reviewed

    # -- European Quality Label editions --------------------------------------------------

    async def run_edition(self, actor: UserRecord, year: int) -> EditionResult:
        """Award edition `year`'s EQLs; idempotent (see the module docstring for the rule)."""
        if actor.kind is not UserKind.ADMIN:
            raise Forbidden(
                "European Quality Label editions are run by the central admin",
                problem=Problem.CENTRAL_ADMIN_ONLY,
            )
        now = utcnow()
        if year < FIRST_EDITION:
            raise RuleViolation(
                f"editions start in {FIRST_EDITION}",
                problem=Problem.EDITION_YEAR,
                first_year=FIRST_EDITION,
                rule="edition-year",
            )
        cutoff = edition_cutoff(year)
        if now < cutoff:
            raise RuleViolation(
                f"the {year} edition runs in October {year} (from {cutoff.date().isoformat()}), "
                "not before",
                problem=Problem.EDITION_NOT_OPEN,
                rule="edition-not-open",
                opens_at=cutoff.isoformat(),
            )
        created: list[LabelRecord] = []
        qualifying = 0
        async with self._storage.transaction() as tx:
            by_project: defaultdict[int, list[LabelRecord]] = defaultdict(list)
            for label in await tx.labels.national_awarded_before(cutoff):
                by_project[label.project_id].append(label)
            for project_id, national in by_project.items():
                if not qualifies_for_eql(national):
                    continue
                qualifying += 1
                for label in national:
                    if await tx.labels.holds(LabelLevel.EUROPEAN, label.teacher_id, project_id):
                        continue
                    await tx.labels.award(
                        level=LabelLevel.EUROPEAN,
                        teacher_id=label.teacher_id,
                        project_id=project_id,
                        school_id=label.school_id,
                        country=label.country,
                        application_id=None,
                        nominated=False,
                        edition=year,
                        now=now,
                    )
                    created.append(label)
        return EditionResult(year, cutoff, qualifying, created)

    # -- showing labels -------------------------------------------------------------------

    async def of_project(self, viewer: UserRecord, project_id: int) -> list[LabelRecord]:
        access = await self._access.project(viewer, project_id)
        return await self._storage.labels.of_project(access.project.id)

    async def of_teacher(self, viewer: UserRecord, teacher_id: int) -> list[LabelRecord]:
        user, _ = await self._registry.visible_teacher(viewer, teacher_id)
        return await self._storage.labels.of_teacher(user.id)

    async def competition_entrants(
        self, viewer: UserRecord, level: LabelLevel, country: str | None, limit: int, offset: int
    ) -> list[LabelRecord]:
        """Teachers eligible for the national (NQL holders) or European (EQL holders)
        competitions; an NSO lists its own country; a teacher the national list of their
        own country and the European list."""
        if viewer.kind is UserKind.NSO or (
            viewer.kind is UserKind.TEACHER and level is LabelLevel.NATIONAL
        ):
            if country is not None and country.upper() != viewer.country:
                raise Forbidden(
                    "national competitions list the teachers of your own country",
                    problem=Problem.NSO_OWN_COUNTRY,
                )
            country = viewer.country
        elif viewer.kind is UserKind.PUPIL:
            raise Forbidden(
                "competition lists are for teachers, NSOs and the central admin",
                problem=Problem.COMPETITIONS_AUDIENCE,
            )
        return await self._storage.labels.holders(
            level, country.upper() if country else None, limit, offset
        )
