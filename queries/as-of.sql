-- name: as-of
-- description: What was true on a date: one property of every instance of a class on one host, as
--   of the newest successful observation in the snapshot AT or before it.
-- param: host text: the host
-- param: class text: the CIM class, e.g. Win32_OperatingSystem
-- param: property text: the property, e.g. BuildNumber
-- param: at snapshot = @latest: a snapshot or a time, e.g. 2026-11-24 (the end of that day, UTC)
WITH chosen AS (
    SELECT o.snapshot_id, o.set_id, o.namespace, o.class FROM observation o
    WHERE o.host = :host AND o.class = :class COLLATE NOCASE AND o.status = 'ok' AND o.snapshot_id <= :at
    ORDER BY o.snapshot_id DESC LIMIT 1
)
SELECT ch.snapshot_id, s.started_at, ch.class, c.identity,
       json_extract(c.property_values,
               '$[' || (l.positions ->> ('$."' || replace(:property, '"', '') || '"')) || ']') AS value
FROM chosen ch
JOIN snapshot s ON s.id = ch.snapshot_id
JOIN content_member m ON m.set_id = ch.set_id
JOIN instance_content c ON c.id = m.content_id
JOIN property_layout l ON l.id = c.layout_id
ORDER BY m.ordinal
