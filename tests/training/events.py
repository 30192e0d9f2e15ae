"""Training event bodies and small HTTP helpers shared by the training tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.support.world import Person, World
from twinspace.clock import utcnow
from twinspace.types import UserKind


def event_body(**overrides: Any) -> dict[str, Any]:
    """An online course with enrolment open now, running from an hour ago for a week."""
    now = utcnow()
    body: dict[str, Any] = {
        "kind": "online_course_weekly",
        "title": "Coding with pupils",
        "description": "Block coding for primary classes.",
        "language": "en",
        "format": "online",
        "link": "https://learn.example/coding",
        "capacity": 10,
        "enrol_opens_at": now - timedelta(days=1),
        "enrol_closes_at": now + timedelta(days=6),
        "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(days=7),
    }
    body.update(overrides)
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in body.items()}


async def nso(world: World, country: str = "PL") -> Person:
    return await world.staff(UserKind.NSO, country)


async def create_event(world: World, organiser: Person, **overrides: Any) -> dict[str, Any]:
    async with world.client(organiser) as http:
        response = await http.post("/api/v1/training/events", json=event_body(**overrides))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bearer(person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}"}


async def enrol(http: httpx.AsyncClient, event_id: int, teacher: Person) -> httpx.Response:
    return await http.post(f"/api/v1/training/events/{event_id}/enrolment", headers=bearer(teacher))


async def cancel(http: httpx.AsyncClient, event_id: int, teacher: Person) -> httpx.Response:
    return await http.delete(
        f"/api/v1/training/events/{event_id}/enrolment", headers=bearer(teacher)
    )


async def participants(
    http: httpx.AsyncClient, event_id: int, organiser: Person
) -> list[dict[str, Any]]:
    response = await http.get(
        f"/api/v1/training/events/{event_id}/participants", headers=bearer(organiser)
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found
