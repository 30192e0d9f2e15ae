-- Last edits: when a page's content last changed and who changed it (docs/design.md, "Realtime": "Pages").
-- `updated_at` also moves on locks and deletions; these two move only on edits and renames.
ALTER TABLE pages ADD COLUMN edited_at TEXT;
ALTER TABLE pages ADD COLUMN edited_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
UPDATE pages SET edited_at = updated_at;
