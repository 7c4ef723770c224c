-- name: disks-low-space
-- description: Local fixed disks (DriveType 3) with less than PERCENT % free space.
-- param: snapshot snapshot = @latest: the snapshot to look at
-- param: percent real = 10: the free-space threshold, in percent
-- param: host text = *: only hosts matching this glob
SELECT host, DeviceID, VolumeName, FileSystem, Size, FreeSpace,
       round(FreeSpace * 100.0 / Size, 1) AS PercentFree
FROM Win32_LogicalDisk
WHERE snapshot_id = :snapshot AND host GLOB :host AND DriveType = 3 AND Size > 0
  AND FreeSpace * 100.0 / Size < :percent
ORDER BY PercentFree, host, DeviceID
