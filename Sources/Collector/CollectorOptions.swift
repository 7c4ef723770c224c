import Transport

/// How hard a sweep pushes and how long it waits: fan-out, retries and deadlines.
public struct CollectorOptions: Sendable, Hashable {
    /// Hosts in flight at once (`--throttle`; PowerShell's ThrottleLimit is 32 too).
    public var throttle = 32
    /// Operations in flight on one host at once; each needs its own connection (a WinRM connection
    /// carries one operation at a time), so this also caps connections per host.
    public var operationsPerHost = 1
    /// Extra attempts for a transient failure of one host × class (connect, reset, 5xx, timeout, quota).
    public var retries = 2
    /// The first retry waits about this long; each next one twice as long, with ±50 % jitter.
    public var retryBaseDelay: Duration = .milliseconds(500)
    /// No retry waits longer than this.
    public var retryMaxDelay: Duration = .seconds(20)
    /// One host's whole visit; past it, its remaining classes are recorded as failed (`host-deadline`).
    public var hostDeadline: Duration = .seconds(600)
    /// The whole sweep (`--deadline`); past it, everything unfinished is recorded as failed (`deadline`).
    public var sweepDeadline: Duration?

    public init() {}

    /// Idle connections worth keeping for this sweep: those of the hosts in flight. A finished
    /// host's connection is never used again, and libcurl evicts the oldest idle ones beyond this,
    /// so a 10,000-host sweep keeps about `throttle` sockets open, not 10,000.
    public var transportConfiguration: Transport.Configuration {
        var configuration = Transport.Configuration()
        configuration.maxCachedConnections = throttle * operationsPerHost * 2 + 16
        return configuration
    }

    /// The wait before retry number `attempt` (0-based), jittered by `unitRandom` in 0..<1.
    public func retryDelay(attempt: Int, unitRandom: Double) -> Duration {
        let exponential = retryBaseDelay * (1 << min(attempt, 16))
        let capped = min(exponential, retryMaxDelay)
        return capped * (0.5 + unitRandom)
    }
}
