-- name: services-changed
-- description: Services whose state or start mode differs between two snapshots (stopped,
--   started, disabled, set to manual …), matched by service name on each host.
-- param: from snapshot = @prev: the older snapshot
-- param: to snapshot = @latest: the newer snapshot
-- param: host text = *: only hosts matching this glob
WITH before AS MATERIALIZED (
    SELECT host, Name, State, StartMode FROM Win32_Service WHERE snapshot_id = :from AND host GLOB :host
)
SELECT n.host, n.Name, n.DisplayName, o.State AS OldState, n.State AS NewState,
       o.StartMode AS OldStartMode, n.StartMode AS NewStartMode
FROM Win32_Service n JOIN before o ON o.host = n.host AND o.Name = n.Name
WHERE n.snapshot_id = :to AND n.host GLOB :host
  AND (o.State IS NOT n.State OR o.StartMode IS NOT n.StartMode)
ORDER BY n.host, n.Name
