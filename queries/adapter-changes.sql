-- name: adapter-changes
-- description: Network adapters (MSFT_NetAdapter) whose status or link speed changed between two
--   snapshots, matched by DeviceID on each host; adapters that appeared or vanished are listed too.
-- param: from snapshot = @prev: the older snapshot
-- param: to snapshot = @latest: the newer snapshot
-- param: host text = *: only hosts matching this glob
WITH before AS MATERIALIZED (
    SELECT host, DeviceID, Name, Status, Speed FROM MSFT_NetAdapter WHERE snapshot_id = :from AND host GLOB :host
),
after AS MATERIALIZED (
    SELECT host, DeviceID, Name, Status, Speed FROM MSFT_NetAdapter WHERE snapshot_id = :to AND host GLOB :host
)
SELECT n.host, n.Name, n.DeviceID, o.Status AS OldStatus, n.Status AS NewStatus, o.Speed AS OldSpeed, n.Speed AS NewSpeed,
       CASE WHEN o.DeviceID IS NULL THEN 'appeared' ELSE 'changed' END AS Change
FROM after n LEFT JOIN before o ON o.host = n.host AND o.DeviceID = n.DeviceID
WHERE (o.DeviceID IS NULL AND n.host IN (SELECT host FROM before))
   OR o.Status IS NOT n.Status OR o.Speed IS NOT n.Speed
UNION ALL
SELECT o.host, o.Name, o.DeviceID, o.Status, NULL, o.Speed, NULL, 'vanished'
FROM before o
WHERE o.host IN (SELECT host FROM after)
  AND NOT EXISTS (SELECT 1 FROM after n WHERE n.host = o.host AND n.DeviceID = o.DeviceID)
ORDER BY 1, 2
