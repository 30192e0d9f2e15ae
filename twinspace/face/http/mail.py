"""Mail HTTP API: the signed-in user's mail preferences and one-click unsubscribe."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from twinspace.face.api import ApiRouter, AuthMode, Ctx
from twinspace.mail.views import MailPreferencesView, UnsubscribedView

router = ApiRouter("mail")


class MailPreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: dict[str, bool] = Field(
        max_length=20, description="kinds to turn on (true) or off (false); others unchanged"
    )


class UnsubscribeQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    token: str = Field(min_length=1, max_length=512)


@router.get("/mail/preferences", response=MailPreferencesView)
async def mail_preferences(ctx: Ctx) -> MailPreferencesView:
    """Which kinds of e-mail the signed-in user receives."""
    return await ctx.services.mail.preferences(ctx.user)


@router.put("/mail/preferences", body=MailPreferencesUpdate, response=MailPreferencesView)
async def set_mail_preferences(ctx: Ctx, body: MailPreferencesUpdate) -> MailPreferencesView:
    """Turn kinds of e-mail on or off (`invitation`, `urgent_safety`, `digest`)."""
    return await ctx.services.mail.set_preferences(ctx.user, body.kinds)


@router.post(
    "/mail/unsubscribe", auth=AuthMode.PUBLIC, query=UnsubscribeQuery, response=UnsubscribedView
)
async def unsubscribe(ctx: Ctx, query: UnsubscribeQuery) -> UnsubscribedView:
    """One-click unsubscribe (RFC 8058): the `List-Unsubscribe` link of an e-mail.

    No sign-in: the signed token names the user and the kind of e-mail, and only a valid one
    does anything (404 otherwise). The body (`List-Unsubscribe=One-Click`) is not needed.
    """
    return await ctx.services.mail.unsubscribe(query.token)
