"""Realtime collaboration: the y-websocket wire codec, the CRDT engine seam and room awareness."""
