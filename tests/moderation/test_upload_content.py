"""What pupils put inside uploaded files goes through the filters: a finding holds the upload
for a teacher exactly like a flagged message; what cannot be read is held too."""

from __future__ import annotations

import os
import shutil
from typing import Any

import httpx
import pytest

from tests.moderation.conftest import School
from tests.support import documents
from tests.support.server import LiveServer
from tests.support.world import Person

PHONE = "+48 601 234 567"
NEEDS_OCR = pytest.mark.skipif(
    shutil.which("tesseract") is None and os.environ.get("CI") != "true",
    reason="Tesseract is not installed (scripts/install-ocr.sh; required under CI=true)",
)


async def upload(school: School, person: Person, name: str, data: bytes) -> httpx.Response:
    async with school.client(person) as http:
        return await http.post(
            f"/api/v1/boards/{school.board.id}/media",
            files={"file": (name, data, "application/octet-stream")},
        )


async def held_upload(school: School, name: str, data: bytes) -> tuple[dict[str, Any], Any]:
    """Upload as a pupil; the upload and its one queue entry."""
    response = await upload(school, school.pupil, name, data)
    assert response.status_code == 201, response.text
    media = response.json()
    entries = [e for e in await school.queue() if e["item_kind"] == "upload"]
    assert [e["item_id"] for e in entries] == [media["id"]], entries
    return media, entries[0]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("river notes.txt", f"Our river is long.\nWrite to me: {PHONE}\n".encode()),
        ("rivers.pdf", documents.pdf("Rivers of Europe", f"my phone {PHONE}")),
        ("rivers.docx", documents.docx("Rivers of Europe", f"my phone {PHONE}")),
    ],
)
async def test_a_phone_number_inside_a_pupils_file_holds_it(
    school: School, name: str, data: bytes
) -> None:
    media, entry = await held_upload(school, name, data)
    assert media["status"] == "held"
    assert entry["origin"] == "filter" and "phone number" in entry["reason"]
    assert [f["category"] for f in entry["flags"]] == ["phone"]
    assert PHONE in entry["flags"][0]["excerpt"]
    # a classmate cannot put it anywhere they would see it, nor fetch it
    async with school.client(school.classmate) as http:
        assert (await http.get(f"/api/v1/media/{media['id']}")).status_code == 404
        assert (await http.get(media["url"])).status_code == 404
    async with school.client(school.teacher) as http:
        approved = await http.post(
            f"/api/v1/projects/{school.project.id}/moderation/queue/{entry['id']}/approve",
            json={"reason": "a school number"},
        )
        assert approved.status_code == 200, approved.text
        record = await http.get(f"/api/v1/media/{media['id']}")
    assert record.json()["status"] == "published"


@pytest.mark.parametrize(
    ("name", "data", "category", "excerpt"),
    [
        ("members.csv", f"name;phone\nZosia;{PHONE}\n".encode(), "phone", PHONE),
        ("README.md", b"# Rivers\n\n[our chat](https://discord.gg/abcd)\n", "external_link", ""),
        ("film.srt", documents.srt("Hello!", "write zosia@example.com").encode(), "email", ""),
        ("film.vtt", b"WEBVTT\n\n00:01.000 --> 00:04.000\nto jest kurwa\n", "offensive", "kurwa"),
        ("marks.xlsx", documents.xlsx("Wisla", f"tel. {PHONE}"), "phone", PHONE),
        ("slides.pptx", documents.pptx("Rivers", notes=f"call {PHONE}"), "phone", PHONE),
        ("essay.odt", documents.odt("Rivers", f"call {PHONE}"), "phone", PHONE),
        ("song.mp3", documents.mp3("River song", comment=f"call {PHONE}"), "phone", PHONE),
        ("trip.webm", documents.webm(f"call {PHONE}", "our river"), "phone", PHONE),
        (
            "trip.mkv",
            documents.webm("River trip", "add me on insta @zosia_2014"),
            "social_handle",
            "",
        ),
        (
            "links.docx",
            documents.docx("See our page", link="https://discord.gg/abcd"),
            "external_link",
            "",
        ),
    ],
)
async def test_every_kind_of_document_is_read(
    school: School, name: str, data: bytes, category: str, excerpt: str
) -> None:
    media, entry = await held_upload(school, name, data)
    assert media["status"] == "held"
    assert category in {f["category"] for f in entry["flags"]}, entry["flags"]
    assert any(excerpt in f["excerpt"] for f in entry["flags"])


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("rivers.pdf", documents.pdf("Rivers of Europe", "The Vistula is 1047 km long.")),
        ("rivers.docx", documents.docx("The Vistula flows through Warsaw.")),
        (
            "film.srt",
            documents.srt("The river starts in the mountains", "It flows to the sea").encode(),
        ),
        ("data.csv", b"river,length_km,basin_km2\nVistula,1047,194424\nPo,652,71000\n"),
    ],
)
async def test_clean_documents_are_published(school: School, name: str, data: bytes) -> None:
    response = await upload(school, school.pupil, name, data)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "published"
    assert [e for e in await school.queue() if e["item_kind"] == "upload"] == []


async def test_a_document_that_cannot_be_read_is_held_not_published(school: School) -> None:
    bomb, entry = await held_upload(
        school, "essay.docx", documents.zip_bomb_docx(300 * 1024 * 1024)
    )
    assert bomb["status"] == "held"
    [flag] = entry["flags"]
    assert flag["category"] == "unchecked" and "unpacks to" in flag["reason"]
    broken = await upload(school, school.pupil, "broken.pdf", b"%PDF-1.4\n%%EOF\n")
    assert broken.json()["status"] == "held"
    # a teacher's file is not filtered (the project's policy), so nothing holds it
    teachers = await upload(school, school.teacher, "plan.pdf", b"%PDF-1.4\n%%EOF\n")
    assert teachers.json()["status"] == "published"


async def test_an_upload_is_held_even_when_the_policy_masks_the_finding(school: School) -> None:
    """A file's content cannot be masked: "mask" holds an upload for a teacher."""
    await school.policy(actions={"phone": "mask"})
    media, _entry = await held_upload(school, "notes.txt", f"ring {PHONE}".encode())
    assert media["status"] == "held"
    message = await school.post(school.pupil, f"ring {PHONE}")
    assert message.json()["status"] == "published" and PHONE not in message.json()["text"]


@pytest.mark.parametrize("settings_overrides", [{"upload_text_timeout_seconds": 0.05}])
async def test_reading_past_the_time_limit_holds_the_upload(school: School) -> None:
    media, entry = await held_upload(school, "rivers.pdf", documents.pdf("Rivers", "x"))
    assert media["status"] == "held"
    assert "took longer than 0.05 s" in entry["flags"][0]["reason"]
    assert 'twinspace_upload_text_reads_total{reader="pdf",result="unchecked"} 1.0' in (
        await _metrics(school.world.server)
    )


@pytest.mark.parametrize("settings_overrides", [{"upload_text_max_chars": 1000}])
async def test_long_documents_are_checked_up_to_the_limit(school: School) -> None:
    _media, entry = await held_upload(school, "long.txt", ("The river flows. " * 100).encode())
    assert [f["category"] for f in entry["flags"]] == ["unchecked"]
    assert "first 1000 characters" in entry["flags"][0]["reason"]


@NEEDS_OCR
async def test_text_inside_a_picture_is_read_by_ocr(school: School) -> None:
    media, entry = await held_upload(school, "poster.png", documents.png_with_text(f"SMS {PHONE}"))
    assert media["status"] == "held"
    assert "phone" in {f["category"] for f in entry["flags"]}, entry["flags"]
    metrics = await _metrics(school.world.server)
    assert "twinspace_ocr_available 1.0" in metrics
    assert 'twinspace_upload_text_reads_total{reader="image",result="read"} 1.0' in metrics


@pytest.mark.parametrize("settings_overrides", [{"tesseract": "tesseract-not-installed"}])
async def test_without_tesseract_pictures_are_published_with_a_note(
    school: School, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(2):
        response = await upload(
            school, school.pupil, "poster.png", documents.png_with_text(f"SMS {PHONE}")
        )
        assert response.json()["status"] == "published"
    metrics = await _metrics(school.world.server)
    assert "twinspace_ocr_available 0.0" in metrics
    assert 'twinspace_upload_text_reads_total{reader="image",result="skipped"} 2.0' in metrics
    logged = caplog.get_records("setup") + caplog.get_records("call")  # the server starts in setup
    notes = [r for r in logged if "OCR unavailable" in r.getMessage()]
    assert len(notes) == 1, "said once, not for every picture"
    assert "tesseract-not-installed" in notes[0].getMessage()


async def _metrics(server: LiveServer) -> str:
    async with server.client() as http:
        response = await http.get("/metrics")
    assert response.status_code == 200
    return response.text


async def test_files_are_read_only_where_the_policy_filters(school: School) -> None:
    teachers = await upload(school, school.teacher, "plan.txt", f"call {PHONE}".encode())
    assert teachers.json()["status"] == "published"
    await school.policy(mode="off")
    pupils = await upload(school, school.pupil, "notes.txt", f"call {PHONE}".encode())
    assert pupils.json()["status"] == "published"
    assert "twinspace_upload_text_reads_total{" not in await _metrics(school.world.server)
    await school.policy(mode="auto", filter_teachers=True)
    again = await upload(school, school.teacher, "plan2.txt", f"call {PHONE}".encode())
    assert again.json()["status"] == "held"
