-- Guardian consent for pupil accounts (docs/consent.md): the pupil's birth year and month
-- (their age decides whether the school country's age of digital consent applies), the
-- current consent record and its full history (an audit: rows are only ever added).
--
-- A pupil without a row in pupil_consents is 'pending'. Accounts that exist when this
-- migration runs were created by their teachers before consent was recorded here: they count
-- as 'given', method 'school_existing' (the school's own consent records), recorded by nobody,
-- so no pupil is suddenly silenced by an upgrade; their teachers can change it at any time.

ALTER TABLE pupils ADD COLUMN birth_year INTEGER;
ALTER TABLE pupils ADD COLUMN birth_month INTEGER;

CREATE TABLE pupil_consents (
    pupil_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'given', 'withdrawn')),
    decided_on TEXT,
    method TEXT CHECK (method IN ('paper_form', 'guardian_email', 'school_existing', 'other')),
    note TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recorded_at TEXT NOT NULL
);

CREATE TABLE pupil_consent_history (
    id INTEGER PRIMARY KEY,
    pupil_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'given', 'withdrawn')),
    decided_on TEXT,
    method TEXT CHECK (method IN ('paper_form', 'guardian_email', 'school_existing', 'other')),
    note TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX pupil_consent_history_by_pupil ON pupil_consent_history(pupil_id, id);

INSERT INTO pupil_consents (pupil_id, state, decided_on, method, note, recorded_by, recorded_at)
    SELECT user_id, 'given', NULL, 'school_existing', 'account created before consent records',
        NULL, '2026-12-06T00:00:00.000000+00:00'
    FROM pupils;
INSERT INTO pupil_consent_history
        (pupil_id, state, decided_on, method, note, recorded_by, recorded_at)
    SELECT pupil_id, state, decided_on, method, note, recorded_by, recorded_at
    FROM pupil_consents;
