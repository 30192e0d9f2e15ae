"""The page model (text runs, embeds, elements, pages) and the Yjs constants the codec shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

FRAGMENT_ROOT: Final = "default"
TEXT_ROOT: Final = "text"

ID = tuple[int, int]

# item content refs (Yjs contentRefs) and shared type refs (Yjs typeRefs)
GC, DELETED, JSON, BINARY, STRING, EMBED, FORMAT, TYPE, ANY, DOC, SKIP = range(11)
XML_ELEMENT, XML_FRAGMENT, XML_HOOK, XML_TEXT = 3, 4, 5, 6
TYPE_REFS: Final = frozenset({0, 1, 2, XML_ELEMENT, XML_FRAGMENT, XML_TEXT})  # no XmlHook
MAX_CLOCK: Final = 2**32 - 1  # Yrs keeps clocks in u32


# ---------------------------------------------------------------- the page model


@dataclass(frozen=True, slots=True)
class Run:
    """Text with the formatting attributes (y-prosemirror: marks) that apply to it."""

    text: str
    marks: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Embed:
    """A non-text insert in a text type (Quill-style embeds); kept so a restore keeps it."""

    value: Any
    marks: dict[str, Any] = field(default_factory=dict)


Inline = Run | Embed


@dataclass(frozen=True, slots=True)
class RichText:
    """A ``Y.XmlText``: consecutive ProseMirror text nodes."""

    runs: tuple[Inline, ...] = ()


@dataclass(frozen=True, slots=True)
class Element:
    """A ``Y.XmlElement``: one ProseMirror node that is not text."""

    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    children: tuple[Node, ...] = ()


Node = Element | RichText


@dataclass(frozen=True, slots=True)
class Page:
    """The ``default`` fragment and the ``text`` root of a document."""

    fragment: tuple[Node, ...] = ()
    text: tuple[Inline, ...] = ()


# ---------------------------------------------------------------- the struct store
