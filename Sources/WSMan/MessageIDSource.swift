import Foundation
import Synchronization

/// Where request `a:MessageID`s come from: fresh UUIDs by default, a predictable sequence in tests.
public struct MessageIDSource: Sendable {
    private let make: @Sendable () -> String

    /// A source calling `make` for every request; it must return `uuid:` + a unique value.
    public init(_ make: @escaping @Sendable () -> String) { self.make = make }

    /// The next MessageID.
    public func next() -> String { make() }

    /// `uuid:` + a random UUID, upper-case as Windows writes them.
    public static let random = MessageIDSource { "uuid:" + UUID().uuidString }

    /// `uuid:00000000-0000-0000-0000-000000000001`, `…02`, …: deterministic, for tests and replays.
    public static func sequential(startingAt first: Int = 1) -> MessageIDSource {
        let counter = Counter(first)
        return MessageIDSource { String(format: "uuid:00000000-0000-0000-0000-%012lX", counter.take()) }
    }

    private final class Counter: Sendable {
        private let value: Mutex<Int>
        init(_ first: Int) { value = Mutex(first) }
        func take() -> Int { value.withLock { v in defer { v += 1 }; return v } }
    }
}
