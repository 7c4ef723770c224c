import Synchronization

/// The time source that ages enumeration contexts. `.system` follows the monotonic clock; tests use
/// ``ManualClock`` so expiry happens when they say, without waiting.
public struct SimulatorClock: Sendable {
    let now: @Sendable () -> Duration

    /// The monotonic clock (ContinuousClock), measured from first use.
    public static let system: SimulatorClock = {
        let origin = ContinuousClock.now
        return SimulatorClock { ContinuousClock.now - origin }
    }()

    /// A clock that moves only when `clock.advance(by:)` is called.
    public static func manual(_ clock: ManualClock) -> SimulatorClock { SimulatorClock { clock.now } }
}

/// A clock for tests: starts at zero and moves by ``advance(by:)``.
public final class ManualClock: Sendable {
    private let elapsed = Mutex<Duration>(.zero)
    public init() {}
    /// Time elapsed since creation, as advanced so far.
    public var now: Duration { elapsed.withLock { $0 } }
    /// Moves the clock forward.
    public func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }
}
