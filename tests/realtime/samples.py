"""A Tiptap page (ProseMirror JSON, as ``editor.getJSON()`` gives it) and its renderings."""

from __future__ import annotations

from typing import Any


def text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = list(marks)
    return node


def para(*content: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(content)} if content else {"type": "paragraph"}


def cell(kind: str, value: str, colspan: int = 1) -> dict[str, Any]:
    return {
        "type": kind,
        "attrs": {"colspan": colspan, "rowspan": 1, "colwidth": None},
        "content": [para(text(value))],
    }


BOLD = {"type": "bold"}
ITALIC = {"type": "italic"}
STRIKE = {"type": "strike"}
CODE = {"type": "code"}
LINK = {
    "type": "link",
    "attrs": {"href": 'https://example.org/?a=1&b="2"', "target": "_blank", "class": None},
}

TIPTAP_DOC: dict[str, Any] = {
    "type": "doc",
    "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [text("Our project")]},
        para(
            text("We write "),
            text("together", BOLD),
            text(" & "),
            text("learn", ITALIC, STRIKE),
            {"type": "hardBreak"},
            text("a<b", CODE),
            text(" see "),
            text("this", LINK),
        ),
        {
            "type": "bulletList",
            "content": [
                {"type": "listItem", "content": [para(text("one"))]},
                {"type": "listItem", "content": [para(text("two"))]},
            ],
        },
        {
            "type": "orderedList",
            "attrs": {"start": 3},
            "content": [{"type": "listItem", "content": [para(text("three"))]}],
        },
        {"type": "blockquote", "content": [para(text("quoted"))]},
        {
            "type": "codeBlock",
            "attrs": {"language": "python"},
            "content": [text("print('<hi>')\nx = 1")],
        },
        {"type": "horizontalRule"},
        {"type": "image", "attrs": {"src": "/media/cat.png", "alt": "A cat", "title": None}},
        {
            "type": "table",
            "content": [
                {
                    "type": "tableRow",
                    "content": [
                        cell("tableHeader", "Country"),
                        cell("tableHeader", "Pupils", 2),
                    ],
                },
                {"type": "tableRow", "content": [cell("tableCell", "PL"), cell("tableCell", "12")]},
            ],
        },
        para(),
    ],
}

TIPTAP_TEXT = "\n".join(
    [
        "Our project",
        "We write together & learn\na<b see this",
        "one",
        "two",
        "three",
        "quoted",
        "print('<hi>')\nx = 1",
        "A cat",
        "Country",
        "Pupils",
        "PL",
        "12",
        "",
    ]
)

TIPTAP_HTML = (
    "<h2>Our project</h2>"
    "<p>We write <strong>together</strong> &amp; <em><s>learn</s></em><br>"
    "<code>a&lt;b</code> see "
    '<a href="https://example.org/?a=1&amp;b=&quot;2&quot;">this</a></p>'
    "<ul><li><p>one</p></li><li><p>two</p></li></ul>"
    '<ol start="3"><li><p>three</p></li></ol>'
    "<blockquote><p>quoted</p></blockquote>"
    "<pre><code>print(&#x27;&lt;hi&gt;&#x27;)\nx = 1</code></pre>"
    "<hr>"
    '<img src="/media/cat.png" alt="A cat">'
    "<table><tbody>"
    '<tr><th><p>Country</p></th><th colspan="2"><p>Pupils</p></th></tr>'
    "<tr><td><p>PL</p></td><td><p>12</p></td></tr>"
    "</tbody></table>"
    "<p></p>"
)

SECOND_DOC: dict[str, Any] = {
    "type": "doc",
    "content": [
        {"type": "heading", "attrs": {"level": 1}, "content": [text("Rewritten")]},
        para(text("Something "), text("else", ITALIC)),
    ],
}
