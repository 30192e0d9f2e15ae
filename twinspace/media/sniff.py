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


def _mp3(head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    # An MPEG audio frame header: 11 sync bits, then layer III (bits 01).
    return (
        len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) == 0x02
    )


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
    window = data[:HEAD_BYTES].lower()
    if any(tag in window for tag in _MARKUP):
        return None
    return TEXT


def detect(path: Path) -> FileType | None:
    """The allowed format of the file's bytes, or None (refuse it). Reads the whole file only
    for plain text; call it off the event loop."""
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
    if _mp3(head):
        return MP3
    return _plain_text(path, head)
