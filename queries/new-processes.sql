-- name: new-processes
-- description: Processes in the newer snapshot that were not running in the older one on the same
--   host. Processes match by Handle + CreationDate, so a reused PID counts as a new process. Hosts
--   without a good process list in the older snapshot are left out (nothing to compare with).
-- param: from snapshot = @prev: the older snapshot
-- param: to snapshot = @latest: the newer snapshot
-- param: host text = *: only hosts matching this glob
WITH before AS MATERIALIZED (
    SELECT host, Handle, COALESCE(CreationDate, '') AS created FROM Win32_Process
    WHERE snapshot_id = :from AND host GLOB :host
)
SELECT p.host, p.Name, p.Handle AS ProcessId, p.CreationDate, p.ExecutablePath, p.CommandLine
FROM Win32_Process p
WHERE p.snapshot_id = :to AND p.host GLOB :host
  AND p.host IN (SELECT host FROM observation WHERE snapshot_id = :from AND namespace = 'root/cimv2'
                 AND class = 'Win32_Process' AND status = 'ok')
  AND (p.host, p.Handle, COALESCE(p.CreationDate, '')) NOT IN (SELECT host, Handle, created FROM before)
ORDER BY p.host, p.CreationDate, p.Name
