import CIMModel
import Dispatch
import Inventory
import Synchronization

/// Runs the store's blocking commits on a Dispatch thread, so the Swift concurrency pool (two threads
/// on a two-core machine) keeps working while SQLite writes.
///
/// Commits are grouped: while one transaction runs, results that become ready queue up and the next
/// transaction takes them all.
/// Each `record` returns only once its own result is committed, so a host × class is never reported
/// as stored before it is, and a killed sweep loses only results nobody was told were stored.
final class StoreWriter: Sendable {
    let store: SnapshotStore
    /// Shared by the sweep's result sets (see `SharedLayouts`).
    let layouts = SharedLayouts()
    private let committing = DispatchQueue(label: "cimsweep.store-commit", qos: .utility)
    private let queue = Mutex(Queue())

    private struct Queue {
        var waiting: [(PreparedObservation, CheckedContinuation<Result<Void, StoreError>, Never>)] = []
        var isCommitting = false
    }

    init(store: SnapshotStore) { self.store = store }

    /// Commits one host × class result; returns once it is in the database.
    func record(_ prepared: PreparedObservation) async throws(StoreError) {
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            let startsCommitting = queue.withLock { queue in
                queue.waiting.append((prepared, continuation))
                defer { queue.isCommitting = true }
                return !queue.isCommitting
            }
            if startsCommitting { committing.async { self.commitWaiting() } }
        }
        try result.get()
    }

    func recordFailures(_ observations: [Observation]) async throws(StoreError) {
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            committing.async { [store] in
                do throws(StoreError) {
                    try store.recordFailures(observations)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }

    /// Commits everything queued, batch by batch, until the queue is empty.
    private func commitWaiting() {
        while true {
            let batch = queue.withLock { queue in
                defer { queue.waiting.removeAll() }
                if queue.waiting.isEmpty { queue.isCommitting = false }
                return queue.waiting
            }
            guard !batch.isEmpty else { return }
            let result: Result<Void, StoreError>
            do throws(StoreError) {
                try store.commit(batch.map(\.0))
                result = .success(())
            } catch {
                result = .failure(error)
            }
            for (_, continuation) in batch { continuation.resume(returning: result) }
        }
    }
}
