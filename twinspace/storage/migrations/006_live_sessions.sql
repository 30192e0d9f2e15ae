-- Live cross-border sessions: schedule, participating classes with join codes, attendance,
-- per-school totals recorded at the end, and the teachers' session log.

CREATE TABLE live_sessions (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    agenda TEXT NOT NULL DEFAULT '[]',  -- JSON [{title, minutes}]
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'live', 'ended')),
    opened_at TEXT,                     -- opened early by a teacher
    started_at TEXT,
    ended_at TEXT,
    read_only INTEGER NOT NULL DEFAULT 0,
    page_id INTEGER REFERENCES pages(id) ON DELETE SET NULL,
    channel_id INTEGER REFERENCES channels(id) ON DELETE SET NULL,
    board_id INTEGER REFERENCES boards(id) ON DELETE SET NULL,
    page_created INTEGER NOT NULL DEFAULT 0,     -- 1: made for this session (not chosen)
    channel_created INTEGER NOT NULL DEFAULT 0,
    board_created INTEGER NOT NULL DEFAULT 0,
    version_id INTEGER REFERENCES page_versions(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX live_sessions_by_project ON live_sessions(project_id, starts_at);
CREATE INDEX live_sessions_open ON live_sessions(state, starts_at) WHERE state <> 'ended';
CREATE INDEX live_sessions_by_page ON live_sessions(page_id) WHERE page_id IS NOT NULL;
CREATE INDEX live_sessions_by_channel ON live_sessions(channel_id) WHERE channel_id IS NOT NULL;
CREATE INDEX live_sessions_by_board ON live_sessions(board_id) WHERE board_id IS NOT NULL;

CREATE TABLE live_session_classes (
    session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    code TEXT NOT NULL,
    code_set_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    code_set_at TEXT NOT NULL,
    PRIMARY KEY (session_id, class_id),
    UNIQUE (session_id, code)
);

CREATE TABLE live_session_attendance (
    session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    school_id INTEGER REFERENCES schools(id),
    class_id INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    first_joined_at TEXT NOT NULL,
    last_joined_at TEXT NOT NULL,
    PRIMARY KEY (session_id, user_id)
);

-- Counts only (no names): they outlive pupils' erasure.
CREATE TABLE live_session_totals (
    session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    pupils_joined INTEGER NOT NULL,
    pupils_expected INTEGER NOT NULL,
    teachers_joined INTEGER NOT NULL,
    PRIMARY KEY (session_id, school_id)
);

CREATE TABLE live_session_log (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    subject_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    school_id INTEGER REFERENCES schools(id),
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX live_session_log_by_session ON live_session_log(session_id, id);
