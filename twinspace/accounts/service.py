"""Logins, server-side sessions, password changes and pupil accounts."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from twinspace.accounts.passwords import PasswordService, generate_pupil_password
from twinspace.accounts.throttle import LocalSignInThrottle, LoginThrottle, SignInThrottle
from twinspace.clock import utcnow
from twinspace.config import Settings
from twinspace.domain_events import DomainEventBus, SessionEnded, SessionsRevoked
from twinspace.errors import Forbidden, NotFound, Problem, RuleViolation, Throttled, Unauthenticated
from twinspace.storage import Storage
from twinspace.storage.batched import BatchedReads
from twinspace.storage.records import ClassRecord, UserRecord
from twinspace.types import UserKind

MIN_PASSWORD = {UserKind.PUPIL: 8}
DEFAULT_MIN_PASSWORD = 10
MAX_PASSWORD = 256
_TOUCH_EVERY = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_strength(kind: UserKind, password: str) -> None:
    minimum = MIN_PASSWORD.get(kind, DEFAULT_MIN_PASSWORD)
    if len(password) < minimum:
        raise RuleViolation(
            f"the password needs at least {minimum} characters",
            problem=Problem.PASSWORD_TOO_SHORT,
            minimum=minimum,
        )
    if len(password) > MAX_PASSWORD:
        raise RuleViolation(
            f"the password may have at most {MAX_PASSWORD} characters",
            problem=Problem.PASSWORD_TOO_LONG,
            maximum=MAX_PASSWORD,
        )


@dataclass(frozen=True, slots=True)
class Authenticated:
    user: UserRecord
    session_id: int
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class NewSession:
    user: UserRecord
    token: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class PupilCredentials:
    user: UserRecord
    password: str


def _username_base(display_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    first = re.sub(r"[^a-z]", "", ascii_name.lower().split(" ")[0]) if ascii_name else ""
    return (first or "pupil")[:12]


class AccountService:
    def __init__(self, storage: Storage, settings: Settings, events: DomainEventBus) -> None:
        self._storage = storage
        self._settings = settings
        self._events = events
        self._sessions = BatchedReads(storage.sessions.with_users)
        self.passwords = PasswordService(
            time_cost=settings.argon2_time_cost,
            memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self.throttle: SignInThrottle = LocalSignInThrottle(
            LoginThrottle(
                per_account_address=settings.login_failures_per_account_address,
                per_account=settings.login_failures_per_account,
                per_address=settings.login_failures_per_address,
                window=settings.login_window_seconds,
                known_address_seconds=settings.login_known_address_days * 86_400,
            )
        )

    # -- sessions ---------------------------------------------------------------------

    async def login(self, username: str, password: str, address: str) -> NewSession:
        wait = await self.throttle.attempt(username, address)
        if wait is not None:
            raise Throttled(
                "too many failed sign-ins; try again later",
                problem=Problem.SIGN_IN_ATTEMPTS,
                retry_after=wait,
            )
        user = await self._storage.users.by_username(username)
        if user is None:
            await self.passwords.burn()
            await self.throttle.failed(username, address)
            raise Unauthenticated("wrong username or password")
        if not await self.passwords.verify(user.password_hash, password):
            await self.throttle.failed(username, address)
            raise Unauthenticated("wrong username or password")
        if user.disabled:
            raise Unauthenticated("this account is disabled")
        await self.throttle.succeeded(username, address)
        if self.passwords.needs_rehash(user.password_hash):
            await self._storage.users.set_password(
                user.id, await self.passwords.hash(password), None
            )
        return await self.start_session(user)

    async def start_session(self, user: UserRecord) -> NewSession:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        now = utcnow()
        expires = now + timedelta(seconds=self._settings.session_ttl_seconds)
        await self._storage.sessions.create(
            token_hash=hash_token(token),
            csrf_token=csrf,
            user_id=user.id,
            now=now,
            expires_at=expires,
        )
        return NewSession(user=user, token=token, csrf_token=csrf, expires_at=expires)

    async def authenticate(self, token: str) -> Authenticated | None:
        if not token or len(token) > 256:
            return None
        # sockets and requests authenticating together share one read (storage/batched.py)
        found = await self._sessions.get(hash_token(token))
        if found is None:
            return None
        session, user = found
        now = utcnow()
        if session.expires_at <= now:
            await self._storage.sessions.delete(session.id)
            return None
        if user is None or user.disabled:
            return None
        if now - session.last_seen_at > _TOUCH_EVERY:
            await self._storage.sessions.touch(session.id, now)
        return Authenticated(
            user=user,
            session_id=session.id,
            csrf_token=session.csrf_token,
            expires_at=session.expires_at,
        )

    async def logout(self, auth: Authenticated) -> None:
        """End one session; its open websockets close (docs/events-protocol.md)."""
        await self._storage.sessions.delete(auth.session_id)
        await self._events.publish(SessionEnded(auth.user.id, auth.session_id))

    async def revoke_all(self, user_id: int, *, keep_session: int | None = None) -> int:
        """End every session of a user but `keep_session`; their websockets close too."""
        count = await self._storage.sessions.delete_for_user(user_id, keep=keep_session)
        await self._events.publish(SessionsRevoked(user_id, keep_session))
        return count

    async def set_active(self, user: UserRecord, active: bool) -> None:
        """Deactivate an account (it can no longer sign in; every session ends at once) or
        let it sign in again."""
        await self._storage.users.set_disabled(user.id, not active)
        if not active:
            await self.revoke_all(user.id)

    # -- passwords --------------------------------------------------------------------

    async def change_password(self, auth: Authenticated, current: str, new: str) -> None:
        if not await self.passwords.verify(auth.user.password_hash, current):
            raise Forbidden("the current password is wrong", problem=Problem.CURRENT_PASSWORD_WRONG)
        check_password_strength(auth.user.kind, new)
        await self._storage.users.set_password(
            auth.user.id, await self.passwords.hash(new), utcnow()
        )
        await self.revoke_all(auth.user.id, keep_session=auth.session_id)

    async def set_password(self, user: UserRecord, new: str) -> None:
        """Set a password without the old one (teacher reset, admin CLI); ends all sessions."""
        check_password_strength(user.kind, new)
        await self._storage.users.set_password(user.id, await self.passwords.hash(new), utcnow())
        await self.revoke_all(user.id)

    # -- account creation -------------------------------------------------------------

    async def unique_pupil_username(
        self, display_name: str, reserved: set[str] | None = None
    ) -> str:
        base = _username_base(display_name)
        reserved = reserved if reserved is not None else set()
        for _ in range(50):
            candidate = f"{base}{secrets.randbelow(900) + 100}"
            if candidate not in reserved and not await self._storage.users.username_taken(
                candidate
            ):
                reserved.add(candidate)
                return candidate
        raise RuleViolation(
            "could not find a free username; try another display name",
            problem=Problem.NO_FREE_USERNAME,
        )

    async def create_pupils(
        self, teacher: UserRecord, school_class: ClassRecord, names: list[str]
    ) -> list[PupilCredentials]:
        if teacher.kind is not UserKind.TEACHER or teacher.school_id != school_class.school_id:
            raise NotFound("no such class")
        school = await self._storage.schools.get(school_class.school_id)
        if school is None:
            raise NotFound("no such class")
        prepared = []
        chosen: set[str] = set()
        for name in names:
            password = generate_pupil_password()
            prepared.append(
                (
                    name,
                    await self.unique_pupil_username(name, chosen),
                    password,
                    await self.passwords.hash(password),
                )
            )
        created: list[PupilCredentials] = []
        now = utcnow()
        async with self._storage.transaction() as tx:
            for name, username, password, password_hash in prepared:
                user_id = await tx.users.create(
                    username=username,
                    password_hash=password_hash,
                    kind=UserKind.PUPIL,
                    display_name=name,
                    now=now,
                    country=school.country,
                    school_id=school.id,
                )
                await tx.pupils.create(user_id, class_id=school_class.id, created_by=teacher.id)
                user = await tx.users.get(user_id)
                assert user is not None
                created.append(PupilCredentials(user=user, password=password))
        return created

    async def reset_pupil_password(self, pupil: UserRecord) -> str:
        password = generate_pupil_password()
        await self.set_password(pupil, password)
        return password

    async def create_staff(
        self,
        *,
        kind: UserKind,
        username: str,
        password: str,
        display_name: str,
        country: str | None,
        email: str | None = None,
    ) -> UserRecord:
        """NSO and admin accounts (CLI)."""
        if kind not in (UserKind.NSO, UserKind.ADMIN):
            raise RuleViolation(
                "only nso and admin accounts are created this way", problem=Problem.STAFF_ACCOUNT
            )
        if kind is UserKind.NSO:
            if country is None or await self._storage.countries.get(country) is None:
                raise RuleViolation(
                    "an NSO account needs a participating country", problem=Problem.STAFF_ACCOUNT
                )
        check_password_strength(kind, password)
        if await self._storage.users.username_taken(username):
            raise RuleViolation(
                f"the username {username!r} is taken",
                problem=Problem.USERNAME_TAKEN,
                username=username,
            )
        user_id = await self._storage.users.create(
            username=username,
            password_hash=await self.passwords.hash(password),
            kind=kind,
            display_name=display_name,
            now=utcnow(),
            email=email,
            country=country.upper() if country else None,
        )
        user = await self._storage.users.get(user_id)
        assert user is not None
        return user
