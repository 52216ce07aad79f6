-- DeiT.Tuning on PostgreSQL, step 3 of 3: grain state (Microsoft.Orleans.Persistence.AdoNet 10.x).
--
-- One row per grain state. Version is the ETag: a write names the version it read and succeeds only if the row
-- still has it (the writer then learns version + 1); a first write (no version) inserts version 1 unless a row
-- already exists. When two activations of one grain race, exactly one wins and Orleans raises
-- InconsistentStateException in the other. Orleans 10 writes one binary payload (its GrainStorageSerializer's
-- output); there are no JSON/XML payload columns.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamp    NOT NULL,
    Version                integer      NULL
);

CREATE INDEX OrleansStorage_Grain ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- Identity of one grain state; NULL extension strings match each other.
CREATE FUNCTION deit_is_grain(
    row_storage OrleansStorage, p_id_hash integer, p_n0 bigint, p_n1 bigint, p_type_hash integer, p_type varchar,
    p_extension varchar, p_service varchar) RETURNS boolean AS
$$
    SELECT row_storage.GrainIdHash = p_id_hash AND row_storage.GrainTypeHash = p_type_hash
       AND row_storage.GrainIdN0 = p_n0 AND row_storage.GrainIdN1 = p_n1
       AND row_storage.GrainTypeString = p_type AND row_storage.ServiceId = p_service
       AND row_storage.GrainIdExtensionString IS NOT DISTINCT FROM p_extension;
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION deit_write_grain_state(
    p_id_hash integer, p_n0 bigint, p_n1 bigint, p_type_hash integer, p_type varchar, p_extension varchar,
    p_service varchar, p_version integer, p_binary bytea)
RETURNS TABLE (NewGrainStateVersion integer) AS
$$
DECLARE
    written integer := 0;
BEGIN
    IF p_version IS NOT NULL THEN
        UPDATE OrleansStorage AS s
        SET PayloadBinary = p_binary,
            ModifiedOn = now() AT TIME ZONE 'utc', Version = s.Version + 1
        WHERE s.GrainIdHash = p_id_hash AND s.GrainTypeHash = p_type_hash
          AND deit_is_grain(s, p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_extension, p_service)
          AND s.Version = p_version;
    ELSE
        -- Serialize first writes of the same grain so only one of two racing inserts succeeds.
        PERFORM pg_advisory_xact_lock(p_id_hash, p_type_hash);
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
             PayloadBinary, ModifiedOn, Version)
        SELECT p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_extension, p_service,
               p_binary, now() AT TIME ZONE 'utc', 1
        WHERE NOT EXISTS (
            SELECT 1 FROM OrleansStorage AS s
            WHERE s.GrainIdHash = p_id_hash AND s.GrainTypeHash = p_type_hash
              AND deit_is_grain(s, p_id_hash, p_n0, p_n1, p_type_hash, p_type, p_extension, p_service));
    END IF;
    GET DIAGNOSTICS written = ROW_COUNT;
    -- Unchanged version = the write lost a race; Orleans turns that into InconsistentStateException.
    RETURN QUERY SELECT CASE WHEN written = 0 THEN p_version WHEN p_version IS NULL THEN 1 ELSE p_version + 1 END;
END
$$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey',
 'SELECT NewGrainStateVersion FROM deit_write_grain_state(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
      @GrainTypeString, @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);'),

('ReadFromStorageKey',
 'SELECT s.PayloadBinary, now() AT TIME ZONE ''utc'', s.Version
  FROM OrleansStorage AS s
  WHERE s.GrainIdHash = @GrainIdHash AND s.GrainTypeHash = @GrainTypeHash
    AND deit_is_grain(s, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                      @GrainIdExtensionString, @ServiceId);'),

-- Clearing keeps the row (and bumps its version) so a later first write cannot resurrect a stale ETag.
('ClearStorageKey',
 'UPDATE OrleansStorage AS s SET PayloadBinary = NULL, Version = s.Version + 1
  WHERE s.GrainIdHash = @GrainIdHash AND s.GrainTypeHash = @GrainTypeHash
    AND deit_is_grain(s, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                      @GrainIdExtensionString, @ServiceId)
    AND s.Version = @GrainStateVersion
  RETURNING s.Version AS NewGrainStateVersion;'),

-- Used instead when a storage is configured with DeleteStateOnClear.
('DeleteStorageKey',
 'DELETE FROM OrleansStorage AS s
  WHERE s.GrainIdHash = @GrainIdHash AND s.GrainTypeHash = @GrainTypeHash
    AND deit_is_grain(s, @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                      @GrainIdExtensionString, @ServiceId)
    AND s.Version = @GrainStateVersion
  RETURNING s.Version + 1 AS NewGrainStateVersion;');
