"""Competitions HTTP API: national and European competitions for Quality Label holders, their
entries, the jury's scores, the announced winners and the prizes on profiles and TwinSpaces."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from pydantic import BaseModel, Field

from twinspace.clock import utcnow
from twinspace.face.api import ApiRouter, Ctx, Paging
from twinspace.face.http.labels import LabelOut, SpaceCountOut, WorkOut
from twinspace.face.http.plan import PlanActivityOut, ResultOut, SchoolRefOut
from twinspace.labels.competitions import JurorScore, NewCompetition, NewEntry
from twinspace.storage.competitions import (
    CompetitionRecord,
    EntryRecord,
    PrizeRecord,
    ScoreRecord,
)
from twinspace.storage.labels import LabelLevel

router = ApiRouter("competitions")


class CompetitionQuery(Paging):
    level: LabelLevel | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")


class CategoryOut(BaseModel):
    id: int
    name: str


class CompetitionOut(BaseModel):
    id: int
    level: LabelLevel
    country: str | None = Field(description="national: the country; European: null")
    title: str
    description: str
    categories: list[CategoryOut]
    jury_ids: list[int]
    prizes_per_category: int
    entries_close_at: datetime
    entries_open: bool
    announced_at: datetime | None
    organiser_id: int | None

    @classmethod
    def of(cls, c: CompetitionRecord, now: datetime) -> CompetitionOut:
        return cls(
            id=c.id,
            level=c.level,
            country=c.country,
            title=c.title,
            description=c.description,
            categories=[CategoryOut(id=k.id, name=k.name) for k in c.categories],
            jury_ids=list(c.jury_ids),
            prizes_per_category=c.prizes_per_category,
            entries_close_at=c.entries_close_at,
            entries_open=now < c.entries_close_at and c.announced_at is None,
            announced_at=c.announced_at,
            organiser_id=c.organiser_id,
        )


class ScoreOut(BaseModel):
    juror_id: int
    score: int
    comment: str
    scored_at: datetime

    @classmethod
    def of(cls, s: ScoreRecord) -> ScoreOut:
        return cls(juror_id=s.juror_id, score=s.score, comment=s.comment, scored_at=s.scored_at)


class EntryOut(BaseModel):
    id: int
    competition_id: int
    category_id: int
    category_name: str
    project_id: int
    project_title: str
    teacher_id: int | None
    teacher_name: str
    statement: str
    entered_at: datetime
    scored_by: int = Field(description="how many jurors scored it")
    place: int | None = Field(description="after the announcement: its place in its category")
    mean_score: float | None
    scores: list[ScoreOut] = Field(description="the organiser, the jury and the admin only")

    @classmethod
    def of(cls, e: EntryRecord, scores: list[ScoreRecord] | None = None) -> EntryOut:
        return cls(
            id=e.id,
            competition_id=e.competition_id,
            category_id=e.category_id,
            category_name=e.category_name,
            project_id=e.project_id,
            project_title=e.project_title,
            teacher_id=e.teacher_id,
            teacher_name=e.teacher_name,
            statement=e.statement,
            entered_at=e.entered_at,
            scored_by=e.scores,
            place=e.place,
            mean_score=e.mean_score,
            scores=[ScoreOut.of(s) for s in scores or []],
        )


class EligibilityOut(BaseModel):
    label: LabelOut
    entered: bool
    entry_id: int | None


class EligibleTeacherOut(BaseModel):
    teacher_id: int
    teacher_name: str
    labels: list[LabelOut]


class EntryWorkOut(BaseModel):
    entry: EntryOut
    work: WorkOut
    plan: list[PlanActivityOut]
    results: list[ResultOut]


class PrizeOut(BaseModel):
    competition_id: int
    competition_title: str
    level: LabelLevel
    country: str | None
    category_name: str
    entry_id: int
    project_id: int
    project_title: str
    place: int
    announced_at: datetime
    teacher_ids: list[int] = Field(description="the label holders of the TwinSpace it went to")

    @classmethod
    def of(cls, p: PrizeRecord) -> PrizeOut:
        return cls(
            competition_id=p.competition_id,
            competition_title=p.competition_title,
            level=p.level,
            country=p.country,
            category_name=p.category_name,
            entry_id=p.entry_id,
            project_id=p.project_id,
            project_title=p.project_title,
            place=p.place,
            announced_at=p.announced_at,
            teacher_ids=list(p.teacher_ids),
        )


@router.post("/competitions", body=NewCompetition, response=CompetitionOut, status=201)
async def create_competition(ctx: Ctx, body: NewCompetition) -> CompetitionOut:
    """Open a competition with categories, a deadline and a jury (an NSO: national, for its
    country; the central admin: European)."""
    return CompetitionOut.of(await ctx.services.competitions.create(ctx.user, body), utcnow())


@router.get("/competitions", query=CompetitionQuery, response=list[CompetitionOut])
async def competitions(ctx: Ctx, query: CompetitionQuery) -> list[CompetitionOut]:
    """National and European competitions (teachers, NSOs, admin)."""
    found = await ctx.services.competitions.competitions(
        ctx.user, level=query.level, country=query.country, limit=query.limit, offset=query.offset
    )
    now = utcnow()
    return [CompetitionOut.of(c, now) for c in found]


@router.get("/competitions/{competition_id:id}", response=CompetitionOut)
async def competition(ctx: Ctx) -> CompetitionOut:
    """One competition."""
    found = await ctx.services.competitions.competition(ctx.user, ctx.path_id("competition_id"))
    return CompetitionOut.of(found, utcnow())


@router.post("/competitions/{competition_id:id}/close", response=CompetitionOut)
async def close_entries(ctx: Ctx) -> CompetitionOut:
    """Close entries now, before the deadline (the organiser)."""
    closed = await ctx.services.competitions.close_entries(ctx.user, ctx.path_id("competition_id"))
    return CompetitionOut.of(closed, utcnow())


@router.get(
    "/competitions/{competition_id:id}/eligible", query=Paging, response=list[EligibleTeacherOut]
)
async def eligible(ctx: Ctx, query: Paging) -> list[EligibleTeacherOut]:
    """The label holders this competition is open to, with their labels (teachers see it)."""
    labels = await ctx.services.competitions.eligible_holders(
        ctx.user, ctx.path_id("competition_id"), query.limit, query.offset
    )
    return [
        EligibleTeacherOut(
            teacher_id=teacher_id,
            teacher_name=group[0].teacher_name,
            labels=[LabelOut.of(label) for label in group],
        )
        for teacher_id, group in (
            (k, list(g)) for k, g in groupby(labels, key=lambda label: label.teacher_id)
        )
    ]


@router.get("/competitions/{competition_id:id}/eligibility", response=list[EligibilityOut])
async def my_eligibility(ctx: Ctx) -> list[EligibilityOut]:
    """The TwinSpaces you may enter here, through the labels you hold for them."""
    found = await ctx.services.competitions.eligibility(ctx.user, ctx.path_id("competition_id"))
    return [
        EligibilityOut(
            label=LabelOut.of(e.label), entered=e.entry_id is not None, entry_id=e.entry_id
        )
        for e in found
    ]


@router.post(
    "/competitions/{competition_id:id}/entries", body=NewEntry, response=EntryOut, status=201
)
async def enter(ctx: Ctx, body: NewEntry) -> EntryOut:
    """Enter a TwinSpace you hold the competition's Quality Label for, before the deadline."""
    entry = await ctx.services.competitions.enter(ctx.user, ctx.path_id("competition_id"), body)
    return EntryOut.of(entry)


@router.get("/competitions/{competition_id:id}/entries", response=list[EntryOut])
async def entries(ctx: Ctx) -> list[EntryOut]:
    """Entries: all with scores (organiser, jury, admin); ranked after the announcement
    (everyone); a teacher's own before it."""
    found = await ctx.services.competitions.entries(ctx.user, ctx.path_id("competition_id"))
    return [EntryOut.of(view.entry, view.scores) for view in found]


@router.get("/competitions/{competition_id:id}/entries/{entry_id:id}/work", response=EntryWorkOut)
async def entry_work(ctx: Ctx) -> EntryWorkOut:
    """The entered TwinSpace's actual work: pages, boards, activity counts, plan and results
    (the jury and the organiser)."""
    found = await ctx.services.competitions.entry_work(
        ctx.user, ctx.path_id("competition_id"), ctx.path_id("entry_id")
    )
    w = found.work
    return EntryWorkOut(
        entry=EntryOut.of(found.entry),
        work=WorkOut(
            pages=[SpaceCountOut.of(p) for p in w.pages],
            boards=[SpaceCountOut.of(b) for b in w.boards],
            channels=[SpaceCountOut.of(c) for c in w.channels],
            schools=[SchoolRefOut.of(s) for s in w.schools],
            members=w.members,
            messages=w.messages,
            board_posts=w.board_posts,
            comments=w.comments,
            page_versions=w.page_versions,
            media=w.media,
        ),
        plan=[PlanActivityOut.of(a) for a in found.plan],
        results=[ResultOut.of(r) for r in found.results],
    )


@router.put(
    "/competitions/{competition_id:id}/entries/{entry_id:id}/score",
    body=JurorScore,
    response=EntryOut,
)
async def score(ctx: Ctx, body: JurorScore) -> EntryOut:
    """Score an entry 0..100 once entries are closed (a juror; again to change it)."""
    entry = await ctx.services.competitions.score(
        ctx.user, ctx.path_id("competition_id"), ctx.path_id("entry_id"), body
    )
    return EntryOut.of(entry)


@router.post("/competitions/{competition_id:id}/announce", response=list[EntryOut])
async def announce(ctx: Ctx) -> list[EntryOut]:
    """Announce the winners once every juror scored every entry (the organiser); once."""
    ranked = await ctx.services.competitions.announce(ctx.user, ctx.path_id("competition_id"))
    return [EntryOut.of(e) for e in ranked]


@router.get("/teachers/{user_id:id}/prizes", response=list[PrizeOut])
async def teacher_prizes(ctx: Ctx) -> list[PrizeOut]:
    """A teacher's competition prizes, for their profile."""
    found = await ctx.services.competitions.prizes_of_teacher(ctx.user, ctx.path_id("user_id"))
    return [PrizeOut.of(p) for p in found]


@router.get("/projects/{project_id:id}/prizes", response=list[PrizeOut])
async def project_prizes(ctx: Ctx) -> list[PrizeOut]:
    """Competition prizes a TwinSpace won (members)."""
    found = await ctx.services.competitions.prizes_of_project(ctx.user, ctx.path_id("project_id"))
    return [PrizeOut.of(p) for p in found]
