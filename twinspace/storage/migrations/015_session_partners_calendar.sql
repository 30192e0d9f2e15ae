-- Live sessions across schools and the project calendar (docs/design.md, "Live sessions";
-- docs/calendar.md):
-- a scheduled session can be cancelled (it stays in calendars as cancelled), the clock
-- remembers which sessions it has announced as starting soon, each class records who added
-- it, and every user may have one private iCalendar feed whose token is stored hashed.

ALTER TABLE live_sessions ADD COLUMN cancelled_at TEXT;
ALTER TABLE live_sessions ADD COLUMN reminded_at TEXT;
ALTER TABLE live_session_classes ADD COLUMN added_by INTEGER REFERENCES users(id) ON DELETE SET NULL;

CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,    -- SHA-256 of the token, hex; the token itself is not kept
    created_at TEXT NOT NULL,
    last_used_at TEXT
);
