"""Media boards over HTTP: the board with its sections and posts, settings, moves, comments."""

from __future__ import annotations

from twinspace.boards.views import (
    BoardUpdate,
    BoardView,
    CommentView,
    NewComment,
    NewPost,
    NewSection,
    Placement,
    PostEdit,
    PostView,
    SectionMove,
    SectionUpdate,
    SectionView,
)
from twinspace.chat.views import ReactionIn
from twinspace.content.items import ReactionView
from twinspace.face.api import ApiRouter, Ctx

router = ApiRouter("boards")


@router.get("/boards/{board_id:id}", response=BoardView)
async def get_board(ctx: Ctx) -> BoardView:
    """A board with its settings, sections and the posts the caller may see."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    return await ctx.services.boards.board(access, board)


@router.patch("/boards/{board_id:id}", body=BoardUpdate, response=BoardView)
async def update_board(ctx: Ctx, body: BoardUpdate) -> BoardView:
    """Rename a board or change its settings (teachers)."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    return await ctx.services.boards.update_board(access, board, body)


@router.post("/boards/{board_id:id}/archive", response=BoardView)
async def archive_board(ctx: Ctx) -> BoardView:
    """Archive a board: readable, but nobody can add to it (teachers)."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    return await ctx.services.boards.archive(access, board, True)


@router.delete("/boards/{board_id:id}/archive", response=BoardView)
async def unarchive_board(ctx: Ctx) -> BoardView:
    """Reopen an archived board (teachers)."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    return await ctx.services.boards.archive(access, board, False)


@router.post("/boards/{board_id:id}/sections", body=NewSection, response=SectionView, status=201)
async def create_section(ctx: Ctx, body: NewSection) -> SectionView:
    """Add a section (column) at the end of the board (teachers)."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    return await ctx.services.boards.sections.create(access, board, body.title)


@router.patch("/sections/{section_id:id}", body=SectionUpdate, response=SectionView)
async def rename_section(ctx: Ctx, body: SectionUpdate) -> SectionView:
    """Rename a section (teachers)."""
    sections = ctx.services.boards.sections
    access, board, section = await sections.locate(ctx.user, ctx.path_id("section_id"))
    if body.title is None:
        return SectionView.of(section)
    return await sections.rename(access, board, section, body.title)


@router.post("/sections/{section_id:id}/move", body=SectionMove, response=SectionView)
async def move_section(ctx: Ctx, body: SectionMove) -> SectionView:
    """Move a section after another one (`after_id` null: first) (teachers)."""
    sections = ctx.services.boards.sections
    access, board, section = await sections.locate(ctx.user, ctx.path_id("section_id"))
    return await sections.move(access, board, section, body.after_id)


@router.delete("/sections/{section_id:id}", status=204)
async def delete_section(ctx: Ctx) -> None:
    """Remove a section; its posts stay on the board outside any section (teachers)."""
    sections = ctx.services.boards.sections
    access, board, section = await sections.locate(ctx.user, ctx.path_id("section_id"))
    await sections.delete(access, board, section)


@router.post("/boards/{board_id:id}/posts", body=NewPost, response=PostView, status=201)
async def create_post(ctx: Ctx, body: NewPost) -> PostView:
    """Post on a board (text, image, video, audio, file or link); pupils' posts are moderated."""
    access, board = await ctx.services.access.board(ctx.user, ctx.path_id("board_id"))
    return await ctx.services.boards.create_post(access, board, body)


@router.get("/posts/{post_id:id}", response=PostView)
async def get_post(ctx: Ctx) -> PostView:
    """One post."""
    access, _board, post = await ctx.services.boards.locate_post(ctx.user, ctx.path_id("post_id"))
    return await ctx.services.boards.post_view(post, access)


@router.patch("/posts/{post_id:id}", body=PostEdit, response=PostView)
async def edit_post(ctx: Ctx, body: PostEdit) -> PostView:
    """Edit your own post; the new text goes through moderation again."""
    boards = ctx.services.boards
    access, board, post = await boards.locate_post(ctx.user, ctx.path_id("post_id"))
    return await boards.edit_post(access, board, post, body)


@router.delete("/posts/{post_id:id}", status=204)
async def delete_post(ctx: Ctx) -> None:
    """Delete your own post (teachers may delete any post of their board)."""
    boards = ctx.services.boards
    access, _board, post = await boards.locate_post(ctx.user, ctx.path_id("post_id"))
    await boards.delete_post(access, post)


@router.post("/posts/{post_id:id}/move", body=Placement, response=PostView)
async def move_post(ctx: Ctx, body: Placement) -> PostView:
    """Move a post into a section, after another post (`after_id` null: first)."""
    boards = ctx.services.boards
    access, board, post = await boards.locate_post(ctx.user, ctx.path_id("post_id"))
    return await boards.move_post(access, board, post, body)


@router.post("/posts/{post_id:id}/reactions", body=ReactionIn, response=list[ReactionView])
async def react_to_post(ctx: Ctx, body: ReactionIn) -> list[ReactionView]:
    """Toggle your reaction (one of the offered emoji) on a post."""
    boards = ctx.services.boards
    access, board, post = await boards.locate_post(ctx.user, ctx.path_id("post_id"))
    return await boards.react_post(access, board, post, body.emoji)


@router.get("/posts/{post_id:id}/comments", response=list[CommentView])
async def list_comments(ctx: Ctx) -> list[CommentView]:
    """Comments on a post the caller may see, oldest first."""
    boards = ctx.services.boards
    access, _board, post = await boards.locate_post(ctx.user, ctx.path_id("post_id"))
    return await boards.comments.of_post(access, post)


@router.post("/posts/{post_id:id}/comments", body=NewComment, response=CommentView, status=201)
async def add_comment(ctx: Ctx, body: NewComment) -> CommentView:
    """Comment on a post (when the board allows comments); pupils' comments are moderated."""
    boards = ctx.services.boards
    access, board, post = await boards.locate_post(ctx.user, ctx.path_id("post_id"))
    return await boards.comments.add(access, board, post, body)


@router.delete("/comments/{comment_id:id}", status=204)
async def delete_comment(ctx: Ctx) -> None:
    """Delete your own comment (teachers may delete any)."""
    comments = ctx.services.boards.comments
    access, _board, comment = await comments.locate(ctx.user, ctx.path_id("comment_id"))
    await comments.delete(access, comment)
