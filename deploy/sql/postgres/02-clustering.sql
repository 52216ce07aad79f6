-- DeiT.Tuning on PostgreSQL, step 2 of 3: cluster membership (Microsoft.Orleans.Clustering.AdoNet 10.x).
--
-- One version row per cluster (DeploymentId = ClusterId) and one row per silo incarnation. Every change to a silo
-- row bumps the cluster's version in the same statement, and only when the caller read the current version: that
-- compare-and-swap is what lets several silos vote a dead one out without losing a vote. The functions answer
-- 1 when the write happened and 0 when another silo won the race (Orleans then reads the table again).
-- Status values are Orleans' SiloStatus (3 = Active, 6 = Dead).

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,
    CONSTRAINT OrleansMembershipVersion_Key PRIMARY KEY (DeploymentId)
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT OrleansMembership_Key PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Bumps the version only if the caller saw the current one. Returns the number of rows bumped (0 or 1).
CREATE FUNCTION deit_bump_membership_version(p_cluster varchar, p_seen integer) RETURNS integer AS
$$
DECLARE
    bumped integer;
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = p_cluster AND Version = p_seen AND Version < 2147483647;
    GET DIAGNOSTICS bumped = ROW_COUNT;
    RETURN bumped;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION deit_insert_membership_version(p_cluster varchar) RETURNS TABLE (row_count integer) AS
$$
DECLARE
    inserted integer;
BEGIN
    INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (p_cluster) ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    RETURN QUERY SELECT inserted;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION deit_insert_membership(
    p_cluster varchar, p_address varchar, p_port integer, p_generation integer, p_silo_name varchar, p_host_name varchar,
    p_status integer, p_proxy_port integer, p_start_time timestamptz, p_i_am_alive timestamptz, p_seen_version integer)
RETURNS TABLE (row_count integer) AS
$$
DECLARE
    written integer := 0;
BEGIN
    -- A subtransaction: when the row already exists the version bump is rolled back with it.
    BEGIN
        IF deit_bump_membership_version(p_cluster, p_seen_version) = 1 THEN
            INSERT INTO OrleansMembershipTable
                (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
            VALUES
                (p_cluster, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive)
            ON CONFLICT DO NOTHING;
            GET DIAGNOSTICS written = ROW_COUNT;
            IF written = 0 THEN
                RAISE EXCEPTION 'silo row exists' USING ERRCODE = 'unique_violation';
            END IF;
        END IF;
    EXCEPTION WHEN unique_violation THEN
        written := 0;
    END;
    RETURN QUERY SELECT written;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION deit_update_membership(
    p_cluster varchar, p_address varchar, p_port integer, p_generation integer, p_status integer, p_suspect_times varchar,
    p_i_am_alive timestamptz, p_seen_version integer)
RETURNS TABLE (row_count integer) AS
$$
DECLARE
    written integer := 0;
BEGIN
    BEGIN
        IF deit_bump_membership_version(p_cluster, p_seen_version) = 1 THEN
            UPDATE OrleansMembershipTable AS m
            SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = GREATEST(m.IAmAliveTime, p_i_am_alive)
            WHERE m.DeploymentId = p_cluster AND m.Address = p_address AND m.Port = p_port AND m.Generation = p_generation;
            GET DIAGNOSTICS written = ROW_COUNT;
            IF written = 0 THEN
                RAISE EXCEPTION 'no silo row to update' USING ERRCODE = 'no_data_found';
            END IF;
        END IF;
    EXCEPTION WHEN no_data_found THEN
        written := 0;
    END;
    RETURN QUERY SELECT written;
END
$$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey',
 'SELECT row_count FROM deit_insert_membership_version(@DeploymentId);'),

('InsertMembershipKey',
 'SELECT row_count FROM deit_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
      @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),

('UpdateMembershipKey',
 'SELECT row_count FROM deit_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
      @IAmAliveTime, @Version);'),

-- The liveness stamp is written without the version check: it is advisory and never moves backwards.
('UpdateIAmAlivetimeKey',
 'UPDATE OrleansMembershipTable SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
  WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),

-- Both reads return the version row even when no silo row matches (LEFT JOIN), as Orleans expects.
('MembershipReadRowKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
  WHERE v.DeploymentId = @DeploymentId;'),

('MembershipReadAllKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
         m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
  WHERE v.DeploymentId = @DeploymentId;'),

-- Clients find gateways here: silos with the given status that opened a gateway port.
('GatewaysQueryKey',
 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
  WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),

('DeleteMembershipTableEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
  DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),

-- Housekeeping of dead silos' rows: in bulk (older than a date), and one row exactly as the caller read it.
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM OrleansMembershipTable
  WHERE DeploymentId = @DeploymentId AND Status = 6 AND IAmAliveTime < @IAmAliveTime AND StartTime < @IAmAliveTime
    AND COALESCE(SuspectTimes, '''') = '''';'),

('CleanupDefunctSiloEntryKey',
 'DELETE FROM OrleansMembershipTable
  WHERE DeploymentId = @DeploymentId AND Status = 6 AND Address = @Address AND Port = @Port
    AND Generation = @Generation AND IAmAliveTime = @IAmAliveTime AND StartTime = @StartTime
    AND COALESCE(SuspectTimes, '''') = COALESCE(@SuspectTimes, '''');');
