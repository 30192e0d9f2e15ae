"""The moderation pipeline: gate, filters, policy, then queue and audit.

See docs/design.md, "Pupil safety".

`ModerationPipeline` implements `ModerationHook`: chat, boards and uploads call `submit()` before
storing a pupil's item and `recorded()` after.
"""

from __future__ import annotations

import asyncio

from twinspace.clock import to_iso, utcnow
from twinspace.config import Settings
from twinspace.domain_events import DomainEventBus, UrgentCareNotice
from twinspace.errors import Forbidden, Problem, Throttled
from twinspace.moderation.audit import AuditTrail
from twinspace.moderation.care import CARE_CAUSE, UrgentNotices, care_decision, needs_care
from twinspace.moderation.filters import Category, FilterConfig, Finding, mask, scan_text
from twinspace.moderation.filters.config import DEFAULT_ALLOWED_DOMAINS
from twinspace.moderation.filters.findings import finding
from twinspace.moderation.filters.lexicon import Lexicons, default_lexicons
from twinspace.moderation.filters.wordlists import WordLists
from twinspace.moderation.item_events import held_event, published_event
from twinspace.moderation.model import (
    ContentRef,
    Decision,
    Flag,
    ItemKind,
    ItemStatus,
    ModeratedContent,
    Outcome,
    SpaceKind,
    Submission,
)
from twinspace.moderation.policy import FlagAction, Mode, Policy
from twinspace.moderation.policy_book import PolicyBook
from twinspace.moderation.recent import RecentMessages
from twinspace.realtime.limits import LocalRateGate, LocalSlowMode, RateGate, SlowMode
from twinspace.realtime.project_events import ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.records import UserRecord
from twinspace.types import Role
from twinspace.workspace.access import AccessRules, SpaceRestricted

UNCHECKED = "unchecked"  # an upload whose content could not be (fully) read: a teacher looks

# What the author reads about a finding (kept simple: pupils are 3 to 19).
PLAIN_WORDS: dict[str, str] = {
    Category.OFFENSIVE: "words that are not OK here",
    Category.PHONE: "a phone number",
    Category.EMAIL: "an e-mail address",
    Category.SOCIAL_HANDLE: "a social media name or invitation",
    Category.EXTERNAL_LINK: "a link to a site outside the project",
    Category.ADDRESS: "a street address",
    Category.SELF_HARM: "something a teacher should read",
    UNCHECKED: "a part that could not be checked",
}
# Contact data a pupil may split over consecutive messages.
SPREAD_CATEGORIES = frozenset({Category.PHONE, Category.EMAIL, Category.ADDRESS})
SLOW_MODE_KEYS = 50_000


class Muted(Forbidden):
    code, title = "muted", "Muted"


class QuietHoursActive(Forbidden):
    code, title = "quiet-hours", "Quiet hours"


def flags_of(findings: list[Finding]) -> tuple[Flag, ...]:
    return tuple(Flag(f.category.value, f.rule, f.start, f.end, f.excerpt) for f in findings)


def describe(categories: set[str]) -> str:
    words = [PLAIN_WORDS.get(c, c.replace("_", " ")) for c in sorted(categories)]
    return ", ".join(words)


class ModerationPipeline:
    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        access: AccessRules,
        policies: PolicyBook,
        audit: AuditTrail,
        wordlists: WordLists,
        hub: ProjectEventHub,
        lexicons: Lexicons | None = None,
        events: DomainEventBus | None = None,
    ) -> None:
        self._storage = storage
        self._events = events or DomainEventBus()
        self._access = access  # space restrictions (live sessions) gate pupils too
        self._policies = policies
        self._audit = audit
        self._wordlists = wordlists
        self._lexicons = lexicons if lexicons is not None else default_lexicons()
        self._urgent = UrgentNotices(storage, hub)
        self.recent = RecentMessages()
        self._spread_configs: dict[frozenset[Category], FilterConfig] = {}
        self.handlers: dict[ItemKind, ModeratedContent] = {}
        self._rate: RateGate = LocalRateGate(settings.posts_per_minute / 60, settings.post_burst)
        self._slow: SlowMode = LocalSlowMode(max_keys=SLOW_MODE_KEYS)
        self._configs: dict[frozenset[str], FilterConfig] = {}

    def share_limits(self, rate: RateGate, slow: SlowMode) -> None:
        """Posting rate and slow mode kept outside this process (the cluster's Redis)."""
        self._rate, self._slow = rate, slow

    def register(self, kind: ItemKind, handler: ModeratedContent) -> None:
        self.handlers[kind] = handler

    async def filters(self, project_id: int, role: Role, space: SpaceKind, space_id: int) -> bool:
        policy = await self._policies.effective(project_id, space, space_id)
        if policy.mode is Mode.OFF:
            return False
        return role is Role.PUPIL or policy.filter_teachers

    # -- submit -------------------------------------------------------------------------------

    async def submit(self, submission: Submission) -> Decision:
        pupil = submission.role is Role.PUPIL
        wait = await self._rate.take(str(submission.author.id))
        if wait:
            raise Throttled(
                "you are posting very fast; wait a moment",
                problem=Problem.TOO_FAST,
                retry_after=int(wait) + 1,
                rule="rate-limit",
            )
        policy = await self._policies.effective(
            submission.project_id, submission.space, submission.space_id
        )
        if pupil:
            await self._gate(submission, policy)
        if not pupil and not policy.filter_teachers:
            return Decision(Outcome.PUBLISHED)
        findings = await self._scan(submission, policy) if policy.mode is not Mode.OFF else []
        flags = flags_of(findings) + submission.findings
        if submission.unchecked and policy.mode is not Mode.OFF:
            flags += (Flag(UNCHECKED, submission.unchecked, 0, 0, ""),)
        if pupil and needs_care(flags):
            return care_decision(flags)  # held quietly, urgent notice on recording
        if pupil and policy.mode is Mode.PRE:
            return Decision(
                Outcome.HELD, "a teacher checks every post here first", flags, cause="pre"
            )
        if pupil and submission.board_requires_approval:
            return Decision(
                Outcome.HELD,
                "a teacher approves posts on this board first",
                flags,
                cause="approval",
            )
        if not flags:
            return Decision(Outcome.PUBLISHED)
        actions = {_action(policy, f.category) for f in flags}
        if FlagAction.MASK in actions and not submission.maskable:
            actions.add(FlagAction.HOLD)
        categories = {f.category for f in flags}
        if FlagAction.BLOCK in actions:
            return Decision(Outcome.BLOCKED, f"not sent: it contains {describe(categories)}", flags)
        if FlagAction.HOLD in actions:
            return Decision(
                Outcome.HELD,
                f"waiting for a teacher: it contains {describe(categories)}",
                flags,
                cause="filter",
            )
        return Decision(
            Outcome.PUBLISHED,
            f"hidden: {describe(categories)}",
            flags,
            text=mask(submission.text, findings),
        )

    def _config(self, allowlist: frozenset[str]) -> FilterConfig:
        config = self._configs.get(allowlist)
        if config is None:
            if len(self._configs) > 256:
                self._configs.clear()
            config = self._configs[allowlist] = FilterConfig(
                allowed_domains=DEFAULT_ALLOWED_DOMAINS | allowlist,
                wordlists=self._wordlists,
                lexicons=self._lexicons,
            )
        return config

    async def _scan(self, submission: Submission, policy: Policy) -> list[Finding]:
        config = self._config(frozenset(policy.link_allowlist))
        text = submission.text
        hint = submission.author.country
        if len(text) > 2000:
            return await asyncio.to_thread(scan_text, text, config=config, region_hint=hint)
        findings = scan_text(text, config=config, region_hint=hint)
        if submission.role is Role.PUPIL:
            findings.extend(self._spread(submission, config, findings))
        return findings

    def _spread(
        self, submission: Submission, config: FilterConfig, found: list[Finding]
    ) -> list[Finding]:
        """Contact data that starts in the author's previous messages here and ends in this one
        ("601 234" then "567"), within ``RecentMessages.window`` seconds."""
        key = (submission.author.id, submission.space.value, submission.space_id)
        text = submission.text
        previous = self.recent.before(key)
        self.recent.add(key, text)
        if not previous or len(text) > 500:
            return []
        joined = " ".join([*previous, text])
        offset = len(joined) - len(text)
        wanted = SPREAD_CATEGORIES - {f.category for f in found}
        if not wanted or not _may_hold_contact(joined):
            return []
        spread_config = self._spread_configs.get(wanted)
        if spread_config is None:
            spread_config = self._spread_configs[wanted] = FilterConfig(
                categories=wanted, wordlists=config.wordlists, lexicons=config.lexicons
            )
        spread = scan_text(joined, config=spread_config, region_hint=submission.author.country)
        parts = len(previous) + 1
        return [
            finding(
                text,
                item.category,
                0,
                item.end - offset,
                f"{item.rule}, spread over {parts} messages: {item.excerpt}",
            )
            for item in spread
            if item.start < offset < item.end
        ]

    async def _gate(self, submission: Submission, policy: Policy) -> None:
        author = submission.author
        now = utcnow()
        mute = await self._storage.mutes.active(submission.project_id, author.id, now)
        if mute is not None:
            raise Muted(
                f"you are muted in this project until {to_iso(mute.until)}",
                until=to_iso(mute.until),
                reason=mute.reason,
            )
        block = await self._access.pupil_write_block(
            project_id=submission.project_id,
            user_id=author.id,
            role=submission.role,
            space=submission.space.value,
            space_id=submission.space_id,
        )
        if block is not None:
            raise SpaceRestricted(block)
        if policy.quiet_hours is not None:
            zone = await self._zone_of(author)
            if policy.quiet_hours.active(now, zone):
                ends = policy.quiet_hours.ends_after(now, zone)
                raise QuietHoursActive(
                    f"it is quiet time at your school until {ends.strftime('%H:%M')}",
                    until=to_iso(ends),
                    timezone=zone,
                )
        if policy.slow_mode_seconds:
            key = f"{author.id}:{submission.space.value}:{submission.space_id}"
            wait = await self._slow.claim(key, policy.slow_mode_seconds)
            if wait > 0:
                raise Throttled(
                    f"slow mode: one post every {policy.slow_mode_seconds} s",
                    problem=Problem.SLOW_MODE,
                    interval=policy.slow_mode_seconds,
                    retry_after=int(wait) + 1,
                    rule="slow-mode",
                )

    async def _zone_of(self, user: UserRecord) -> str:
        if user.school_id is not None:
            school = await self._storage.schools.get(user.school_id)
            if school is not None:
                return school.timezone
        if user.country:
            country = await self._storage.countries.get(user.country)
            if country is not None:
                return country.timezone
        return "UTC"

    # -- after storing ------------------------------------------------------------------------

    async def recorded(self, ref: ContentRef, decision: Decision) -> int | None:
        queue_id: int | None = None
        if ref.author_id is not None and decision.status is not ItemStatus.BLOCKED:
            self._remember_post(ref)
        now = utcnow()
        if decision.status is ItemStatus.HELD:
            origin = decision.cause or "filter"
            if origin == CARE_CAUSE:
                origin = "filter"  # the queue's origins; the flags say self_harm
            async with self._storage.transaction() as tx:
                await tx.queue.resolve_item(
                    ref.kind.value, ref.item_id, resolution="superseded", actor_id=None, now=now
                )
                queue_id = await tx.queue.add(
                    project_id=ref.project_id,
                    item_kind=ref.kind.value,
                    item_id=ref.item_id,
                    author_id=ref.author_id,
                    origin=origin,
                    reason=decision.reason or "held",
                    flags=[_flag_json(f) for f in decision.flags],
                    excerpt=ref.text[:500],
                    now=now,
                )
            await self._audit.system(
                ref.project_id,
                "held",
                ref,
                decision.reason or "",
                {"reason_code": decision.code} if decision.code else None,
            )
            await self._events.publish(held_event(ref, queue_id))
            if decision.cause == CARE_CAUSE:
                recipients = await self._urgent.self_harm(ref, decision, queue_id)
                await self._audit.system(ref.project_id, "urgent_notice", ref, "self-harm")
                if ref.author_id is not None:
                    await self._events.publish(
                        UrgentCareNotice(
                            project_id=ref.project_id,
                            queue_id=queue_id,
                            item_kind=ref.kind.value,
                            item_id=ref.item_id,
                            author_id=ref.author_id,
                            recipients=tuple(recipients),
                        )
                    )
        elif decision.status is ItemStatus.BLOCKED:
            await self._audit.system(
                ref.project_id,
                "blocked",
                ref,
                decision.reason or "",
                {"flags": sorted({f.category for f in decision.flags})},
            )
        elif decision.flags:  # published with masking
            await self._audit.system(
                ref.project_id,
                "masked",
                ref,
                decision.reason or "",
                {"flags": sorted({f.category for f in decision.flags})},
            )
        if decision.status is ItemStatus.PUBLISHED:
            await self._storage.queue.resolve_item(
                ref.kind.value, ref.item_id, resolution="superseded", actor_id=None, now=now
            )
            await self._events.publish(published_event(ref))
        return queue_id

    def _remember_post(self, ref: ContentRef) -> None:
        assert ref.author_id is not None
        self._slow.posted(f"{ref.author_id}:{ref.space.value}:{ref.space_id}")


def _may_hold_contact(text: str) -> bool:
    """Digits (phones, house numbers, postcodes), an "@", or enough words to spell a
    number or an address out ("six zero one", "anna at gmail dot com")."""
    return "@" in text or any(c.isdigit() for c in text) or len(text.split()) >= 4


def _flag_json(flag: Flag) -> dict[str, object]:
    return {
        "category": flag.category,
        "reason": flag.reason,
        "start": flag.start,
        "end": flag.end,
        "excerpt": flag.excerpt,
    }


def _action(policy: Policy, category: str) -> FlagAction:
    """The policy's action for a filter category; other findings (image classifiers) hold."""
    try:
        return policy.action(Category(category))
    except ValueError:
        return FlagAction.HOLD
