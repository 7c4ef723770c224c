-- name: failing-hosts
-- description: Hosts whose collection failed in a snapshot, with the classes that failed and why,
--   hosts the sweep never reached, and the last snapshot in which the host answered everything.
-- param: snapshot snapshot = @latest: the snapshot to look at
-- param: host text = *: only hosts matching this glob
WITH failed AS (
    SELECT host, COUNT(*) AS FailedClasses,
           group_concat(class || ' (' || COALESCE(error_kind, 'error') || ')', ', ') AS Classes,
           MIN(error_detail) AS Detail
    FROM observation
    WHERE snapshot_id = :snapshot AND status = 'failed' AND host GLOB :host
    GROUP BY host
    UNION ALL
    SELECT sh.host, NULL, NULL, 'not reached: the sweep ended before this host was collected'
    FROM snapshot_host sh
    WHERE sh.snapshot_id = :snapshot AND sh.host GLOB :host
      AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.snapshot_id = sh.snapshot_id AND o.host = sh.host)
)
SELECT f.host, f.FailedClasses, f.Classes, f.Detail,
       (SELECT MAX(o.snapshot_id) FROM observation o WHERE o.host = f.host AND o.snapshot_id < :snapshot
          AND NOT EXISTS (SELECT 1 FROM observation x WHERE x.snapshot_id = o.snapshot_id AND x.host = o.host
                          AND x.status = 'failed')) AS LastCompleteSnapshot
FROM failed f
ORDER BY f.host
