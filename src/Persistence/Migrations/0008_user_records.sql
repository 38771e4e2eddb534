-- A user's unbounded records (IUserRecordStore), as rows beside the user's grain state so that a decision writes one
-- small row per user it touches instead of rewriting the user's whole history.

-- Notices (statements of reasons and updates), read newest first: in the order they were written (seq; a user's
-- grain writes one at a time, and two notices may share a timestamp). The notice is stored with Orleans' serializer,
-- like grain state; its id is derived from what it is about, so a retried write replaces it and keeps its place. No
-- index for the order: every decision writes notices, a user reads theirs rarely, and a read sorts one user's rows.
CREATE TABLE IF NOT EXISTS user_notices
(
    user_id    text        NOT NULL,
    notice_id  text        NOT NULL,
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL,
    notice     bytea       NOT NULL,
    CONSTRAINT user_notices_pkey PRIMARY KEY (user_id, notice_id)
);

-- A reporter's decided reports: the track record shown on every case they flag.
CREATE TABLE IF NOT EXISTS report_outcomes
(
    reporter_id text    NOT NULL,
    flag_id     text    NOT NULL,
    upheld      boolean NOT NULL,
    CONSTRAINT report_outcomes_pkey PRIMARY KEY (reporter_id, flag_id)
);
