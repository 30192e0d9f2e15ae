-- E-mail (docs/mail.md): the outbox a request writes to and the background sender drains,
-- each user's choice of which kinds of mail they receive, the server's signing key for
-- unsubscribe and invitation links, and invitations sent to an e-mail address that has no
-- account yet.

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    headers TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claim TEXT,
    claimed_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);

CREATE TABLE mail_preferences (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    changed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE mail_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE address_invitations (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    inviter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    address TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('teacher_admin', 'teacher', 'guest')),
    message TEXT NOT NULL DEFAULT '',
    nonce_hash TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('pending', 'claimed', 'landed', 'revoked', 'rejected')),
    claimed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    responded_at TEXT
);
CREATE INDEX address_invitations_by_project ON address_invitations(project_id, status);
CREATE INDEX address_invitations_by_claimer ON address_invitations(claimed_by, status);
