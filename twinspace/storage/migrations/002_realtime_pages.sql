-- Realtime pages: the update log, compacted snapshots and page versions.

-- AUTOINCREMENT: ids never go back after compaction deletes the log (snapshots name an id).
CREATE TABLE doc_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX doc_updates_by_room ON doc_updates(room, id);

CREATE TABLE doc_snapshots (
    room TEXT PRIMARY KEY,
    data BLOB NOT NULL,
    upto_update_id INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE page_versions (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('auto', 'named', 'before_restore', 'session')),
    name TEXT,
    data BLOB NOT NULL,
    size INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX page_versions_by_page ON page_versions(page_id, id);
