-- The chat journal: every acknowledged chat message, written in group-committed batches by PostgresChatJournal.
--
-- The primary key (room_id, seq) is the only index: appends are idempotent on it (INSERT ... ON CONFLICT DO
-- NOTHING), and every read is a range of one room's seqs on it, so neither appends nor reads cost more as a
-- room's history or the number of rooms grows (beyond the B-tree's logarithm).
CREATE TABLE IF NOT EXISTS chat_messages
(
    room_id           text        NOT NULL,
    seq               bigint      NOT NULL,
    user_id           text        NOT NULL,
    text              text        NOT NULL,
    sent_at           timestamptz NOT NULL,
    -- The gateway's Idempotency-Key for the post, when it had one (not yet carried by ChatMessage).
    client_message_id text        NULL,
    CONSTRAINT chat_messages_pkey PRIMARY KEY (room_id, seq),
    CONSTRAINT chat_messages_seq_check CHECK (seq > 0)
);
