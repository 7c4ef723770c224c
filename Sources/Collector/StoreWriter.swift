import Foundation
import Inventory

/// Writes a sweep's results on a thread of its own, many to a transaction.
///
/// Each result is inserted as soon as it arrives, so results never wait in memory for a commit;
/// the transaction commits `commitInterval` after it began (or at once when a caller waits on it),
/// so a sweep writes a few large transactions instead of one per result. That matters because
/// every commit rewrites, into the WAL, each page of the random-keyed content index it touched.
///
/// A result counts as stored only when its `onCommitted` reports success: a killed sweep loses
/// only results nobody was told were stored. Producers never wait for commits; they wait only
/// when inserting falls `maxQueuedBytes` behind them.
final class StoreWriter: Sendable {
    typealias Acknowledgement = @Sendable (Result<Void, StoreError>) -> Void

    let store: SnapshotStore
    /// Shared by the sweep's result sets (see `SharedLayouts`).
    let layouts = SharedLayouts()
    private let commitInterval: Duration
    private let maxQueuedBytes: Int
    private let queue: WorkQueue

    init(store: SnapshotStore, commitInterval: Duration = .milliseconds(500), maxQueuedBytes: Int = 4 << 20) {
        self.store = store
        self.commitInterval = commitInterval
        self.maxQueuedBytes = maxQueuedBytes
        queue = WorkQueue()
        let thread = Thread { [self] in run() }
        thread.name = "cimsweep.store-writer"
        thread.start()
    }

    /// Hands over one host × class result; `onCommitted` is called on the writer's thread once its
    /// transaction commits (or fails). Returns at once unless the writer is far behind.
    /// - Throws: `StoreError` when an earlier write failed: the sweep cannot be stored.
    func submit(_ prepared: PreparedObservation, onCommitted: @escaping Acknowledgement) async throws(StoreError) {
        let size = prepared.byteCount + 256
        while true {
            let admitted: Result<Bool, StoreError> = await withCheckedContinuation { continuation in
                queue.withLock { state in
                    if let refusal = refusal(state) { return continuation.resume(returning: .failure(refusal)) }
                    // One result always fits, however large, so nothing waits forever.
                    guard state.queuedBytes + size <= maxQueuedBytes || state.items.isEmpty else {
                        state.spaceWaiters.append { continuation.resume(returning: .success(false)) }
                        return
                    }
                    state.items.append(.result(prepared, onCommitted))
                    state.queuedBytes += size
                    queue.signal()
                    continuation.resume(returning: .success(true))
                }
            }
            if try admitted.get() { return }
        }
    }

    /// Records failed observations (hosts a stopped sweep never reached) and returns once they are committed.
    func recordFailures(_ observations: [Observation]) async throws(StoreError) {
        let empty = ResultSetEncoder(schemas: store.schemas)
        let failed = observations.map { observation in
            var failed = observation
            failed.status = .failed
            return empty.prepared(failed)
        }
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            queue.withLock { state in
                if let refusal = refusal(state) { return continuation.resume(returning: .failure(refusal)) }
                state.items.append(.failures(failed) { continuation.resume(returning: $0) })
                state.commitSoon = true
                queue.signal()
            }
        }
        try result.get()
    }

    /// Commits everything handed over and stops the writer; returns once every `onCommitted` ran.
    /// - Throws: `StoreError` when a write failed.
    func finish() async throws(StoreError) {
        let result: Result<Void, StoreError> = await withCheckedContinuation { continuation in
            queue.withLock { state in
                guard state.isRunning else {
                    return continuation.resume(returning: state.failure.map { .failure($0) } ?? .success(()))
                }
                state.finished = { continuation.resume(returning: $0) }
                queue.signal()
            }
        }
        try result.get()
    }

    /// Why nothing more can be handed over, if so: a failed write, or a finished writer.
    private func refusal(_ state: State) -> StoreError? {
        if let failure = state.failure { return failure }
        guard state.isRunning, state.finished == nil else {
            return StoreError(.invalidArgument, path: store.path, "a result was handed over after the sweep's writer finished")
        }
        return nil
    }

    // MARK: The writer's thread

    private enum Work {
        case result(PreparedObservation, Acknowledgement)
        case failures([PreparedObservation], Acknowledgement)

        var acknowledgement: Acknowledgement {
            switch self {
            case .result(_, let acknowledge), .failures(_, let acknowledge): acknowledge
            }
        }
    }

    private struct State {
        var items: [Work] = []
        var queuedBytes = 0
        var spaceWaiters: [() -> Void] = []
        /// A caller waits on the next commit: do it without waiting for the interval.
        var commitSoon = false
        /// Set by `finish`: commit, then stop.
        var finished: Acknowledgement?
        var failure: StoreError?
        var isRunning = true
    }

    /// The state, its lock, and the condition the writer sleeps on.
    private final class WorkQueue: @unchecked Sendable {   // `state` is only touched with `condition` locked
        private let condition = NSCondition()
        private var state = State()

        /// A short critical section; it must not wait (an `inout` access may be a private copy
        /// until it ends, so nothing another thread writes meanwhile would be seen).
        func withLock<T>(_ body: (inout State) -> T) -> T {
            condition.lock()
            defer { condition.unlock() }
            return body(&state)
        }

        /// Call with the lock held.
        func signal() { condition.signal() }

        /// Takes the work handed over, waiting until there is some, `finish` was called, a commit is
        /// wanted soon (and there is something to commit), or `commitBy` passes.
        func take(isInTransaction: Bool, commitBy: Date?) -> (work: [Work], commitSoon: Bool, finished: Acknowledgement?) {
            condition.lock()
            defer { condition.unlock() }
            while state.items.isEmpty, state.finished == nil, !(state.commitSoon && isInTransaction) {
                guard let commitBy else {
                    condition.wait()
                    continue
                }
                if Date() >= commitBy || !condition.wait(until: commitBy) { break }
            }
            let taken = (state.items, state.commitSoon, state.finished)
            state.items.removeAll()
            state.queuedBytes = 0
            for resume in state.spaceWaiters { resume() }
            state.spaceWaiters.removeAll()
            state.commitSoon = false
            return taken
        }
    }

    private func run() {
        var unacknowledged: [Acknowledgement] = []
        var stopped: Acknowledgement?
        let outcome: Result<Void, StoreError>
        do throws(StoreError) {
            try store.withWriteSession { (session: inout WriteSession) throws(StoreError) in
                var commitBy: Date?
                while true {
                    let (work, commitSoon, finished) = queue.take(isInTransaction: session.isInTransaction, commitBy: commitBy)
                    stopped = finished
                    for item in work {
                        // Acknowledged only after the commit, so a failed insert fails it with its batch.
                        unacknowledged.append(item.acknowledgement)
                        switch item {
                        case .result(let prepared, _): try session.add(prepared)
                        case .failures(let observations, _): for failed in observations { try session.add(failed) }
                        }
                    }
                    if session.isInTransaction, commitBy == nil { commitBy = Date() + commitInterval.timeInterval }
                    if let deadline = commitBy, commitSoon || finished != nil || Date() >= deadline {
                        try session.commit()
                        commitBy = nil
                        for acknowledge in unacknowledged { acknowledge(.success(())) }
                        unacknowledged.removeAll()
                    }
                    if finished != nil, !session.isInTransaction { return }
                }
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        // On failure every result not acknowledged fails, and so does anything handed over later
        // (`refusal`); a `finish` still to come returns the failure at once.
        let (rest, finished) = queue.withLock { state -> ([Work], Acknowledgement?) in
            if case .failure(let error) = outcome { state.failure = error }
            state.isRunning = false
            for resume in state.spaceWaiters { resume() }
            state.spaceWaiters.removeAll()
            defer { state.items.removeAll() }
            return (state.items, stopped ?? state.finished)
        }
        for acknowledge in unacknowledged + rest.map(\.acknowledgement) { acknowledge(outcome) }
        finished?(outcome)
    }
}

private extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
