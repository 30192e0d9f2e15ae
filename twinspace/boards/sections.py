"""Board sections (columns) and the fractional positions shared by sections and posts.

A moved item lands halfway between its new neighbours; only when two neighbours are too close
to split is the whole list renumbered (1024 apart).
"""

from __future__ import annotations

from twinspace.boards.views import SectionView, dump
from twinspace.clock import utcnow
from twinspace.content.items import written
from twinspace.errors import NotFound, Problem, RuleViolation
from twinspace.realtime.project_events import ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.boards import SectionRecord
from twinspace.storage.records import BoardRecord, UserRecord
from twinspace.workspace.access import Access, AccessRules, Action

STEP = 1024.0


def between(before: float | None, after: float | None) -> float | None:
    """A position strictly between two neighbours (None: no room left, renumber)."""
    if before is None and after is None:
        return STEP
    if before is None:
        assert after is not None
        return after - STEP
    if after is None:
        return before + STEP
    middle = (before + after) / 2
    return middle if before < middle < after else None


def place(
    order: list[tuple[int, float]], item_id: int, after_id: int | None
) -> list[tuple[int, float]]:
    """New (id, position) pairs that put `item_id` after `after_id` in `order` (which lacks
    the item): one pair normally, the whole renumbered list when the gap is used up."""
    ids = [i for i, _ in order]
    if after_id is not None and after_id not in ids:
        raise RuleViolation("after_id is not in that section", problem=Problem.BOARD_CHANGED)
    index = 0 if after_id is None else ids.index(after_id) + 1
    before = order[index - 1][1] if index > 0 else None
    after = order[index][1] if index < len(order) else None
    position = between(before, after)
    if position is not None:
        return [(item_id, position)]
    ids.insert(index, item_id)
    return [(i, STEP * (n + 1)) for n, i in enumerate(ids)]


class SectionService:
    def __init__(self, storage: Storage, hub: ProjectEventHub, access: AccessRules) -> None:
        self._storage = storage
        self._hub = hub
        self._access = access

    async def locate(
        self, user: UserRecord, section_id: int
    ) -> tuple[Access, BoardRecord, SectionRecord]:
        section = await self._storage.board_content.section(section_id)
        if section is None:
            raise NotFound("no such section")
        try:
            access, board = await self._access.board(user, section.board_id)
        except NotFound:
            raise NotFound("no such section") from None
        return access, board, section

    async def of_board(self, board: BoardRecord, section_id: int | None) -> int | None:
        """A section id checked to belong to the board (None: outside any section)."""
        if section_id is None:
            return None
        section = await self._storage.board_content.section(section_id)
        if section is None or section.board_id != board.id:
            raise RuleViolation("no such section on this board", problem=Problem.BOARD_CHANGED)
        return section.id

    async def create(self, access: Access, board: BoardRecord, title: str) -> SectionView:
        """A new section at the end of the board."""
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            sections = await tx.board_content.sections(board.id)
            position = between(sections[-1].position if sections else None, None)
            assert position is not None
            section_id = await tx.board_content.create_section(board.id, title, position, utcnow())
            section = await written(tx.board_content.section(section_id))
        return self._changed(board, section, "section.created")

    async def rename(
        self, access: Access, board: BoardRecord, section: SectionRecord, title: str
    ) -> SectionView:
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            await tx.board_content.update_section(section.id, title=title, position=None)
            renamed = await written(tx.board_content.section(section.id))
        return self._changed(board, renamed, "section.updated")

    async def move(
        self, access: Access, board: BoardRecord, section: SectionRecord, after_id: int | None
    ) -> SectionView:
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            order = [
                (s.id, s.position)
                for s in await tx.board_content.sections(board.id)
                if s.id != section.id
            ]
            moved = []
            for item_id, position in place(order, section.id, after_id):
                await tx.board_content.update_section(item_id, title=None, position=position)
                moved.append(await written(tx.board_content.section(item_id)))
        views = [self._changed(board, item, "section.updated") for item in moved]
        return next(v for v in views if v.id == section.id)

    async def delete(self, access: Access, board: BoardRecord, section: SectionRecord) -> None:
        """Remove a section; its posts stay on the board, outside any section."""
        access.require(Action.MANAGE_SPACES)
        await self._storage.board_content.delete_section(section.id)
        self._hub.publish(
            board.project_id,
            "section.removed",
            {"id": section.id, "board_id": board.id},
            scope=f"board:{board.id}",
        )

    def _changed(self, board: BoardRecord, section: SectionRecord, event: str) -> SectionView:
        view = SectionView.of(section)
        self._hub.publish(board.project_id, event, dump(view), scope=f"board:{board.id}")
        return view
