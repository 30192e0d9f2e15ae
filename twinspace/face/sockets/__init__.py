"""The two websocket endpoints (/ws/docs pages, /ws/projects events) and their shared connection
loop."""
