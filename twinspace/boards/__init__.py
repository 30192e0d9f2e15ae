"""Boards: posts, sections and comments pinned by classes, with their moderation and views."""
