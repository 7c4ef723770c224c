-- name: hotfixes-added
-- description: Hotfixes (Win32_QuickFixEngineering) present in the newer snapshot but not in the
--   older one, per host. Hosts without a good hotfix list in the older snapshot are left out.
-- param: from snapshot = @prev: the older snapshot
-- param: to snapshot = @latest: the newer snapshot
-- param: host text = *: only hosts matching this glob
WITH before AS MATERIALIZED (
    SELECT host, HotFixID FROM Win32_QuickFixEngineering WHERE snapshot_id = :from AND host GLOB :host
)
SELECT q.host, q.HotFixID, q.Description, q.InstalledOn, q.InstalledBy
FROM Win32_QuickFixEngineering q
WHERE q.snapshot_id = :to AND q.host GLOB :host
  AND q.host IN (SELECT host FROM observation WHERE snapshot_id = :from AND namespace = 'root/cimv2'
                 AND class = 'Win32_QuickFixEngineering' AND status = 'ok')
  AND (q.host, q.HotFixID) NOT IN (SELECT host, HotFixID FROM before)
ORDER BY q.host, q.HotFixID
