import CIM
import Collector
import Foundation
import Inventory
import Logging
import Simulator
import Synchronization
import Transport

/// A simulated fleet on loopback, a real SQLite file in a fresh directory, and a collector.
struct SweepFixture {
    static let user = "inventory"
    static let password = "S3cret-collector-test"

    let fleet: SimulatedFleet
    let transport: Transport
    let store: SnapshotStore
    let directory: URL
    var databasePath: String { directory.appendingPathComponent("inventory.db").path }

    static func configuration(hosts: Int, faults: [Int: FaultPlan.Kind] = [:], latency: Duration? = nil) -> FleetConfiguration {
        var configuration = FleetConfiguration()
        configuration.hostCount = hosts
        configuration.seed = 7
        configuration.port = 0
        configuration.credentials = SimulatorCredentials(username: user, password: password)
        configuration.faults = FaultPlan(assigned: faults)
        configuration.latency = latency.map { LatencySpec(base: $0) }
        return configuration
    }

    /// Runs `body` with everything started, and tears it down afterwards.
    static func with<R: Sendable>(_ configuration: FleetConfiguration, _ body: (SweepFixture) async throws -> R) async throws -> R {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cimsweep-collector-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var quiet = Logger(label: "collector-tests")
        quiet.logLevel = .error
        return try await SimulatedFleet.run(configuration, logger: quiet) { fleet in
            try await Transport.withTransport(logger: quiet) { transport in
                let store = try SnapshotStore(path: directory.appendingPathComponent("inventory.db").path)
                return try await body(SweepFixture(fleet: fleet, transport: transport, store: store, directory: directory))
            }
        }
    }

    var targets: [HostTarget] { fleet.hosts.map { HostTarget(name: $0.address, port: $0.port) } }

    /// The hosts file a user would write for this fleet.
    var hostsFileText: String { fleet.hosts.map { "\($0.address):\($0.port)   # \($0.hostname)" }.joined(separator: "\n") + "\n" }

    static var sessionOptions: CimSessionOptions {
        var options = CimSessionOptions()
        options.allowUnencrypted = true
        return options
    }

    func plan(profile: CollectionProfile = .builtinDefault,
              credentials: CimCredentials = .password(Credential(username: user, secret: password)),
              credentialSets: [String: CimCredentials] = [:], options: CimSessionOptions = sessionOptions) -> SweepPlan {
        SweepPlan(hosts: targets, profile: profile, baseOptions: options, credentialSets: credentialSets, defaultCredentials: credentials)
    }

    static var fastRetries: CollectorOptions {
        var options = CollectorOptions()
        options.retries = 2
        options.retryBaseDelay = .milliseconds(5)
        options.retryMaxDelay = .milliseconds(20)
        return options
    }

    func sweep(_ plan: SweepPlan, options: CollectorOptions = fastRetries, stop: SweepStop = SweepStop(),
               events: @escaping @Sendable (SweepEvent) -> Void = { _ in }) async throws -> SweepSummary {
        let lock = try SweepLock(databasePath: databasePath, mode: .failIfHeld)
        defer { lock.release() }
        var quiet = Logger(label: "collector")
        quiet.logLevel = .error
        let collector = Collector(transport: transport, store: store, options: options, logger: quiet)
        return try await collector.sweep(plan, lock: lock, stop: stop, events: events)
    }

    /// Observations of a snapshot by host, then class.
    func observations(_ id: SnapshotID) throws -> [String: [String: Observation]] {
        var result: [String: [String: Observation]] = [:]
        for observation in try store.observations(id) { result[observation.host, default: [:]][observation.className] = observation }
        return result
    }
}

/// Collects events from concurrent tasks for assertions afterwards.
final class EventLog: Sendable {
    private let events = Mutex<[SweepEvent]>([])
    func record(_ event: SweepEvent) { events.withLock { $0.append(event) } }
    var all: [SweepEvent] { events.withLock { $0 } }
}
