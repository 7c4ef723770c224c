-- name: property-history
-- description: The history of one property on one host: its value in every snapshot that observed
--   the class there, per instance, with a mark where it changed. MATCH narrows to the instances
--   whose identity has that value (e.g. a service name).
-- param: host text: the host
-- param: class text: the CIM class, e.g. Win32_Service
-- param: property text: the property, e.g. StartMode
-- param: match text = null: only instances with this identity value, e.g. Spooler
WITH history AS (
    SELECT o.snapshot_id, s.started_at, c.identity,
           json_extract(c.property_values,
               '$[' || (l.positions ->> ('$."' || replace(:property, '"', '') || '"')) || ']') AS value
    FROM observation o
    JOIN snapshot s ON s.id = o.snapshot_id
    JOIN content_member m ON m.set_id = o.set_id
    JOIN instance_content c ON c.id = m.content_id
    JOIN property_layout l ON l.id = c.layout_id
    WHERE o.host = :host AND o.class = :class COLLATE NOCASE AND o.status = 'ok'
      AND (:match IS NULL OR EXISTS (SELECT 1 FROM json_each(c.identity) WHERE json_each.value = :match))
)
SELECT snapshot_id, started_at, identity, value,
       CASE WHEN LAG(snapshot_id) OVER w IS NULL THEN 'first seen'
            WHEN value IS NOT LAG(value) OVER w THEN 'changed' ELSE '' END AS Change
FROM history
WINDOW w AS (PARTITION BY identity ORDER BY snapshot_id)
ORDER BY identity, snapshot_id
