-- Grain state for Microsoft.Orleans.Persistence.AdoNet 10.4.2 (storage provider "moderation").
--
-- Contract (from the provider's source): every query gets @ServiceId, @GrainTypeString (the state name given to
-- [PersistentState]), @GrainIdN0/@GrainIdN1 (bigint: the integer or Guid key, else 0), @GrainIdExtensionString
-- (the string key or key extension, may be NULL) and @GrainIdHash/@GrainTypeHash (int). Writes also get
-- @GrainStateVersion (the ETag: NULL for a first write) and @PayloadBinary (bytea: the Orleans binary
-- serializer's output). A write answers NewGrainStateVersion; no row, or NULL, means a version conflict, which
-- the provider raises as InconsistentStateException.
--
-- Unlike the reference scripts, which index only the two int hashes (colliding keys are told apart by re-checking
-- every column), the natural key is the primary key here: one index probe, and uniqueness is enforced by the
-- database. The hashes are therefore not stored. A NULL key extension is stored as '' so it can be part of the key.
--
-- Note: the provider does not pass the grain type, only the state name and the key. Two grain classes that share
-- a state name and a key would share a row, so every grain class needs its own state name.
CREATE TABLE IF NOT EXISTS orleans_storage
(
    service_id         varchar(150) NOT NULL,
    grain_type         text         NOT NULL,
    grain_id_n0        bigint       NOT NULL,
    grain_id_n1        bigint       NOT NULL,
    grain_id_extension text         NOT NULL DEFAULT '',
    payload            bytea,
    version            integer      NOT NULL,
    modified_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT orleans_storage_pkey PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

INSERT INTO orleansquery (querykey, querytext) VALUES

('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary", version AS "Version"
FROM orleans_storage
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = coalesce(CAST(@GrainIdExtensionString AS text), '');
$sql$),

-- With an ETag: update the row if its version is still the ETag. Without one: insert the first version, unless a
-- row exists already (another activation wrote first), which is a conflict.
('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_storage
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0
      AND grain_id_n1 = @GrainIdN1
      AND grain_id_extension = coalesce(CAST(@GrainIdExtensionString AS text), '')
      AND version = CAST(@GrainStateVersion AS integer)
    RETURNING version
), inserted AS (
    INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
           coalesce(CAST(@GrainIdExtensionString AS text), ''), @PayloadBinary, 1
    WHERE CAST(@GrainStateVersion AS integer) IS NULL
    ON CONFLICT ON CONSTRAINT orleans_storage_pkey DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM updated
UNION ALL
SELECT version FROM inserted;
$sql$),

-- ClearStateAsync keeps the row (so the version keeps counting) and drops the payload.
('ClearStorageKey', $sql$
UPDATE orleans_storage
SET payload = NULL, version = version + 1, modified_at = now()
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = coalesce(CAST(@GrainIdExtensionString AS text), '')
  AND version = CAST(@GrainStateVersion AS integer)
RETURNING version AS "NewGrainStateVersion";
$sql$),

-- With DeleteStateOnClear the row goes. The provider only checks that the answer differs from the ETag.
('DeleteStorageKey', $sql$
DELETE FROM orleans_storage
WHERE service_id = @ServiceId
  AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0
  AND grain_id_n1 = @GrainIdN1
  AND grain_id_extension = coalesce(CAST(@GrainIdExtensionString AS text), '')
  AND version = CAST(@GrainStateVersion AS integer)
RETURNING version + 1 AS "NewGrainStateVersion";
$sql$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
