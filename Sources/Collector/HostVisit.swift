import CIM
import CIMModel
import Foundation
import Inventory
import Logging
import Synchronization
import Transport

/// One host's part of a sweep: a session (one per credential tried, and per parallel operation),
/// each class of the profile enumerated with retries, and exactly one observation per class.
///
/// `run` returns once every class is handed to the writer, so the next host can start while the
/// results wait for their commit; `finished` reports the host once all of them are committed.
struct HostVisit: Sendable {
    let host: HostTarget
    let snapshot: SnapshotID
    let classes: [ClassSpec]
    let options: CimSessionOptions
    /// Credentials to try in order, the next one when one fails to authenticate (see `refusesCredential`).
    let credentials: [CimCredentials]
    let settings: CollectorOptions
    let transport: Transport
    let writer: StoreWriter
    let stop: SweepStop
    let logger: Logger
    let events: @Sendable (SweepEvent) -> Void
    /// Called once, when every class is committed (or the store failed).
    let finished: @Sendable (Result<HostOutcome, StoreError>) -> Void

    /// What the visit's classes share: the next class to take, the credential that worked, and a
    /// failure that makes the rest of the host pointless.
    private final class Shared: Sendable {
        struct State {
            var nextClass = 0
            var credentialIndex = 0
            var hostFailure: CollectionFailure?
            var outcome: HostOutcome
            /// Classes handed to the writer and not yet committed.
            var uncommitted = 0
            /// Every class is handed over.
            var isHandedOver = false
            var storeFailure: StoreError?
            var isReported = false

            /// The host's result, the first time it is complete.
            mutating func completion() -> Result<HostOutcome, StoreError>? {
                guard isHandedOver, uncommitted == 0, !isReported else { return nil }
                isReported = true
                return storeFailure.map { .failure($0) } ?? .success(outcome)
            }
        }
        let state: Mutex<State>
        init(host: String) { state = Mutex(State(outcome: HostOutcome(host: host, classesOK: 0, classesFailed: 0, instances: 0, duration: .zero))) }
    }

    /// Visits the host; returns when every class is handed to the writer.
    /// - Throws: `StoreError` only, when the writer has failed: collection failures are recorded, never thrown.
    func run() async throws(StoreError) {
        let started = ContinuousClock.now
        events(.hostStarted(host: host.name))
        let shared = Shared(host: host.name)
        let hostDeadlinePassed = LockedBox(false)
        let result: Result<Void, StoreError> = await withTaskGroup(of: Result<Void, StoreError>?.self) { group in
            group.addTask {
                try? await Task.sleep(for: settings.hostDeadline)
                if !Task.isCancelled { hostDeadlinePassed.withLock { $0 = true } }
                return nil
            }
            group.addTask {
                await withTaskGroup(of: Result<Void, StoreError>.self) { workers in
                    for _ in 0..<max(1, min(settings.operationsPerHost, classes.count)) {
                        workers.addTask {
                            do throws(StoreError) { try await work(shared, hostDeadlinePassed: hostDeadlinePassed) } catch {
                                return .failure(error)
                            }
                            return .success(())
                        }
                    }
                    var first: Result<Void, StoreError> = .success(())
                    for await result in workers { if case .failure = result, case .success = first { first = result } }
                    return first
                }
            }
            var outcome: Result<Void, StoreError> = .success(())
            while let finished = await group.next() {
                if let finished {   // the work ended: stop the deadline timer
                    outcome = finished
                    group.cancelAll()
                } else if hostDeadlinePassed.value {
                    group.cancelAll()   // the deadline passed: the workers record what is left
                }
            }
            return outcome
        }
        try result.get()
        let elapsed = ContinuousClock.now - started
        report(shared.state.withLock { state in
            state.outcome.duration = elapsed
            state.isHandedOver = true
            return state.completion()
        })
    }

    private func report(_ completion: Result<HostOutcome, StoreError>?) {
        guard let completion else { return }
        if case .success(let outcome) = completion {
            logger.debug("host recorded", metadata: ["classes_ok": "\(outcome.classesOK)", "classes_failed": "\(outcome.classesFailed)",
                                                     "instances": "\(outcome.instances)"])
            events(.hostFinished(outcome))
        }
        finished(completion)
    }

    /// One worker: takes classes until none are left, recording each.
    private func work(_ shared: Shared, hostDeadlinePassed: LockedBox<Bool>) async throws(StoreError) {
        var sessions: [Int: CimSession] = [:]
        while let index = shared.state.withLock({ state -> Int? in
            guard state.nextClass < classes.count else { return nil }
            defer { state.nextClass += 1 }
            return state.nextClass
        }) {
            let spec = classes[index]
            let started = ContinuousClock.now
            var result: ResultSetEncoder?
            var failure: CollectionFailure?
            if let hostFailure = shared.state.withLock({ $0.hostFailure }) {
                failure = CollectionFailure(kind: hostFailure.kind, detail: "not tried: \(hostFailure.detail)")
            } else if Task.isCancelled {
                failure = cancellation(hostDeadlinePassed: hostDeadlinePassed.value)
            } else {
                do { result = try await collect(spec, shared: shared, sessions: &sessions) } catch {
                    failure = Task.isCancelled ? cancellation(hostDeadlinePassed: hostDeadlinePassed.value) : error
                    if let failure, failure.affectsWholeHost, !Task.isCancelled {
                        shared.state.withLock { if $0.hostFailure == nil { $0.hostFailure = failure } }
                    }
                }
            }
            let elapsed = ContinuousClock.now - started
            let observation = Observation(snapshotID: snapshot, host: host.name, namespace: spec.namespace, className: spec.className,
                                          status: failure == nil ? .ok : .failed, errorKind: failure?.kind,
                                          errorDetail: failure?.detail, durationMilliseconds: Int64(elapsed / .milliseconds(1)))
            // Instances from a failed enumeration are partial: store none rather than half a truth.
            let encoded = (failure == nil ? result : nil) ?? ResultSetEncoder(schemas: writer.store.schemas)
            let stored = encoded.count
            shared.state.withLock { $0.uncommitted += 1 }
            let className = spec.className, classFailure = failure
            do {
                try await writer.submit(encoded.prepared(observation)) { result in
                    committed(result, className, instances: stored, failure: classFailure, shared)
                }
            } catch {
                shared.state.withLock { $0.uncommitted -= 1 }
                throw error
            }
        }
    }

    /// Counts a class once its observation is committed (or its commit failed).
    private func committed(_ result: Result<Void, StoreError>, _ className: String, instances: Int,
                           failure: CollectionFailure?, _ shared: Shared) {
        let completion = shared.state.withLock { state in
            switch result {
            case .success:
                if failure == nil { state.outcome.classesOK += 1 } else { state.outcome.classesFailed += 1 }
                state.outcome.instances += instances
                if state.outcome.firstFailure == nil { state.outcome.firstFailure = failure }
            case .failure(let error):
                if state.storeFailure == nil { state.storeFailure = error }
            }
            state.uncommitted -= 1
            return state.completion()
        }
        if case .success = result {
            events(.classRecorded(host: host.name, className: className, instances: instances, failure: failure))
        }
        report(completion)
    }

    /// Why a cancelled class was not collected: this host's deadline, or the sweep's stop.
    private func cancellation(hostDeadlinePassed: Bool) -> CollectionFailure {
        hostDeadlinePassed ? .hostDeadline(settings.hostDeadline) : .stopped(stop.reason ?? .cancelled)
    }

    /// Enumerates one class, retrying transient failures and moving to the next credential when one is refused.
    /// Each instance is encoded for the store as it is parsed; a retry starts from nothing.
    private func collect(_ spec: ClassSpec, shared: Shared, sessions: inout [Int: CimSession]) async throws(CollectionFailure) -> ResultSetEncoder {
        var attempt = 0
        while true {
            let credentialIndex = shared.state.withLock { $0.credentialIndex }
            let session = try session(for: credentialIndex, cache: &sessions)
            do {
                let result = Mutex(ResultSetEncoder(schemas: writer.store.schemas, shared: writer.layouts))
                var query = spec.query
                query.itemForm = .json   // stored, never read: no CimInstance for plain items
                try await session.enumerateAll(query) { item in
                    if let json = item.json {
                        result.withLock { $0.add(json) }
                    } else if let instance = item.instance {
                        result.withLock { $0.add(instance) }
                    }
                }
                return result.withLock { $0 }
            } catch {
                let failure = CollectionFailure(error)
                if error.refusesCredential, credentialIndex + 1 < credentials.count {
                    logger.info("credential refused; trying the next one", metadata: ["credential": "\(credentialIndex + 1)"])
                    shared.state.withLock { if $0.credentialIndex == credentialIndex { $0.credentialIndex += 1 } }
                    continue
                }
                guard failure.isTransient, attempt < settings.retries, !Task.isCancelled else { throw failure }
                let delay = settings.retryDelay(attempt: attempt, unitRandom: Double.random(in: 0..<1))
                attempt += 1
                events(.retrying(host: host.name, className: spec.className, attempt: attempt, delay: delay, failure: failure))
                logger.debug("retrying", metadata: ["class": "\(spec.className)", "attempt": "\(attempt)", "kind": "\(failure.kind)"])
                do { try await Task.sleep(for: delay) } catch { throw failure }
            }
        }
    }

    private func session(for credentialIndex: Int, cache: inout [Int: CimSession]) throws(CollectionFailure) -> CimSession {
        if let session = cache[credentialIndex] { return session }
        do {
            let session = try CimSession(host: host.name, options: options, credentials: credentials[credentialIndex],
                                         transport: transport, logger: logger)
            cache[credentialIndex] = session
            return session
        } catch {
            var failure = CollectionFailure(error)
            failure.affectsWholeHost = true
            failure.isTransient = false
            throw failure
        }
    }
}

private extension CimSessionError {
    /// A 401, or a failure to authenticate before any answer (no ticket, an expired one, a password the KDC
    /// or the server refused, an unmapped certificate): another credential set may do.
    var refusesCredential: Bool {
        switch reason {
        case .unauthorized: true
        case .transport(let error): error.phase == .authenticate
        default: false
        }
    }
}
