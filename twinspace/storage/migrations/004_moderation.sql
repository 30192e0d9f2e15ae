-- Moderation: policies, mutes, the teachers' queue, reports, page findings, the audit log.

CREATE TABLE moderation_policies (
    scope TEXT NOT NULL CHECK (scope IN ('project', 'channel', 'board')),
    scope_id INTEGER NOT NULL,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    policy TEXT NOT NULL,              -- JSON Policy (project) or PolicyOverride (channel/board)
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (scope, scope_id)
);

CREATE TABLE mutes (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    until TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    lifted_at TEXT,
    lifted_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX mutes_by_member ON mutes(project_id, user_id, until);

CREATE TABLE moderation_queue (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    item_kind TEXT NOT NULL CHECK (item_kind IN ('message', 'post', 'comment', 'upload', 'page')),
    item_id INTEGER NOT NULL,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    origin TEXT NOT NULL CHECK (origin IN ('filter', 'pre', 'approval', 'report', 'page_scan')),
    reason TEXT NOT NULL,
    flags TEXT NOT NULL DEFAULT '[]',  -- JSON [{category, reason, start, end, excerpt}]
    excerpt TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    resolution TEXT,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX moderation_queue_open ON moderation_queue(project_id, state, id);
CREATE INDEX moderation_queue_by_item ON moderation_queue(item_kind, item_id);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    item_kind TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    reporter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    queue_id INTEGER REFERENCES moderation_queue(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (item_kind, item_id, reporter_id)
);

CREATE TABLE page_findings (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,         -- category + normalised excerpt: flag each finding once
    queue_id INTEGER REFERENCES moderation_queue(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (page_id, fingerprint)
);

-- Append-only: who did what, when and why. No foreign keys, so erasing an account keeps the
-- record of the action (never the content).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    item_kind TEXT,
    item_id INTEGER,
    subject_user_id INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX audit_log_by_project ON audit_log(project_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
