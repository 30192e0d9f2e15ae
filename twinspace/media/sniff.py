"""Recognise an upload's format from its bytes, for an allow-list of formats only.

Hand-written because no maintained pure-Python magic library exists without libmagic; it only
has to tell the allowed formats apart and refuse everything else, markup above all.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 4096
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class FileType:
    mime: str
    kind: str  # image | video | audio | file
    extension: str


JPEG = FileType("image/jpeg", "image", "jpg")
PNG = FileType("image/png", "image", "png")
GIF = FileType("image/gif", "image", "gif")
WEBP = FileType("image/webp", "image", "webp")
MP4 = FileType("video/mp4", "video", "mp4")
MOV = FileType("video/quicktime", "video", "mov")
M4A = FileType("audio/mp4", "audio", "m4a")
WEBM = FileType("video/webm", "video", "webm")
MKV = FileType("video/x-matroska", "video", "mkv")
MP3 = FileType("audio/mpeg", "audio", "mp3")
OGG = FileType("audio/ogg", "audio", "ogg")
WAV = FileType("audio/wav", "audio", "wav")
PDF = FileType("application/pdf", "file", "pdf")
TEXT = FileType("text/plain; charset=utf-8", "file", "txt")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "file", "docx"
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "file", "xlsx")
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", "file", "pptx"
)
ODT = FileType("application/vnd.oasis.opendocument.text", "file", "odt")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "file", "ods")
ODP = FileType("application/vnd.oasis.opendocument.presentation", "file", "odp")

ALLOWED = (
    JPEG,
    PNG,
    GIF,
    WEBP,
    MP4,
    MOV,
    M4A,
    WEBM,
    MKV,
    MP3,
    OGG,
    WAV,
    PDF,
    TEXT,
    DOCX,
    XLSX,
    PPTX,
    ODT,
    ODS,
    ODP,
)
IMAGES = frozenset({JPEG, PNG, GIF, WEBP})

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.mime: ODT, ODS.mime: ODS, ODP.mime: ODP}
_QUICKTIME_BRANDS = {b"qt  "}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"F4A "}
_MARKUP = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<meta",
    b"<link",
    b"<style",
    b"<a ",
    b"<img",
    b"<form",
    b"<!--",
)


# Strong signs of a web page, scanned in the head of formats stored as uploaded: a browser
# that ignored the declared type would render such a file. Five bytes or more, so binary
# audio and video do not match by chance.
_PAGE_MARKUP = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<meta",
    b"<style",
)
_MPEG1_L3_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)
_MPEG2_L3_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0)
_MPEG_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _looks_like_page(head: bytes) -> bool:
    window = head.lower()
    return any(tag in window for tag in _PAGE_MARKUP)


def _mpeg_frame_length(header: bytes) -> int | None:
    """The length of the MPEG audio layer III frame starting with `header`, or None."""
    if len(header) < 4 or header[0] != 0xFF or (header[1] & 0xE0) != 0xE0:
        return None
    version = (header[1] >> 3) & 0x03  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
    layer = (header[1] >> 1) & 0x03  # 1: layer III
    rates = _MPEG_RATES.get(version)
    if rates is None or layer != 1:
        return None
    kbps = (_MPEG1_L3_KBPS if version == 3 else _MPEG2_L3_KBPS)[header[2] >> 4]
    rate_index = (header[2] >> 2) & 0x03
    if kbps == 0 or rate_index == 3:
        return None
    padding = (header[2] >> 1) & 0x01
    factor = 144 if version == 3 else 72
    return factor * kbps * 1000 // rates[rate_index] + padding


def _id3_end(head: bytes) -> int | None:
    """Where the audio starts after a leading ID3v2 tag (0 without one); None if damaged."""
    if not head.startswith(b"ID3"):
        return 0
    if len(head) < 10 or any(b & 0x80 for b in head[6:10]):
        return None
    size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
    footer = 10 if head[5] & 0x10 else 0
    return 10 + size + footer


def _mp3(path: Path, head: bytes) -> bool:
    """An MP3: an optional ID3v2 tag, then MPEG layer III frames right after it, the second
    where the first one's length says (or the end of the file, or an ID3v1 tag). Whatever
    else follows an `ID3` header (a web page, say) is refused."""
    if not (head.startswith(b"ID3") or _mpeg_frame_length(head[:4])):
        return False
    start = _id3_end(head)
    if start is None:
        return False
    with path.open("rb") as handle:
        handle.seek(start)
        first = handle.read(4)
        length = _mpeg_frame_length(first)
        if length is None:
            return False
        handle.seek(start + length)
        second = handle.read(4)
    return not second or second[:3] == b"TAG" or _mpeg_frame_length(second) is not None


def _ftyp(head: bytes) -> FileType | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in _QUICKTIME_BRANDS:
        return MOV
    if brand in _AUDIO_BRANDS:
        return M4A
    return MP4


def _ebml(head: bytes) -> FileType | None:
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return None
    return WEBM if b"webm" in head[:64] else MKV


def _zip_document(path: Path, head: bytes) -> FileType | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    # ODF stores its uncompressed `mimetype` entry first, at a fixed offset.
    if head[30:38] == b"mimetype":
        declared = head[38 : 38 + 80].split(b"PK", 1)[0].decode("ascii", "replace").strip()
        return _ODF.get(declared)
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, found in _OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return found
    return None


def _plain_text(path: Path, head: bytes) -> FileType | None:
    """UTF-8 text without control characters that does not look like markup or a script."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text):
        return None
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n\f").lower()
    if start.startswith((b"<", b"#!")):
        return None
    window = data.lower()  # the whole file: markup after the first kilobytes counts too
    if any(tag in window for tag in _MARKUP):
        return None
    return TEXT


def _detect(path: Path) -> FileType | None:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        return None
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"%PDF-"):
        return PDF
    for probe in (_ftyp(head), _ebml(head), _zip_document(path, head)):
        if probe is not None:
            return probe
    if _mp3(path, head):
        return MP3
    return _plain_text(path, head)


def detect(path: Path) -> FileType | None:
    """The allowed format of the file's bytes, or None (refuse it). Reads the whole file only
    for plain text; call it off the event loop.

    Formats stored as uploaded (audio, video, PDF) are refused when their head carries a web
    page; images are re-encoded and office documents are checked as archives."""
    found = _detect(path)
    if found is None or found in IMAGES or (found.kind == "file" and found is not PDF):
        return found
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return None if _looks_like_page(head) else found
