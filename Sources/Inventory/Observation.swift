/// One host × class of one sweep: what was asked, whether it worked, how long it took and how much
/// came back. Failures are recorded too, so missing data is never mistaken for "nothing there".
public struct Observation: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case ok
        case failed
    }

    public var snapshotID: SnapshotID
    public var host: String
    /// CIM namespace with slashes (`root/cimv2`).
    public var namespace: String
    /// The class that was enumerated.
    public var className: String
    public var status: Status
    /// A short machine-readable kind for failures (`timeout`, `auth`, `wsman-fault`, …).
    public var errorKind: String?
    /// The error's description, for people.
    public var errorDetail: String?
    /// Wall time of the enumeration, in milliseconds.
    public var durationMilliseconds: Int64
    /// Instances recorded (set by `SnapshotStore.record` from the instances given).
    public var instanceCount: Int

    public init(snapshotID: SnapshotID, host: String, namespace: String, className: String, status: Status = .ok,
                errorKind: String? = nil, errorDetail: String? = nil, durationMilliseconds: Int64 = 0,
                instanceCount: Int = 0) {
        self.snapshotID = snapshotID
        self.host = host
        self.namespace = namespace
        self.className = className
        self.status = status
        self.errorKind = errorKind
        self.errorDetail = errorDetail
        self.durationMilliseconds = durationMilliseconds
        self.instanceCount = instanceCount
    }

    /// Whether this host × class failed.
    public var isFailed: Bool { status == .failed }
}
