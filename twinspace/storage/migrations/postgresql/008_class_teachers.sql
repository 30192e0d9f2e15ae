-- The teachers responsible for a class: only they reset, export or erase its pupils and add
-- colleagues of the same school (docs/architecture.md, "Access rules"). A class's creator is
-- its first teacher; a colleague of the same school is responsible only once added here.
-- PostgreSQL twin of ../008_class_teachers.sql.

CREATE TABLE class_teachers (
    class_id BIGINT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (class_id, user_id)
);
CREATE INDEX class_teachers_by_user ON class_teachers(user_id);

INSERT INTO class_teachers (class_id, user_id, added_by, added_at)
    SELECT id, teacher_id, teacher_id, created_at FROM classes WHERE teacher_id IS NOT NULL;
