import Foundation

/// Everything that shapes a simulated fleet. Build it once (the CLI does, from flags and the
/// environment) and pass it to ``SimulatedFleet/run(_:logger:_:)``. Same value, same seed: same fleet.
public struct FleetConfiguration: Sendable {
    /// How many hosts to serve, each on its own loopback address.
    public var hostCount = 10
    /// The seed for data, drift and fault placement.
    public var seed: UInt64 = 1
    /// The first host's address; the others follow (127.0.1.1, 127.0.1.2, …). Must be in 127/8.
    public var firstAddress = "127.0.1.1"
    /// The port every host listens on; 0 picks an ephemeral port per host (see ``SimulatedHostInfo/port``).
    public var port = 5985
    /// Serve HTTPS with a throwaway CA when set.
    public var tls: TLSSetup?
    /// The account Basic auth accepts; nil refuses everything except unauthenticated Identify.
    public var credentials: SimulatorCredentials?
    /// A delay added to every response, fleet-wide.
    public var latency: LatencySpec?
    /// Per-host fault injection.
    public var faults = FaultPlan()
    /// How long an enumeration context may sit idle before a Pull on it faults (Windows: EnumerationTimeoutms).
    public var enumerationIdleTimeout: Duration = .seconds(60)
    /// Windows' MaxConcurrentOperationsPerUser: open enumerations plus in-flight requests per user and host.
    public var maxConcurrentOperationsPerUser = 1500
    /// The largest response the server will produce, whatever the client asks (MaxEnvelopeSizekb × 1024).
    public var serverMaxEnvelopeSize = 512_000
    /// The largest request body accepted; larger ones get HTTP 413 without being read into memory.
    public var maxRequestBodySize = 512_000
    /// A loopback port for the admin endpoint (`POST /tick`); nil for none, 0 for ephemeral.
    public var adminPort: Int?
    /// The clock that ages enumeration contexts; tests inject a manual one.
    public var clock: SimulatorClock = .system

    public init() {}
}

/// Where the throwaway CA and per-host certificates go.
public struct TLSSetup: Sendable {
    /// A directory the simulator creates (if needed) and writes `ca.pem` and `<host>.pem` into.
    public var directory: URL
    public init(directory: URL) { self.directory = directory }
}

/// The one account the simulated hosts accept with Basic auth. Never logged, never `Codable`.
public struct SimulatorCredentials: Sendable, CustomStringConvertible {
    public var username: String
    var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "SimulatorCredentials(user: \(username), secret: ‹redacted›)" }

    /// Reads `username` and `password` lines (or `username:password` on one line) from a file that
    /// only its owner may read.
    /// - Throws: ``SimulatorError`` when the file is missing, readable by others, or has no password.
    public static func load(file path: String) throws(SimulatorError) -> SimulatorCredentials {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw SimulatorError("cannot read credential file \(path): \(error.localizedDescription)")
        }
        let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard mode & 0o077 == 0 else {
            throw SimulatorError("credential file \(path) has mode \(String(mode, radix: 8)); run chmod 600 \(path)")
        }
        guard let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw SimulatorError("credential file \(path) is not UTF-8 text")
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        if lines.count >= 2 { return SimulatorCredentials(username: lines[0], password: lines[1]) }
        if let line = lines.first, let colon = line.firstIndex(of: ":") {
            return SimulatorCredentials(username: String(line[..<colon]), password: String(line[line.index(after: colon)...]))
        }
        throw SimulatorError("credential file \(path) must hold a username line and a password line")
    }
}

/// A fixed delay with optional uniform jitter, e.g. `100ms` or `100ms±20ms`.
public struct LatencySpec: Sendable, Hashable {
    public var base: Duration
    public var jitter: Duration

    public init(base: Duration, jitter: Duration = .zero) {
        self.base = base
        self.jitter = jitter
    }

    /// Parses `100ms`, `1.5s`, `250us`, optionally followed by `±20ms` or `+-20ms`.
    public init?(parsing text: String) {
        let parts = text.replacingOccurrences(of: "+-", with: "±").split(separator: "±", maxSplits: 1)
        guard let base = parts.first.flatMap({ Self.duration(String($0)) }) else { return nil }
        let jitter = parts.count == 2 ? Self.duration(String(parts[1])) : .zero
        guard let jitter else { return nil }
        self.init(base: base, jitter: jitter)
    }

    /// Parses one duration with a unit suffix: `us`, `ms`, `s` (e.g. `250ms`, `1.5s`); nil otherwise.
    public static func duration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces)
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where t.hasSuffix(suffix) {
            guard let number = Double(t.dropLast(suffix.count)), number >= 0, number < 86_400 else { return nil }
            return .microseconds(Int64((number * scale * 1e6).rounded()))
        }
        return nil
    }

    func delay(using generator: inout SeededGenerator) -> Duration {
        let jitterMicros = jitter.components.seconds * 1_000_000 + jitter.components.attoseconds / 1_000_000_000_000
        guard jitterMicros > 0 else { return base }
        return base + .microseconds(Int64.random(in: -jitterMicros...jitterMicros, using: &generator))
    }
}

/// An error of the simulator's own setup (bad flags, files, addresses); request problems are faults.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
