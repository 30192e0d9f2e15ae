"""A page as plain text and as sanitised HTML."""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from typing import Any

from twinspace.realtime.yjs.model import Element, Inline, Node, Page, RichText, Run
from twinspace.realtime.yjs.prosemirror_json import (
    _MARK_TAGS,
    _SIMPLE_TAGS,
    _TEXTBLOCKS,
    _mark_name,
)


def _inline_text(nodes: Sequence[Node]) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, RichText):
            parts.extend(run.text for run in node.runs if isinstance(run, Run))
        elif node.name == "hardBreak":
            parts.append("\n")
        elif node.name == "image":
            parts.append(str(node.attrs.get("alt") or ""))
        else:
            parts.append(_inline_text(node.children))
    return "".join(parts)


def _is_textblock(node: Element) -> bool:
    return node.name in _TEXTBLOCKS or any(isinstance(c, RichText) for c in node.children)


def _text_lines(nodes: Sequence[Node], lines: list[str]) -> None:
    for node in nodes:
        if isinstance(node, RichText) or _is_textblock(node):
            lines.append(
                _inline_text([node]) if isinstance(node, RichText) else _inline_text(node.children)
            )
        elif node.name == "image":
            if node.attrs.get("alt"):
                lines.append(str(node.attrs["alt"]))
        elif node.name == "hardBreak":
            lines.append("")
        else:
            _text_lines(node.children, lines)


def page_text(page: Page) -> str:
    """Plain text, one line per block (paragraph, heading, list item's paragraphs, cells…)."""
    lines: list[str] = []
    _text_lines(page.fragment, lines)
    if page.text:
        lines.append("".join(run.text for run in page.text if isinstance(run, Run)))
    return "\n".join(lines)


def _esc(value: Any) -> str:
    return _html.escape(str(value), quote=True)


def _run_html(run: Inline) -> str:
    if not isinstance(run, Run):
        return ""
    out = _esc(run.text).replace("\n", "<br>")
    marks = {
        _mark_name(key): value for key, value in run.marks.items() if value not in (None, False)
    }
    for name, tag in reversed(_MARK_TAGS):
        if name in marks:
            out = f"<{tag}>{out}</{tag}>"
    link = marks.get("link")
    href = link.get("href") if isinstance(link, dict) else link
    if isinstance(href, str) and href:
        out = f'<a href="{_esc(href)}">{out}</a>'
    return out


def _int_attr(node: Element, key: str, default: int) -> int:
    value = node.attrs.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _node_html(node: Node) -> str:
    if isinstance(node, RichText):
        return "".join(_run_html(run) for run in node.runs)
    inner = "".join(_node_html(child) for child in node.children)
    name = node.name
    if name in _SIMPLE_TAGS:
        tag = _SIMPLE_TAGS[name]
        return f"<{tag}>{inner}</{tag}>"
    if name == "heading":
        level = min(max(_int_attr(node, "level", 1), 1), 6)
        return f"<h{level}>{inner}</h{level}>"
    if name == "orderedList":
        start = _int_attr(node, "start", 1)
        return f'<ol start="{start}">{inner}</ol>' if start != 1 else f"<ol>{inner}</ol>"
    if name == "codeBlock":
        return f"<pre><code>{_esc(_inline_text(node.children))}</code></pre>"
    if name == "hardBreak":
        return "<br>"
    if name == "horizontalRule":
        return "<hr>"
    if name == "image":
        attrs = "".join(
            f' {key}="{_esc(node.attrs[key])}"'
            for key in ("src", "alt", "title")
            if node.attrs.get(key)
        )
        return f"<img{attrs}>"
    if name == "table":
        return f"<table><tbody>{inner}</tbody></table>"
    if name in ("tableCell", "tableHeader"):
        tag = "th" if name == "tableHeader" else "td"
        spans = "".join(
            f' {key}="{_int_attr(node, key, 1)}"'
            for key in ("colspan", "rowspan")
            if _int_attr(node, key, 1) > 1
        )
        return f"<{tag}{spans}>{inner}</{tag}>"
    return inner  # unknown node: keep its content, drop the wrapper


def page_html(page: Page) -> str:
    """Structural HTML (no styles, no scripts); callers still sanitise it."""
    parts = [_node_html(node) for node in page.fragment]
    if page.text:
        paragraph: list[str] = []
        for run in page.text:
            if not isinstance(run, Run):
                continue
            pieces = run.text.split("\n")
            for index, piece in enumerate(pieces):
                if index:
                    parts.append(f"<p>{''.join(paragraph)}</p>")
                    paragraph = []
                if piece:
                    paragraph.append(_run_html(Run(piece, run.marks)))
        parts.append(f"<p>{''.join(paragraph)}</p>")
    return "".join(parts)
