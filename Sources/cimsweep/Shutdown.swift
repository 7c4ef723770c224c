import Collector
import Synchronization

/// Turns SIGTERM/SIGINT into graceful stops: the running sweep (if any) stops and records what it
/// did not finish; `collect --every` starts no further sweep.
final class Shutdown: Sendable {
    private struct State {
        var signal: String?
        var current: SweepStop?
    }

    private let state = Mutex(State())
    /// Requested once a signal arrives: what the pause between sweeps waits on.
    private let requested = SweepStop()

    var isRequested: Bool { state.withLock { $0.signal != nil } }

    /// Reads `signals` until the returned task is cancelled; the only reader of that stream.
    func consume(_ signals: TerminationSignals, onSignal: @escaping @Sendable (String) -> Void) -> Task<Void, Never> {
        let stream = signals.stream
        return Task {
            for await name in stream {
                let current = state.withLock { state -> SweepStop? in
                    if state.signal == nil { state.signal = name }
                    return state.current
                }
                onSignal(name)
                current?.request(.signal(name))
                requested.request(.signal(name))
            }
        }
    }

    /// A stop for the next sweep, already requested when a signal came first.
    func stopForNextSweep() -> SweepStop {
        let stop = SweepStop()
        let signal = state.withLock { state -> String? in
            state.current = stop
            return state.signal
        }
        if let signal { stop.request(.signal(signal)) }
        return stop
    }

    /// Sleeps until `instant` unless a signal arrives first. Returns whether to sweep again.
    func pause(until instant: ContinuousClock.Instant) async -> Bool {
        guard !isRequested else { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do { try await Task.sleep(until: instant, clock: .continuous) } catch { return false }
                return true
            }
            group.addTask { [requested] in
                await requested.wait()
                return false
            }
            let again = await group.next() ?? false
            group.cancelAll()
            return again && !isRequested
        }
    }
}
