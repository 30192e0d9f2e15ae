from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support.server import live_server, make_settings
from tests.support.world import PASSWORD, World
from twinspace.accounts.passwords import PasswordService
from twinspace.accounts.service import hash_token
from twinspace.clock import utcnow
from twinspace.face.auth import CSRF_COOKIE, SESSION_COOKIE
from twinspace.logs import configure_logging
from twinspace.types import UserKind


async def test_login_returns_token_and_httponly_cookie(world: World) -> None:
    teacher = await world.teacher()
    async with world.client() as http:
        response = await http.post(
            "/api/v1/session", json={"username": teacher.user.username, "password": PASSWORD}
        )
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == teacher.id and body["token"] and body["csrf_token"]
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session_cookie and "samesite=lax" in session_cookie.lower()
    csrf_cookie = next(c for c in cookies if c.startswith(CSRF_COOKIE + "="))
    assert "HttpOnly" not in csrf_cookie
    stored = await world.storage.sessions.by_token_hash(body["token"])
    assert stored is None, "only the token's hash is stored"


async def test_bearer_token_authenticates_and_logout_ends_it(world: World) -> None:
    teacher = await world.teacher()
    async with world.client(teacher) as http:
        assert (await http.get("/api/v1/me")).json()["id"] == teacher.id
        assert (await http.delete("/api/v1/session")).status_code == 204
        response = await http.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_wrong_password_is_throttled_per_account_and_address(world: World) -> None:
    pupil = (await world.pupils(await world.teacher(), 1))[0]
    limit = world.services.settings.login_failures_per_account_address
    async with world.client() as http:
        for _ in range(limit):
            wrong = await http.post(
                "/api/v1/session",
                json={"username": pupil.user.username, "password": "wrong-password"},
            )
            assert wrong.status_code == 401
        throttled = await http.post(
            "/api/v1/session", json={"username": pupil.user.username, "password": pupil.password}
        )
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert throttled.json()["type"] == "/problems/throttled"


async def _sign_in(http: httpx.AsyncClient, username: str, password: str, address: str) -> int:
    """A sign-in as if from `address` (the test server trusts X-Forwarded-For from loopback)."""
    response = await http.post(
        "/api/v1/session",
        json={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )
    return response.status_code


async def test_failures_from_elsewhere_do_not_lock_the_owner_out(world: World) -> None:
    teacher = await world.teacher()
    username = teacher.user.username
    async with world.client() as http:
        for _ in range(20):
            await _sign_in(http, username, "wrong-password", "203.0.113.7")
        assert await _sign_in(http, username, "wrong-password", "203.0.113.7") == 429
        assert await _sign_in(http, username, PASSWORD, "203.0.113.7") == 429
        # the owner, at home, with the right password: never refused because of the attacker
        assert await _sign_in(http, username, PASSWORD, "198.51.100.20") == 200
        # ... even a typo first, from their own address
        assert await _sign_in(http, username, "typo", "198.51.100.20") == 401
        assert await _sign_in(http, username, PASSWORD, "198.51.100.20") == 200


async def test_guessing_from_many_addresses_meets_the_account_bound_known_addresses_pass(
    tmp_path: Path,
) -> None:
    settings = make_settings(
        tmp_path / "d", login_failures_per_account_address=2, login_failures_per_account=6
    )
    async with live_server(settings) as server:
        world = World(server)
        pupil = (await world.pupils(await world.teacher(), 1))[0]
        name = pupil.user.username
        async with server.client() as http:
            assert await _sign_in(http, name, pupil.password, "198.51.100.20") == 200
            for n in range(3):
                for _ in range(2):
                    assert await _sign_in(http, name, "guess", f"203.0.113.{n}") == 401
                assert await _sign_in(http, name, "guess", f"203.0.113.{n}") == 429
            # six failures across addresses: an address never seen with this account waits
            assert await _sign_in(http, name, pupil.password, "203.0.113.99") == 429
            # the address the pupil signed in from before is exempt from the account bound
            assert await _sign_in(http, name, pupil.password, "198.51.100.20") == 200


async def test_failures_are_throttled_per_address_across_accounts(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", login_failures_per_address=3)
    async with live_server(settings) as server, server.client() as http:
        for n in range(3):
            response = await http.post(
                "/api/v1/session", json={"username": f"nobody{n}", "password": "x"}
            )
            assert response.status_code == 401
        response = await http.post(
            "/api/v1/session", json={"username": "someone-else", "password": "x"}
        )
        assert response.status_code == 429


async def test_unknown_user_and_wrong_password_look_alike(world: World) -> None:
    teacher = await world.teacher()
    async with world.client() as http:
        unknown = await http.post(
            "/api/v1/session", json={"username": "ghost", "password": "whatever1"}
        )
        wrong = await http.post(
            "/api/v1/session", json={"username": teacher.user.username, "password": "whatever1"}
        )
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["detail"] == wrong.json()["detail"]


async def test_cookie_writes_need_csrf_token(world: World) -> None:
    teacher = await world.teacher()
    async with world.client() as http:
        login = await http.post(
            "/api/v1/session", json={"username": teacher.user.username, "password": PASSWORD}
        )
        csrf = login.json()["csrf_token"]
        assert (await http.get("/api/v1/me")).status_code == 200
        missing = await http.post("/api/v1/classes", json={"name": "7A"})
        assert missing.status_code == 403
        assert missing.json()["type"] == "/problems/csrf-failed"
        ok = await http.post("/api/v1/classes", json={"name": "7A"}, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 201
        foreign = await http.post(
            "/api/v1/classes",
            json={"name": "7B"},
            headers={"X-CSRF-Token": csrf, "Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
        bearer = await http.post(
            "/api/v1/classes",
            json={"name": "7C"},
            headers={"Authorization": f"Bearer {login.json()['token']}"},
        )
        assert bearer.status_code == 201, "bearer-authenticated writes need no CSRF token"


async def test_sign_in_from_a_foreign_origin_is_refused(world: World) -> None:
    teacher = await world.teacher()
    async with world.client() as http:
        response = await http.post(
            "/api/v1/session",
            headers={"Origin": "https://evil.example"},
            json={"username": teacher.user.username, "password": PASSWORD},
        )
    assert response.status_code == 403


async def test_passwords_are_argon2id_and_rehashed_when_parameters_change(world: World) -> None:
    teacher = await world.teacher()
    assert teacher.user.password_hash.startswith("$argon2id$")
    stronger = PasswordService(time_cost=2, memory_kib=128, parallelism=1)
    world.services.accounts.passwords = stronger
    async with world.client() as http:
        response = await http.post(
            "/api/v1/session", json={"username": teacher.user.username, "password": PASSWORD}
        )
    assert response.status_code == 200
    rehashed = await world.storage.users.get(teacher.id)
    assert rehashed is not None and rehashed.password_hash != teacher.user.password_hash
    assert "m=128,t=2,p=1" in rehashed.password_hash


async def test_password_change_ends_other_sessions(world: World) -> None:
    teacher = await world.teacher()
    other = await world.services.accounts.start_session(teacher.user)
    async with world.client(teacher) as http:
        weak = await http.post(
            "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "short"}
        )
        assert weak.status_code == 422
        wrong = await http.post(
            "/api/v1/me/password",
            json={"current_password": "nope", "new_password": "a much longer one"},
        )
        assert wrong.status_code == 403
        ok = await http.post(
            "/api/v1/me/password",
            json={"current_password": PASSWORD, "new_password": "a much longer one"},
        )
        assert ok.status_code == 204
        assert (await http.get("/api/v1/me")).status_code == 200
    async with world.server.client(other.token) as http:
        assert (await http.get("/api/v1/me")).status_code == 401


async def test_logout_everywhere(world: World) -> None:
    teacher = await world.teacher()
    other = await world.services.accounts.start_session(teacher.user)
    async with world.client(teacher) as http:
        assert (await http.delete("/api/v1/session", params={"all": "true"})).status_code == 204
    async with world.server.client(other.token) as http:
        assert (await http.get("/api/v1/me")).status_code == 401


async def test_expired_sessions_do_not_authenticate(world: World) -> None:
    teacher = await world.teacher()
    await world.storage.executor.execute(
        "UPDATE sessions SET expires_at = ? WHERE user_id = ?",
        ((utcnow() - timedelta(seconds=1)).isoformat(), teacher.id),
    )
    async with world.client(teacher) as http:
        assert (await http.get("/api/v1/me")).status_code == 401


async def test_teacher_resets_own_pupils_password_only(world: World) -> None:
    teacher = await world.teacher("PL")
    pupil = (await world.pupils(teacher, 1))[0]
    stranger = await world.teacher("PL")
    async with world.client(stranger) as http:
        assert (await http.post(f"/api/v1/pupils/{pupil.id}/password")).status_code == 404
    async with world.client(teacher) as http:
        response = await http.post(f"/api/v1/pupils/{pupil.id}/password")
    assert response.status_code == 200
    new_password = response.json()["password"]
    async with world.client(pupil) as http:
        assert (await http.get("/api/v1/me")).status_code == 401, "old sessions end"
    async with world.client() as http:
        login = await http.post(
            "/api/v1/session", json={"username": pupil.user.username, "password": new_password}
        )
    assert login.status_code == 200


async def test_pupil_accounts_have_no_email_and_typeable_passwords(world: World) -> None:
    teacher = await world.teacher()
    school_class = await world.school_class(teacher, "4C")
    async with world.client(teacher) as http:
        response = await http.post(
            f"/api/v1/classes/{school_class.id}/pupils", json={"names": ["Zoë Kowalska", "Łukasz"]}
        )
    assert response.status_code == 201
    created = response.json()
    assert [c["user"]["email"] for c in created] == [None, None]
    assert created[0]["user"]["username"].startswith("zoe")
    assert created[1]["user"]["username"].startswith("ukasz") or created[1]["user"][
        "username"
    ].startswith("lukasz")
    for entry in created:
        word1, word2, digits = entry["password"].split("-")
        assert word1.isalpha() and word2.isalpha() and digits.isdigit()
    pupil = created[0]["user"]
    async with world.client() as http:
        assert (
            await http.post(
                "/api/v1/session",
                json={"username": pupil["username"], "password": created[0]["password"]},
            )
        ).status_code == 200


async def test_tokens_and_passwords_never_reach_the_log(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    teacher = await world.teacher()
    caplog.set_level(logging.DEBUG)
    async with world.client() as http:
        response = await http.post(
            "/api/v1/session", json={"username": teacher.user.username, "password": PASSWORD}
        )
        token = response.json()["token"]
        await http.get("/api/v1/me", params={"token": token})
    server_side = ("twinspace", "uvicorn", "aiosqlite", "starlette")
    text = "\n".join(
        r.getMessage() + str(vars(r)) for r in caplog.records if r.name.startswith(server_side)
    )
    assert "POST /api/v1/session 200" in text
    assert token not in text and PASSWORD not in text


async def test_staff_accounts_are_checked(world: World) -> None:
    from twinspace.errors import RuleViolation

    with pytest.raises(RuleViolation):
        await world.services.accounts.create_staff(
            kind=UserKind.NSO, username="n1", password=PASSWORD, display_name="N", country="US"
        )
    nso = await world.staff(UserKind.NSO, "PL")
    assert nso.user.country == "PL"


async def test_signing_in_again_with_an_old_cookie_works(world: World) -> None:
    first, second = await world.teacher(), await world.teacher()
    async with world.client() as http:
        for person in (first, second):
            response = await http.post(
                "/api/v1/session", json={"username": person.user.username, "password": PASSWORD}
            )
            assert response.status_code == 200
            assert response.json()["user"]["id"] == person.id
        assert (await http.get("/api/v1/me")).json()["id"] == second.id


@pytest.fixture
def configured_logging(capfd: pytest.CaptureFixture[str]) -> Iterator[None]:
    """The server's own logging set-up, writing to the captured stderr, undone afterwards
    (other tests rely on caplog)."""
    names = ("twinspace", "uvicorn", "uvicorn.error", "uvicorn.access")
    saved = [
        (
            logging.getLogger(n),
            logging.getLogger(n).handlers[:],
            logging.getLogger(n).level,
            logging.getLogger(n).propagate,
            logging.getLogger(n).disabled,
        )
        for n in names
    ]
    configure_logging("text", "DEBUG")
    yield
    for logger, handlers, level, propagate, disabled in saved:
        logger.handlers[:], logger.level = handlers, level
        logger.propagate, logger.disabled = propagate, disabled


async def test_websocket_urls_reach_the_log_without_their_token(
    world: World, configured_logging: None, capfd: pytest.CaptureFixture[str]
) -> None:
    project, teacher, _partner = await world.european_project()
    url = f"{world.server.ws_url}/ws/projects/{project.id}?token={teacher.token}"
    async with connect(url) as socket:
        await socket.recv()  # hello: the connection was accepted and logged
    logged = capfd.readouterr().err
    assert "[accepted]" in logged and "token=[redacted]" in logged
    assert teacher.token not in logged


async def test_a_session_and_its_user_are_read_together(world: World) -> None:
    teacher = await world.teacher()
    found = await world.storage.sessions.with_user(hash_token(teacher.token))
    assert found is not None
    session, user = found
    assert user is not None and user.id == teacher.id == session.user_id
    assert session.expires_at > session.created_at
    assert await world.storage.sessions.with_user(hash_token("no such token")) is None


async def test_a_deactivated_accounts_session_does_not_authenticate(world: World) -> None:
    teacher = await world.teacher()
    async with world.client(teacher) as http:
        assert (await http.get("/api/v1/me")).status_code == 200
        await world.storage.users.set_disabled(teacher.id, True)  # its sessions still stored
        assert (await http.get("/api/v1/me")).status_code == 401
