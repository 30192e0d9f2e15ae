"""Huge images cannot exhaust the server's memory or starve other requests."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import httpx
import psutil
import pytest
from PIL import Image, ImageDraw

from tests.spaces.conftest import Room
from tests.support.server import LiveServer
from tests.support.world import PASSWORD, Person

MB = 1024 * 1024
GIVE_UP = 10.0  # seconds a probe request waits before it counts as unanswered


def huge_sparse_png(side: int = 7000) -> bytes:
    """A few hundred KB on the wire, 147 MB of pixels once decoded."""
    image = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(image)
    for offset in range(0, side, 700):
        draw.line([(offset, 0), (side - offset, side)], fill=(offset % 256, 80, 160), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    del image, draw
    return out.getvalue()


def tree_rss(process: psutil.Process) -> int:
    """Resident size of this process (the server runs in it) and every process below it
    (the image workers)."""
    total: int = process.memory_info().rss
    for child in process.children(recursive=True):
        with suppress(psutil.Error):
            total += child.memory_info().rss
    return total


@contextmanager
def peak_rss() -> Iterator[list[int]]:
    """Samples the process tree's resident size every 10 ms in a thread; yields
    [baseline, peak]."""
    process = psutil.Process()
    figures = [tree_rss(process)] * 2
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            figures[1] = max(figures[1], tree_rss(process))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield figures
    finally:
        done.set()
        sampler.join()


async def upload(http: httpx.AsyncClient, room: Room, name: str, data: bytes) -> Any:
    return await http.post(
        f"/api/v1/boards/{room.board.id}/media",
        files={"file": (name, data, "image/png")},
        timeout=400,
    )


async def answer_times(
    http: httpx.AsyncClient, person: Person, until: asyncio.Event
) -> list[float]:
    """Health checks and sign-ins, one after the other, until `until`: how long each took
    to be answered."""
    times: list[float] = []
    credentials = {"username": person.user.username, "password": PASSWORD}
    while True:
        for request in (
            http.build_request("GET", "/healthz"),
            http.build_request("POST", "/api/v1/session", json=credentials),
        ):
            started = time.perf_counter()
            try:
                response = await http.send(request)
            except httpx.TimeoutException:
                times.append(GIVE_UP)
                continue
            assert response.status_code == 200
            times.append(time.perf_counter() - started)
        if until.is_set():
            return times


@pytest.mark.timeout(400)
@pytest.mark.parametrize("settings_overrides", [{"image_decode_wait_seconds": 300}])  # slow CI
async def test_six_huge_images_at_once_keep_memory_bounded_and_others_answered(
    room: Room, server: LiveServer
) -> None:
    data = huge_sparse_png()
    assert len(data) < 1 * MB
    uploaded = asyncio.Event()
    # the clients are made first: making one loads CA certificates, blocking this loop,
    # which the server shares
    async with (
        httpx.AsyncClient(base_url=server.base_url, timeout=GIVE_UP) as http,
        room.world.client(room.teacher) as uploader,
    ):
        warm = asyncio.Event()
        warm.set()
        unloaded = await answer_times(http, room.teacher, warm)
        with peak_rss() as rss:
            probe = asyncio.create_task(answer_times(http, room.teacher, uploaded))
            answers = await asyncio.gather(
                *(upload(uploader, room, f"huge-{n}.png", data) for n in range(6))
            )
            uploaded.set()
            times = await probe
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    growth = rss[1] - rss[0]
    print(f"RSS growth {growth / MB:.0f} MB, slowest of {len(times)} answers {max(times):.3f} s")
    assert growth < 1024 * MB, f"RSS grew by {growth / MB:.0f} MB"
    assert len(times) > 4 and max(times) < 1.0, f"slowest: {max(times):.2f} s ({unloaded} idle)"
    stored = answers[0].json()
    assert stored["width"] * stored["height"] <= server.settings.image_keep_pixels
    after = tree_rss(psutil.Process()) - rss[0]
    assert after < 256 * MB, f"{after / MB:.0f} MB still held after the uploads"


@pytest.mark.parametrize("settings_overrides", [{"upload_burst": 2, "uploads_per_minute": 0.5}])
async def test_upload_rate_is_taken_before_the_image_is_decoded(room: Room) -> None:
    data = huge_sparse_png(2000)
    async with room.world.client(room.ana) as http:
        first = [await upload(http, room, f"p{n}.png", data) for n in range(2)]
        assert [r.status_code for r in first] == [201, 201]
        decoded_before = room.world.services.media.decode_slots.decoded
        refused = await upload(http, room, "p3.png", data)
    assert refused.status_code == 429
    assert refused.json()["rule"] == "upload-rate"
    assert int(refused.headers["retry-after"]) >= 1
    assert room.world.services.media.decode_slots.decoded == decoded_before


@pytest.mark.parametrize(
    "settings_overrides", [{"image_decode_concurrency": 1, "image_decode_wait_seconds": 0.5}]
)
async def test_an_upload_waiting_too_long_for_a_decoder_is_told_to_retry(room: Room) -> None:
    data = huge_sparse_png()
    async with room.world.client(room.teacher) as http:
        answers = await asyncio.gather(
            *(upload(http, room, f"wait-{n}.png", data) for n in range(2))
        )
    assert sorted(a.status_code for a in answers) == [201, 503]
    busy = next(a for a in answers if a.status_code == 503)
    assert busy.json()["type"] == "/problems/decoders-busy"
    assert int(busy.headers["retry-after"]) >= 1
