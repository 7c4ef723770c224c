import Synchronization

/// Fans simulator events out to every open ``SimulatedFleet/events()`` stream.
final class EventHub: Sendable {
    private let continuations = Mutex<[Int: AsyncStream<SimulatorEvent>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    func stream() -> AsyncStream<SimulatorEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SimulatorEvent.self, bufferingPolicy: .bufferingNewest(100_000))
        let id = nextID.add(1, ordering: .relaxed).newValue
        continuation.onTermination = { [weak self] _ in _ = self?.continuations.withLock { $0.removeValue(forKey: id) } }
        continuations.withLock { $0[id] = continuation }
        return stream
    }

    func publish(_ event: SimulatorEvent) {
        let targets = continuations.withLock { Array($0.values) }
        for continuation in targets { continuation.yield(event) }
    }

    func finish() {
        let targets = continuations.withLock { all in defer { all.removeAll() }; return Array(all.values) }
        for continuation in targets { continuation.finish() }
    }
}
