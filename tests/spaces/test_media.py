"""Uploads: content-based type checks, metadata stripping, limits, and members-only serving."""

from __future__ import annotations

import io
import struct
from typing import Any

import pytest
from PIL import ExifTags, Image

from tests.spaces.conftest import Room
from tests.support.events import events
from tests.support.server import LiveServer
from tests.support.world import Person

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (50.0, 3.0, 30.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (19.0, 56.0, 0.0),
}
LOCATION_TEXT = b"+50.0616+019.9373/"


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    image = Image.new("RGB", (width, height), "steelblue")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shot rotated: display 90 degrees clockwise
    exif[ExifTags.Base.Make] = "PupilPhone"
    exif[ExifTags.Base.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4_with_location() -> bytes:
    """A minimal MP4 whose moov/udta holds a phone's ©xyz location atom."""
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    udta = box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(LOCATION_TEXT), 0) + LOCATION_TEXT))
    moov = box(b"moov", box(b"mvhd", bytes(100)) + udta)
    return ftyp + moov + box(b"mdat", bytes(64))


async def upload(
    room: Room,
    person: Person,
    name: str,
    data: bytes,
    content_type: str = "application/octet-stream",
) -> Any:
    async with room.world.client(person) as http:
        return await http.post(
            f"/api/v1/boards/{room.board.id}/media", files={"file": (name, data, content_type)}
        )


async def test_an_image_post_is_seen_live_without_exif_gps(server: LiveServer, room: Room) -> None:
    uploaded = await upload(room, room.ana, "IMG_0001.JPG", jpeg_with_gps(), "image/jpeg")
    assert uploaded.status_code == 201, uploaded.text
    media = uploaded.json()
    assert media["mime"] == "image/jpeg" and (media["width"], media["height"]) == (48, 64)
    async with room.world.client(room.ben) as http:
        assert (await http.get(media["url"])).status_code == 404  # not in a post yet
    async with events(server, room.project.id, room.ben.token, boards=[room.board.id]) as ben:
        async with room.world.client(room.ana) as http:
            posted = await http.post(
                f"/api/v1/boards/{room.board.id}/posts",
                json={"kind": "image", "title": "Our bridge", "media_id": media["id"]},
            )
        assert posted.status_code == 201, posted.text
        live = await ben.next("post.created")
        assert live["data"]["media"]["url"] == f"/media/{media['id']}"
        async with room.world.client(room.ben) as http:
            served = await http.get(live["data"]["media"]["url"])
            thumb = await http.get(live["data"]["media"]["thumb_url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert served.headers["content-disposition"] == "inline"
    assert served.headers["cache-control"] == "private"
    image = Image.open(io.BytesIO(served.content))
    assert image.size == (48, 64)
    assert "exif" not in image.info
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"PupilPhone" not in served.content
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 320


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("holiday.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("photo.jpg", b"\n  <html><body onload=alert(1)>hi</body></html>"),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
        ("notes.txt", b"#!/bin/sh\nrm -rf /\n"),
        ("notes.txt", b"Dear class,\n<script>steal()</script>\n"),
        ("notes.txt", b"Dear class, " * 1000 + b"<script>steal()</script>\n"),
        ("song.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00<html><script>alert(1)</script></html>"),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("empty.jpg", b""),
        ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ],
)
async def test_refused_whatever_the_name(room: Room, name: str, data: bytes) -> None:
    response = await upload(room, room.ana, name, data, "image/jpeg")
    assert response.status_code in (400, 415), response.text
    assert response.headers["content-type"] == "application/problem+json"
    if data:
        assert response.status_code == 415


async def test_documents_are_served_as_attachments_with_safe_names(room: Room) -> None:
    pdf = await upload(room, room.ana, '../../"evil";\r\nX: y.pdf.html', b"%PDF-1.4\n%%EOF\n")
    text = await upload(room, room.ana, "Zażółć notes.txt", "Rzeka Wisła\n".encode())
    assert pdf.status_code == text.status_code == 201
    assert pdf.json()["name"] == "evilX y.pdf.pdf" and pdf.json()["mime"] == "application/pdf"
    async with room.world.client(room.ana) as http:
        served = await http.get(pdf.json()["url"])
        served_text = await http.get(text.json()["url"])
    assert served.headers["content-disposition"] == (
        "attachment; filename=\"evilX y.pdf.pdf\"; filename*=UTF-8''evilX%20y.pdf.pdf"
    )
    assert served_text.headers["content-disposition"] == (
        'attachment; filename="Za____ notes.txt"; '
        "filename*=UTF-8''Za%C5%BC%C3%B3%C5%82%C4%87%20notes.txt"
    )
    assert served_text.headers["content-type"] == "text/plain; charset=utf-8"
    assert served_text.text == "Rzeka Wisła\n"


async def test_video_location_metadata_is_blanked(room: Room) -> None:
    original = mp4_with_location()
    uploaded = await upload(room, room.ana, "clip.mov", original, "video/quicktime")
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["mime"] == "video/mp4" and uploaded.json()["kind"] == "video"
    async with room.world.client(room.ana) as http:
        served = await http.get(uploaded.json()["url"])
    assert served.headers["content-disposition"] == "inline"
    assert len(served.content) == len(original)
    assert LOCATION_TEXT not in served.content and b"udta" not in served.content
    assert served.content.startswith(original[:32]) and b"free" in served.content


@pytest.mark.parametrize(
    "settings_overrides", [{"max_upload_bytes": 40_000, "project_quota_bytes": 70_000}]
)
async def test_per_file_and_per_project_limits(room: Room) -> None:
    def text(seed: str, size: int) -> bytes:
        return (seed * (size // len(seed) + 1)).encode()[:size]

    too_big = await upload(room, room.ana, "big.txt", text("river ", 45_000))
    first = await upload(room, room.ana, "a.txt", text("alpha ", 30_000))
    again = await upload(room, room.ben, "a-copy.txt", text("alpha ", 30_000))
    second = await upload(room, room.ana, "b.txt", text("bravo ", 30_000))
    third = await upload(room, room.ana, "c.txt", text("charlie ", 30_000))
    assert too_big.status_code == 413 and too_big.json()["type"] == "/problems/too-large"
    assert too_big.json()["code"] == "file-too-large"  # said with its limit (docs/i18n.md)
    assert too_big.json()["max_bytes"] == 40_000
    assert first.status_code == again.status_code == second.status_code == 201
    assert third.status_code == 413 and third.json()["type"] == "/problems/quota-exceeded"
    async with room.world.client(room.ana) as http:
        usage = (await http.get(f"/api/v1/projects/{room.project.id}/storage")).json()
    assert usage == {"used_bytes": 60_000, "quota_bytes": 70_000, "max_upload_bytes": 40_000}
    media_dir = room.world.services.settings.media_dir
    blobs = [p for p in media_dir.rglob("*") if p.is_file() and p.parent.name != "tmp"]
    assert len(blobs) == 2 and not list((media_dir / "tmp").iterdir())


async def test_uploads_need_a_multipart_file_and_posting_rights(room: Room) -> None:
    path = f"/api/v1/boards/{room.board.id}/media"
    async with room.world.client(room.ana) as http:
        as_json = await http.post(path, json={"file": "x"})
        no_file = await http.post(
            path, data={"title": "x"}, files={"other": ("a.txt", b"hello", "text/plain")}
        )
    async with room.world.client(room.teacher) as http:
        await http.patch(
            f"/api/v1/boards/{room.board.id}", json={"settings": {"who_may_post": "teachers"}}
        )
    refused = await upload(room, room.ana, "a.txt", b"hello")
    assert as_json.status_code == 415 and no_file.status_code == 400
    assert refused.status_code == 403
