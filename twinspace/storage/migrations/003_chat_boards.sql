-- Chat messages, media boards and uploads. Every pupil-visible item carries a moderation
-- status; `published_at` is set the first time an item became visible to everyone.

ALTER TABLE boards ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';   -- JSON BoardSettings

CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    board_id INTEGER REFERENCES boards(id) ON DELETE SET NULL,
    uploader_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    mime TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'file')),
    size INTEGER NOT NULL,
    original_name TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    thumb_sha256 TEXT CHECK (thumb_sha256 IS NULL OR length(thumb_sha256) = 64),
    thumb_mime TEXT,
    thumb_size INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL
        CHECK (status IN ('published', 'held', 'blocked', 'rejected', 'hidden', 'deleted')),
    reason TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX media_by_project ON media(project_id);
CREATE INDEX media_by_sha256 ON media(sha256);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('published', 'held', 'blocked', 'rejected', 'hidden', 'deleted')),
    reason TEXT,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    published_at TEXT
);
CREATE INDEX messages_by_channel ON messages(channel_id, parent_id, id);
CREATE INDEX messages_by_parent ON messages(parent_id, id);
CREATE INDEX messages_by_project ON messages(project_id, id);

CREATE TABLE message_reactions (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    emoji TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);

CREATE TABLE channel_reads (
    channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_read_message_id INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

CREATE TABLE board_sections (
    id INTEGER PRIMARY KEY,
    board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    position REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX board_sections_by_board ON board_sections(board_id, position);

CREATE TABLE board_posts (
    id INTEGER PRIMARY KEY,
    board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    section_id INTEGER REFERENCES board_sections(id) ON DELETE SET NULL,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'image', 'video', 'audio', 'file', 'link')),
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    url TEXT,
    media_id INTEGER REFERENCES media(id) ON DELETE SET NULL,
    position REAL NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('published', 'held', 'blocked', 'rejected', 'hidden', 'deleted')),
    reason TEXT,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    published_at TEXT
);
CREATE INDEX board_posts_by_board ON board_posts(board_id, section_id, position);
CREATE INDEX board_posts_by_media ON board_posts(media_id);

CREATE TABLE post_comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES board_posts(id) ON DELETE CASCADE,
    board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('published', 'held', 'blocked', 'rejected', 'hidden', 'deleted')),
    reason TEXT,
    created_at TEXT NOT NULL,
    published_at TEXT
);
CREATE INDEX post_comments_by_post ON post_comments(post_id, id);

CREATE TABLE post_reactions (
    post_id INTEGER NOT NULL REFERENCES board_posts(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    emoji TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (post_id, user_id, emoji)
);
