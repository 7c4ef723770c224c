-- name: unusual-process-paths
-- description: Processes whose executable lies outside the usual system and program folders
--   (compared case-insensitively; processes without a path, such as System, are left out).
-- param: snapshot snapshot = @latest: the snapshot to look at
-- param: allowed text = C:\Windows\;C:\Program Files\;C:\Program Files (x86)\;C:\ProgramData\Microsoft\: usual folders, separated by semicolons
-- param: host text = *: only hosts matching this glob
WITH RECURSIVE prefixes(prefix, rest) AS (
    SELECT NULL, :allowed || ';'
    UNION ALL
    SELECT lower(substr(rest, 1, instr(rest, ';') - 1)), substr(rest, instr(rest, ';') + 1)
    FROM prefixes WHERE rest <> ''
)
SELECT p.host, p.Name, p.Handle AS ProcessId, p.ExecutablePath, p.CommandLine
FROM Win32_Process p
WHERE p.snapshot_id = :snapshot AND p.host GLOB :host AND COALESCE(p.ExecutablePath, '') <> ''
  AND NOT EXISTS (SELECT 1 FROM prefixes WHERE prefix <> ''
                  AND substr(lower(p.ExecutablePath), 1, length(prefix)) = prefix)
ORDER BY p.host, p.ExecutablePath
