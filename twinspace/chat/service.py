"""Chat channels: messages through moderation, replies one level deep, reactions, history and
unread counts, each change pushed live to the project's event stream.

There are no direct messages: every channel is project-wide, per class or the teachers' staff
room, so pupils always talk where their teachers can see.
"""

from __future__ import annotations

from typing import Any

from twinspace.chat.views import (
    MESSAGE_MAX_CHARS,
    MessageEdit,
    MessageView,
    NewMessage,
    ReadState,
    UnreadSummary,
    channel_data,
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
from twinspace.realtime.project_events import Audience, ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.chat import MessageRecord
from twinspace.storage.records import ChannelRecord, UserRecord
from twinspace.workspace.access import Access, AccessRules, Action

_EDITABLE = frozenset({ItemStatus.PUBLISHED, ItemStatus.HELD, ItemStatus.BLOCKED})


def content_ref(record: MessageRecord) -> ContentRef:
    extra = {"channel_id": str(record.channel_id)}
    if record.parent_id is not None:
        extra["parent_id"] = str(record.parent_id)
    return ContentRef(
        kind=ItemKind.MESSAGE,
        item_id=record.id,
        project_id=record.project_id,
        author_id=record.author_id,
        text=record.text,
        status=ItemStatus(record.status),
        space=SpaceKind.CHANNEL,
        space_id=record.channel_id,
        extra=extra,
    )


class ChatService:
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
        moderation.register(
            ItemKind.MESSAGE, ModeratedItems(self.record, content_ref, self.moderate)
        )

    # -- views and lookups ----------------------------------------------------------------

    async def views(
        self, records: list[MessageRecord], access: Access | None, *, new: bool = False
    ) -> list[MessageView]:
        """Views for one viewer (None: an event's audience, which may see the message).
        `new` messages have no replies or reactions yet: nothing to look up."""
        ids = [] if new else [r.id for r in records]
        replies = await self._storage.messages.reply_counts(ids)
        reactions = await self._storage.messages.reactions.of_items(ids)
        out = []
        for r in records:
            status = ItemStatus(r.status)
            removed = access is not None and shows_removed(
                status,
                r.published_at,
                is_teacher=access.is_teacher,
                viewer_id=access.user.id,
                author_id=r.author_id,
            )
            reason, reason_code = shown_reason(r, status, removed=removed)
            out.append(
                MessageView(
                    id=r.id,
                    channel_id=r.channel_id,
                    parent_id=r.parent_id,
                    author=author_view(r.author_id, r.author_name),
                    text=None if removed else r.text,
                    status=status,
                    reason=reason,
                    reason_code=reason_code,
                    pending=status is ItemStatus.HELD,
                    removed=removed,
                    created_at=r.created_at,
                    edited_at=r.edited_at,
                    reply_count=replies.get(r.id, 0),
                    reactions=[] if removed else reaction_views(reactions.get(r.id, [])),
                )
            )
        return out

    async def view(self, record: MessageRecord, access: Access | None = None) -> MessageView:
        return (await self.views([record], access))[0]

    async def record(self, message_id: int) -> MessageRecord:
        record = await self._storage.messages.get(message_id)
        if record is None:
            raise NotFound("no such message")
        return record

    async def history(
        self,
        access: Access,
        channel: ChannelRecord,
        *,
        parent_id: int | None,
        before: int | None,
        after: int | None,
        limit: int,
    ) -> list[MessageView]:
        access.require(Action.READ)
        records = await self._storage.messages.page(
            channel_id=channel.id,
            parent_id=parent_id,
            viewer_id=access.user.id,
            viewer_is_teacher=access.is_teacher,
            before=before,
            after=after,
            limit=limit,
        )
        return await self.views(records, access)

    async def find(self, access: Access, channel: ChannelRecord, message_id: int) -> MessageRecord:
        """A message of this channel the caller may see (removed placeholders included)."""
        record = await self._storage.messages.get(message_id)
        if (
            record is None
            or record.channel_id != channel.id
            or not findable(
                ItemStatus(record.status),
                record.published_at,
                is_teacher=access.is_teacher,
                viewer_id=access.user.id,
                author_id=record.author_id,
            )
        ):
            raise NotFound("no such message")
        return record

    async def locate(
        self, user: UserRecord, message_id: int
    ) -> tuple[Access, ChannelRecord, MessageRecord]:
        """A message by id, with the caller's access to its channel; 404 unless visible."""
        record = await self._storage.messages.get(message_id)
        if record is None:
            raise NotFound("no such message")
        try:
            access, channel = await self._access.channel(user, record.channel_id)
        except NotFound:
            raise NotFound("no such message") from None
        return access, channel, await self.find(access, channel, message_id)

    def _push(self, channel: ChannelRecord, record: MessageRecord) -> ItemPush:
        return ItemPush(
            self._hub,
            channel.project_id,
            "message",
            record.author_id,
            f"channel:{channel.id}",
            channel,
        )

    @staticmethod
    def _removed(record: MessageRecord) -> dict[str, Any]:
        return {"id": record.id, "channel_id": record.channel_id, "parent_id": record.parent_id}

    # -- writing --------------------------------------------------------------------------

    @staticmethod
    def _require_post(access: Access, channel: ChannelRecord) -> None:
        access.require(Action.POST)
        if channel.archived_at is not None:
            raise Forbidden("the channel is archived (read-only)", problem=Problem.SPACE_ARCHIVED)

    async def _moderate(self, access: Access, channel: ChannelRecord, text: str) -> Decision:
        return await self._moderation.submit(
            Submission(
                project_id=channel.project_id,
                author=access.user,
                role=access.role,
                kind=ItemKind.MESSAGE,
                space=SpaceKind.CHANNEL,
                space_id=channel.id,
                text=text,
            )
        )

    async def post(self, access: Access, channel: ChannelRecord, form: NewMessage) -> MessageView:
        self._require_post(access, channel)
        if form.client_key is not None:
            sent = await self._storage.messages.by_client_key(access.user.id, form.client_key)
            if sent is not None:
                return await self._resent(access, channel, sent)
        text = clean_text(form.text, max_chars=MESSAGE_MAX_CHARS)
        if form.parent_id is not None:
            parent = await self.find(access, channel, form.parent_id)
            if parent.parent_id is not None:
                raise RuleViolation(
                    "replies go one level deep: answer the thread's first message",
                    problem=Problem.REPLY_DEPTH,
                    rule="thread-depth",
                )
            if ItemStatus(parent.status) is not ItemStatus.PUBLISHED:
                raise RuleViolation(
                    "only published messages take replies", problem=Problem.NOT_PUBLISHED
                )
        decision = await self._moderate(access, channel, text)
        async with self._storage.transaction() as tx:
            if form.client_key is not None:
                # two sends of one key at once: the second waits, then finds the first
                await tx.messages.lock_client_keys(access.user.id)
                sent = await tx.messages.by_client_key(access.user.id, form.client_key)
                if sent is not None:
                    return await self._resent(access, channel, sent)
            message_id = await tx.messages.create(
                channel_id=channel.id,
                project_id=channel.project_id,
                author_id=access.user.id,
                parent_id=form.parent_id,
                text=decision.text or text,
                status=decision.status.value,
                reason=decision.reason,
                reason_code=decision.code,
                now=utcnow(),
                client_key=form.client_key,
            )
            record = await written(tx.messages.get(message_id))
        ref = content_ref(record)
        queue_id = await self._moderation.recorded(ref, decision)
        view = (await self.views([record], None, new=True))[0]
        self._push(channel, record).status_change(
            None, decision.status, view.model_dump(mode="json"), {}
        )
        notify_teachers(self._hub, ref, decision, record.author_name, queue_id)
        return view

    async def _resent(
        self, access: Access, channel: ChannelRecord, sent: MessageRecord
    ) -> MessageView:
        """A send repeated with its client key: the first message, never a second one."""
        if sent.channel_id != channel.id:
            raise Conflict(
                "this client_key named a message of another channel",
                problem=Problem.CLIENT_KEY_REUSED,
            )
        return (await self.views([sent], access))[0]

    @staticmethod
    def _require_author(access: Access, record: MessageRecord) -> None:
        if record.author_id != access.user.id:
            raise Forbidden("you may only change your own messages", problem=Problem.OWN_ITEMS_ONLY)
        if ItemStatus(record.status) not in _EDITABLE:
            raise Conflict(
                "this message can no longer be changed", problem=Problem.NO_LONGER_EDITABLE
            )

    async def edit(
        self, access: Access, channel: ChannelRecord, record: MessageRecord, form: MessageEdit
    ) -> MessageView:
        """Edit your own message; the new text goes through moderation again."""
        self._require_post(access, channel)
        self._require_author(access, record)
        text = clean_text(form.text, max_chars=MESSAGE_MAX_CHARS)
        decision = await self._moderate(access, channel, text)
        async with self._storage.transaction() as tx:
            await tx.messages.update_text(
                record.id,
                text=decision.text or text,
                status=decision.status.value,
                reason=decision.reason,
                reason_code=decision.code,
                now=utcnow(),
            )
            updated = await written(tx.messages.get(record.id))
        ref = content_ref(updated)
        queue_id = await self._moderation.recorded(ref, decision)
        view = await self.view(updated)
        self._push(channel, updated).status_change(
            ItemStatus(record.status),
            decision.status,
            view.model_dump(mode="json"),
            self._removed(updated),
        )
        notify_teachers(self._hub, ref, decision, updated.author_name, queue_id)
        return await self.view(updated, access)

    async def delete(self, access: Access, channel: ChannelRecord, record: MessageRecord) -> None:
        access.require(Action.POST)  # also refuses in an archived (read-only) project
        self._require_author(access, record)
        await self.change_status(channel, record, ItemStatus.DELETED)

    async def change_status(
        self, channel: ChannelRecord, record: MessageRecord, status: ItemStatus
    ) -> None:
        before = ItemStatus(record.status)
        if before is status:
            return
        async with self._storage.transaction() as tx:
            await tx.messages.set_status(record.id, status.value, utcnow())
            updated = await written(tx.messages.get(record.id))
        view = await self.view(updated)
        self._push(channel, updated).status_change(
            before, status, view.model_dump(mode="json"), self._removed(updated)
        )

    async def moderate(self, record: MessageRecord, status: ItemStatus) -> None:
        """Moderation changed a message's status: store it and push the change."""
        channel = await self._storage.channels.get(record.channel_id)
        if channel is None:
            raise NotFound("no such channel")
        await self.change_status(channel, record, status)

    async def react(
        self, access: Access, channel: ChannelRecord, record: MessageRecord, emoji: str
    ) -> list[ReactionView]:
        self._require_post(access, channel)
        status = ItemStatus(record.status)
        if status is not ItemStatus.PUBLISHED:
            raise Conflict("only published messages take reactions", problem=Problem.NOT_PUBLISHED)
        emoji = check_reaction(emoji)
        async with self._storage.transaction() as tx:
            await tx.messages.reactions.toggle(record.id, access.user.id, emoji, utcnow())
            pairs = (await tx.messages.reactions.of_items([record.id])).get(record.id, [])
        views = reaction_views(pairs)
        self._push(channel, record).send(
            status,
            "message.reactions",
            {
                "id": record.id,
                "channel_id": channel.id,
                "reactions": [r.model_dump(mode="json") for r in views],
            },
        )
        return views

    # -- channels and read positions -------------------------------------------------------

    async def rename_channel(
        self, access: Access, channel: ChannelRecord, name: str
    ) -> ChannelRecord:
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            await tx.channels.rename(channel.id, name)
            changed = await written(tx.channels.get(channel.id))
        return self._channel_changed(changed)

    async def archive_channel(
        self, access: Access, channel: ChannelRecord, archived: bool
    ) -> ChannelRecord:
        """Archived channels stay readable; nobody posts, edits or reacts in them."""
        access.require(Action.MANAGE_SPACES)
        async with self._storage.transaction() as tx:
            if (channel.archived_at is not None) != archived:
                await tx.channels.set_archived(channel.id, utcnow() if archived else None)
            changed = await written(tx.channels.get(channel.id))
        return self._channel_changed(changed)

    def _channel_changed(self, channel: ChannelRecord) -> ChannelRecord:
        self._hub.publish(
            channel.project_id,
            "channel.updated",
            channel_data(channel),
            audience=Audience(channel=channel),
        )
        return channel

    async def mark_read(
        self, access: Access, channel: ChannelRecord, message_id: int | None
    ) -> ReadState:
        latest = await self._storage.messages.latest_id(channel.id)
        target = latest if message_id is None else min(message_id, latest)
        async with self._storage.transaction() as tx:
            await tx.reads.mark(channel.id, access.user.id, target, utcnow())
            counts = await tx.reads.unread(access.project.id, access.user.id)
        unread, position = counts.get(channel.id, (0, target))
        state = ReadState(channel_id=channel.id, last_read_message_id=position, unread=unread)
        self._hub.publish(
            channel.project_id,
            "channel.read",
            state.model_dump(mode="json"),
            audience=Audience.only({access.user.id}),
            durable=False,
        )
        return state

    async def unread(self, access: Access) -> UnreadSummary:
        """Published messages by others after each read position, per visible channel."""
        pupil_class = await self._access.pupil_class(access)
        counts = await self._storage.reads.unread(access.project.id, access.user.id)
        states = [
            ReadState(
                channel_id=c.id,
                unread=counts.get(c.id, (0, 0))[0],
                last_read_message_id=counts.get(c.id, (0, 0))[1],
            )
            for c in await self._storage.channels.of_project(access.project.id)
            if access.can_see_channel(c, pupil_class)
        ]
        return UnreadSummary(channels=states, total=sum(s.unread for s in states))
