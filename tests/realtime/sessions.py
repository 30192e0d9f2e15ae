"""Random Tiptap-like editing sessions between pycrdt "browsers", and Yrs' view of a page."""

from __future__ import annotations

from typing import Any

import pycrdt
from hypothesis import strategies as st

from twinspace.realtime.yjs.model import Element, Inline, Node, Page, RichText, Run


def merged_runs(runs: list[Inline] | tuple[Inline, ...]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for run in runs:
        assert isinstance(run, Run)
        if out and out[-1][1] == run.marks:
            out[-1] = (out[-1][0] + run.text, run.marks)
        elif run.text:
            out.append((run.text, dict(run.marks)))
    return out


def normal(nodes: tuple[Node, ...]) -> list[Any]:
    return [
        ("text", merged_runs(node.runs))
        if isinstance(node, RichText)
        else (node.name, node.attrs, normal(node.children))
        for node in nodes
    ]


def native_runs(text: Any) -> tuple[Inline, ...]:
    return tuple(Run(chunk, dict(attrs or {})) for chunk, attrs in text.diff())


def native_nodes(parent: Any) -> tuple[Node, ...]:
    nodes: list[Node] = []
    for child in parent.children:
        if isinstance(child, pycrdt.XmlText):
            nodes.append(RichText(native_runs(child)))
        else:
            attrs = dict(child.attributes)
            nodes.append(Element(str(child.tag), attrs, native_nodes(child)))
    return tuple(nodes)


def native_page(doc: pycrdt.Doc[Any]) -> Page:
    return Page(
        fragment=native_nodes(doc.get("default", type=pycrdt.XmlFragment)),
        text=native_runs(doc.get("text", type=pycrdt.Text)),
    )


MARKS: list[dict[str, Any]] = [{}, {"bold": {}}, {"italic": {}}, {"link": {"href": "https://x"}}]
WORDS = ["a", "bc", "déf", "😀", "gh i", "<j>"]


def xml_texts(parent: Any) -> list[Any]:
    found = []
    for child in parent.children:
        if isinstance(child, pycrdt.XmlText):
            found.append(child)
        else:
            found.extend(xml_texts(child))
    return found


def elements(parent: Any) -> list[Any]:
    found = []
    for child in parent.children:
        if isinstance(child, pycrdt.XmlElement):
            found.append(child)
            found.extend(elements(child))
    return found


def random_edit(doc: pycrdt.Doc[Any], data: st.DataObject) -> None:
    """One Tiptap-like edit (UTF-8 offsets: pycrdt's text API counts bytes)."""
    fragment = doc.get("default", type=pycrdt.XmlFragment)
    text = doc.get("text", type=pycrdt.Text)
    kind = data.draw(
        st.sampled_from(["text", "untext", "format", "para", "unpara", "xtext", "unxtext", "attr"])
    )
    word = data.draw(st.sampled_from(WORDS))
    marks = data.draw(st.sampled_from(MARKS))

    def char_offsets(value: str) -> list[int]:
        return [len(value[:i].encode()) for i in range(len(value) + 1)]

    if kind == "text":
        text.insert(data.draw(st.sampled_from(char_offsets(str(text)))), word, marks or None)
    elif kind in ("untext", "format") and str(text):
        offsets = char_offsets(str(text))
        start, stop = sorted(data.draw(st.lists(st.sampled_from(offsets), min_size=2, max_size=2)))
        if kind == "untext":
            del text[start:stop]
        else:
            text.format(start, stop, marks or {"bold": None})
    elif kind == "para" or not len(fragment.children):
        index = data.draw(st.integers(0, len(fragment.children)))
        paragraph = fragment.children.insert(index, pycrdt.XmlElement("paragraph"))
        paragraph.children.append(pycrdt.XmlText(word))
    elif kind == "unpara":
        index = data.draw(st.integers(0, len(fragment.children) - 1))
        del fragment.children[index]
    elif kind in ("xtext", "unxtext") and xml_texts(fragment):
        target = data.draw(st.sampled_from(xml_texts(fragment)))
        offsets = char_offsets("".join(chunk for chunk, _ in target.diff()))
        position = data.draw(st.sampled_from(offsets))
        if kind == "xtext":
            target.insert(position, word, marks or None)
        else:
            del target[position : data.draw(st.sampled_from([o for o in offsets if o >= position]))]
    elif kind == "attr" and elements(fragment):
        target = data.draw(st.sampled_from(elements(fragment)))
        target.attributes["level"] = str(data.draw(st.integers(1, 3)))


def sync(source: pycrdt.Doc[Any], target: pycrdt.Doc[Any]) -> None:
    target.apply_update(source.get_update(target.get_state()))
