-- name: snapshots
-- description: Every snapshot with its status, hosts planned, hosts and classes that failed, and
--   instances collected.
SELECT s.id, s.started_at, s.finished_at, s.status, s.profile, s.host_count AS Hosts,
       (SELECT COUNT(DISTINCT host) FROM observation o WHERE o.snapshot_id = s.id AND o.status = 'failed') AS HostsFailing,
       (SELECT COUNT(*) FROM observation o WHERE o.snapshot_id = s.id AND o.status = 'failed') AS ClassesFailed,
       (SELECT COALESCE(SUM(instance_count), 0) FROM observation o WHERE o.snapshot_id = s.id AND o.status = 'ok') AS Instances
FROM snapshot s
ORDER BY s.id
