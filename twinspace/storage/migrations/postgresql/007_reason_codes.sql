-- PostgreSQL twin of ../007_reason_codes.sql.
-- Why the moderation pipeline held, blocked or masked an item, as a code clients translate:
-- "held.filter:phone,email", "blocked.filter:offensive", "held.pre", "held.approval",
-- "masked.filter:phone". NULL for items the pipeline passed and for older rows.
ALTER TABLE messages ADD COLUMN reason_code TEXT;
ALTER TABLE board_posts ADD COLUMN reason_code TEXT;
ALTER TABLE post_comments ADD COLUMN reason_code TEXT;
