-- Foundation: registry, accounts, sessions, projects, memberships and space records.

CREATE TABLE countries (
    code TEXT PRIMARY KEY CHECK (length(code) = 2),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('etwinning', 'partner')),
    timezone TEXT NOT NULL
);

CREATE TABLE country_policies (
    country TEXT PRIMARY KEY REFERENCES countries(code),
    policy TEXT NOT NULL,              -- JSON EligibilityPolicy
    updated_at TEXT NOT NULL
);

CREATE TABLE schools (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL REFERENCES countries(code),
    city TEXT NOT NULL,
    type TEXT NOT NULL,
    ownership TEXT NOT NULL,
    timezone TEXT NOT NULL,
    vocational_course_years INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX schools_by_country ON schools(country);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('teacher', 'pupil', 'nso', 'admin')),
    display_name TEXT NOT NULL,
    email TEXT,
    country TEXT REFERENCES countries(code),
    school_id INTEGER REFERENCES schools(id),
    locale TEXT,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    CHECK (kind <> 'pupil' OR email IS NULL)
);
CREATE INDEX users_by_school ON users(school_id);

CREATE TABLE teachers (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    staff_role TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'validated', 'rejected')),
    subjects TEXT NOT NULL DEFAULT '[]',      -- JSON list
    languages TEXT NOT NULL DEFAULT '[]',     -- JSON list
    age_min INTEGER,
    age_max INTEGER,
    bio TEXT NOT NULL DEFAULT '',
    reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at TEXT,
    review_reason TEXT
);
CREATE INDEX teachers_by_status ON teachers(status);

CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    teacher_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE pupils (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    class_id INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX pupils_by_class ON pupils(class_id);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    subjects TEXT NOT NULL DEFAULT '[]',
    languages TEXT NOT NULL DEFAULT '[]',
    age_min INTEGER,
    age_max INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('european', 'national')),
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'archived', 'closed')),
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    state_changed_at TEXT NOT NULL
);

CREATE TABLE memberships (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('founder', 'teacher_admin', 'teacher', 'pupil', 'guest')),
    added_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships(user_id);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    inviter_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    invitee_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('teacher_admin', 'teacher', 'guest')),
    message TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
    created_at TEXT NOT NULL,
    responded_at TEXT
);
CREATE INDEX invitations_by_invitee ON invitations(invitee_id, status);
CREATE UNIQUE INDEX invitations_one_pending
    ON invitations(project_id, invitee_id) WHERE status = 'pending';

CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    room TEXT NOT NULL UNIQUE,
    locked INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX pages_by_project ON pages(project_id);

CREATE TABLE channels (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('project', 'class', 'staff')),
    class_id INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX channels_by_project ON channels(project_id);

CREATE TABLE boards (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX boards_by_project ON boards(project_id);

-- Participating countries (DESIGN §2) and their eligibility policies (data, editable by the admin).
INSERT INTO countries (code, name, status, timezone) VALUES
    ('AT', 'Austria', 'etwinning', 'Europe/Vienna'),
    ('BE', 'Belgium', 'etwinning', 'Europe/Brussels'),
    ('BG', 'Bulgaria', 'etwinning', 'Europe/Sofia'),
    ('HR', 'Croatia', 'etwinning', 'Europe/Zagreb'),
    ('CY', 'Cyprus', 'etwinning', 'Asia/Nicosia'),
    ('CZ', 'Czechia', 'etwinning', 'Europe/Prague'),
    ('DK', 'Denmark', 'etwinning', 'Europe/Copenhagen'),
    ('EE', 'Estonia', 'etwinning', 'Europe/Tallinn'),
    ('FI', 'Finland', 'etwinning', 'Europe/Helsinki'),
    ('FR', 'France', 'etwinning', 'Europe/Paris'),
    ('DE', 'Germany', 'etwinning', 'Europe/Berlin'),
    ('GR', 'Greece', 'etwinning', 'Europe/Athens'),
    ('HU', 'Hungary', 'etwinning', 'Europe/Budapest'),
    ('IE', 'Ireland', 'etwinning', 'Europe/Dublin'),
    ('IT', 'Italy', 'etwinning', 'Europe/Rome'),
    ('LV', 'Latvia', 'etwinning', 'Europe/Riga'),
    ('LT', 'Lithuania', 'etwinning', 'Europe/Vilnius'),
    ('LU', 'Luxembourg', 'etwinning', 'Europe/Luxembourg'),
    ('MT', 'Malta', 'etwinning', 'Europe/Malta'),
    ('NL', 'Netherlands', 'etwinning', 'Europe/Amsterdam'),
    ('PL', 'Poland', 'etwinning', 'Europe/Warsaw'),
    ('PT', 'Portugal', 'etwinning', 'Europe/Lisbon'),
    ('RO', 'Romania', 'etwinning', 'Europe/Bucharest'),
    ('SK', 'Slovakia', 'etwinning', 'Europe/Bratislava'),
    ('SI', 'Slovenia', 'etwinning', 'Europe/Ljubljana'),
    ('ES', 'Spain', 'etwinning', 'Europe/Madrid'),
    ('SE', 'Sweden', 'etwinning', 'Europe/Stockholm'),
    ('AL', 'Albania', 'etwinning', 'Europe/Tirane'),
    ('BA', 'Bosnia and Herzegovina', 'etwinning', 'Europe/Sarajevo'),
    ('IS', 'Iceland', 'etwinning', 'Atlantic/Reykjavik'),
    ('LI', 'Liechtenstein', 'etwinning', 'Europe/Vaduz'),
    ('MK', 'North Macedonia', 'etwinning', 'Europe/Skopje'),
    ('NO', 'Norway', 'etwinning', 'Europe/Oslo'),
    ('RS', 'Serbia', 'etwinning', 'Europe/Belgrade'),
    ('TR', 'Turkey', 'etwinning', 'Europe/Istanbul'),
    ('AM', 'Armenia', 'partner', 'Asia/Yerevan'),
    ('AZ', 'Azerbaijan', 'partner', 'Asia/Baku'),
    ('GE', 'Georgia', 'partner', 'Asia/Tbilisi'),
    ('JO', 'Jordan', 'partner', 'Asia/Amman'),
    ('LB', 'Lebanon', 'partner', 'Asia/Beirut'),
    ('MD', 'Moldova', 'partner', 'Europe/Chisinau'),
    ('ME', 'Montenegro', 'partner', 'Europe/Podgorica'),
    ('TN', 'Tunisia', 'partner', 'Africa/Tunis'),
    ('UA', 'Ukraine', 'partner', 'Europe/Kyiv');
INSERT INTO country_policies (country, policy, updated_at) VALUES
    ('AT', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('BE', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('BG', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('HR', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('CY', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('CZ', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('DK', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('EE', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('FI', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('FR', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('DE', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('GR', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('HU', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('IE', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('IT', '{"staff_roles":["teacher","technical_practical_teacher","boarding_educator","head","librarian","language_assistant"],"school_types":{"nursery":["municipal"],"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('LV', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('LT', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('LU', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('MT', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('NL', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('PL', '{"staff_roles":["teacher","technical_practical_teacher","head","librarian","pedagogue","language_assistant","administrative","technical","other_staff"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('PT', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('RO', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('SK', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('SI', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('ES', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('SE', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('AL', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('BA', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('IS', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('LI', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('MK', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('NO', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('RS', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('TR', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('AM', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('AZ', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('GE', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('JO', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('LB', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('MD', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('ME', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('TN', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00'),
    ('UA', '{"staff_roles":["teacher","head","librarian","pedagogue","language_assistant"],"school_types":{"preschool":["public","private_public_rights"],"primary":["public","private_public_rights"],"secondary":["public","private_public_rights"],"vocational":["public","private_public_rights"]},"vocational_min_course_years":3}', '2026-01-01T00:00:00+00:00');
