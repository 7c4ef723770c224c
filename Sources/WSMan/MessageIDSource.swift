import Foundation
import Synchronization

/// Where request `a:MessageID`s come from: fresh UUIDs by default, a predictable sequence in tests.
public struct MessageIDSource: Sendable {
    private let make: @Sendable () -> String

    /// A source calling `make` for every request; it must return `uuid:` + a unique value.
    public init(_ make: @escaping @Sendable () -> String) { self.make = make }

    /// The next MessageID.
    public func next() -> String { make() }

    /// `uuid:` + a random version-4 UUID, upper-case as Windows writes them. The bits come from
    /// `SystemRandomNumberGenerator` (getrandom): Foundation's `UUID()` opens, reads and closes
    /// /dev/urandom for every id, three system calls per request.
    public static let random = MessageIDSource {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = raw[6] & 0x0F | 0x40   // version 4
            raw[8] = raw[8] & 0x3F | 0x80   // RFC 4122 variant
            return "uuid:" + UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                                         raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15])).uuidString
        }
    }

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
