-- Search inside a TwinSpace (docs/architecture.md, "Search"). The index is derived data:
-- triggers mark a changed item in search_dirty inside the writing transaction (one small
-- insert), and the search indexer applies the marks in the background, so posting never waits
-- for indexing and no change is lost across a restart.

CREATE TABLE search_dirty (
    kind TEXT NOT NULL CHECK (kind IN ('page', 'message', 'post', 'comment', 'file')),
    item_id INTEGER NOT NULL,
    PRIMARY KEY (kind, item_id)
) WITHOUT ROWID;

-- One row per indexed item; its rowid is the row of search_text holding its words.
CREATE TABLE search_entries (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    project_id INTEGER NOT NULL,
    space_kind TEXT NOT NULL CHECK (space_kind IN ('page', 'channel', 'board')),
    space_id INTEGER NOT NULL,
    parent_id INTEGER,
    author_id INTEGER,
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (kind, item_id)
);
CREATE INDEX search_entries_by_project ON search_entries(project_id);

-- The words, folded (twinspace/search/text.py: accents and strokes removed, one character per
-- character) so that matches map back onto the original title and body kept above.
-- `scope` holds one token, p<project id>, so a query reads only its project's postings.
CREATE VIRTUAL TABLE search_text USING fts5(
    title, body, scope, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_text (search_text, rank) VALUES ('rank', 'bm25(4.0, 1.0, 0.0)');

CREATE TRIGGER search_mark_message_insert AFTER INSERT ON messages
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('message', NEW.id); END;
CREATE TRIGGER search_mark_message_update AFTER UPDATE OF text, status ON messages
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('message', NEW.id); END;
CREATE TRIGGER search_mark_message_delete AFTER DELETE ON messages
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('message', OLD.id); END;

CREATE TRIGGER search_mark_post_insert AFTER INSERT ON board_posts
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('post', NEW.id); END;
CREATE TRIGGER search_mark_post_update AFTER UPDATE OF title, body, url, status ON board_posts
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('post', NEW.id); END;
CREATE TRIGGER search_mark_post_delete AFTER DELETE ON board_posts
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('post', OLD.id); END;

CREATE TRIGGER search_mark_comment_insert AFTER INSERT ON post_comments
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('comment', NEW.id); END;
CREATE TRIGGER search_mark_comment_update AFTER UPDATE OF text, status ON post_comments
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('comment', NEW.id); END;
CREATE TRIGGER search_mark_comment_delete AFTER DELETE ON post_comments
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('comment', OLD.id); END;

CREATE TRIGGER search_mark_file_insert AFTER INSERT ON media
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('file', NEW.id); END;
CREATE TRIGGER search_mark_file_update AFTER UPDATE OF original_name, status, board_id ON media
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('file', NEW.id); END;
CREATE TRIGGER search_mark_file_delete AFTER DELETE ON media
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('file', OLD.id); END;

CREATE TRIGGER search_mark_page_insert AFTER INSERT ON pages
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('page', NEW.id); END;
CREATE TRIGGER search_mark_page_update AFTER UPDATE OF title, deleted_at ON pages
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('page', NEW.id); END;
CREATE TRIGGER search_mark_page_delete AFTER DELETE ON pages
BEGIN INSERT OR IGNORE INTO search_dirty VALUES ('page', OLD.id); END;

-- What existed before this migration is indexed at the next start.
INSERT OR IGNORE INTO search_dirty SELECT 'message', id FROM messages;
INSERT OR IGNORE INTO search_dirty SELECT 'post', id FROM board_posts;
INSERT OR IGNORE INTO search_dirty SELECT 'comment', id FROM post_comments;
INSERT OR IGNORE INTO search_dirty SELECT 'file', id FROM media;
INSERT OR IGNORE INTO search_dirty SELECT 'page', id FROM pages;
