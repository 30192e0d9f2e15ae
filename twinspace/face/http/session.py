"""Sign-in, sign-out and the signed-in user's own account."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from twinspace.errors import Forbidden
from twinspace.face.api import ApiRouter, AuthMode, Ctx
from twinspace.face.auth import clear_session_cookies, origin_allowed, set_session_cookies
from twinspace.registry.service import TeacherProfileUpdate
from twinspace.registry.views import SignInView, UserView

router = ApiRouter("session")


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class CurrentSession(BaseModel):
    csrf_token: str
    user: UserView


class LogoutQuery(BaseModel):
    all: bool = False


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


async def _me(ctx: Ctx) -> UserView:
    user = ctx.user
    teacher = await ctx.services.storage.teachers.get(user.id)
    return UserView.of(user, teacher)


@router.post("/session", auth=AuthMode.PUBLIC, body=Credentials, response=SignInView)
async def login(ctx: Ctx, body: Credentials) -> Response:
    """Sign in with username and password; returns a bearer token and sets the cookie."""
    if not origin_allowed(ctx.request, ctx.services.settings):
        raise Forbidden("sign-in from this Origin is not allowed")
    session = await ctx.services.accounts.login(body.username, body.password, ctx.address)
    ctx.request.scope.setdefault("state", {})["user_id"] = session.user.id
    teacher = await ctx.services.storage.teachers.get(session.user.id)
    out = SignInView(
        token=session.token,
        csrf_token=session.csrf_token,
        expires_at=session.expires_at,
        user=UserView.of(session.user, teacher),
    )
    response = JSONResponse(out.model_dump(mode="json"))
    set_session_cookies(response, session, ctx.services.settings)
    return response


@router.get("/session", response=CurrentSession)
async def current_session(ctx: Ctx) -> CurrentSession:
    """The signed-in user and the CSRF token for cookie-authenticated writes."""
    assert ctx.caller is not None
    return CurrentSession(csrf_token=ctx.caller.auth.csrf_token, user=await _me(ctx))


@router.delete("/session", query=LogoutQuery, status=204)
async def logout(ctx: Ctx, query: LogoutQuery) -> Response:
    """Sign out this session, or every session of the user with `?all=true`."""
    assert ctx.caller is not None
    if query.all:
        await ctx.services.accounts.revoke_all(ctx.user.id)
    else:
        await ctx.services.accounts.logout(ctx.caller.auth)
    response = Response(status_code=204)
    clear_session_cookies(response, ctx.services.settings)
    return response


@router.get("/me", response=UserView)
async def me(ctx: Ctx) -> UserView:
    """The signed-in user's account and teacher profile."""
    return await _me(ctx)


@router.patch("/me", body=TeacherProfileUpdate, response=UserView)
async def update_me(ctx: Ctx, body: TeacherProfileUpdate) -> UserView:
    """Update one's own profile (pupils may only change their interface language)."""
    await ctx.services.registry.update_profile(ctx.user, body)
    user = await ctx.services.storage.users.get(ctx.user.id)
    assert user is not None
    teacher = await ctx.services.storage.teachers.get(user.id)
    return UserView.of(user, teacher)


@router.post("/me/password", body=PasswordChange, status=204)
async def change_password(ctx: Ctx, body: PasswordChange) -> None:
    """Change one's password; every other session of the user ends."""
    assert ctx.caller is not None
    await ctx.services.accounts.change_password(
        ctx.caller.auth, body.current_password, body.new_password
    )
