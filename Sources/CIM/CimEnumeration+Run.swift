import CIMModel
import DequeModule
import Synchronization
import WSMan

/// The instances of one enumeration, as an async sequence: iterate it once.
public struct CimEnumeration: AsyncSequence, Sendable {
    public typealias Element = EnumerationItem
    let session: CimSession
    let query: CimQuery

    public func makeAsyncIterator() -> Iterator { Iterator(run: EnumerationRun(session: session, query: query)) }

    /// Only the instances (EPR-only items are skipped).
    public var instances: some AsyncSequence<CimInstance, any Error> {
        compactMap { $0.instance }
    }

    public final class Iterator: AsyncIteratorProtocol {
        let run: EnumerationRun
        init(run: EnumerationRun) { self.run = run }
        deinit { run.consumerStopped() }

        public func next() async throws -> EnumerationItem? {
            try await withTaskCancellationHandler {
                try await run.next()
            } onCancel: { [run] in
                run.consumerStopped()
            }
        }
    }
}

/// One running enumeration: the producer (Enumerate/Pull requests) and the consumer meet here.
///
/// The producer runs in its own task, hands items over as the parser yields them, and waits for
/// the consumer to drain the buffer before sending the next Pull. When the consumer stops (its
/// iterator goes away or its task is cancelled) the producer sends Release for an open context.
final class EnumerationRun: Sendable {
    private struct State {
        var buffer = Deque<EnumerationItem>()
        var waitingConsumer: CheckedContinuation<EnumerationItem?, any Error>?
        var waitingProducer: CheckedContinuation<Bool, Never>?
        var started = false
        var consumerGone = false
        var outcome: Result<Void, CimSessionError>?
    }

    private let session: CimSession
    private let query: CimQuery
    private let state = Mutex(State())

    init(session: CimSession, query: CimQuery) {
        self.session = session
        self.query = query
    }

    func next() async throws -> EnumerationItem? {
        try Task.checkCancellation()
        return try await withCheckedThrowingContinuation { continuation in
            let action: () -> Void = state.withLock { state in
                if let item = state.buffer.popFirst() {
                    return { continuation.resume(returning: item) }
                }
                if let outcome = state.outcome {
                    return { continuation.resume(with: outcome.map { nil }.mapError { $0 as any Error }) }
                }
                if state.consumerGone {
                    return { continuation.resume(throwing: CancellationError()) }
                }
                state.waitingConsumer = continuation
                let producer = state.waitingProducer
                state.waitingProducer = nil
                let startNow = !state.started
                state.started = true
                return { [self] in
                    producer?.resume(returning: true)
                    if startNow { Task { await self.produce() } }
                }
            }
            action()
        }
    }

    /// The consumer will take no more items.
    func consumerStopped() {
        let (consumer, producer) = state.withLock { state in
            state.consumerGone = true
            defer { state.waitingConsumer = nil; state.waitingProducer = nil }
            return (state.waitingConsumer, state.waitingProducer)
        }
        consumer?.resume(throwing: CancellationError())
        producer?.resume(returning: false)
    }

    private func deliver(_ item: EnumerationItem) {
        let consumer: CheckedContinuation<EnumerationItem?, any Error>? = state.withLock { state in
            guard !state.consumerGone else { return nil }
            if let waiting = state.waitingConsumer {
                state.waitingConsumer = nil
                return waiting
            }
            state.buffer.append(item)
            return nil
        }
        consumer?.resume(returning: item)
    }

    private func finish(_ outcome: Result<Void, CimSessionError>) {
        let consumer = state.withLock { state in
            state.outcome = outcome
            defer { state.waitingConsumer = nil }
            return state.buffer.isEmpty ? state.waitingConsumer : nil
        }
        consumer?.resume(with: outcome.map { nil }.mapError { $0 as any Error })
    }

    /// Waits until the consumer has taken every buffered item; false when it has gone away.
    private func awaitDemand() async -> Bool {
        await withCheckedContinuation { continuation in
            let answer: Bool? = state.withLock { state in
                if state.consumerGone { return false }
                if state.buffer.isEmpty, state.waitingConsumer != nil { return true }
                state.waitingProducer = continuation
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    private var isConsumerGone: Bool { state.withLock { $0.consumerGone } }

    private func produce() async {
        finish(await session.drive(query, demand: { await awaitDemand() }, isConsumerGone: { isConsumerGone },
                                   onItem: { [self] item in deliver(item) }))
    }
}
