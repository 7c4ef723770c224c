import Synchronization

/// Stops a running sweep from outside (a signal handler) or at its deadline. In-flight writes
/// finish; every host × class not yet recorded is recorded as failed with the reason.
public final class SweepStop: Sendable {
    public enum Reason: Sendable, Hashable {
        case signal(String)
        case deadline(Duration)
        case cancelled
    }

    private struct State {
        var reason: Reason?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Why the sweep was stopped, once it was.
    public var reason: Reason? { state.withLock { $0.reason } }

    /// Asks the sweep to stop; the first reason given wins.
    public func request(_ reason: Reason) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.reason == nil { state.reason = reason }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when a stop is requested, or when the calling task is cancelled.
    public func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let stopped = state.withLock { state -> Bool in
                    if state.reason != nil || Task.isCancelled { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if stopped { continuation.resume() }
            }
        } onCancel: {
            let waiters = state.withLock { state in
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            waiters.forEach { $0.resume() }
        }
    }
}
