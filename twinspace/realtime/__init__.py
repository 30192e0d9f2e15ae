"""The CRDT engine and sync: the y-websocket protocol, the CRDT seam (crdt.py is the only importer
of y_py/pycrdt), Yjs reading and writing (yjs/), awareness, rooms and their persistence, the
outbox, the cross-connection bus, the project event hub and presence."""
