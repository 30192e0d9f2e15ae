"""Search inside a TwinSpace: pages, chat, board posts and comments, file names.

How it works: docs/architecture.md, "Search".
"""
