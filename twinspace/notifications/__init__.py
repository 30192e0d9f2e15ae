"""Notifications: each user's activity list, its live unread count and the e-mail by
preference (docs/notifications.md)."""
