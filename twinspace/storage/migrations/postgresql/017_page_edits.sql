-- Last edits: when a page's content last changed and who changed it (docs/design.md, "Realtime": "Pages").
-- PostgreSQL twin of ../017_page_edits.sql.
ALTER TABLE pages ADD COLUMN edited_at TEXT;
ALTER TABLE pages ADD COLUMN edited_by BIGINT REFERENCES users(id) ON DELETE SET NULL;
UPDATE pages SET edited_at = updated_at;
