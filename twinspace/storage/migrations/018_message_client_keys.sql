-- Chat sends that survive a lost connection: a client names each message it composes, so a
-- repeated send (the answer was lost, the queue resent it) returns the first message instead
-- of posting it twice (README "Chat": client_key).
ALTER TABLE messages ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX messages_by_client_key ON messages(author_id, client_key)
    WHERE client_key IS NOT NULL;
