"""Uploads: type from content against an allow-list, images re-encoded without metadata (plus
a thumbnail), MP4/MOV metadata blanked, per-project quota, moderation, and who may fetch them.

The project quota counts each distinct blob of a project once (files and thumbnails), so the
same photo uploaded twice in one project costs once; a refused upload leaves no blob behind.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path

from twinspace.boards.service import BoardService
from twinspace.boards.views import MediaRef, dump
from twinspace.clock import utcnow
from twinspace.content.items import VISIBLE_TO, may_see, notify_teachers, written
from twinspace.content.moderated import ModeratedItems
from twinspace.errors import (
    NotFound,
    PayloadTooLarge,
    Problem,
    RuleViolation,
    Throttled,
    UnsupportedMedia,
)
from twinspace.media import mp4meta, sniff
from twinspace.media.decoding import DecodeSlots, ImageLimits, sanitize_file
from twinspace.media.store import MediaStore, hash_file, safe_name
from twinspace.moderation.file_text.service import FileText, FileTextReader
from twinspace.moderation.filters import (
    ImageRejected,
    ImageTooLarge,
    classifier_registry,
)
from twinspace.moderation.model import (
    ContentRef,
    Flag,
    ItemKind,
    ItemStatus,
    ModerationHook,
    SpaceKind,
    Submission,
)
from twinspace.realtime.limits import KeyedBuckets
from twinspace.realtime.project_events import Audience, ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.media import MediaRecord, NewMedia
from twinspace.storage.records import BoardRecord, UserRecord
from twinspace.workspace.access import Access, AccessRules, SpaceRestricted

_ISO_MEDIA = frozenset({sniff.MP4, sniff.MOV, sniff.M4A})
# Which reader gets each format's text for moderation (moderation/file_text/readers.py).
TEXT_READERS: dict[sniff.FileType, str] = {
    sniff.TEXT: "text",
    sniff.PDF: "pdf",
    sniff.DOCX: "docx",
    sniff.PPTX: "pptx",
    sniff.XLSX: "xlsx",
    sniff.ODT: "odf",
    sniff.ODS: "odf",
    sniff.ODP: "odf",
    sniff.MP3: "tags",
    sniff.OGG: "tags",
    sniff.WAV: "tags",
    sniff.M4A: "tags",
    sniff.MP4: "tags",
    sniff.MOV: "tags",
    sniff.WEBM: "matroska",
    sniff.MKV: "matroska",
    **dict.fromkeys(sniff.IMAGES, "image"),
}
_INLINE_KINDS = frozenset({"image", "audio", "video"})


class QuotaExceeded(PayloadTooLarge):
    code, title = "quota-exceeded", "Project storage is full"


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """An upload streamed to a temporary file in the data dir."""

    path: Path
    size: int
    sha256: str
    filename: str


@dataclass(frozen=True, slots=True)
class EncodedImage:
    data: bytes
    mime: str
    width: int
    height: int
    thumbnail: bytes
    thumb_mime: str
    flags: tuple[Flag, ...]  # what image classifiers found


@dataclass(frozen=True, slots=True)
class Served:
    path: Path
    mime: str
    filename: str
    inline: bool
    etag: str


async def reencode_image(
    slots: DecodeSlots, path: Path, limits: ImageLimits, max_bytes: int
) -> EncodedImage:
    """The cleaned image (see `sanitize_file`) and what the registered image classifiers
    found in it."""
    try:
        clean = await slots.run(sanitize_file, path, limits, max_bytes)
    except ImageTooLarge as exc:
        raise RuleViolation(str(exc), problem=Problem.IMAGE_TOO_LARGE) from exc
    except ImageRejected as exc:
        raise UnsupportedMedia(str(exc), problem=Problem.FILE_DAMAGED) from exc
    found = await asyncio.to_thread(classifier_registry.classify, clean)
    flags = tuple(Flag(f.label, f.reason, 0, 0, "") for f in found)
    return EncodedImage(
        clean.data,
        clean.mime,
        clean.width,
        clean.height,
        clean.thumbnail,
        clean.thumbnail_mime,
        flags,
    )


def upload_text(name: str, content: FileText) -> str:
    """What moderation reads of an upload: its name, then the text inside it."""
    return f"{name}\n\n{content.text}" if content.text else name


def upload_ref(record: MediaRecord) -> ContentRef:
    return ContentRef(
        kind=ItemKind.UPLOAD,
        item_id=record.id,
        project_id=record.project_id,
        author_id=record.uploader_id,
        text=record.original_name,
        status=ItemStatus(record.status),
        space=SpaceKind.BOARD,
        space_id=record.board_id or 0,
        extra={
            "mime": record.mime,
            "media_kind": record.kind,
            "board_id": str(record.board_id or 0),
            "sha256": record.sha256,
        },
    )


class MediaService:
    def __init__(
        self,
        storage: Storage,
        hub: ProjectEventHub,
        moderation: ModerationHook,
        access: AccessRules,
        boards: BoardService,
        *,
        media_dir: Path,
        quota_bytes: int,
        image_limits: ImageLimits,
        decode_slots: DecodeSlots,
        upload_rate: KeyedBuckets,
        file_text: FileTextReader,
    ) -> None:
        self._storage = storage
        self._hub = hub
        self._moderation = moderation
        self._access = access
        self._boards = boards
        self.store = MediaStore(media_dir)
        self.quota_bytes = quota_bytes
        self._image_limits = image_limits
        self.decode_slots = decode_slots
        self._upload_rate = upload_rate
        self.file_text = file_text
        moderation.register(
            ItemKind.UPLOAD, ModeratedItems(self.record, upload_ref, self.change_status)
        )

    def admit(self, user: UserRecord) -> None:
        """The per-user upload rate, taken before the body is read or any image decoded."""
        if not self._upload_rate.take(user.id):
            raise Throttled(
                "you are uploading very fast; wait a moment",
                problem=Problem.TOO_FAST,
                retry_after=int(self._upload_rate.retry_after(user.id)) + 1,
                rule="upload-rate",
            )

    def close(self) -> None:
        self.decode_slots.close()

    async def room_left(self, project_id: int) -> int:
        return max(0, self.quota_bytes - await self._storage.media.usage(project_id))

    async def record(self, media_id: int) -> MediaRecord:
        record = await self._storage.media.get(media_id)
        if record is None:
            raise NotFound("no such media")
        return record

    async def _store(
        self, incoming: IncomingFile, file_type: sniff.FileType
    ) -> tuple[NewMedia, tuple[Flag, ...]]:
        """Clean the file's content and move it into the store; the row is not written yet.

        Also returns what image classifiers found, for moderation."""
        name = safe_name(incoming.filename, file_type.extension)
        if file_type in sniff.IMAGES:
            image = await reencode_image(
                self.decode_slots, incoming.path, self._image_limits, max(incoming.size, 1)
            )
            sha = await asyncio.to_thread(self.store.put_bytes, image.data)
            thumb = await asyncio.to_thread(self.store.put_bytes, image.thumbnail)
            return NewMedia(
                0,
                0,
                0,
                sha,
                image.mime,
                file_type.kind,
                len(image.data),
                name,
                image.width,
                image.height,
                thumb,
                image.thumb_mime,
                len(image.thumbnail),
            ), image.flags
        sha = incoming.sha256
        if file_type in _ISO_MEDIA:
            try:
                await asyncio.to_thread(mp4meta.scrub, incoming.path)
            except mp4meta.BadContainer as exc:
                raise UnsupportedMedia(
                    f"the media file is damaged: {exc}", problem=Problem.FILE_DAMAGED
                ) from exc
            sha = await asyncio.to_thread(hash_file, incoming.path)
        await asyncio.to_thread(self.store.adopt, incoming.path, sha)
        return NewMedia(
            0,
            0,
            0,
            sha,
            file_type.mime,
            file_type.kind,
            incoming.size,
            name,
            None,
            None,
            None,
            None,
            0,
        ), ()

    async def upload(self, access: Access, board: BoardRecord, incoming: IncomingFile) -> MediaRef:
        """Check, clean, moderate and store a streamed upload (the caller removes the
        temporary file if it is still there)."""
        await self._boards.require_post(access, board)
        block = await self._access.pupil_write_block(
            project_id=board.project_id,
            user_id=access.user.id,
            role=access.role,
            space="board",
            space_id=board.id,
        )
        if block is not None:  # refused before any work on the file (consent, live sessions)
            raise SpaceRestricted(block)
        file_type = await asyncio.to_thread(sniff.detect, incoming.path)
        if file_type is None:
            raise UnsupportedMedia(
                "this kind of file is not allowed (judged by its content, whatever its name)",
                problem=Problem.FILE_TYPE_NOT_ALLOWED,
                allowed=sorted({t.extension for t in sniff.ALLOWED}),
            )
        stored, flags = await self._store(incoming, file_type)
        new = replace(
            stored, project_id=board.project_id, board_id=board.id, uploader_id=access.user.id
        )
        try:
            content = FileText()
            if await self._moderation.filters(
                board.project_id, access.role, SpaceKind.BOARD, board.id
            ):
                content = await self.file_text.read(
                    self.store.path(new.sha256),
                    TEXT_READERS.get(file_type),
                    new.original_name,
                    access.user.country,
                )
            decision = await self._moderation.submit(
                Submission(
                    project_id=board.project_id,
                    author=access.user,
                    role=access.role,
                    kind=ItemKind.UPLOAD,
                    space=SpaceKind.BOARD,
                    space_id=board.id,
                    text=upload_text(new.original_name, content),
                    findings=flags,
                    unchecked=content.unchecked,
                )
            )
        except Exception:
            await self._drop_unused(new.sha256, new.thumb_sha256)
            raise
        try:
            async with self._storage.transaction() as tx:
                await tx.media.lock_quota(board.project_id)
                used = await tx.media.usage(board.project_id)
                media_id = await tx.media.create(
                    new, status=decision.status.value, reason=decision.reason, now=utcnow()
                )
                if await tx.media.usage(board.project_id) > self.quota_bytes:
                    raise QuotaExceeded(
                        "the file does not fit in the project's storage quota",
                        quota_bytes=self.quota_bytes,
                        used_bytes=used,
                    )
                record = await written(tx.media.get(media_id))
        except Exception:
            await self._drop_unused(new.sha256, new.thumb_sha256)
            raise
        ref = upload_ref(record)
        queue_id = await self._moderation.recorded(ref, decision)
        notify_teachers(self._hub, ref, decision, access.user.display_name, queue_id)
        return MediaRef.of(record)

    async def _drop_unused(self, *blobs: str | None) -> None:
        for sha in blobs:
            if sha is not None and not await self._storage.media.blob_used(sha):
                await asyncio.to_thread(self.store.remove, sha)

    async def visible(self, user: UserRecord, media_id: int) -> tuple[Access, MediaRecord]:
        """A member may fetch an upload when it is theirs, they teach in the project, or it
        is published and shown in a published post. Anyone else: 404."""
        record = await self._storage.media.get(media_id)
        if record is None:
            raise NotFound("no such media")
        try:
            access = await self._access.project(user, record.project_id)
        except NotFound:
            raise NotFound("no such media") from None
        status = ItemStatus(record.status)
        if access.is_teacher or record.uploader_id == user.id:
            if may_see(
                status,
                is_teacher=access.is_teacher,
                viewer_id=user.id,
                author_id=record.uploader_id,
            ):
                return access, record
        elif status is ItemStatus.PUBLISHED and await self._storage.media.shown_in_published_post(
            record.id
        ):
            return access, record
        raise NotFound("no such media")

    async def serve(self, user: UserRecord, media_id: int, *, thumbnail: bool) -> Served:
        _access, record = await self.visible(user, media_id)
        if not thumbnail:
            return Served(
                self.store.path(record.sha256),
                record.mime,
                record.original_name,
                record.kind in _INLINE_KINDS,
                record.sha256,
            )
        if record.thumb_sha256 is None or record.thumb_mime is None:
            raise NotFound("this upload has no thumbnail")
        stem = record.original_name.rsplit(".", 1)[0]
        return Served(
            self.store.path(record.thumb_sha256),
            record.thumb_mime,
            f"{stem}-thumb.{record.thumb_mime.split('/')[1]}",
            True,
            record.thumb_sha256,
        )

    async def change_status(self, record: MediaRecord, status: ItemStatus) -> None:
        """Moderation changed an upload's status: tell who sees it, and refresh its posts."""
        media_id = record.id
        if ItemStatus(record.status) is status:
            return
        async with self._storage.transaction() as tx:
            await tx.media.set_status(media_id, status.value)
            updated = await written(tx.media.get(media_id))
        self._hub.publish(
            record.project_id,
            "media.updated",
            dump(MediaRef.of(updated)),
            audience=Audience(groups=VISIBLE_TO[status], author_id=record.uploader_id),
        )
        for post in await self._storage.board_content.posts_with_media(media_id):
            view = await self._boards.post_view(post)
            self._boards.push(post).send(ItemStatus(post.status), "post.updated", dump(view))
