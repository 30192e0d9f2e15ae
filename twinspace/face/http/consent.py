"""Guardian consent HTTP API (docs/consent.md): record and withdraw consent, pupils' birth
dates, a pupil's own standing, and printable consent letters and sign-in cards."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from twinspace.consent.service import ConsentChange
from twinspace.consent.views import ConsentEntryView, ConsentView, MyConsentView, PupilConsentView
from twinspace.consent.wording import LANGUAGES
from twinspace.face.api import ApiRouter, Ctx
from twinspace.types import ConsentMethod, ConsentState, UserKind

router = ApiRouter("consent")

# Printables are whole documents: inline styles only, nothing else loads or runs.
PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
Language = Field(None, pattern="^(" + "|".join(LANGUAGES) + ")$")


class ConsentDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: ConsentState = Field(description="given or withdrawn (a decision is never 'pending')")
    decided_on: date = Field(description="when the guardian decided (not in the future)")
    method: ConsentMethod
    note: str = Field("", max_length=500, description="required when method is 'other'")


class BirthDateUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(None, ge=1900, le=2200)
    month: int | None = Field(None, ge=1, le=12)


class LetterQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pupil_id: int | None = Field(None, ge=1, description="one pupil's letter; default: all")
    lang: str | None = Language


class CardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pupil_ids: list[int] | None = Field(None, max_length=60, description="default: all")
    new_passwords: bool = Field(
        False,
        description="give each pupil a new generated password printed on their card (their "
        "sessions end); without it the card leaves the password for the teacher to give",
    )
    lang: str | None = Language


async def _pupil_view(ctx: Ctx, pupil_id: int) -> PupilConsentView:
    status, history = await ctx.services.consent.of_pupil(ctx.user, pupil_id)
    records = [*history, *([status.record] if status.record else [])]
    names = await ctx.services.consent.names(records)
    return PupilConsentView(
        **ConsentView.of(status, names).model_dump(),
        history=[ConsentEntryView.of(h, names) for h in history],
    )


def _html(document: str) -> Response:
    return Response(
        document,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": PRINT_CSP},
    )


@router.get("/pupils/{user_id:id}/consent", response=PupilConsentView)
async def pupil_consent(ctx: Ctx) -> PupilConsentView:
    """A pupil's guardian consent, age and history (the teachers of the pupil's class)."""
    return await _pupil_view(ctx, ctx.path_id("user_id"))


@router.put("/pupils/{user_id:id}/consent", body=ConsentDecision, response=PupilConsentView)
async def record_consent(ctx: Ctx, body: ConsentDecision) -> PupilConsentView:
    """Record a guardian's decision: give or withdraw consent (the teachers of the pupil's
    class; 409 `consent-transition` for an impossible change). A withdrawal applies at once,
    open page sockets included."""
    pupil_id = ctx.path_id("user_id")
    await ctx.services.consent.record(
        ctx.user,
        pupil_id,
        ConsentChange(body.state, body.decided_on, body.method, body.note),
    )
    return await _pupil_view(ctx, pupil_id)


@router.put("/pupils/{user_id:id}/birth-date", body=BirthDateUpdate, response=PupilConsentView)
async def set_birth_date(ctx: Ctx, body: BirthDateUpdate) -> PupilConsentView:
    """Record a pupil's birth year (and month): it decides whether the age of digital consent
    applies (a pupil of unknown age counts as below it)."""
    pupil_id = ctx.path_id("user_id")
    await ctx.services.consent.set_birth_date(ctx.user, pupil_id, body.year, body.month)
    return await _pupil_view(ctx, pupil_id)


@router.get("/classes/{class_id:id}/consents", response=list[ConsentView])
async def class_consents(ctx: Ctx) -> list[ConsentView]:
    """The consent of every pupil of a class (its teachers only)."""
    school_class = await ctx.services.access.responsible_class(ctx.user, ctx.path_id("class_id"))
    pupils = await ctx.services.storage.pupils.in_class(school_class.id)
    statuses = await ctx.services.consent.statuses(pupils)
    records = [s.record for s in statuses.values() if s.record]
    names = await ctx.services.consent.names(records)
    return [ConsentView.of(statuses[p.id], names) for p in pupils]


@router.get("/me/consent", response=MyConsentView)
async def my_consent(ctx: Ctx) -> MyConsentView:
    """Whether the signed-in user may write: pupils below their school country's age of
    digital consent wait for their guardian's consent."""
    if ctx.user.kind is not UserKind.PUPIL:
        return MyConsentView(required=False, state=None, may_post=True, consent_age=None)
    status = await ctx.services.consent.status(ctx.user)
    return MyConsentView(
        required=status.required,
        state=status.state,
        may_post=status.may_post,
        consent_age=status.consent_age,
    )


@router.get("/classes/{class_id:id}/consent-letters", query=LetterQuery, media=("text/html",))
async def consent_letters(ctx: Ctx, query: LetterQuery) -> Response:
    """Print-ready consent letters for a class's guardians (or one pupil's), in the school's
    language unless `lang` says otherwise (the class's teachers only)."""
    document = await ctx.services.consent.prints.letters(
        ctx.user,
        ctx.path_id("class_id"),
        [query.pupil_id] if query.pupil_id else None,
        query.lang,
    )
    return _html(document)


@router.post("/classes/{class_id:id}/sign-in-cards", body=CardRequest, media=("text/html",))
async def sign_in_cards(ctx: Ctx, body: CardRequest) -> Response:
    """Print-ready sign-in cards for a class's pupils (the class's teachers only); with
    `new_passwords` each pupil gets a new generated password, printed once."""
    settings = ctx.services.settings
    origin = ctx.request.headers.get("origin")
    if origin not in settings.allowed_origins:
        origin = min(settings.public_origins) if settings.public_origins else None
    address = origin or str(ctx.request.base_url).rstrip("/")
    document = await ctx.services.consent.prints.cards(
        ctx.user,
        ctx.path_id("class_id"),
        body.pupil_ids,
        new_passwords=body.new_passwords,
        language=body.lang,
        address=address,
    )
    return _html(document)
