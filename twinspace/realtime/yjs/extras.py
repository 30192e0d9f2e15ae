"""What a page carries besides its visible text: image titles and sources, link targets and
titles (for the moderation filters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from twinspace.realtime.yjs.export import _is_textblock
from twinspace.realtime.yjs.model import Element, Inline, Node, Page, RichText
from twinspace.realtime.yjs.prosemirror_json import _mark_name


@dataclass(frozen=True, slots=True)
class PageExtra:
    """Text a page carries besides what ``page_text`` shows: an image's title and source, a
    link's target and title. ``line`` is the 1-based line of ``page_text`` it belongs to."""

    field: str  # "image title", "image source", "link target", "link title"
    text: str
    line: int


MAX_EXTRA_CHARS: Final = 2000


class _Extras:
    """Walks the page like ``_text_lines`` (same line count) collecting ``PageExtra``s."""

    def __init__(self) -> None:
        self.line = 0
        self.found: dict[tuple[str, str, int], PageExtra] = {}

    def add(self, field_name: str, value: Any) -> None:
        if isinstance(value, str) and value.strip() and not value.startswith("data:"):
            text = value.strip()[:MAX_EXTRA_CHARS]
            at = max(self.line, 1)
            self.found.setdefault((field_name, text, at), PageExtra(field_name, text, at))

    def image(self, node: Element) -> None:
        self.add("image title", node.attrs.get("title"))
        self.add("image source", node.attrs.get("src"))

    def runs(self, runs: Sequence[Inline]) -> None:
        for run in runs:
            for key, value in run.marks.items():
                if _mark_name(key) == "link":
                    link = value if isinstance(value, dict) else {"href": value}
                    self.add("link target", link.get("href"))
                    self.add("link title", link.get("title"))

    def inline(self, nodes: Sequence[Node]) -> None:
        for node in nodes:
            if isinstance(node, RichText):
                self.runs(node.runs)
            elif node.name == "image":
                self.image(node)
            else:
                self.inline(node.children)

    def blocks(self, nodes: Sequence[Node]) -> None:
        for node in nodes:
            if isinstance(node, RichText):
                self.line += 1
                self.runs(node.runs)
            elif _is_textblock(node):
                self.line += 1
                self.inline(node.children)
            elif node.name == "image":
                if node.attrs.get("alt"):
                    self.line += 1
                self.image(node)
            elif node.name == "hardBreak":
                self.line += 1
            else:
                self.blocks(node.children)


def page_extras(page: Page) -> list[PageExtra]:
    """Image titles and sources, link targets and titles, in page order (each once per
    line); ``data:`` sources are skipped. Alt text is already part of ``page_text``."""
    walker = _Extras()
    walker.blocks(page.fragment)
    if page.text:
        walker.line += 1
        walker.runs(page.text)
    return list(walker.found.values())
