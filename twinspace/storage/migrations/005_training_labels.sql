-- Training (events, enrolments, certificates) and Quality Labels (applications, awards).

CREATE TABLE training_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('online', 'in_person')),
    place TEXT,
    link TEXT,
    organiser_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    organiser_country TEXT REFERENCES countries(code),   -- NULL: a European (central) event
    audience_countries TEXT NOT NULL DEFAULT '[]',       -- JSON list; empty = every country
    audience_school_types TEXT NOT NULL DEFAULT '[]',    -- JSON list; empty = every type
    capacity INTEGER NOT NULL CHECK (capacity >= 1),
    waiting_list_size INTEGER CHECK (waiting_list_size >= 0),  -- NULL: unlimited
    enrol_opens_at TEXT NOT NULL,
    enrol_closes_at TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (enrol_opens_at < enrol_closes_at AND starts_at < ends_at)
);
CREATE INDEX training_events_by_start ON training_events(starts_at);

CREATE TABLE training_enrolments (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES training_events(id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    position INTEGER NOT NULL,          -- per-event sequence; orders the waiting list
    enrolled_at TEXT NOT NULL,
    confirmed_at TEXT,
    cancelled_at TEXT,
    attended INTEGER,                   -- NULL until the organiser records attendance
    completed_at TEXT,
    UNIQUE (event_id, teacher_id),
    UNIQUE (event_id, position)
);
CREATE INDEX training_enrolments_by_teacher ON training_enrolments(teacher_id);

CREATE TABLE training_certificates (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    enrolment_id INTEGER NOT NULL UNIQUE REFERENCES training_enrolments(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES training_events(id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    holder_name TEXT NOT NULL,          -- as issued
    event_title TEXT NOT NULL,          -- as issued
    completed_at TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoke_reason TEXT
);
CREATE INDEX training_certificates_by_teacher ON training_certificates(teacher_id);

CREATE TABLE label_applications (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),   -- at the time of applying
    country TEXT NOT NULL REFERENCES countries(code),    -- decides the reviewing NSO
    statements TEXT NOT NULL,                            -- JSON {criterion: statement}
    status TEXT NOT NULL CHECK (status IN ('submitted', 'awarded', 'rejected', 'withdrawn')),
    scores TEXT,                                         -- JSON {criterion: 0..10}
    reason TEXT,
    nominated INTEGER NOT NULL DEFAULT 0,
    reviewer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    submitted_at TEXT NOT NULL,
    reviewed_at TEXT
);
CREATE INDEX label_applications_by_country ON label_applications(country, status);
CREATE INDEX label_applications_by_teacher ON label_applications(teacher_id);
CREATE UNIQUE INDEX label_applications_one_open
    ON label_applications(project_id, teacher_id) WHERE status = 'submitted';

-- Awarded labels: a National (by an NSO) or European (by an October edition) Quality Label,
-- one per level, teacher and project.
CREATE TABLE quality_labels (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('national', 'european')),
    teacher_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    country TEXT NOT NULL REFERENCES countries(code),
    application_id INTEGER REFERENCES label_applications(id) ON DELETE SET NULL,
    nominated INTEGER NOT NULL DEFAULT 0,   -- national: nominated for the European label
    edition INTEGER,                        -- european: the October edition's year
    awarded_at TEXT NOT NULL,
    UNIQUE (level, teacher_id, project_id),
    CHECK ((level = 'european') = (edition IS NOT NULL))
);
CREATE INDEX quality_labels_by_project ON quality_labels(project_id);
CREATE INDEX quality_labels_by_level ON quality_labels(level, country);
