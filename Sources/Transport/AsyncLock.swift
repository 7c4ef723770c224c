import Synchronization

/// A mutual-exclusion lock for async code: waiters suspend instead of blocking a thread.
///
/// ``SecureChannel`` holds it across the awaits of an authentication exchange and one sealed request, so
/// no other request on the connection can slip in between (the security context is connection-bound).
/// Waiting is not cancellable; a cancelled task gets the lock, then fails in the request it makes.
final class AsyncLock: Sendable {
    private struct State {
        var isLocked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `body` while holding the lock.
    nonisolated(nonsending)
    func withLock<Result>(_ body: () async throws -> Result) async throws -> Result {
        await lock()
        defer { unlock() }
        return try await body()
    }

    private func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                if state.isLocked {
                    state.waiters.append(continuation)
                    return false
                }
                state.isLocked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    /// Hands the lock to the first waiter, or frees it.
    private func unlock() {
        let next = state.withLock { state in
            if state.waiters.isEmpty {
                state.isLocked = false
                return nil as CheckedContinuation<Void, Never>?
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
