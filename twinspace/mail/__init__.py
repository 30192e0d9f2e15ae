"""E-mail: an outbox in the database, a background sender, templates in every UI language,
per-user preferences and one-click unsubscribe (docs/mail.md)."""
