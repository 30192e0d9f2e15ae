"""How moderation reads and changes one kind of pupil-authored item, written once for all kinds.

Chat messages, board posts, comments and uploads each register a `ModeratedItems` built from
three functions of the service that owns them: load an item (NotFound when it is gone),
describe it for the queue, and change its status (storing it and pushing the live change).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from twinspace.errors import NotFound
from twinspace.moderation.model import ContentRef, ItemStatus

Item = TypeVar("Item")


class ModeratedItems(Generic[Item]):
    """A `ModeratedContent` (twinspace/moderation/model.py) over one service's items."""

    def __init__(
        self,
        load: Callable[[int], Awaitable[Item]],
        describe: Callable[[Item], ContentRef],
        change: Callable[[Item, ItemStatus], Awaitable[None]],
    ) -> None:
        self._load = load
        self._describe = describe
        self._change = change

    async def describe(self, item_id: int) -> ContentRef | None:
        try:
            item = await self._load(item_id)
        except NotFound:
            return None
        return self._describe(item)

    async def set_status(self, item_id: int, status: ItemStatus, actor_id: int) -> None:
        await self._change(await self._load(item_id), status)
