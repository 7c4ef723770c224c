import Foundation

/// The id of one sweep's snapshot (SQLite rowid, increasing with time).
public struct SnapshotID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// Where a sweep's snapshot stands.
public enum SnapshotStatus: String, Sendable, Hashable, CaseIterable {
    /// A sweep is writing it now (its process holds the sweep lock).
    case running
    /// Every host × class was observed successfully.
    case complete
    /// Some host × class failed, or the sweep was stopped (SIGTERM) and finished its in-flight writes.
    case partial
    /// Nothing was collected.
    case failed
    /// The sweep died (SIGKILL, crash, power loss) without finishing: what it recorded is kept.
    case interrupted
}

/// One sweep as `cimsweep snapshots` lists it.
public struct SnapshotSummary: Sendable, Hashable {
    public var id: SnapshotID
    public var profile: String
    /// The status, with `running` shown as `interrupted` when its sweep is no longer alive.
    public var status: SnapshotStatus
    public var startedAt: Date
    public var finishedAt: Date?
    /// Hosts the sweep set out to visit.
    public var hostCount: Int
    /// Hosts whose every observed class succeeded.
    public var hostsOK: Int
    /// Hosts with at least one failed class.
    public var hostsFailed: Int
    /// Host × class observations recorded, and how many of them failed.
    public var observationCount: Int
    public var failedObservationCount: Int
    /// Instances across all observations.
    public var instanceCount: Int
}

/// What `SnapshotStore.prune` removed.
public struct PruneResult: Sendable, Hashable {
    /// The snapshots deleted, oldest first.
    public var removed: [SnapshotID]
    /// Distinct instance contents no longer referenced by any snapshot, and deleted.
    public var contentsRemoved: Int
    /// The database file size before and after (after VACUUM, when asked), in bytes.
    public var bytesBefore: Int64
    public var bytesAfter: Int64
}
