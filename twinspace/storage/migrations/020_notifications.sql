-- Notifications (docs/notifications.md): each user's activity list, filled from domain
-- events; codes and params only, so every client translates them. `dedupe_key` makes a
-- notification about the same thing for the same person at most one (an edited mention, a
-- reminder computed again after a restart).

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    params TEXT NOT NULL DEFAULT '{}',   -- JSON object of strings
    link TEXT NOT NULL DEFAULT '',       -- the client route of the item, e.g. /projects/3/chat/5
    urgent INTEGER NOT NULL DEFAULT 0,
    dedupe_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (recipient_id, dedupe_key)
);
CREATE INDEX notifications_by_recipient ON notifications(recipient_id, id);
CREATE INDEX notifications_unread ON notifications(recipient_id, read_at);

-- One digest e-mail per user per UTC day: the row is claimed before the mail is handed over.
CREATE TABLE notification_digests (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    items INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (user_id, day)
);

