-- name: stopped-auto-services
-- description: Services set to start automatically that are not running.
-- param: snapshot snapshot = @latest: the snapshot to look at
-- param: host text = *: only hosts matching this glob
SELECT host, Name, DisplayName, State, StartMode, ExitCode, StartName
FROM Win32_Service
WHERE snapshot_id = :snapshot AND host GLOB :host AND StartMode = 'Auto' AND State IS NOT 'Running'
ORDER BY host, Name
