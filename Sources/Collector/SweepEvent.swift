/// What a sweep reports as it goes, for progress bars and logs. Delivered from many tasks at once.
public enum SweepEvent: Sendable {
    /// A host's visit began.
    case hostStarted(host: String)
    /// One host × class was recorded.
    case classRecorded(host: String, className: String, instances: Int, failure: CollectionFailure?)
    /// A transient failure will be retried after `delay`.
    case retrying(host: String, className: String, attempt: Int, delay: Duration, failure: CollectionFailure)
    /// A host's visit ended; every one of its classes has an observation.
    case hostFinished(HostOutcome)
}

/// One host's visit, as the summary counts it.
public struct HostOutcome: Sendable, Hashable {
    public var host: String
    public var classesOK: Int
    public var classesFailed: Int
    public var instances: Int
    public var duration: Duration
    /// The first failure, for the one-line report of a failed host.
    public var firstFailure: CollectionFailure?

    /// Every class was collected.
    public var isComplete: Bool { classesFailed == 0 }
    /// Nothing was collected.
    public var isFailed: Bool { classesOK == 0 && classesFailed > 0 }
}
