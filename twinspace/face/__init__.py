"""The face layer: everything that speaks HTTP or websocket to clients. Nothing below imports it."""
