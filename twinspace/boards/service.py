"""Media boards (Padlet-like): the board and its settings, and posts of six kinds that move
between sections and take reactions. Every pupil post goes through moderation and every change
is pushed live to the board's subscribers. Sections and comments have their own modules.
"""

from __future__ import annotations

from twinspace.boards.comments import CommentService
from twinspace.boards.sections import SectionService, between, place
from twinspace.boards.views import (
    BODY_MAX_CHARS,
    MEDIA_POST_KINDS,
    BoardSettings,
    BoardUpdate,
    BoardView,
    MediaRef,
    NewPost,
    Placement,
    PostEdit,
    PostKind,
    PostView,
    SectionView,
    dump,
)
from twinspace.clock import utcnow
from twinspace.content.items import (
    ItemPush,
    ReactionView,
    author_view,
    check_reaction,
    clean_text,
    findable,
    notify_teachers,
    reaction_views,
    shown_reason,
    shows_removed,
    written,
)
from twinspace.content.moderated import ModeratedItems
from twinspace.errors import Conflict, Forbidden, NotFound, Problem, RuleViolation
from twinspace.moderation.model import (
    ContentRef,
    Decision,
    ItemKind,
    ItemStatus,
    ModerationHook,
    SpaceKind,
    Submission,
)
from twinspace.realtime.project_events import ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.boards import PostRecord
from twinspace.storage.records import BoardRecord, UserRecord
from twinspace.workspace.access import Access, AccessRules, Action

MAX_POSTS = 1000
_EDITABLE = frozenset({ItemStatus.PUBLISHED, ItemStatus.HELD, ItemStatus.BLOCKED})


def post_ref(post: PostRecord) -> ContentRef:
    text = "\n\n".join(part for part in (post.title, post.body, post.url or "") if part)
    return ContentRef(
        kind=ItemKind.POST,
        item_id=post.id,
        project_id=post.project_id,
        author_id=post.author_id,
        text=text,
        status=ItemStatus(post.status),
        space=SpaceKind.BOARD,
        space_id=post.board_id,
        extra={"board_id": str(post.board_id), "post_kind": post.kind},
    )


class BoardService:
    def __init__(
        self,
        storage: Storage,
        hub: ProjectEventHub,
        moderation: ModerationHook,
        access: AccessRules,
    ) -> None:
        self._storage = storage
        self._hub = hub
        self._moderation = moderation
        self._access = access
        self.sections = SectionService(storage, hub, access)
        self.comments = CommentService(storage, hub, moderation, self)
        moderation.register(
            ItemKind.POST, ModeratedItems(self.record, post_ref, self.change_status)
        )

    # -- the board ------------------------------------------------------------------------

    async def settings(self, board_id: int) -> BoardSettings:
        return BoardSettings.parse(await self._storage.board_content.settings(board_id))

    async def require_post(self, access: Access, board: BoardRecord) -> BoardSettings:
        """May this member add to the board right now? Returns the board's settings."""
        access.require(Action.POST)
        if board.archived_at is not None:
            raise Forbidden("the board is archived (read-only)", problem=Problem.SPACE_ARCHIVED)
        settings = await self.settings(board.id)
        if settings.who_may_post == "teachers" and not access.is_teacher:
            raise Forbidden("only teachers post on this board", problem=Problem.BOARD_TEACHERS_ONLY)
        return settings

    async def board(
        self, access: Access, board: BoardRecord, settings: BoardSettings | None = None
    ) -> BoardView:
        access.require(Action.READ)
        content = self._storage.board_content
        view = BoardView.of(board, settings or await self.settings(board.id))
        view.sections = [SectionView.of(s) for s in await content.sections(board.id)]
        posts = await content.posts(
            board.id, viewer_id=access.user.id, viewer_is_teacher=access.is_teacher, limit=MAX_POSTS
        )
        view.posts = await self.post_views(posts, access)
        return view

    async def update_board(
        self, access: Access, board: BoardRecord, form: BoardUpdate
    ) -> BoardView:
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            if form.title is not None or form.description is not None:
                await tx.board_content.update_board(
                    board.id, title=form.title, description=form.description
                )
            settings = BoardSettings.parse(await tx.board_content.settings(board.id))
            if form.settings is not None:
                settings = settings.model_copy(update=form.settings.model_dump(exclude_none=True))
                await tx.board_content.set_settings(board.id, settings.model_dump_json())
            changed = await written(tx.boards.get(board.id))
        return await self._board_changed(access, changed, settings)

    async def archive(self, access: Access, board: BoardRecord, archived: bool) -> BoardView:
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            if (board.archived_at is not None) != archived:
                await tx.boards.set_archived(board.id, utcnow() if archived else None)
            changed = await written(tx.boards.get(board.id))
            settings = BoardSettings.parse(await tx.board_content.settings(board.id))
        return await self._board_changed(access, changed, settings)

    async def _board_changed(
        self, access: Access, board: BoardRecord, settings: BoardSettings
    ) -> BoardView:
        self._hub.publish(board.project_id, "board.updated", dump(BoardView.of(board, settings)))
        return await self.board(access, board, settings)

    # -- post views and lookups -----------------------------------------------------------

    async def post_views(self, posts: list[PostRecord], access: Access | None) -> list[PostView]:
        """Views for one viewer (None: an event's audience, which may see the post)."""
        ids = [p.id for p in posts]
        content = self._storage.board_content
        comments = await content.comment_counts(ids)
        reactions = await content.reactions.of_items(ids)
        media = await self._storage.media.many([p.media_id for p in posts if p.media_id])
        out = []
        for p in posts:
            status = ItemStatus(p.status)
            removed = access is not None and shows_removed(
                status,
                p.published_at,
                is_teacher=access.is_teacher,
                viewer_id=access.user.id,
                author_id=p.author_id,
            )
            reason, reason_code = shown_reason(p, status, removed=removed)
            item = media.get(p.media_id) if p.media_id else None
            out.append(
                PostView(
                    id=p.id,
                    board_id=p.board_id,
                    section_id=p.section_id,
                    author=author_view(p.author_id, p.author_name),
                    kind=PostKind(p.kind),
                    title="" if removed else p.title,
                    body=None if removed else p.body,
                    url=None if removed else p.url,
                    media=MediaRef.of(item) if item and not removed else None,
                    position=p.position,
                    status=status,
                    reason=reason,
                    reason_code=reason_code,
                    pending=status is ItemStatus.HELD,
                    removed=removed,
                    created_at=p.created_at,
                    edited_at=p.edited_at,
                    comment_count=comments.get(p.id, 0),
                    reactions=[] if removed else reaction_views(reactions.get(p.id, [])),
                )
            )
        return out

    async def post_view(self, post: PostRecord, access: Access | None = None) -> PostView:
        return (await self.post_views([post], access))[0]

    async def record(self, post_id: int) -> PostRecord:
        post = await self._storage.board_content.post(post_id)
        if post is None:
            raise NotFound("no such post")
        return post

    async def locate_post(
        self, user: UserRecord, post_id: int
    ) -> tuple[Access, BoardRecord, PostRecord]:
        """A post with the caller's access to its board; 404 unless they may see it."""
        post = await self._storage.board_content.post(post_id)
        if post is None:
            raise NotFound("no such post")
        try:
            access, board = await self._access.board(user, post.board_id)
        except NotFound:
            raise NotFound("no such post") from None
        if not findable(
            ItemStatus(post.status),
            post.published_at,
            is_teacher=access.is_teacher,
            viewer_id=access.user.id,
            author_id=post.author_id,
        ):
            raise NotFound("no such post")
        return access, board, post

    def push(self, post: PostRecord) -> ItemPush:
        return ItemPush(
            self._hub, post.project_id, "post", post.author_id, f"board:{post.board_id}"
        )

    # -- writing posts --------------------------------------------------------------------

    async def _check_media(
        self, access: Access, board: BoardRecord, kind: PostKind, media_id: int | None
    ) -> int | None:
        if kind not in MEDIA_POST_KINDS:
            if media_id is not None:
                raise RuleViolation(
                    f"a {kind.value} post has no media", problem=Problem.POST_FILE, kind=kind.value
                )
            return None
        if media_id is None:
            raise RuleViolation(
                f"a {kind.value} post needs an uploaded file (media_id)",
                problem=Problem.POST_FILE,
                kind=kind.value,
            )
        media = await self._storage.media.get(media_id)
        if (
            media is None
            or media.project_id != board.project_id
            or (media.uploader_id != access.user.id and not access.is_teacher)
        ):
            raise RuleViolation(
                "no such upload of yours in this project", problem=Problem.UPLOAD_UNAVAILABLE
            )
        if kind is not PostKind.FILE and media.kind != kind.value:
            raise RuleViolation(
                f"a {kind.value} post needs a {kind.value} file, not {media.kind}",
                problem=Problem.POST_FILE,
                kind=kind.value,
                file_kind=media.kind,
            )
        if ItemStatus(media.status) not in _EDITABLE:
            raise RuleViolation(
                "this upload was removed by a moderator", problem=Problem.UPLOAD_UNAVAILABLE
            )
        return media.id

    async def _moderate(
        self,
        access: Access,
        board: BoardRecord,
        settings: BoardSettings,
        title: str,
        body: str,
        url: str | None,
    ) -> tuple[str, str, str | None, Decision]:
        """Ask moderation about title, body and link together; apply any masking it did."""
        parts = [title, body] + ([url] if url else [])
        decision = await self._moderation.submit(
            Submission(
                project_id=board.project_id,
                author=access.user,
                role=access.role,
                kind=ItemKind.POST,
                space=SpaceKind.BOARD,
                space_id=board.id,
                text="\n\n".join(parts),
                board_requires_approval=settings.approval_required,
            )
        )
        if decision.text is not None:
            masked = decision.text.split("\n\n", len(parts) - 1)
            masked += [""] * (len(parts) - len(masked))
            title, body = masked[0], masked[1]
            url = url if url is None or masked[2] == url else None
        return title, body, url, decision

    async def create_post(self, access: Access, board: BoardRecord, form: NewPost) -> PostView:
        settings = await self.require_post(access, board)
        title = " ".join(form.title.split())
        body = clean_text(form.body, max_chars=BODY_MAX_CHARS, allow_empty=True)
        url = str(form.url) if form.url is not None else None
        if (form.kind is PostKind.LINK) != (url is not None):
            raise RuleViolation(
                "link posts, and only they, carry a url", problem=Problem.LINK_POST_URL
            )
        if form.kind is PostKind.TEXT and not (title or body):
            raise RuleViolation("a text post needs a title or a body", problem=Problem.TEXT_EMPTY)
        media_id = await self._check_media(access, board, form.kind, form.media_id)
        section_id = await self.sections.of_board(board, form.section_id)
        title, body, url, decision = await self._moderate(access, board, settings, title, body, url)
        order = await self._storage.board_content.positions(board.id, section_id)
        position = between(order[-1][1] if order else None, None)
        assert position is not None
        async with self._storage.transaction() as tx:
            post_id = await tx.board_content.create_post(
                board_id=board.id,
                project_id=board.project_id,
                section_id=section_id,
                author_id=access.user.id,
                kind=form.kind.value,
                title=title,
                body=body,
                url=url,
                media_id=media_id,
                position=position,
                status=decision.status.value,
                reason=decision.reason,
                reason_code=decision.code,
                now=utcnow(),
            )
            post = await written(tx.board_content.post(post_id))
        ref = post_ref(post)
        queue_id = await self._moderation.recorded(ref, decision)
        view = await self.post_view(post)
        self.push(post).status_change(None, decision.status, dump(view), {})
        notify_teachers(self._hub, ref, decision, post.author_name, queue_id)
        return view

    async def edit_post(
        self, access: Access, board: BoardRecord, post: PostRecord, form: PostEdit
    ) -> PostView:
        settings = await self.require_post(access, board)
        if post.author_id != access.user.id:
            raise Forbidden("you may only edit your own posts", problem=Problem.OWN_ITEMS_ONLY)
        if ItemStatus(post.status) not in _EDITABLE:
            raise Conflict("this post can no longer be changed", problem=Problem.NO_LONGER_EDITABLE)
        if form.url is not None and post.kind != PostKind.LINK.value:
            raise RuleViolation("only link posts carry a url", problem=Problem.LINK_POST_URL)
        title = " ".join(form.title.split()) if form.title is not None else post.title
        body = (
            post.body
            if form.body is None
            else clean_text(form.body, max_chars=BODY_MAX_CHARS, allow_empty=True)
        )
        url = str(form.url) if form.url is not None else post.url
        title, body, url, decision = await self._moderate(access, board, settings, title, body, url)
        async with self._storage.transaction() as tx:
            await tx.board_content.update_post(
                post.id,
                title=title,
                body=body,
                url=url,
                status=decision.status.value,
                reason=decision.reason,
                reason_code=decision.code,
                now=utcnow(),
            )
            updated = await written(tx.board_content.post(post.id))
        ref = post_ref(updated)
        queue_id = await self._moderation.recorded(ref, decision)
        self.push(updated).status_change(
            ItemStatus(post.status),
            decision.status,
            dump(await self.post_view(updated)),
            {"id": post.id, "board_id": board.id},
        )
        notify_teachers(self._hub, ref, decision, updated.author_name, queue_id)
        return await self.post_view(updated, access)

    async def delete_post(self, access: Access, post: PostRecord) -> None:
        """Authors delete their own posts; teachers curate any post of their board."""
        access.require(Action.POST)  # also refuses in an archived (read-only) project
        if post.author_id != access.user.id:
            access.require(Action.MANAGE_SPACES)
        await self.change_status(post, ItemStatus.DELETED)

    async def change_status(self, post: PostRecord, status: ItemStatus) -> None:
        before = ItemStatus(post.status)
        if before is status:
            return
        async with self._storage.transaction() as tx:
            await tx.board_content.set_post_status(post.id, status.value, utcnow())
            updated = await written(tx.board_content.post(post.id))
        self.push(updated).status_change(
            before,
            status,
            dump(await self.post_view(updated)),
            {"id": post.id, "board_id": post.board_id},
        )

    async def move_post(
        self, access: Access, board: BoardRecord, post: PostRecord, placement: Placement
    ) -> PostView:
        access.require(Action.POST)
        if board.archived_at is not None:
            raise Forbidden("the board is archived (read-only)", problem=Problem.SPACE_ARCHIVED)
        if post.author_id != access.user.id and not access.is_teacher:
            raise Forbidden("you may only move your own posts", problem=Problem.OWN_ITEMS_ONLY)
        section_id = await self.sections.of_board(board, placement.section_id)
        async with self._storage.transaction() as tx:
            order = [
                item
                for item in await tx.board_content.positions(board.id, section_id)
                if item[0] != post.id
            ]
            moved = []
            for item_id, position in place(order, post.id, placement.after_id):
                await tx.board_content.move_post(item_id, section_id, position)
                moved.append(await written(tx.board_content.post(item_id)))
        for item in moved:
            self.push(item).send(
                ItemStatus(item.status),
                "post.moved",
                {
                    "id": item.id,
                    "board_id": board.id,
                    "section_id": item.section_id,
                    "position": item.position,
                },
            )
        return await self.post_view(next(p for p in moved if p.id == post.id), access)

    async def react_post(
        self, access: Access, board: BoardRecord, post: PostRecord, emoji: str
    ) -> list[ReactionView]:
        settings = await self.require_post(access, board)
        if not settings.reactions:
            raise Forbidden("reactions are off on this board", problem=Problem.REACTIONS_OFF)
        status = ItemStatus(post.status)
        if status is not ItemStatus.PUBLISHED:
            raise Conflict("only published posts take reactions", problem=Problem.NOT_PUBLISHED)
        emoji = check_reaction(emoji)
        async with self._storage.transaction() as tx:
            await tx.board_content.reactions.toggle(post.id, access.user.id, emoji, utcnow())
            pairs = (await tx.board_content.reactions.of_items([post.id])).get(post.id, [])
        views = reaction_views(pairs)
        self.push(post).send(
            status,
            "post.reactions",
            {"id": post.id, "board_id": board.id, "reactions": [dump(r) for r in views]},
        )
        return views
