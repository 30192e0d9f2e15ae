"""The pure parts: event ids and replay bounds, audiences, the token bucket, type detection,
board positions, upload names and visibility transitions."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from tests.spaces.test_media import jpeg_with_gps, mp4_with_location
from twinspace.boards.sections import STEP, between, place
from twinspace.content.items import transition
from twinspace.media import sniff
from twinspace.media.store import safe_name
from twinspace.moderation.model import ItemStatus
from twinspace.realtime.bus import LocalBus
from twinspace.realtime.limits import KeyedBuckets, TokenBucket
from twinspace.realtime.project_events import Audience, Group, ProjectEventHub
from twinspace.storage.records import ChannelRecord
from twinspace.types import ChannelKind


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def hub(clock: FakeClock, events: int = 3, seconds: float = 60) -> ProjectEventHub:
    return ProjectEventHub(
        LocalBus(), replay_events=events, replay_seconds=seconds, clock=clock, epoch="test"
    )


def test_replay_is_bounded_by_count_and_age() -> None:
    clock = FakeClock()
    stream = hub(clock)
    ids = []
    for n in range(5):
        stream.publish(1, "x", {"n": n})
        ids.append(stream.position(1))
    stream.publish(1, "typing", {}, durable=False)
    assert [e.id for e in stream.replay(1, ids[1]).events] == ids[2:]
    assert stream.replay(1, ids[0]).reload == "too-old"
    assert stream.replay(1, stream.position(1)).events == []
    assert stream.replay(2, ids[4]).reload == "unknown-id"  # another project's stream
    clock.now += 61
    assert stream.replay(1, ids[3]).reload == "too-old"
    assert stream.replay(1, ids[4]).events == []
    assert hub(clock).replay(1, "test-0").events == []


def test_ids_from_another_run_mean_reload() -> None:
    clock = FakeClock()
    first, second = hub(clock), ProjectEventHub(LocalBus(), replay_events=3, replay_seconds=60)
    first.publish(1, "x", {})
    assert second.replay(1, first.position(1)).reload == "restarted"
    assert first.replay(1, "no-dash-number-x").reload == "unknown-id"
    assert first.replay(1, "").reload == "unknown-id"


@dataclass
class Viewer:
    user_id: int
    is_teacher: bool
    visible: bool = True

    def can_see_channel(self, channel: ChannelRecord) -> bool:
        return self.visible


def test_audiences() -> None:
    channel = ChannelRecord(1, 1, "c", ChannelKind.PROJECT, None, None, datetime.now(UTC), None)
    teacher, author, other = Viewer(1, True), Viewer(2, False), Viewer(3, False)
    held = Audience(groups=frozenset({Group.TEACHERS, Group.AUTHOR}), author_id=2)
    assert [held.matches(v) for v in (teacher, author, other)] == [True, True, False]
    assert [Audience.teachers().matches(v) for v in (teacher, author)] == [True, False]
    assert [Audience.only({3}).matches(v) for v in (teacher, other)] == [False, True]
    in_channel = Audience(channel=channel)
    outside = Audience(channel=channel, channel_visible=False)
    hidden = Viewer(4, False, visible=False)
    assert in_channel.matches(other) and not in_channel.matches(hidden)
    assert outside.matches(hidden) and not outside.matches(other)


def test_status_transitions_tell_who_gains_and_loses_an_item() -> None:
    approved = transition(ItemStatus.HELD, ItemStatus.PUBLISHED)
    assert approved.created == {Group.OTHERS}
    assert approved.updated == {Group.TEACHERS, Group.AUTHOR}
    hidden = transition(ItemStatus.PUBLISHED, ItemStatus.HIDDEN)
    assert hidden.removed == {Group.AUTHOR, Group.OTHERS} and hidden.updated == {Group.TEACHERS}
    assert transition(None, ItemStatus.HELD).created == {Group.TEACHERS, Group.AUTHOR}


def test_token_bucket_refills_at_its_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2.0, 3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.retry_after() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.take() and not bucket.take()
    clock.now += 100
    assert sum(bucket.take() for _ in range(10)) == 3
    keyed = KeyedBuckets(1.0, 1, clock=clock)
    assert keyed.take("a") and keyed.take("b") and not keyed.take("a")


def _office(names: list[str], first: tuple[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (4, 4)).save(out, "PNG")
    return out.getvalue()


# One MPEG-1 layer III frame: 128 kbit/s at 44.1 kHz is 417 bytes long.
MP3_FRAME = b"\xff\xfb\x90\x00" + bytes(413)
SAMPLES: list[tuple[bytes, str | None]] = [
    (jpeg_with_gps(), "image/jpeg"),
    (_png(), "image/png"),
    (b"GIF89a" + bytes(20), "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
    (b"OggS\x00\x02" + bytes(20), "audio/ogg"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00" + MP3_FRAME * 2, "audio/mpeg"),
    (MP3_FRAME * 2 + b"TAG" + bytes(125), "audio/mpeg"),
    (b"ID3\x04\x00" + bytes(20), None),  # a tag with no audio after it
    (b"ID3\x04\x00\x00\x00\x00\x00\x00<html><script>alert(1)</script></html>", None),
    (MP3_FRAME + b"<!doctype html><script>alert(1)</script>", None),
    (b"OggS\x00\x02" + bytes(20) + b"<html><body onload=alert(1)>", None),
    (b"words " * 2000 + b"<script>alert(1)</script>", None),
    (mp4_with_location(), "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
    (b"\x00\x00\x00\x14ftypM4A \x00\x00\x00\x00", "audio/mp4"),
    (b"\x1a\x45\xdf\xa3\x9fB\x86\x81\x01B\x82\x84webm", "video/webm"),
    (b"%PDF-1.7\n", "application/pdf"),
    (_office(["[Content_Types].xml", "word/document.xml"]), sniff.DOCX.mime),
    (_office(["[Content_Types].xml", "xl/workbook.xml"]), sniff.XLSX.mime),
    (
        _office(["content.xml"], ("mimetype", "application/vnd.oasis.opendocument.text")),
        sniff.ODT.mime,
    ),
    ("Plain words, zażółć.\n".encode(), "text/plain; charset=utf-8"),
    (_office(["index.html"]), None),
    (b"<html><body>x</body></html>", None),
    (b"\xef\xbb\xbf  <svg/>", None),
    (b"hello\x00world", None),
    (b"\xc3\x28 invalid utf-8", None),
    (b"MZ\x90\x00", None),
]


@pytest.mark.parametrize(("data", "mime"), SAMPLES)
def test_detect_by_content(tmp_path: Path, data: bytes, mime: str | None) -> None:
    path = tmp_path / "upload"
    path.write_bytes(data)
    found = sniff.detect(path)
    assert (found.mime if found else None) == mime


@given(st.binary(max_size=64))
def test_detect_never_accepts_markup(tail: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(b"<script>" + tail)
        assert sniff.detect(path) is None


def test_positions_split_gaps_and_renumber_when_full() -> None:
    assert between(None, None) == STEP and between(None, 10.0) == 10.0 - STEP
    assert between(1.0, 2.0) == 1.5 and between(1.0, 1.0) is None
    order = [(1, 1024.0), (2, 2048.0)]
    assert place(order, 9, None) == [(9, 0.0)]
    assert place(order, 9, 1) == [(9, 1536.0)]
    tight = [(1, 1.0), (2, 1.0 + 2e-16)]
    assert place(tight, 9, 1) == [(1, STEP), (9, 2 * STEP), (2, 3 * STEP)]


@pytest.mark.parametrize(
    ("declared", "extension", "expected"),
    [
        ("photo.JPG", "jpg", "photo.jpg"),
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("C:\\Users\\kid\\Moje zdjęcie.png", "png", "Moje zdjęcie.png"),
        ('a"b;c<d>.html', "pdf", "abcd.pdf"),
        ("...", "pdf", "upload.pdf"),
        ("x" * 300 + ".txt", "txt", "x" * 100 + ".txt"),
        ("\u202eexe.txt", "txt", "exe.txt"),
    ],
)
def test_safe_names(declared: str, extension: str, expected: str) -> None:
    assert safe_name(declared, extension) == expected
