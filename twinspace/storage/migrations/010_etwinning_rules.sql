-- The eTwinning rules of the seeds (docs/etwinning-rules.md): per-country registration rules,
-- label score thresholds, co-founders who accept, project plans and results, competitions.

-- Registration: the 3-year minimum for vocational courses is Italy's rule for its vocational
-- centres (CFP), with the condition that their courses are open to pupils in compulsory
-- schooling; no other country has either. Policies still carrying the old everywhere-default
-- of 3 years lose it.
UPDATE country_policies
    SET policy = json_remove(policy, '$.vocational_min_course_years')
    WHERE country <> 'IT' AND json_extract(policy, '$.vocational_min_course_years') = 3;
UPDATE country_policies
    SET policy = json_set(
        policy, '$.vocational_min_course_years', 3,
        '$.vocational_requires_compulsory_schooling', json('true'))
    WHERE country = 'IT';
-- Whether a (vocational) school's courses are open to pupils in compulsory schooling; NULL unknown.
ALTER TABLE schools ADD COLUMN open_to_compulsory_schooling INTEGER;

-- National Quality Label: the score thresholds a "high level" means, per country (JSON
-- LabelPolicy: min_per_criterion 0..10, min_total 0..50). The admin edits them.
CREATE TABLE label_policies (
    country TEXT PRIMARY KEY REFERENCES countries(code),
    policy TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO label_policies (country, policy, updated_at)
    SELECT code, '{"min_per_criterion":6,"min_total":35}', '2026-12-06T00:00:00+00:00'
    FROM countries;

-- What a label application points to in the TwinSpace: JSON {"plan_activity_ids": [...],
-- "result_ids": [...]}.
ALTER TABLE label_applications ADD COLUMN evidence TEXT NOT NULL DEFAULT '{}';

-- Founding: a project waits for its invited co-founders until the founding rule is met;
-- founded_at is NULL until then (existing projects were founded when created).
ALTER TABLE projects ADD COLUMN founded_at TEXT;
UPDATE projects SET founded_at = created_at;
-- A co-founder invitation: accepting makes the invitee a founder. The role column keeps its
-- old CHECK, so these rows store 'teacher_admin' there and the repository reports 'founder'.
ALTER TABLE invitations ADD COLUMN cofounder INTEGER NOT NULL DEFAULT 0;

-- Project traits: a jointly developed plan (activities with dates and responsible schools)
-- and the results made by the partners.
CREATE TABLE plan_activities (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,            -- ISO date
    ends_on TEXT NOT NULL,              -- ISO date
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);
CREATE INDEX plan_activities_by_project ON plan_activities(project_id, starts_on);
CREATE TABLE plan_activity_schools (
    activity_id INTEGER NOT NULL REFERENCES plan_activities(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    PRIMARY KEY (activity_id, school_id)
);
CREATE TABLE project_results (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    page_id INTEGER REFERENCES pages(id) ON DELETE SET NULL,
    board_id INTEGER REFERENCES boards(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX project_results_by_project ON project_results(project_id);
CREATE TABLE project_result_schools (
    result_id INTEGER NOT NULL REFERENCES project_results(id) ON DELETE CASCADE,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    PRIMARY KEY (result_id, school_id)
);

-- Competitions: national (an NSO, for label holders of its country) or European (the central
-- admin, for European label holders); categories, a named jury, entries, scores, winners.
CREATE TABLE competitions (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('national', 'european')),
    country TEXT REFERENCES countries(code),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    prizes_per_category INTEGER NOT NULL CHECK (prizes_per_category BETWEEN 1 AND 10),
    entries_close_at TEXT NOT NULL,
    organiser_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    announced_at TEXT,
    CHECK ((level = 'national') = (country IS NOT NULL))
);
CREATE TABLE competition_categories (
    id INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competitions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    UNIQUE (competition_id, name)
);
CREATE TABLE competition_jurors (
    competition_id INTEGER NOT NULL REFERENCES competitions(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (competition_id, user_id)
);
CREATE TABLE competition_entries (
    id INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competitions(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES competition_categories(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    teacher_id INTEGER REFERENCES users(id) ON DELETE SET NULL,   -- who entered it
    statement TEXT NOT NULL DEFAULT '',
    entered_at TEXT NOT NULL,
    place INTEGER,                                                -- set when announced
    mean_score REAL,                                              -- set when announced
    UNIQUE (competition_id, project_id)
);
CREATE TABLE competition_scores (
    entry_id INTEGER NOT NULL REFERENCES competition_entries(id) ON DELETE CASCADE,
    juror_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment TEXT NOT NULL DEFAULT '',
    scored_at TEXT NOT NULL,
    PRIMARY KEY (entry_id, juror_id)
);
-- The label holders of a winning entry's TwinSpace, as announced: shown on their profiles.
CREATE TABLE competition_prizes (
    entry_id INTEGER NOT NULL REFERENCES competition_entries(id) ON DELETE CASCADE,
    teacher_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, teacher_id)
);
CREATE INDEX competition_prizes_by_teacher ON competition_prizes(teacher_id);
