"""Uploads: storage by content hash, type sniffing, media metadata and their moderation."""
