import GRDB

extension SnapshotStore {
    /// Records many failed host × class observations in one transaction: what a stopped sweep writes
    /// for the hosts it never reached, so they show as failed with the reason, host by host.
    /// - Throws: `StoreError` `.notFound` when the snapshot is not running.
    public func recordFailures(_ observations: [Observation]) throws(StoreError) {
        guard let first = observations.first else { return }
        try write("recording \(observations.count) failed observations") { db in
            let status = try String.fetchOne(db, sql: "SELECT status FROM snapshot WHERE id = ?", arguments: [first.snapshotID.rawValue])
            guard status == SnapshotStatus.running.rawValue else {
                throw StoreError(.notFound, path: path, "snapshot \(first.snapshotID) is \(status ?? "missing"), not running")
            }
            let insert = try db.cachedStatement(sql: Self.insertObservation)
            for observation in observations {
                try insert.execute(arguments: [observation.snapshotID.rawValue, observation.host, observation.namespace,
                                               observation.className, Observation.Status.failed.rawValue, observation.errorKind,
                                               observation.errorDetail, observation.durationMilliseconds, 0, nil])
            }
        }
    }
}
