-- name: hotfixes-missing
-- description: Per host, the hotfixes that at least PERCENT % of the hosts running the same OS
--   version have installed but this host lacks (the fleet's baseline, compared per OS version).
-- param: snapshot snapshot = @latest: the snapshot to look at
-- param: percent real = 50: how common a hotfix must be among the host's peers to be expected
-- param: host text = *: only report hosts matching this glob
WITH os AS MATERIALIZED (
    SELECT host, Version FROM Win32_OperatingSystem WHERE snapshot_id = :snapshot
),
fixes AS MATERIALIZED (
    SELECT DISTINCT q.host, os.Version, q.HotFixID
    FROM Win32_QuickFixEngineering q JOIN os ON os.host = q.host
    WHERE q.snapshot_id = :snapshot
),
peers AS (
    SELECT Version, COUNT(DISTINCT host) AS hosts FROM fixes GROUP BY Version
),
baseline AS (
    SELECT f.Version, f.HotFixID, COUNT(*) AS have, p.hosts
    FROM fixes f JOIN peers p ON p.Version = f.Version
    GROUP BY f.Version, f.HotFixID
    HAVING COUNT(*) * 100.0 >= :percent * p.hosts
)
SELECT h.host, h.Version AS OSVersion, b.HotFixID, b.have || ' of ' || b.hosts AS InstalledOnPeers
FROM (SELECT DISTINCT host, Version FROM fixes) h
JOIN baseline b ON b.Version = h.Version
WHERE h.host GLOB :host
  AND NOT EXISTS (SELECT 1 FROM fixes f WHERE f.host = h.host AND f.HotFixID = b.HotFixID)
ORDER BY h.host, b.HotFixID
