import CIMModel
import Foundation
import GRDB

extension SnapshotStore {
    /// Every snapshot, oldest first, with host and instance counts. A `running` snapshot whose sweep is
    /// gone (its sweep lock is free, or held by a newer sweep) is reported `interrupted`.
    /// - Throws: `StoreError` when the database cannot be read.
    public func snapshots() throws(StoreError) -> [SnapshotSummary] {
        let rows = try read("listing snapshots") { db in
            try Row.fetchAll(db, sql: """
                SELECT s.id, s.profile, s.status, s.started_at, s.finished_at, s.host_count, s.owner_pid,
                    (SELECT COUNT(*) FROM (SELECT host FROM observation WHERE snapshot_id = s.id
                        GROUP BY host HAVING MAX(status = 'failed') = 0)) AS hosts_ok,
                    (SELECT COUNT(DISTINCT host) FROM observation WHERE snapshot_id = s.id AND status = 'failed') AS hosts_failed,
                    (SELECT COUNT(*) FROM observation WHERE snapshot_id = s.id) AS observations,
                    (SELECT COUNT(*) FROM observation WHERE snapshot_id = s.id AND status = 'failed') AS failed,
                    (SELECT COALESCE(SUM(instance_count), 0) FROM observation WHERE snapshot_id = s.id) AS instances
                FROM snapshot s ORDER BY s.id
                """)
        }
        let liveness = Liveness(store: self, running: rows.filter { $0["status"] == "running" }.map { $0["id"] })
        return rows.map { row in
            let id = SnapshotID(rawValue: row["id"])
            return SnapshotSummary(
                id: id, profile: row["profile"],
                status: liveness.status(id, stored: row["status"], ownerPID: row["owner_pid"]),
                startedAt: StoreTime.date(row["started_at"]) ?? Date(timeIntervalSince1970: 0),
                finishedAt: (row["finished_at"] as String?).flatMap(StoreTime.date),
                hostCount: row["host_count"], hostsOK: row["hosts_ok"], hostsFailed: row["hosts_failed"],
                observationCount: row["observations"], failedObservationCount: row["failed"],
                instanceCount: row["instances"])
        }
    }

    /// The hosts a snapshot set out to visit, sorted.
    /// - Throws: `StoreError` when the database cannot be read.
    public func hosts(_ id: SnapshotID) throws(StoreError) -> [String] {
        try read("listing hosts of snapshot \(id)") { db in
            try String.fetchAll(db, sql: "SELECT host FROM snapshot_host WHERE snapshot_id = ? ORDER BY host",
                                arguments: [id.rawValue])
        }
    }

    /// The observations of a snapshot, failures included, ordered by host, namespace and class.
    /// - Throws: `StoreError` when the database cannot be read.
    public func observations(_ id: SnapshotID) throws(StoreError) -> [Observation] {
        try read("listing observations of snapshot \(id)") { db in
            try Row.fetchAll(db, sql: """
                SELECT host, namespace, class, status, error_kind, error_detail, duration_ms, instance_count
                FROM observation WHERE snapshot_id = ? ORDER BY host, namespace, class
                """, arguments: [id.rawValue]).map { row in
                Observation(snapshotID: id, host: row["host"], namespace: row["namespace"], className: row["class"],
                            status: Observation.Status(rawValue: row["status"]) ?? .failed,
                            errorKind: row["error_kind"], errorDetail: row["error_detail"],
                            durationMilliseconds: row["duration_ms"], instanceCount: row["instance_count"])
            }
        }
    }

    /// The instances one host returned for one class in a snapshot, in the order it sent them, typed by
    /// `schemas` (see `CimJSONReader` for classes without a schema).
    /// - Throws: `StoreError` `.corrupt` when stored JSON does not read back.
    public func instances(snapshot id: SnapshotID, host: String, namespace: String,
                          className: String) throws(StoreError) -> [CimInstance] {
        let rows = try read("reading instances") { db in
            var stored = StoredProperties()
            let statement = try db.cachedStatement(sql: """
                SELECT c.namespace, c.class, c.identity, c.id, c.layout_id, c.property_values FROM observation o
                JOIN content_member m ON m.set_id = o.set_id JOIN instance_content c ON c.id = m.content_id
                WHERE o.snapshot_id = ? AND o.host = ? AND o.namespace = ? AND o.class = ? ORDER BY m.ordinal
                """)
            let cursor = try Row.fetchCursor(statement, arguments: [id.rawValue, host, namespace, className])
            let column = SQLiteColumns(statement)
            var rows: [(namespace: String, className: String, identity: String?, properties: String)] = []
            while try cursor.next() != nil {
                let object = try column.withBytes(5) { values in
                    try stored.object(values, layoutID: column.int64(4), contentID: column.int64(3), db)
                }
                rows.append((column.text(0) ?? "", column.text(1) ?? "", column.text(2), String(decoding: object, as: UTF8.self)))
            }
            return rows
        }
        return try rows.map { row throws(StoreError) in
            try decodeInstance(namespace: row.namespace, className: row.className, identity: row.identity,
                               properties: row.properties, host: host)
        }
    }

    func decodeInstance(namespace: String, className: String, identity: String?, properties: String,
                        host: String?) throws(StoreError) -> CimInstance {
        let schema = schemas.schema(namespace: namespace, className: className)
        do {
            let values = try CimInstance.properties(json: Array(properties.utf8), schema: schema, schemas: schemas)
            var keyNames = schema?.keys ?? []
            if schema == nil, let identity, case .object(let members) = try Self.parseJSON(identity) {
                keyNames = members.map(\.0)
            }
            return CimInstance(className: className, namespace: namespace, host: host, properties: values, keyNames: keyNames)
        } catch {
            throw StoreError(.corrupt, path: path, "stored instance of \(className) does not read back: \(error)")
        }
    }

    static func parseJSON(_ text: String) throws(CimJSONError) -> CimJSONReader.Node {
        var reader = CimJSONReader(Array(text.utf8))
        return try reader.readDocument()
    }
}

/// Tells a live `running` snapshot from one whose sweep died, by the sweep lock: free means nobody
/// sweeps; held means only the newest running snapshot, owned by the holder's PID, is alive.
struct Liveness {
    let isLockHeld: Bool
    let holderPID: Int32?
    let newestRunning: Int64?

    init(store: SnapshotStore, running: [Int64]) {
        isLockHeld = running.isEmpty ? false : SweepLock.isHeld(databasePath: store.path)
        holderPID = isLockHeld ? SweepLock.holderPID(path: SweepLock.lockPath(forDatabase: store.path)) : nil
        newestRunning = running.max()
    }

    func status(_ id: SnapshotID, stored: String, ownerPID: Int64?) -> SnapshotStatus {
        let status = SnapshotStatus(rawValue: stored) ?? .interrupted
        guard status == .running else { return status }
        guard isLockHeld, id.rawValue == newestRunning else { return .interrupted }
        if let holderPID, let ownerPID, Int64(holderPID) != ownerPID { return .interrupted }
        return .running
    }
}
