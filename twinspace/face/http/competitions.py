"""Competitions HTTP API: national and European competitions for Quality Label holders, their
entries, the jury's scores, the announced winners and the prizes on profiles and TwinSpaces."""

from __future__ import annotations

from itertools import groupby

from pydantic import Field

from twinspace.clock import utcnow
from twinspace.face.api import ApiRouter, Ctx, Paging
from twinspace.labels.competitions import JurorScore, NewCompetition, NewEntry
from twinspace.labels.views import (
    CompetitionView,
    EligibilityView,
    EligibleTeacherView,
    EntryView,
    EntryWorkView,
    LabelView,
    PrizeView,
    WorkView,
)
from twinspace.storage.labels import LabelLevel
from twinspace.workspace.views import PlanActivityView, ResultView

router = ApiRouter("competitions")


class CompetitionQuery(Paging):
    level: LabelLevel | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")


@router.post("/competitions", body=NewCompetition, response=CompetitionView, status=201)
async def create_competition(ctx: Ctx, body: NewCompetition) -> CompetitionView:
    """Open a competition with categories, a deadline and a jury (an NSO: national, for its
    country; the central admin: European)."""
    return CompetitionView.of(await ctx.services.competitions.create(ctx.user, body), utcnow())


@router.get("/competitions", query=CompetitionQuery, response=list[CompetitionView])
async def competitions(ctx: Ctx, query: CompetitionQuery) -> list[CompetitionView]:
    """National and European competitions (teachers, NSOs, admin)."""
    found = await ctx.services.competitions.competitions(
        ctx.user, level=query.level, country=query.country, limit=query.limit, offset=query.offset
    )
    now = utcnow()
    return [CompetitionView.of(c, now) for c in found]


@router.get("/competitions/{competition_id:id}", response=CompetitionView)
async def competition(ctx: Ctx) -> CompetitionView:
    """One competition."""
    found = await ctx.services.competitions.competition(ctx.user, ctx.path_id("competition_id"))
    return CompetitionView.of(found, utcnow())


@router.post("/competitions/{competition_id:id}/close", response=CompetitionView)
async def close_entries(ctx: Ctx) -> CompetitionView:
    """Close entries now, before the deadline (the organiser)."""
    closed = await ctx.services.competitions.close_entries(ctx.user, ctx.path_id("competition_id"))
    return CompetitionView.of(closed, utcnow())


@router.get(
    "/competitions/{competition_id:id}/eligible", query=Paging, response=list[EligibleTeacherView]
)
async def eligible(ctx: Ctx, query: Paging) -> list[EligibleTeacherView]:
    """The label holders this competition is open to, with their labels (teachers see it)."""
    labels = await ctx.services.competitions.eligible_holders(
        ctx.user, ctx.path_id("competition_id"), query.limit, query.offset
    )
    return [
        EligibleTeacherView(
            teacher_id=teacher_id,
            teacher_name=group[0].teacher_name,
            labels=[LabelView.of(label) for label in group],
        )
        for teacher_id, group in (
            (k, list(g)) for k, g in groupby(labels, key=lambda label: label.teacher_id)
        )
    ]


@router.get("/competitions/{competition_id:id}/eligibility", response=list[EligibilityView])
async def my_eligibility(ctx: Ctx) -> list[EligibilityView]:
    """The TwinSpaces you may enter here, through the labels you hold for them."""
    found = await ctx.services.competitions.eligibility(ctx.user, ctx.path_id("competition_id"))
    return [
        EligibilityView(
            label=LabelView.of(e.label), entered=e.entry_id is not None, entry_id=e.entry_id
        )
        for e in found
    ]


@router.post(
    "/competitions/{competition_id:id}/entries", body=NewEntry, response=EntryView, status=201
)
async def enter(ctx: Ctx, body: NewEntry) -> EntryView:
    """Enter a TwinSpace you hold the competition's Quality Label for, before the deadline."""
    entry = await ctx.services.competitions.enter(ctx.user, ctx.path_id("competition_id"), body)
    return EntryView.of(entry)


@router.get("/competitions/{competition_id:id}/entries", response=list[EntryView])
async def entries(ctx: Ctx) -> list[EntryView]:
    """Entries: all with scores (organiser, jury, admin); ranked after the announcement
    (everyone); a teacher's own before it."""
    found = await ctx.services.competitions.entries(ctx.user, ctx.path_id("competition_id"))
    return [EntryView.of(view.entry, view.scores) for view in found]


@router.get("/competitions/{competition_id:id}/entries/{entry_id:id}/work", response=EntryWorkView)
async def entry_work(ctx: Ctx) -> EntryWorkView:
    """The entered TwinSpace's actual work: pages, boards, activity counts, plan and results
    (the jury and the organiser)."""
    found = await ctx.services.competitions.entry_work(
        ctx.user, ctx.path_id("competition_id"), ctx.path_id("entry_id")
    )
    w = found.work
    return EntryWorkView(
        entry=EntryView.of(found.entry),
        work=WorkView.of(w),
        plan=[PlanActivityView.of(a) for a in found.plan],
        results=[ResultView.of(r) for r in found.results],
    )


@router.put(
    "/competitions/{competition_id:id}/entries/{entry_id:id}/score",
    body=JurorScore,
    response=EntryView,
)
async def score(ctx: Ctx, body: JurorScore) -> EntryView:
    """Score an entry 0..100 once entries are closed (a juror; again to change it)."""
    entry = await ctx.services.competitions.score(
        ctx.user, ctx.path_id("competition_id"), ctx.path_id("entry_id"), body
    )
    return EntryView.of(entry)


@router.post("/competitions/{competition_id:id}/announce", response=list[EntryView])
async def announce(ctx: Ctx) -> list[EntryView]:
    """Announce the winners once every juror scored every entry (the organiser); once."""
    ranked = await ctx.services.competitions.announce(ctx.user, ctx.path_id("competition_id"))
    return [EntryView.of(e) for e in ranked]


@router.get("/teachers/{user_id:id}/prizes", response=list[PrizeView])
async def teacher_prizes(ctx: Ctx) -> list[PrizeView]:
    """A teacher's competition prizes, for their profile."""
    found = await ctx.services.competitions.prizes_of_teacher(ctx.user, ctx.path_id("user_id"))
    return [PrizeView.of(p) for p in found]


@router.get("/projects/{project_id:id}/prizes", response=list[PrizeView])
async def project_prizes(ctx: Ctx) -> list[PrizeView]:
    """Competition prizes a TwinSpace won (members)."""
    found = await ctx.services.competitions.prizes_of_project(ctx.user, ctx.path_id("project_id"))
    return [PrizeView.of(p) for p in found]
