"""The CRDT engine seam: the only module in TwinSpaces that imports ``y_py`` or ``pycrdt``.

Both engines wrap the same Rust core (Yrs) and speak the same v1 update format. pycrdt (current
Yrs, maintained, built for every Python) is the default; y-py (Yrs 0.12, archived upstream, no
build past Python 3.12) stays supported where it installs; tests run this contract on both.

Threading: a ``Document`` belongs to the thread that made it (y-py panics otherwise, and this
class refuses with ``RuntimeError`` first). The module-level helpers take and return bytes and
build their own documents, so they are safe to run in a worker thread.

Every update a peer sends is checked by a pure-Python decoder before an engine sees it (it
must decode, and an item whose parent is new in the same update must hang under a shared type),
and an update whose dependencies are missing is held until they arrive. y-py needs much more:
Yrs 0.12 takes the whole process down (segfault or abort, not an exception) on some malformed
updates (strings that are not UTF-8, empty structs, items whose parent is not a shared type),
and corrupts documents in ordinary concurrent editing: an update that arrives before its
dependencies is never integrated; an item put into a container someone deleted, or next to an
item Yjs garbage-collected, breaks or silently changes the page; a struct that overlaps what the
document holds is mis-integrated. For y-py, ``Document`` therefore mirrors the document's
structure, holds early updates itself, cuts known prefixes off (as a Yjs diff would) and hands
such items over as the GC structs Yjs makes of them. pycrdt needs none of this (it survived the
same fuzzing unguarded and refuses an item whose parent is not a shared type itself), so for it
the mirror holds clocks and deleted ranges only, learned from the checks' own scans, never by
re-reading what the engine reports. What the server stored itself goes in through ``load``,
which on pycrdt skips the checks: a 300 kB page loads in milliseconds, not a scan per load
(``docs/design.md``, "Large pages").
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import importlib
import secrets
import threading
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Final, Protocol, TypeVar

from twinspace.realtime.protocol import (
    MalformedMessage,
    MalformedUpdate,
    decode_state_vector,
)
from twinspace.realtime.yjs.export import page_html, page_text
from twinspace.realtime.yjs.extras import PageExtra, page_extras
from twinspace.realtime.yjs.model import TEXT_ROOT, Page
from twinspace.realtime.yjs.reader import read_page
from twinspace.realtime.yjs.scan import (
    Link,
    RangeSet,
    UpdateScan,
    gc_orphans,
    scan_update,
    trim_known,
)
from twinspace.realtime.yjs.writer import replacement_update

__all__ = [
    "Compaction",
    "Document",
    "Engine",
    "MalformedUpdate",
    "MissingDependencies",
    "PageExtra",
    "UpdateEvent",
    "available_engines",
    "compact",
    "default_engine",
    "html",
    "merge_updates",
    "plain_text",
    "restore",
    "scan_view",
]

_T = TypeVar("_T")

EMPTY_UPDATE: Final = b"\x00\x00"
MAX_PENDING_BYTES: Final = 8 * 1024 * 1024
_NEVER_SWALLOW: Final = (KeyboardInterrupt, SystemExit, GeneratorExit, asyncio.CancelledError)


class Engine(enum.Enum):
    Y_PY = "y-py"
    PYCRDT = "pycrdt"


class MissingDependencies(Exception):
    """Some updates depend on updates that were not given; ``leftover`` holds them."""

    def __init__(self, leftover: tuple[bytes, ...]) -> None:
        super().__init__(f"{len(leftover)} update(s) wait for missing dependencies")
        self.leftover = leftover


@dataclass(frozen=True, slots=True)
class UpdateEvent:
    """An update the document integrated; ``local`` is False for ``apply_update`` input."""

    update: bytes
    local: bool


@dataclass(frozen=True, slots=True)
class Compaction:
    """A merged state plus the input updates it could not integrate yet (keep those)."""

    state: bytes
    leftover: tuple[bytes, ...]


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def available_engines() -> tuple[Engine, ...]:
    return tuple(e for e in Engine if _importable("y_py" if e is Engine.Y_PY else "pycrdt"))


def default_engine() -> Engine:
    """pycrdt where it is installed (a main dependency), else y-py."""
    engines = available_engines()
    if not engines:
        raise RuntimeError("no CRDT engine: install pycrdt (or y-py on Python < 3.13)")
    return Engine.PYCRDT if Engine.PYCRDT in engines else engines[0]


# ---------------------------------------------------------------- engine adapters


class _Backend(Protocol):
    client_id: int

    def apply(self, update: bytes) -> None: ...
    def state_vector(self) -> bytes: ...
    def encode(self, state_vector: bytes | None) -> bytes: ...
    def insert_text(self, root: str, index: int, text: str, attrs: Mapping[str, Any]) -> None: ...
    def delete_text(self, root: str, index: int, length: int) -> None: ...
    def text(self, root: str) -> str: ...


class _YPyBackend:
    """y-py: indexes in code points (``offset_kind="utf32"``)."""

    def __init__(self, client_id: int | None, sink: Callable[[bytes], None]) -> None:
        self._y: Any = importlib.import_module("y_py")  # its bundled stubs are not valid
        self._doc = self._y.YDoc(client_id=client_id, offset_kind="utf32")
        self.client_id: int = self._doc.client_id
        self._subscription = self._doc.observe_after_transaction(
            lambda event: sink(event.get_update())
        )

    def apply(self, update: bytes) -> None:
        self._y.apply_update(self._doc, update)

    def state_vector(self) -> bytes:
        return bytes(self._y.encode_state_vector(self._doc))

    def encode(self, state_vector: bytes | None) -> bytes:
        if state_vector is None:
            return bytes(self._y.encode_state_as_update(self._doc))
        return bytes(self._y.encode_state_as_update(self._doc, state_vector))

    def insert_text(self, root: str, index: int, text: str, attrs: Mapping[str, Any]) -> None:
        ytext = self._doc.get_text(root)
        with self._doc.begin_transaction() as txn:
            ytext.insert(txn, index, text, dict(attrs))

    def delete_text(self, root: str, index: int, length: int) -> None:
        ytext = self._doc.get_text(root)
        with self._doc.begin_transaction() as txn:
            ytext.delete_range(txn, index, length)

    def text(self, root: str) -> str:
        return str(self._doc.get_text(root))


class _PycrdtBackend:
    """pycrdt: its text API counts UTF-8 bytes, so code-point indexes are converted.

    Its own random client IDs are 53 bits wide; Yjs picks 32-bit ones (``random.uint32``),
    and so does this adapter: y-py (Yrs 0.12) cuts wider IDs to 32 bits and then never sees
    such an update as integrated."""

    def __init__(self, client_id: int | None, sink: Callable[[bytes], None]) -> None:
        self._p: Any = importlib.import_module("pycrdt")
        if client_id is None:
            client_id = secrets.randbits(32)
        self._doc = self._p.Doc(client_id=client_id)
        self.client_id = int(self._doc.client_id)
        self._subscription = self._doc.observe(lambda event: sink(bytes(event.update)))

    def apply(self, update: bytes) -> None:
        self._doc.apply_update(update)

    def state_vector(self) -> bytes:
        return bytes(self._doc.get_state())

    def encode(self, state_vector: bytes | None) -> bytes:
        return bytes(self._doc.get_update(state_vector))

    def _text(self, root: str) -> Any:
        return self._doc.get(root, type=self._p.Text)

    def insert_text(self, root: str, index: int, text: str, attrs: Mapping[str, Any]) -> None:
        ytext = self._text(root)
        offset = len(str(ytext)[:index].encode())
        ytext.insert(offset, text, dict(attrs) if attrs else None)

    def delete_text(self, root: str, index: int, length: int) -> None:
        ytext = self._text(root)
        current = str(ytext)
        start = len(current[:index].encode())
        stop = start + len(current[index : index + length].encode())
        del ytext[start:stop]

    def text(self, root: str) -> str:
        return str(self._text(root))


def _backend(engine: Engine, client_id: int | None, sink: Callable[[bytes], None]) -> _Backend:
    backend_class = _YPyBackend if engine is Engine.Y_PY else _PycrdtBackend
    return backend_class(client_id, sink)


def _guarded(engine: Engine, call: Callable[[], _T], error: type[Exception]) -> _T:
    """Run an engine call; its failures (panics included) become ``error``."""
    try:
        return call()
    except _NEVER_SWALLOW:
        raise
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        raise error(f"{engine.value} refused: {exc}") from exc


# ---------------------------------------------------------------- what a document holds


class _Known:
    """What an engine holds, learned from the updates it reports: clocks (a lower bound of its
    state vector), the IDs of its shared types, and its deleted ranges.

    It decides whether an update can be handed to the engine: y-py (Yrs 0.12) aborts the
    process when an item names a parent that is not a shared type, and never integrates an
    update that arrives before its dependencies, so such updates wait here instead.
    With ``structure`` it also follows which type each item hangs under, to know what Yjs
    garbage-collects (everything under a deleted type): y-py mishandles items whose
    neighbour is collected, so those go in as the GC structs Yjs makes of them.
    """

    def __init__(self, *, structure: bool) -> None:
        self.clocks: dict[int, int] = {}
        # Without ``structure`` (pycrdt), the types are not followed: the engine itself refuses
        # an item whose parent, from an earlier update, is not a shared type.
        self.types: set[tuple[int, int]] = set()
        self.dead = RangeSet()  # garbage-collected or deleted
        self.collected = RangeSet()  # garbage-collected, or under a deleted type
        self._structure = structure
        self._type_clocks: dict[int, list[int]] = {}
        self._parents: dict[int, list[tuple[int, int, tuple[int, int] | str]]] = {}
        self._children: dict[tuple[int, int], list[tuple[int, int, int]]] = {}

    def learn(self, scan: UpdateScan) -> None:
        for client, end in scan.ends.items():
            if end > self.clocks.get(client, 0):
                self.clocks[client] = end
        for client, clock, length in scan.dead:
            self.dead.add(client, clock, length)
        if not self._structure:
            return
        self.types |= scan.types
        for client, clock in scan.types:
            insort(self._type_clocks.setdefault(client, []), clock)
        for client, clock, length in scan.collected:
            self.collected.add(client, clock, length)
        self._place(scan.links)
        for client, clock, length in scan.deleted:
            for kind in self._types_within(client, clock, clock + length):
                self._collect_below(kind)

    def is_dead(self, ref: tuple[int, int]) -> bool:
        return ref in self.dead

    def is_collected(self, ref: tuple[int, int]) -> bool:
        return ref in self.collected

    def covers(self, needed: dict[int, int]) -> bool:
        return all(self.clocks.get(client, 0) >= clock for client, clock in needed.items())

    def ready(self, scan: UpdateScan) -> bool:
        """True when the engine can integrate all of ``scan`` now; raises ``MalformedUpdate``
        when an item's parent is something other than a shared type."""
        clocks = self.clocks

        def new_here(ref: tuple[int, int]) -> bool:
            end = scan.ends.get(ref[0])
            return end is not None and clocks.get(ref[0], 0) <= ref[1] < end

        if any(start > clocks.get(client, 0) for client, start in scan.starts.items()):
            return False
        if any(ref[1] >= clocks.get(ref[0], 0) and not new_here(ref) for ref in scan.references):
            return False
        for client, end in scan.deletes.items():
            if end > max(clocks.get(client, 0), scan.ends.get(client, 0)):
                return False
        for parent in scan.parents:
            if new_here(parent):
                known = parent in scan.types
            elif self._structure:
                known = self._is_type(parent)
            else:
                continue
            if not known:
                raise MalformedUpdate(f"parent {parent} is not a shared type")
        return True

    def _is_type(self, ref: tuple[int, int]) -> bool:
        # a deleted type may survive only as a deleted range: its children become GC anyway
        return ref in self.types or ref in self.dead

    # structure -----------------------------------------------------------------

    def _place(self, links: tuple[Link, ...]) -> None:
        """Record each item's parent; one inherits it from a neighbour (which may come later
        in the same update, hence the passes)."""
        waiting = list(links)
        while waiting:
            later = []
            for link in waiting:
                parent = link.parent
                if parent is None:
                    neighbour = link.origin if link.origin is not None else link.right_origin
                    if neighbour is None or neighbour in self.collected:
                        self.collected.add(link.client, link.clock, link.length)
                        continue
                    parent = self._parent_of(neighbour)
                    if parent is None:
                        later.append(link)
                        continue
                self._set_parent(link, parent)
            if len(later) == len(waiting):
                return
            waiting = later

    def _set_parent(self, link: Link, parent: tuple[int, int] | str) -> None:
        spans = self._parents.setdefault(link.client, [])
        end = link.clock + link.length
        if spans and spans[-1][1] == link.clock and spans[-1][2] == parent:
            spans[-1] = (spans[-1][0], end, parent)
        else:
            insort(spans, (link.clock, end, parent), key=lambda span: span[0])
        if isinstance(parent, tuple):
            self._children.setdefault(parent, []).append((link.client, link.clock, end))
            if parent in self.collected or parent in self.dead:
                self.collected.add(link.client, link.clock, link.length)

    def _parent_of(self, ref: tuple[int, int]) -> tuple[int, int] | str | None:
        spans = self._parents.get(ref[0], [])
        index = bisect_right(spans, ref[1], key=lambda span: span[0]) - 1
        if index >= 0 and spans[index][0] <= ref[1] < spans[index][1]:
            return spans[index][2]
        return None

    def _types_within(self, client: int, start: int, end: int) -> list[tuple[int, int]]:
        clocks = self._type_clocks.get(client, [])
        first = bisect_left(clocks, start)
        return [(client, clock) for clock in clocks[first : bisect_left(clocks, end)]]

    def _collect_below(self, kind: tuple[int, int]) -> None:
        """Everything under a deleted type is garbage-collected (Yjs: ``parentGCd``)."""
        stack, seen = [kind], {kind}
        while stack:
            for client, start, end in self._children.get(stack.pop(), []):
                self.collected.add(client, start, end - start)
                for inner in self._types_within(client, start, end):
                    if inner not in seen:
                        seen.add(inner)
                        stack.append(inner)


# ---------------------------------------------------------------- the live document


class Document:
    """A live CRDT document; use it only on the thread (event loop) that created it."""

    def __init__(self, engine: Engine | None = None, *, client_id: int | None = None) -> None:
        self.engine = engine if engine is not None else default_engine()
        self._thread = threading.get_ident()
        self._integrated: list[bytes] = []  # what the engine reports, until dispatched
        self._absorbed = 0  # how many of those _known has learned
        self._known = _Known(structure=self.engine is Engine.Y_PY)
        sink = self._integrated.append  # no reference back to self: no cycle through Rust
        self._backend = _backend(self.engine, client_id, sink)
        self._callbacks: list[Callable[[UpdateEvent], None]] = []
        self._pending: list[tuple[bytes, UpdateScan]] = []
        self._applied = (b"", scan_update(EMPTY_UPDATE))  # the last update handed to the engine
        # pycrdt: the mirror learns each applied update from its check's scan, not from what
        # the engine reports (no second scan); True until the last apply has been learned.
        self._lean = self.engine is Engine.PYCRDT
        self._unlearned = False

    @property
    def client_id(self) -> int:
        return self._backend.client_id

    @property
    def pending_updates(self) -> tuple[bytes, ...]:
        """Updates that wait for their dependencies; applied once those arrive."""
        return tuple(update for update, _ in self._pending)

    @property
    def pending_count(self) -> int:
        """How many updates wait (``len(pending_updates)`` without building the tuple)."""
        return len(self._pending)

    def on_update(self, callback: Callable[[UpdateEvent], None]) -> Callable[[], None]:
        """Call ``callback`` after every transaction that changed the document.

        Callbacks run after the engine call returned (never inside a Rust callback); an
        exception from one propagates to the caller of the method that caused the update.
        Returns a function that unsubscribes.
        """
        self._check_thread()
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    def apply_update(self, update: bytes) -> None:
        """Apply a peer's update; raises ``MalformedUpdate`` and leaves the document usable.

        An update whose dependencies are missing is held (``pending_updates``) and applied
        when they arrive, as Yjs does.
        """
        self._check_thread()
        update = bytes(update)
        if update == EMPTY_UPDATE:
            # No structs, no deletions: nothing to apply, hold or release. Every y-websocket
            # client answers the server's sync step 1 so when it has nothing new (each
            # socket of a reconnect storm), and the scan and the engine call cost more than
            # the rest of that message's handling.
            return
        scan = self._scan(update)
        try:
            if not self._ready(scan):
                self._hold(update, scan)
                return
            self._engine_apply(update, scan)
            if not self._covers(scan.required):
                self._hold(update, scan)
            elif self._pending:
                self._retry_pending()
        finally:  # a failed apply may still have integrated part of the update
            self._flush(local=False)

    def load(self, updates: Iterable[bytes]) -> None:
        """Apply what this server stored itself: compaction snapshots and the updates its
        engines reported; observers see them as remote updates.

        On pycrdt they go straight to the engine, unscanned (bytes an engine wrote need no
        guard, and scanning a 300 kB page in Python takes ~80 ms on the event loop); the mirror
        then reads the clocks from the engine. On y-py they take ``apply_update``'s checks:
        Yrs 0.12 needs the mirror of the structure, and the bytes may come from the other
        engine.
        """
        if not self._lean:
            for update in updates:
                self.apply_update(update)
            return
        self._check_thread()
        try:
            for update in updates:
                self._engine_call(partial(self._backend.apply, bytes(update)))
        finally:
            self._refresh_clocks()
            self._flush(local=False)

    def holds_news(self, update: bytes) -> bool:
        """True when ``update`` has structs or deletions this document lacks (nothing is
        applied); raises ``MalformedUpdate`` on bytes ``apply_update`` would refuse."""
        self._check_thread()
        scan = self._scan(bytes(update))
        self._absorb()
        if not self._known.covers(scan.ends):
            self._refresh_clocks()  # the mirror is a lower bound: ask the engine
            if not self._known.covers(scan.ends):
                return True
        if self._deletions_known(scan):
            return False
        if not self._lean:  # y-py's mirror learns every update the engine reports
            return True
        self._refresh_dead()  # pycrdt's is a lower bound too
        return not self._deletions_known(scan)

    def _deletions_known(self, scan: UpdateScan) -> bool:
        dead = self._known.dead
        return all(dead.covers(client, clock, length) for client, clock, length in scan.deleted)

    def _refresh_dead(self) -> None:
        """Read the deleted ranges from the engine: a diff against its own state vector holds
        no structs, only the whole delete set."""
        delete_set = self._backend.encode(self._backend.state_vector())
        dead = RangeSet()
        for client, clock, length in scan_update(delete_set, strict=False).deleted:
            dead.add(client, clock, length)
        self._known.dead = dead

    def state_vector(self) -> bytes:
        self._check_thread()
        return self._engine_call(self._backend.state_vector, RuntimeError)

    def encode_state_as_update(self, state_vector: bytes | None = None) -> bytes:
        """The whole state, or what a peer with ``state_vector`` lacks (sync step 2)."""
        self._check_thread()
        if state_vector is not None:
            try:
                decode_state_vector(state_vector)
            except MalformedMessage as exc:
                raise MalformedUpdate(f"malformed state vector: {exc}") from exc
        return self._engine_call(lambda: self._backend.encode(state_vector))

    # local edits ------------------------------------------------------------

    def insert_text(
        self,
        index: int,
        text: str,
        *,
        attrs: Mapping[str, Any] | None = None,
        root: str = TEXT_ROOT,
    ) -> None:
        """Insert into the ``Y.Text`` root ``root`` at a code-point ``index``."""
        self._check_range(root, index, 0)
        try:
            self._engine_call(
                lambda: self._backend.insert_text(root, index, text, attrs or {}), ValueError
            )
        finally:
            self._flush(local=True)

    def delete_text(self, index: int, length: int, *, root: str = TEXT_ROOT) -> None:
        """Delete ``length`` code points from ``index`` in the ``Y.Text`` root ``root``."""
        self._check_range(root, index, length)
        try:
            self._engine_call(lambda: self._backend.delete_text(root, index, length), ValueError)
        finally:
            self._flush(local=True)

    def text(self, root: str = TEXT_ROOT) -> str:
        self._check_thread()
        return self._engine_call(lambda: self._backend.text(root), RuntimeError)

    def page(self) -> Page:
        """The current page (Tiptap fragment and text root), read from the encoded state."""
        return read_page(self.encode_state_as_update())

    def set_page(self, page: Page) -> bytes:
        """Replace the page by new edits (delete what is visible, insert ``page``).

        Returns the update; observers see it as a local update, so it reaches every peer.
        """
        self._check_thread()
        update = replacement_update(
            self.encode_state_as_update(), page, avoid_clients=(self.client_id,)
        )
        try:
            self._engine_call(partial(self._backend.apply, update))
        finally:
            self._flush(local=True)
        return update

    # internals ----------------------------------------------------------------

    def _scan(self, update: bytes) -> UpdateScan:
        """A peer's update, scanned as this engine needs: strictly and with its links for
        y-py (Yrs 0.12 needs the guard and the mirror of the structure), neither for pycrdt."""
        return scan_update(update, strict=not self._lean, links=not self._lean)

    def _check_thread(self) -> None:
        if threading.get_ident() != self._thread:
            raise RuntimeError("a Document is bound to the thread that created it")

    def _engine_call(self, call: Callable[[], _T], error: type[Exception] = MalformedUpdate) -> _T:
        return _guarded(self.engine, call, error)

    def _engine_apply(self, update: bytes, scan: UpdateScan) -> None:
        """Hand a checked update to the engine. For y-py, what the document already holds is
        cut off (as a Yjs diff would) and items under deleted parents go in as the GC structs
        Yjs makes of them: Yrs 0.12 corrupts the document on either otherwise."""
        known = self._known
        if self.engine is Engine.Y_PY:
            if any(start < known.clocks.get(client, 0) for client, start in scan.starts.items()):
                trimmed = trim_known(update, known.clocks)
                if trimmed is not None:
                    update, scan = trimmed, scan_update(trimmed)
            if (
                scan.collected
                or len(scan.dead) > len(scan.deleted)  # it carries deleted structs
                or any(known.is_dead(parent) for parent in scan.parents)
                or any(known.is_collected(ref) for ref in scan.references)
            ):
                rewritten = gc_orphans(update, known.is_dead, known.is_collected)
                if rewritten is not None:
                    update, scan = rewritten, scan_update(rewritten)
        self._applied = (update, scan)  # the engine usually reports these very bytes back
        self._engine_call(partial(self._backend.apply, update))
        self._unlearned = True  # it went in whole: its dependencies were there

    def _check_range(self, root: str, index: int, length: int) -> None:
        size = len(self.text(root))
        if index < 0 or length < 0 or index + length > size:
            raise ValueError(f"range {index}+{length} is outside the text of length {size}")

    def _absorb(self) -> None:
        """Learn from what the engine integrated since last time."""
        if self._lean:
            # pycrdt: the applied update's own scan; local edits are not learned (the mirror
            # stays a lower bound, and the engine is asked whenever it falls short)
            if self._unlearned:
                self._known.learn(self._applied[1])
                self._unlearned = False
            self._absorbed = len(self._integrated)
            return
        for update in self._integrated[self._absorbed :]:
            if update == EMPTY_UPDATE:
                continue
            applied, scan = self._applied
            try:
                self._known.learn(scan if update == applied else scan_update(update, strict=False))
            except MalformedUpdate:  # the engine wrote what we would refuse: ask it directly
                self._refresh_clocks()
        self._absorbed = len(self._integrated)

    def _refresh_clocks(self) -> None:
        self._known.clocks = decode_state_vector(self._backend.state_vector())

    def _ready(self, scan: UpdateScan) -> bool:
        self._absorb()
        if self._known.ready(scan):
            return True
        self._refresh_clocks()  # the mirror is a lower bound: ask the engine before waiting
        return self._known.ready(scan)

    def _covers(self, needed: dict[int, int]) -> bool:
        self._absorb()
        if self._known.covers(needed):
            return True
        self._refresh_clocks()
        return self._known.covers(needed)

    def _hold(self, update: bytes, scan: UpdateScan) -> None:
        held = sum(len(u) for u, _ in self._pending)
        if held + len(update) > MAX_PENDING_BYTES:
            raise MalformedUpdate("too many updates wait for missing dependencies")
        self._pending.append((update, scan))

    def _retry_pending(self) -> None:
        progress = True
        while progress and self._pending:
            progress = False
            for entry in list(self._pending):
                update, scan = entry
                try:
                    if not self._ready(scan):
                        continue
                except MalformedUpdate:  # its parent turned out not to be a shared type
                    self._pending.remove(entry)
                    continue
                self._engine_apply(update, scan)
                if self._covers(scan.required):
                    self._pending.remove(entry)
                    progress = True

    def _flush(self, *, local: bool) -> None:
        self._absorb()
        updates = [u for u in self._integrated if u != EMPTY_UPDATE]
        self._integrated.clear()
        self._absorbed = 0
        for update in updates:
            event = UpdateEvent(update, local)
            for callback in list(self._callbacks):
                callback(event)


# ---------------------------------------------------------------- byte-level helpers


def compact(updates: Iterable[bytes], engine: Engine | None = None) -> Compaction:
    """Merge updates into one state (garbage-collected), keeping the updates that still wait
    for missing dependencies. Every update goes through ``Document.apply_update``'s checks.
    """
    document = Document(engine)
    for update in updates:
        document.apply_update(update)
    return Compaction(document.encode_state_as_update(), document.pending_updates)


def merge_updates(updates: Iterable[bytes], engine: Engine | None = None) -> bytes:
    """Compaction: one update equivalent to all of ``updates``.

    Raises ``MissingDependencies`` rather than silently dropping updates whose dependencies
    are not among ``updates`` (use ``compact`` to keep those), ``MalformedUpdate`` on bad bytes.
    """
    result = compact(updates, engine)
    if result.leftover:
        raise MissingDependencies(result.leftover)
    return result.state


def plain_text(state: bytes) -> str:
    """The page's text, one line per block; raises ``MalformedUpdate``."""
    return page_text(read_page(state))


def scan_view(state: bytes) -> tuple[str, list[PageExtra]]:
    """The page's text and what it carries besides (image titles, link targets), for the
    moderation filters; raises ``MalformedUpdate``."""
    page = read_page(state)
    return page_text(page), page_extras(page)


def html(state: bytes) -> str:
    """The page as structural HTML (sanitise before serving); raises ``MalformedUpdate``."""
    return page_html(read_page(state))


def content_fingerprint(state: bytes) -> str:
    """A digest of what the page shows (its blocks, text, marks and attributes), not of the
    CRDT history: edits undone leave it unchanged. Raises ``MalformedUpdate``."""
    return hashlib.sha256(repr(read_page(state)).encode()).hexdigest()


def restore(document: Document, old_state: bytes) -> bytes:
    """Make ``document``'s page equal to ``old_state``'s by new edits; returns the update."""
    return document.set_page(read_page(old_state))
