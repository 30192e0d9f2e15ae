"""The domain events moderation publishes about an item (held, published), built from its
`ContentRef` in one place so the pipeline and the desk say the same thing."""

from __future__ import annotations

from twinspace.domain_events import ItemHeld, ItemPublished
from twinspace.moderation.model import ContentRef, ItemKind

# What an item answers: a thread reply its first message, a comment its post.
_PARENT_KEY: dict[ItemKind, tuple[str, str]] = {
    ItemKind.MESSAGE: ("parent_id", "message"),
    ItemKind.COMMENT: ("post_id", "post"),
}


def held_event(ref: ContentRef, queue_id: int | None) -> ItemHeld:
    return ItemHeld(
        project_id=ref.project_id,
        queue_id=queue_id,
        item_kind=ref.kind.value,
        item_id=ref.item_id,
        author_id=ref.author_id,
        space=ref.space.value,
        space_id=ref.space_id,
        extra=tuple(sorted(ref.extra.items())),
    )


def published_event(ref: ContentRef) -> ItemPublished:
    parent_kind: str | None = None
    parent_id: int | None = None
    key = _PARENT_KEY.get(ref.kind)
    if key is not None and ref.extra.get(key[0], "").isdigit():
        parent_kind, parent_id = key[1], int(ref.extra[key[0]])
    return ItemPublished(
        project_id=ref.project_id,
        item_kind=ref.kind.value,
        item_id=ref.item_id,
        author_id=ref.author_id,
        text=ref.text,
        space=ref.space.value,
        space_id=ref.space_id,
        parent_kind=parent_kind,
        parent_id=parent_id,
    )
