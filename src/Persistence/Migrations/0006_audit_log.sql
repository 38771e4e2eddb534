-- The audit log (SPEC §2 "Audit"): append-only, listed by case, user or agent, newest first, and aggregated for
-- the transparency report. Appends are idempotent on entry_id.
CREATE TABLE IF NOT EXISTS audit_log
(
    entry_id  text        NOT NULL,
    at        timestamptz NOT NULL,
    action    text        NOT NULL,
    actor_id  text        NOT NULL,
    case_id   text        NULL,
    user_id   text        NULL,
    agent_id  text        NULL,
    room_id   text        NULL,
    appeal_id text        NULL,
    -- String-to-string map (AuditEntry.Details); NULL when the entry has none.
    details   jsonb       NULL,
    CONSTRAINT audit_log_pkey PRIMARY KEY (entry_id)
);

-- GET /audit?caseId= | userId= | agentId= : newest first. An agent's entries are those naming it as subject
-- (agent_id) or as actor (actor_id): two indexes that PostgreSQL combines with a BitmapOr. Partial indexes skip
-- the many entries without that subject. entry_id breaks ties the same way the queries do.
CREATE INDEX IF NOT EXISTS audit_log_case_idx  ON audit_log (case_id, at DESC, entry_id DESC) WHERE case_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_user_idx  ON audit_log (user_id, at DESC, entry_id DESC) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_agent_idx ON audit_log (agent_id, at DESC, entry_id DESC) WHERE agent_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_log_actor_idx ON audit_log (actor_id, at DESC, entry_id DESC);

-- GET /reports/transparency?from=&to= : the few actions it counts, within a time range.
CREATE INDEX IF NOT EXISTS audit_log_action_at_idx ON audit_log (action, at);
