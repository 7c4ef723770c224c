import CIM
import Foundation
import Inventory
import Logging
import Transport

/// Sweeps a fleet into one snapshot: every host visited through the shared transport (one libcurl
/// event loop, no thread per host), at most `throttle` at a time, each class of the profile
/// committed within half a second of completing (`StoreWriter`), so a killed sweep keeps every
/// host it reported done.
///
/// ```swift
/// let lock = try SweepLock(databasePath: path, mode: .failIfHeld)
/// let collector = Collector(transport: transport, store: store, options: CollectorOptions(), logger: logger)
/// let summary = try await collector.sweep(SweepPlan(hosts: hosts, profile: profile, credentials: [credential]), lock: lock)
/// ```
public struct Collector: Sendable {
    public let transport: Transport
    public let store: SnapshotStore
    public let options: CollectorOptions
    public let logger: Logger

    public init(transport: Transport, store: SnapshotStore, options: CollectorOptions, logger: Logger) {
        self.transport = transport
        self.store = store
        self.options = options
        self.logger = logger
    }

    /// Runs one sweep and finishes its snapshot: `complete` when every host × class worked, `failed`
    /// when nothing did, `partial` otherwise (including a stop or a deadline).
    /// - Throws: `StoreError` when the database cannot be written; the snapshot then stays `running`
    ///   and later commands show it as interrupted.
    public func sweep(_ plan: SweepPlan, lock: SweepLock, stop: SweepStop = SweepStop(),
                      events: @escaping @Sendable (SweepEvent) -> Void = { _ in }) async throws(StoreError) -> SweepSummary {
        let startedAt = Date()
        let started = ContinuousClock.now
        let snapshot = try store.beginSnapshot(profile: plan.profile.name, hosts: plan.hosts.map(\.name), startedAt: startedAt, lock: lock)
        logger.info("sweep started", metadata: ["snapshot": "\(snapshot)", "hosts": "\(plan.hosts.count)", "profile": "\(plan.profile.name)"])
        let writer = StoreWriter(store: store)
        let outcomes = LockedBox<[HostOutcome]>([])
        let storeFailure = LockedBox<StoreError?>(nil)

        await withTaskGroup(of: Bool.self) { race in
            race.addTask {
                await visitAll(plan, snapshot: snapshot, writer: writer, stop: stop, events: events,
                               outcomes: outcomes, storeFailure: storeFailure)
                return true
            }
            race.addTask {
                await waitForStop(stop)
                return false
            }
            _ = await race.next()
            race.cancelAll()
        }
        if stop.reason == nil, Task.isCancelled { stop.request(.cancelled) }
        // Commits what is left; every host's outcome is in `outcomes` once it returns.
        do throws(StoreError) { try await writer.finish() } catch { storeFailure.withLock { if $0 == nil { $0 = error } } }
        if let error = storeFailure.withLock({ $0 }) { throw error }

        let visited = outcomes.withLock { $0 }
        // A stopped sweep is partial even when it got nothing: "failed" means the hosts gave nothing.
        let status: SnapshotStatus =
            stop.reason != nil ? .partial
            : visited.allSatisfy(\.isComplete) ? .complete
            : visited.allSatisfy({ $0.classesOK == 0 }) ? .failed : .partial
        try store.finishSnapshot(snapshot, status: status, finishedAt: Date())
        let summary = SweepSummary(snapshot: snapshot, status: status, hosts: visited, plannedHosts: plan.hosts.count,
                                   duration: ContinuousClock.now - started, stopReason: stop.reason)
        logger.info("sweep finished", metadata: ["snapshot": "\(snapshot)", "status": "\(status.rawValue)",
                                                 "hosts_ok": "\(summary.hostsComplete)", "hosts_failed": "\(summary.hostsFailed)",
                                                 "instances": "\(summary.instances)"])
        return summary
    }

    /// Returns when a stop is requested or the sweep's deadline passes (recording the reason).
    private func waitForStop(_ stop: SweepStop) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await stop.wait() }
            if let deadline = options.sweepDeadline {
                group.addTask {
                    try? await Task.sleep(for: deadline)
                    if !Task.isCancelled { stop.request(.deadline(deadline)) }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Visits every host, `throttle` at a time. Once cancelled, hosts not yet started are recorded
    /// as failed in one transaction instead of being visited.
    private func visitAll(_ plan: SweepPlan, snapshot: SnapshotID, writer: StoreWriter, stop: SweepStop,
                          events: @escaping @Sendable (SweepEvent) -> Void, outcomes: LockedBox<[HostOutcome]>,
                          storeFailure: LockedBox<StoreError?>) async {
        var pending = plan.hosts[...]
        let finished: @Sendable (Result<HostOutcome, StoreError>) -> Void = { result in
            switch result {
            case .success(let outcome): outcomes.withLock { $0.append(outcome) }
            case .failure(let error): storeFailure.withLock { if $0 == nil { $0 = error } }
            }
        }
        // A throttle slot is free again once a host's results are handed to the writer: waiting
        // for their commit needs no connection.
        await withTaskGroup(of: Bool.self) { group in
            func startNext() -> Bool {
                guard !Task.isCancelled, let host = pending.popFirst() else { return false }
                let visit = plan.visit(host, snapshot: snapshot, settings: options, transport: transport,
                                       writer: writer, stop: stop, logger: logger, events: events, finished: finished)
                group.addTask {
                    do throws(StoreError) { try await visit.run() } catch {
                        storeFailure.withLock { if $0 == nil { $0 = error } }
                        return false
                    }
                    return true
                }
                return true
            }
            for _ in 0..<max(1, options.throttle) where !startNext() { break }
            while let handedOver = await group.next() {
                if !handedOver { group.cancelAll() }
                _ = startNext()
            }
        }
        let reason = stop.reason ?? .cancelled
        let unvisited = pending.flatMap { host in
            plan.profile.classes.map { spec in
                Observation(snapshotID: snapshot, host: host.name, namespace: spec.namespace, className: spec.className,
                            status: .failed, errorKind: CollectionFailure.stopped(reason).kind,
                            errorDetail: CollectionFailure.stopped(reason).detail)
            }
        }
        guard !unvisited.isEmpty, storeFailure.withLock({ $0 == nil }) else { return }
        do throws(StoreError) { try await writer.recordFailures(unvisited) } catch { storeFailure.withLock { $0 = error } }
        let classCount = plan.profile.classes.count
        for host in pending {
            let failure = CollectionFailure.stopped(reason)
            let outcome = HostOutcome(host: host.name, classesOK: 0, classesFailed: classCount, instances: 0,
                                      duration: .zero, firstFailure: failure)
            outcomes.withLock { $0.append(outcome) }
            events(.hostFinished(outcome))
        }
    }
}
