-- name: os-build-drift
-- description: Operating system versions and builds across the fleet, most common first, with how
--   many hosts run each and which (up to 20 named).
-- param: snapshot snapshot = @latest: the snapshot to look at
-- param: host text = *: only hosts matching this glob
WITH os AS (
    SELECT host, Caption, Version, BuildNumber FROM Win32_OperatingSystem
    WHERE snapshot_id = :snapshot AND host GLOB :host
)
SELECT Caption, Version, BuildNumber, COUNT(*) AS Hosts,
       (SELECT group_concat(host, ' ') FROM (SELECT host FROM os o2 WHERE o2.Caption IS os.Caption
            AND o2.Version IS os.Version AND o2.BuildNumber IS os.BuildNumber ORDER BY host LIMIT 20)) AS Examples
FROM os
GROUP BY Caption, Version, BuildNumber
ORDER BY Hosts DESC, Version, BuildNumber
