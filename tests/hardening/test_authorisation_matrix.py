"""Every route of the app, for every kind of caller, against one table of rules
(`authorisation_table.py`).

One live server serves the whole module; the scene is seeded once and every destructive
request works on objects made for it alone, so the cases can run in any order. A route of
the app without a rule fails here by name, and so does a rule for a route that is gone.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.hardening.authorisation_table import (
    ALL_RULES,
    CLOSE_CODE,
    HTTP_OUTCOMES,
    HTTP_STATUS,
    TABLE,
    WS_OUTCOMES,
    Call,
    Case,
    Outcome,
    RouteKey,
    prepare,
    route_keys,
)
from tests.hardening.scene import NON_MEMBERS, Actor, Scene, build_scene
from tests.support.server import live_server, make_settings
from twinspace.app.factory import create_app
from twinspace.config import load_settings

# No built web client: the root route is then the API's own small JSON answer, whatever is
# in web/dist on this machine.
NO_WEB_CLIENT = Path(__file__).parent / "no-web-client"
LIMITS = {
    "posts_per_minute": 1_000_000.0,
    "post_burst": 1_000_000,
    "max_connections_per_user": 0,
    "web_dir": NO_WEB_CLIENT,
}


def _app_routes() -> list[RouteKey]:
    app = create_app(load_settings(environ={}, data_dir=Path("unused"), web_dir=NO_WEB_CLIENT))
    endpoints = {(e.method, e.full_path) for e in app.state.endpoints}
    keys = route_keys(app.routes)
    assert endpoints <= set(keys), "every declared endpoint is a route of the app"
    return keys


APP_ROUTES = _app_routes()


def _params() -> list[object]:
    params: list[object] = []
    for key in sorted(set(APP_ROUTES) | set(TABLE)):
        method, path = key
        cases = TABLE.get(key)
        if cases is None or key not in APP_ROUTES:
            params.append(pytest.param(key, None, Actor.ANONYMOUS, id=f"{method} {path}"))
            continue
        for index, case in enumerate(cases):
            variant = f" [{case.variant}]" if case.variant else ""
            for actor in Actor:
                params.append(
                    pytest.param(key, index, actor, id=f"{method} {path}{variant} as {actor}")
                )
    return params


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scene(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Scene]:
    settings = make_settings(tmp_path_factory.mktemp("matrix") / "data", **LIMITS)
    async with (
        live_server(settings) as server,
        httpx.AsyncClient(base_url=server.base_url, timeout=30) as http,
    ):
        app: Any = server.server.config.app
        assert route_keys(app.routes) == APP_ROUTES, "the live app has the collected routes"
        built = await build_scene(server, http)
        await prepare(built)
        yield built


def _describe(key: RouteKey, case: Case, actor: Actor) -> str:
    variant = f" [{case.variant}]" if case.variant else ""
    return (
        f"{key[0]} {key[1]}{variant} as {actor}: rule {case.rule.name!r} "
        f"({case.rule.meaning}) expects {case.rule.outcomes[actor].value}"
    )


async def _http(scene: Scene, method: str, call: Call, actor: Actor) -> httpx.Response:
    token = call.token if call.own_session else scene.token(actor)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        return await scene.http.request(
            method, call.path, json=call.json, params=call.params, files=call.files, headers=headers
        )
    finally:
        scene.http.cookies.clear()  # a sign-in's cookie must not follow the next caller


async def _websocket(scene: Scene, call: Call, actor: Actor) -> Outcome | int:
    """ACCEPT when the server greets the client; else the close code it sent."""
    token = scene.token(actor)
    url = scene.server.ws_url + call.path + (f"?token={token}" if token else "")
    async with connect(url, proxy=None, open_timeout=5) as ws:
        try:
            async with asyncio.timeout(5):
                await ws.recv()
        except ConnectionClosed as closed:
            assert closed.rcvd is not None, "closed without a close frame"
            return closed.rcvd.code
    return Outcome.ACCEPT


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("key", "case_index", "actor"), _params())
async def test_route(scene: Scene, key: RouteKey, case_index: int | None, actor: Actor) -> None:
    method, path = key
    if key not in TABLE:
        pytest.fail(
            f"{method} {path} has no rule: add it to TABLE in "
            "tests/hardening/authorisation_table.py"
        )
    if key not in APP_ROUTES:
        pytest.fail(f"{method} {path} is in the table but not in the app: remove the entry")
    assert case_index is not None
    case = TABLE[key][case_index]
    expected = case.rule.outcomes[actor]
    call = await case.build(scene, actor)
    if method == "WS":
        assert expected in WS_OUTCOMES, f"rule {case.rule.name} is not a websocket rule"
        got = await _websocket(scene, call, actor)
        want = expected if expected is Outcome.ACCEPT else CLOSE_CODE[expected]
        assert got == want, f"{_describe(key, case, actor)}, got {got}"
        return
    assert expected in HTTP_OUTCOMES, f"rule {case.rule.name} is not an HTTP rule"
    response = await _http(scene, method, call, actor)
    status = response.status_code
    ok = 200 <= status < 300 if expected is Outcome.OK else status == HTTP_STATUS[expected]
    body = response.text[:400].replace("\n", " ")
    assert ok, f"{_describe(key, case, actor)}, got {status}: {method} {call.path} {body}"
    if not 200 <= status < 300 and path.startswith("/api/"):
        assert response.headers["content-type"] == "application/problem+json", body
        assert json.loads(response.text)["status"] == status


def test_every_route_of_the_app_has_a_rule() -> None:
    missing = [f"{m} {p}" for m, p in APP_ROUTES if (m, p) not in TABLE]
    stale = [f"{m} {p}" for m, p in TABLE if (m, p) not in APP_ROUTES]
    assert not missing, f"routes without a rule: {missing}"
    assert not stale, f"rules for routes the app does not have: {stale}"


def test_rules_cover_every_actor_and_hide_projects_from_non_members() -> None:
    for rule in ALL_RULES:
        assert set(rule.outcomes) == set(Actor), rule.name
        kinds = {outcome in WS_OUTCOMES for outcome in rule.outcomes.values()}
        assert len(kinds) == 1, f"rule {rule.name} mixes HTTP and websocket outcomes"
        if rule.project_scoped:
            wrong = {
                a: o.value
                for a, o in rule.outcomes.items()
                if a in NON_MEMBERS and o not in (Outcome.HIDDEN, Outcome.CLOSE_4404)
            }
            assert not wrong, f"rule {rule.name}: non-members must get 404 / 4404: {wrong}"
    for (method, path), cases in TABLE.items():
        if "{project_id" in path:
            for case in cases:
                assert case.rule.project_scoped, f"{method} {path} uses {case.rule.name}"
        assert cases, f"{method} {path} has no case"
