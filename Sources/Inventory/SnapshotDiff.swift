import CIMModel
import Foundation

/// What changed between two states of the fleet, host by host and class by class.
///
/// Instances match by their class's identity (schema identity or keys; a class without schema
/// matches on the key names the instance carried, else on its whole content). Volatile properties
/// are left out unless asked for. Hosts that appeared, disappeared or failed are reported apart from
/// those with changes and those without.
public struct SnapshotDiff: Sendable, Hashable {
    /// One side of the comparison: how it was named and the snapshot it resolved to.
    public struct Side: Sendable, Hashable {
        public var reference: SnapshotRef
        public var snapshot: SnapshotID
        public var startedAt: Date
    }

    public var from: Side
    public var to: Side
    public var includesVolatile: Bool
    /// Every host of either side that passed the filter, sorted by name.
    public var hosts: [HostDiff]

    /// Whether anything differs: an instance change, or a host that appeared, disappeared or failed.
    public var hasDifferences: Bool { hosts.contains { $0.status != .unchanged } }
}

/// How one host compares.
public struct HostDiff: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Only in the newer state.
        case appeared
        /// Only in the older state.
        case disappeared
        /// Some class failed (or was never reached) in the newer state; it was compared on its last
        /// good data where there is some (see `failures`).
        case failed
        case changed
        case unchanged
    }

    public var host: String
    public var status: Status
    /// The classes that failed in the newer state, and where their data was taken from instead.
    public var failures: [ClassFailure]
    /// Classes with added, removed or changed instances (empty for appeared and disappeared hosts).
    public var classes: [ClassDiff]
    /// Instances on the host on the side it exists on, for appeared and disappeared hosts.
    public var instanceCount: Int?
}

/// A class that failed in the newer state of a host.
public struct ClassFailure: Sendable, Hashable {
    public var namespace: String
    public var className: String
    /// `not-observed` when the sweep never reached the host (an interrupted sweep).
    public var errorKind: String?
    public var errorDetail: String?
    /// The snapshot whose data stands in for it; nil when there is no earlier successful observation.
    public var lastGoodSnapshot: SnapshotID?

    public init(namespace: String, className: String, errorKind: String?, errorDetail: String?,
                lastGoodSnapshot: SnapshotID?) {
        self.namespace = namespace
        self.className = className
        self.errorKind = errorKind
        self.errorDetail = errorDetail
        self.lastGoodSnapshot = lastGoodSnapshot
    }
}

/// The instance changes of one class on one host.
public struct ClassDiff: Sendable, Hashable {
    public var namespace: String
    public var className: String
    /// Where each side's data came from, when not from that side's snapshot (a failure stood in for).
    public var fromSnapshot: SnapshotID?
    public var toSnapshot: SnapshotID?
    public var added: [IdentifiedInstance]
    public var removed: [IdentifiedInstance]
    public var changed: [InstanceChange]
}

/// An added or removed instance with its identity properties (nil when its class has no identity).
public struct IdentifiedInstance: Sendable, Hashable {
    public var identity: [CimProperty]?
    public var instance: CimInstance
}

/// One instance present on both sides with different property values.
public struct InstanceChange: Sendable, Hashable {
    /// The identity properties with their values; nil when the class has no identity.
    public var identity: [CimProperty]?
    public var changes: [PropertyChange]
}

/// One property's old and new values; nil means the instance did not carry the property.
public struct PropertyChange: Sendable, Hashable {
    public var name: String
    public var old: CimValue?
    public var new: CimValue?

    public init(name: String, old: CimValue?, new: CimValue?) {
        self.name = name
        self.old = old
        self.new = new
    }
}

/// What to compare.
public struct DiffOptions: Sendable, Hashable {
    /// A shell glob (fnmatch) hosts must match; nil for all.
    public var hostPattern: String?
    /// Class names to compare (case-insensitive); empty for all.
    public var classNames: [String] = []
    /// Report changes of volatile properties (counters, free space, clocks) too.
    public var includeVolatile = false
    /// How many pooled readers compare hosts at once; nil: one per core, at most 4, and one per
    /// 50 hosts. The result is the same whatever the number.
    public var parallelism: Int?

    public init(hostPattern: String? = nil, classNames: [String] = [], includeVolatile: Bool = false, parallelism: Int? = nil) {
        self.hostPattern = hostPattern
        self.classNames = classNames
        self.includeVolatile = includeVolatile
        self.parallelism = parallelism
    }
}
