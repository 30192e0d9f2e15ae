"""Pages as Tiptap stores them in Yjs, read from and written to update bytes in pure Python.

A page is what Tiptap's Collaboration extension (y-prosemirror) writes: a ``Y.XmlFragment``
named ``default`` holding one ``Y.XmlElement`` per ProseMirror node (attributes = node attrs)
and one ``Y.XmlText`` per run of text nodes, whose formatting attributes are the marks
(``{"bold": {}}``, ``{"link": {"href": ...}}``). Simple clients may use a ``Y.Text`` named
``text`` instead; a page carries both.

Neither binding can do all of this: y-py has no XmlFragment, no formatted XmlText and only
string attributes, so this package decodes the v1 update format and replays Yjs' integration
(YATA) itself, and writes new edits as update bytes any engine (and any Yjs peer) applies.
Everything here is bytes in, values out: safe in a worker thread.

Split by job: ``model`` (the page model and shared Yjs constants), ``store`` (decoding and
integration), ``reader`` (update bytes -> page), ``writer`` (page -> update bytes), ``scan``
(links, clocks, orphans, trimming), ``prosemirror_json`` (editor JSON -> page) and ``export``
(plain text and HTML).
"""
