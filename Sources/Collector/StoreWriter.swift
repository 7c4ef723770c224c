import CIMModel
import Dispatch
import Inventory

/// Runs the store's blocking writes on Dispatch threads, so the Swift concurrency pool (two
/// threads on a two-core machine) keeps parsing while SQLite commits. Canonical encoding and
/// hashing of a result set run in parallel here; SQLite serializes the commits themselves.
struct StoreWriter: Sendable {
    let store: SnapshotStore
    private let queue = DispatchQueue(label: "cimsweep.store-writer", qos: .utility, attributes: .concurrent)

    init(store: SnapshotStore) { self.store = store }

    func record(_ observation: Observation, instances: [CimInstance]) async throws(StoreError) {
        try await run { (store) throws(StoreError) in try store.record(observation, instances: instances) }
    }

    func recordFailures(_ observations: [Observation]) async throws(StoreError) {
        try await run { (store) throws(StoreError) in try store.recordFailures(observations) }
    }

    private func run(_ body: @escaping @Sendable (SnapshotStore) throws(StoreError) -> Void) async throws(StoreError) {
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            queue.async { [store] in
                do throws(StoreError) {
                    try body(store)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }
}
