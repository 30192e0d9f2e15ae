"""Comments on board posts: on or off per board, every pupil comment through moderation."""

from __future__ import annotations

from typing import Protocol

from twinspace.boards.views import COMMENT_MAX_CHARS, BoardSettings, CommentView, NewComment, dump
from twinspace.clock import utcnow
from twinspace.content.items import (
    ItemPush,
    author_view,
    clean_text,
    findable,
    notify_teachers,
    shown_reason,
    shows_removed,
    written,
)
from twinspace.content.moderated import ModeratedItems
from twinspace.errors import Conflict, Forbidden, NotFound, Problem
from twinspace.moderation.model import (
    ContentRef,
    ItemKind,
    ItemStatus,
    ModerationHook,
    SpaceKind,
    Submission,
)
from twinspace.realtime.project_events import ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.boards import CommentRecord, PostRecord
from twinspace.storage.records import BoardRecord, UserRecord
from twinspace.workspace.access import Access, Action

MAX_COMMENTS = 500


def comment_ref(comment: CommentRecord) -> ContentRef:
    return ContentRef(
        kind=ItemKind.COMMENT,
        item_id=comment.id,
        project_id=comment.project_id,
        author_id=comment.author_id,
        text=comment.text,
        status=ItemStatus(comment.status),
        space=SpaceKind.BOARD,
        space_id=comment.board_id,
        extra={"board_id": str(comment.board_id), "post_id": str(comment.post_id)},
    )


def comment_views(comments: list[CommentRecord], access: Access | None) -> list[CommentView]:
    """Views for one viewer (None: an event's audience, which may see the comment)."""
    out = []
    for c in comments:
        status = ItemStatus(c.status)
        removed = access is not None and shows_removed(
            status,
            c.published_at,
            is_teacher=access.is_teacher,
            viewer_id=access.user.id,
            author_id=c.author_id,
        )
        reason, reason_code = shown_reason(c, status, removed=removed)
        out.append(
            CommentView(
                id=c.id,
                post_id=c.post_id,
                board_id=c.board_id,
                author=author_view(c.author_id, c.author_name),
                text=None if removed else c.text,
                status=status,
                reason=reason,
                reason_code=reason_code,
                pending=status is ItemStatus.HELD,
                removed=removed,
                created_at=c.created_at,
            )
        )
    return out


class Posts(Protocol):
    """What comments need of the board service (which owns them): finding posts, checking boards."""

    async def locate_post(
        self, user: UserRecord, post_id: int
    ) -> tuple[Access, BoardRecord, PostRecord]: ...

    async def require_post(self, access: Access, board: BoardRecord) -> BoardSettings: ...


class CommentService:
    def __init__(
        self,
        storage: Storage,
        hub: ProjectEventHub,
        moderation: ModerationHook,
        boards: Posts,
    ) -> None:
        self._storage = storage
        self._hub = hub
        self._moderation = moderation
        self._boards = boards
        moderation.register(
            ItemKind.COMMENT, ModeratedItems(self.record, comment_ref, self.change_status)
        )

    async def record(self, comment_id: int) -> CommentRecord:
        comment = await self._storage.board_content.comment(comment_id)
        if comment is None:
            raise NotFound("no such comment")
        return comment

    async def locate(
        self, user: UserRecord, comment_id: int
    ) -> tuple[Access, BoardRecord, CommentRecord]:
        """A comment on a post the caller may see; 404 unless they may see it too."""
        comment = await self._storage.board_content.comment(comment_id)
        if comment is None:
            raise NotFound("no such comment")
        try:
            access, board, _post = await self._boards.locate_post(user, comment.post_id)
        except NotFound:
            raise NotFound("no such comment") from None
        if not findable(
            ItemStatus(comment.status),
            comment.published_at,
            is_teacher=access.is_teacher,
            viewer_id=access.user.id,
            author_id=comment.author_id,
        ):
            raise NotFound("no such comment")
        return access, board, comment

    async def of_post(self, access: Access, post: PostRecord) -> list[CommentView]:
        records = await self._storage.board_content.comments(
            post.id,
            viewer_id=access.user.id,
            viewer_is_teacher=access.is_teacher,
            limit=MAX_COMMENTS,
        )
        return comment_views(records, access)

    def _push(self, comment: CommentRecord) -> ItemPush:
        return ItemPush(
            self._hub, comment.project_id, "comment", comment.author_id, f"board:{comment.board_id}"
        )

    async def add(
        self, access: Access, board: BoardRecord, post: PostRecord, form: NewComment
    ) -> CommentView:
        settings = await self._boards.require_post(access, board)
        if not settings.comments:
            raise Forbidden("comments are off on this board", problem=Problem.COMMENTS_OFF)
        if ItemStatus(post.status) is not ItemStatus.PUBLISHED:
            raise Conflict("only published posts take comments", problem=Problem.NOT_PUBLISHED)
        text = clean_text(form.text, max_chars=COMMENT_MAX_CHARS)
        decision = await self._moderation.submit(
            Submission(
                project_id=board.project_id,
                author=access.user,
                role=access.role,
                kind=ItemKind.COMMENT,
                space=SpaceKind.BOARD,
                space_id=board.id,
                text=text,
                board_requires_approval=settings.approval_required,
            )
        )
        async with self._storage.transaction() as tx:
            comment_id = await tx.board_content.create_comment(
                post_id=post.id,
                board_id=board.id,
                project_id=board.project_id,
                author_id=access.user.id,
                text=decision.text or text,
                status=decision.status.value,
                reason=decision.reason,
                reason_code=decision.code,
                now=utcnow(),
            )
            comment = await written(tx.board_content.comment(comment_id))
        ref = comment_ref(comment)
        queue_id = await self._moderation.recorded(ref, decision)
        view = comment_views([comment], None)[0]
        self._push(comment).status_change(None, decision.status, dump(view), {})
        notify_teachers(self._hub, ref, decision, comment.author_name, queue_id)
        return view

    async def delete(self, access: Access, comment: CommentRecord) -> None:
        """Authors delete their own comments; teachers any comment of their board."""
        access.require(Action.POST)  # also refuses in an archived (read-only) project
        if comment.author_id != access.user.id:
            access.require(Action.MANAGE_SPACES)
        await self.change_status(comment, ItemStatus.DELETED)

    async def change_status(self, comment: CommentRecord, status: ItemStatus) -> None:
        before = ItemStatus(comment.status)
        if before is status:
            return
        async with self._storage.transaction() as tx:
            await tx.board_content.set_comment_status(comment.id, status.value, utcnow())
            updated = await written(tx.board_content.comment(comment.id))
        self._push(updated).status_change(
            before,
            status,
            dump(comment_views([updated], None)[0]),
            {"id": comment.id, "post_id": comment.post_id, "board_id": comment.board_id},
        )
