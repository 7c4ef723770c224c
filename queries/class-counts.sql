-- name: class-counts
-- description: Instances per class per host in each of the last N snapshots, with the change from
--   the snapshot before (a failed observation shows its error instead of a count).
-- param: snapshots integer = 10: how many of the newest snapshots
-- param: host text = *: only hosts matching this glob
-- param: class text = *: only classes matching this glob, e.g. Win32_*
WITH recent AS (SELECT id, started_at FROM snapshot ORDER BY id DESC LIMIT :snapshots),
counts AS (
    SELECT o.snapshot_id, r.started_at, o.host, o.namespace, o.class, o.status, o.error_kind,
           CASE WHEN o.status = 'ok' THEN o.instance_count END AS instances
    FROM observation o JOIN recent r ON r.id = o.snapshot_id
    WHERE o.host GLOB :host AND o.class GLOB :class
)
SELECT snapshot_id, started_at, host, class, COALESCE(instances, 'failed: ' || error_kind) AS Instances,
       instances - LAG(instances) OVER (PARTITION BY host, namespace, class ORDER BY snapshot_id) AS Change
FROM counts
ORDER BY host, class, snapshot_id
