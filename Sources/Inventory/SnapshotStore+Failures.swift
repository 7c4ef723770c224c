extension SnapshotStore {
    /// Records many failed host × class observations in one transaction: what a stopped sweep writes
    /// for the hosts it never reached, so they show as failed with the reason, host by host.
    /// - Throws: `StoreError` `.notFound` when the snapshot is not running.
    public func recordFailures(_ observations: [Observation]) throws(StoreError) {
        let empty = ResultSetEncoder(schemas: schemas)
        try commit(observations.map { observation in
            var failed = observation
            failed.status = .failed
            return empty.prepared(failed)
        })
    }
}
