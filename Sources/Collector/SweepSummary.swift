import Inventory

/// How a sweep went, for the summary line, the exit code and `--log-format json`.
public struct SweepSummary: Sendable {
    public var snapshot: SnapshotID
    public var status: SnapshotStatus
    /// Every planned host's outcome (hosts a stop kept from being visited count as failed).
    public var hosts: [HostOutcome]
    public var plannedHosts: Int
    public var duration: Duration
    /// Why the sweep stopped early, if it did.
    public var stopReason: SweepStop.Reason?

    public var hostsComplete: Int { hosts.count { $0.isComplete } }
    public var hostsFailed: Int { hosts.count { $0.isFailed } }
    public var hostsPartial: Int { hosts.count - hostsComplete - hostsFailed }
    public var instances: Int { hosts.reduce(0) { $0 + $1.instances } }
    public var failedObservations: Int { hosts.reduce(0) { $0 + $1.classesFailed } }

    /// Failed host × class counts by failure kind (`connect: 3, auth: 1`), most common first.
    public var failureKinds: [(kind: String, count: Int)] {
        var counts: [String: Int] = [:]
        for host in hosts where !host.isComplete {
            if let kind = host.firstFailure?.kind { counts[kind, default: 0] += 1 }
        }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
    }
}
