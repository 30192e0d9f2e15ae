"""Uploads over HTTP (multipart, streamed to disk) and serving them to members only.

`POST /api/v1/boards/{id}/media` takes one part named `file`. The body is parsed as it arrives
and the file part goes straight to a temporary file in the data dir while its SHA-256 is
computed, so no upload is ever held in memory; the per-file limit (and the room left in the
project's quota) stops the stream early with 413.
"""

from __future__ import annotations

import asyncio
import hashlib
from io import BufferedWriter
from pathlib import Path
from urllib.parse import quote

from pydantic import BaseModel
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from twinspace.boards.views import MediaRef
from twinspace.errors import DomainError, NotFound, PayloadTooLarge, Problem, UnsupportedMedia
from twinspace.face.api import ApiRouter, Ctx
from twinspace.face.auth import identify
from twinspace.face.problems import problem
from twinspace.media.service import IncomingFile, QuotaExceeded, Served
from twinspace.media.store import MediaStore
from twinspace.services.container import Services

router = ApiRouter("media")
MAX_PARTS = 8
MAX_FIELD_BYTES = 1024
MEDIA_CSP = "default-src 'none'; sandbox"


class MalformedUpload(DomainError):
    status, code, title = 400, "malformed-upload", "Malformed upload"


class StorageUsage(BaseModel):
    used_bytes: int
    quota_bytes: int
    max_upload_bytes: int


def _form_filename(raw: bytes) -> str:
    """Browsers (HTML form encoding) escape exactly these three characters in file names."""
    name = raw.decode("utf-8", "replace")
    for escaped, plain in (("%22", '"'), ("%0D", "\r"), ("%0A", "\n")):
        name = name.replace(escaped, plain)
    return name


class _FilePart:
    """Collects one multipart body's file part; the parser's callbacks are synchronous, so
    they only queue bytes, and `drain()` writes them off the event loop."""

    def __init__(self, temp: Path, limit: int) -> None:
        self.temp = temp
        self.limit = limit
        self.size = 0
        self.digest = hashlib.sha256()
        self.filename: str | None = None
        self.handle: BufferedWriter | None = None
        self.parts = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._in_file = False
        self._field_bytes = 0
        self._pending: list[bytes] = []

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise MalformedUpload(f"at most {MAX_PARTS} parts")
        self._disposition = b""
        self._in_file = False
        self._field_bytes = 0

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if options.get(b"name") == b"file" and b"filename" in options:
            if self.filename is not None:
                raise MalformedUpload("send one file per request")
            self.filename = _form_filename(options[b"filename"])
            self._in_file = True

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            chunk = data[start:end]
            self.size += len(chunk)
            if self.size > self.limit:
                raise PayloadTooLarge(
                    f"the file may have at most {self.limit} bytes",
                    problem=Problem.FILE_TOO_LARGE,
                    max_bytes=self.limit,
                )
            self.digest.update(chunk)
            self._pending.append(chunk)
        else:
            self._field_bytes += end - start
            if self._field_bytes > MAX_FIELD_BYTES:
                raise MalformedUpload("form fields besides the file must be short")

    async def drain(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if self.handle is None:
            self.handle = await asyncio.to_thread(self.temp.open, "wb")
        await asyncio.to_thread(self.handle.write, data)


async def receive_file(request: Request, store: MediaStore, limit: int) -> IncomingFile:
    """Stream the request's `file` part to a temporary file; the caller deletes it."""
    media_type, params = parse_options_header(request.headers.get("content-type"))
    if media_type != b"multipart/form-data" or b"boundary" not in params:
        raise UnsupportedMedia(
            "send the file as multipart/form-data, in a part named 'file'",
            problem=Problem.REQUEST_FORMAT,
        )
    part = _FilePart(store.temp_path(), limit)
    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": part.on_part_begin,
            "on_part_data": part.on_part_data,
            "on_header_field": part.on_header_field,
            "on_header_value": part.on_header_value,
            "on_header_end": part.on_header_end,
            "on_headers_finished": part.on_headers_finished,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            await part.drain()
        parser.finalize()
        await part.drain()
    except FormParserError as exc:
        raise MalformedUpload("the multipart body is malformed") from exc
    finally:
        if part.handle is not None:
            await asyncio.to_thread(part.handle.close)
    if part.filename is None or part.handle is None:
        part.temp.unlink(missing_ok=True)
        raise MalformedUpload("no file: send a non-empty part named 'file' with a filename")
    return IncomingFile(part.temp, part.size, part.digest.hexdigest(), part.filename)


@router.post(
    "/boards/{board_id:id}/media", response=MediaRef, status=201, raw_body="multipart/form-data"
)
async def upload_media(ctx: Ctx) -> MediaRef:
    """Upload a file for a board (multipart part `file`); 413 over the size or quota limit."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    media = ctx.services.media
    await ctx.services.boards.require_post(access, board)
    media.admit(ctx.user)  # rate and quota are checked before the body is read or decoded
    room = await media.room_left(board.project_id)
    limit = min(ctx.services.settings.max_upload_bytes, room)
    if room <= 0:
        raise QuotaExceeded("the project's storage quota is used up", quota_bytes=media.quota_bytes)
    incoming: IncomingFile | None = None
    try:
        try:
            incoming = await receive_file(ctx.request, media.store, limit)
        except PayloadTooLarge:
            if limit < ctx.services.settings.max_upload_bytes:
                raise QuotaExceeded(
                    "the file does not fit in the project's storage quota",
                    quota_bytes=media.quota_bytes,
                ) from None
            raise
        return await media.upload(access, board, incoming)
    finally:
        if incoming is not None:
            await asyncio.to_thread(incoming.path.unlink, True)


@router.get("/projects/{project_id:id}/storage", response=StorageUsage)
async def storage_usage(ctx: Ctx) -> StorageUsage:
    """How much of the project's storage quota its uploads use."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    media = ctx.services.media
    room = await media.room_left(access.project.id)
    return StorageUsage(
        used_bytes=media.quota_bytes - room,
        quota_bytes=media.quota_bytes,
        max_upload_bytes=ctx.services.settings.max_upload_bytes,
    )


@router.get("/media/{media_id:id}", response=MediaRef)
async def media_info(ctx: Ctx) -> MediaRef:
    """An upload's record (type, size, dimensions, status, URLs)."""
    _access, record = await ctx.services.media.visible(ctx.user, ctx.path_id("media_id"))
    return MediaRef.of(record)


def content_disposition(served: Served) -> str:
    """RFC 6266/5987: inline only for images, audio and video; an ASCII fallback name."""
    if served.inline:
        return "inline"
    fallback = (
        "".join(
            ch if ch.isascii() and (ch.isalnum() or ch in "._- ") else "_" for ch in served.filename
        )
        or "download"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(served.filename)}"


async def _serve(request: Request, *, thumbnail: bool) -> Response:
    services: Services = request.app.state.services
    caller = await identify(request, services, method="GET")
    if caller is None:
        return problem(401, "sign in first", code="unauthenticated")
    media_id = request.path_params["media_id"]
    assert isinstance(media_id, int)
    served = await services.media.serve(caller.auth.user, media_id, thumbnail=thumbnail)
    if not served.path.is_file():
        raise NotFound("no such media")
    return FileResponse(
        served.path,
        media_type=served.mime,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": MEDIA_CSP,
            "Content-Disposition": content_disposition(served),
            "Cache-Control": "private",
            "Cross-Origin-Resource-Policy": "same-origin",
            "ETag": f'"{served.etag}"',
        },
    )


async def serve_media(request: Request) -> Response:
    return await _serve(request, thumbnail=False)


async def serve_thumbnail(request: Request) -> Response:
    return await _serve(request, thumbnail=True)


routes: list[BaseRoute] = [
    Route("/media/{media_id:id}", serve_media, methods=["GET", "HEAD"]),
    Route("/media/{media_id:id}/thumb", serve_thumbnail, methods=["GET", "HEAD"]),
]
