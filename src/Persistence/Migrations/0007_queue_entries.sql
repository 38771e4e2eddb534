-- The work queue's index (IQueueIndexStore): one row per unresolved case, so that a flag or a claim writes one
-- row instead of rewriting a partition's whole index. A queue partition grain loads its rows on activation.
CREATE TABLE IF NOT EXISTS queue_entries
(
    case_id         text             NOT NULL,
    partition       integer          NOT NULL,
    base_priority   double precision NOT NULL,
    created_at      timestamptz      NOT NULL,
    status          text             NOT NULL,
    claimed_by      text             NULL,
    lease_until     timestamptz      NULL,
    target_type     text             NOT NULL,
    accused_user_id text             NOT NULL,
    top_reason      text             NOT NULL,
    reporters       integer          NOT NULL,
    CONSTRAINT queue_entries_pkey PRIMARY KEY (case_id)
);

CREATE INDEX IF NOT EXISTS queue_entries_partition ON queue_entries (partition);
