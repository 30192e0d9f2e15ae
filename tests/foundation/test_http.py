from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.server import LiveServer
from tests.support.world import World


async def test_health_and_openapi(server: LiveServer) -> None:
    async with server.client() as http:
        health = await http.get("/healthz")
        spec = (await http.get("/api/v1/openapi.json")).json()
    assert health.json()["status"] == "ok"
    assert spec["openapi"].startswith("3.1")
    login = spec["paths"]["/api/v1/session"]["post"]
    assert login["security"] == []
    assert "$ref" in login["requestBody"]["content"]["application/json"]["schema"]
    assert "/api/v1/projects/{project_id}/pages" in spec["paths"]
    for ref_holder in spec["paths"].values():
        for op in ref_holder.values():
            assert op["summary"], op["operationId"]


async def test_metrics_in_prometheus_format(server: LiveServer) -> None:
    async with server.client() as http:
        await http.get("/healthz")
        response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "twinspace_http_requests_total" in response.text


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "problem_type"),
    [
        (
            "POST",
            "/api/v1/projects",
            {"title": 5, "kind": "european"},
            422,
            "/problems/validation-error",
        ),
        (
            "POST",
            "/api/v1/projects",
            {"title": "x", "kind": "galactic"},
            422,
            "/problems/validation-error",
        ),
        (
            "POST",
            "/api/v1/projects",
            {"title": "x", "kind": "european", "extra": 1},
            422,
            "/problems/validation-error",
        ),
        (
            "POST",
            "/api/v1/projects",
            {"title": "x" * 201, "kind": "european"},
            422,
            "/problems/validation-error",
        ),
        ("GET", "/api/v1/projects/123456", None, 404, "/problems/not-found"),
        ("GET", "/api/v1/projects/99999999999999999999999", None, 404, "/problems/not-found"),
        ("GET", "/api/v1/projects/-1", None, 404, "/problems/not-found"),
        ("GET", "/api/v1/projects/abc", None, 404, "/problems/not-found"),
        ("GET", "/api/v1/nothing-here", None, 404, "/problems/not-found"),
        ("PUT", "/api/v1/projects", {}, 405, "/problems/method-not-allowed"),
        ("GET", "/api/v1/teachers?limit=100000", None, 422, "/problems/validation-error"),
    ],
)
async def test_bad_input_gets_problem_json(
    world: World, method: str, path: str, body: object, status: int, problem_type: str
) -> None:
    teacher = await world.teacher()
    async with world.client(teacher) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["type"] == problem_type
    assert problem["title"]


async def test_malformed_json_and_wrong_media_type(world: World) -> None:
    teacher = await world.teacher()
    async with world.client(teacher) as http:
        malformed = await http.post(
            "/api/v1/projects", content=b"{not json", headers={"content-type": "application/json"}
        )
        form = await http.post("/api/v1/projects", data={"title": "x"})
    assert malformed.status_code == 400 and malformed.json()["type"] == "/problems/malformed-json"
    assert form.status_code == 415


async def test_oversized_bodies_are_refused_before_reading(world: World) -> None:
    teacher = await world.teacher()
    limit = world.services.settings.max_body_bytes
    async with world.client(teacher) as http:
        declared = await http.post(
            "/api/v1/projects",
            content=b"x" * (limit + 1),
            headers={"content-type": "application/json"},
        )

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(limit // 1024 + 2):
                yield b" " * 1024

        streamed = await http.post(
            "/api/v1/projects", content=chunks(), headers={"content-type": "application/json"}
        )
    assert declared.status_code == streamed.status_code == 413
    assert streamed.headers["content-type"] == "application/problem+json"


async def test_validation_errors_never_echo_the_password(world: World) -> None:
    async with world.client() as http:
        response = await http.post(
            "/api/v1/registrations",
            json={
                "username": "x y",
                "password": "hunter2-secret",
                "display_name": "X",
                "email": "bad",
                "staff_role": "teacher",
                "school_id": 1,
            },
        )
    assert response.status_code == 422
    assert "hunter2-secret" not in response.text


async def test_security_headers(server: LiveServer) -> None:
    async with server.client() as http:
        response = await http.get("/api/v1/countries")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in response.headers["content-security-policy"]
