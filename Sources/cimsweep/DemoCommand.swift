import ArgumentParser
import CIM
import Collector
import Foundation
import Inventory
import Logging
import Simulator
import Transport

/// `cimsweep demo`: the whole job on the embedded default. A simulated fleet starts in this
/// process, is swept into a fresh database, drifts one step, is swept again, and the diff prints.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Sweep a simulated fleet twice (with drift between) into a demo database and show what changed.",
        discussion: """
        Nothing leaves the machine: the hosts are simulated on 127.0.1.x. Afterwards, explore the
        database with `cimsweep snapshots`, `cimsweep diff` and `cimsweep get` (see the hints printed).
        """
    )

    static let defaultDatabase = "cimsweep-demo.db"

    @Option(help: "Simulated hosts.")
    var hosts = 20

    @Option(name: .customLong("db"), help: "The demo database (default ./\(DemoCommand.defaultDatabase)); recreated on every run.")
    var databasePath = DemoCommand.defaultDatabase

    @Option(help: "Seed for the fleet's data and drift.")
    var seed: UInt64 = 1

    @Option(help: "Simulated network latency per response, e.g. 20ms or 100ms±20ms.")
    var latency: String?

    @OptionGroup var logging: LoggingFlags

    func validate() throws {
        guard (1...2_000).contains(hosts) else { throw ValidationError("--hosts must be 1–2000") }
        if let latency, LatencySpec(parsing: latency) == nil { throw ValidationError("--latency: expected e.g. 100ms or 100ms±20ms") }
    }

    func run() async throws {
        let logger = logging.makeLogger()
        try resetDatabase()
        let password = Self.randomSecret()
        var fleetConfiguration = FleetConfiguration()
        fleetConfiguration.hostCount = hosts
        fleetConfiguration.seed = seed
        fleetConfiguration.port = 0
        fleetConfiguration.credentials = SimulatorCredentials(username: "demo", password: password)
        fleetConfiguration.latency = latency.flatMap(LatencySpec.init(parsing:))
        var simulatorLogger = logger
        simulatorLogger.logLevel = .warning

        try await CLIErrors.reporting {
            try await SimulatedFleet.run(fleetConfiguration, logger: simulatorLogger) { fleet in
                try await Transport.withTransport(CollectorOptions().transportConfiguration, logger: logger) { transport in
                    try await demonstrate(fleet: fleet, transport: transport, password: password, logger: logger)
                }
            }
        }
    }

    private func demonstrate(fleet: SimulatedFleet, transport: Transport, password: String, logger: Logger) async throws {
        let targets = fleet.hosts.map { HostTarget(name: $0.address, port: $0.port, usesTLS: false) }
        var options = CimSessionOptions()
        options.allowUnencrypted = true   // loopback only: the simulated hosts never leave 127.0.1.x
        let plan = SweepPlan(hosts: targets, profile: .builtinDefault, baseOptions: options,
                             defaultCredentials: .password(Credential(username: "demo", secret: password)))
        let store = try SnapshotStore(path: databasePath)
        let collector = Collector(transport: transport, store: store, options: CollectorOptions(), logger: logger)
        print("Simulating \(fleet.hosts.count) Windows hosts on \(fleet.hosts.first!.address)…\(fleet.hosts.last!.address); "
              + "sweeping the default profile (\(plan.profile.classes.map(\.className).joined(separator: ", "))).")

        let first = try await sweep(collector, plan: plan)
        print(SweepReporter.summaryLine(first, database: databasePath))
        let truth = fleet.tick()
        let changedHosts = truth.hosts.filter { !$0.classes.isEmpty }.count
        print("The fleet drifts one step (processes start and exit, services change, hotfixes land, disks fill: \(changedHosts) hosts changed).")
        let second = try await sweep(collector, plan: plan)
        print(SweepReporter.summaryLine(second, database: databasePath))

        let diff = try store.diff(from: .previous, to: .latest)
        print("\nWhat changed between snapshot \(first.snapshot) and snapshot \(second.snapshot) (volatile counters left out):\n")
        print(diff.tableText())
        print("""

        Next (the binary is .build/debug/cimsweep):
          cimsweep snapshots --db \(databasePath)
          cimsweep diff --db \(databasePath) --class Win32_Service -o json
          cimsweep diff --db \(databasePath) --include-volatile --host \(fleet.hosts[0].address)
          cimsweep query --list
          cimsweep query new-processes --db \(databasePath)
        """)
    }

    private func sweep(_ collector: Collector, plan: SweepPlan) async throws -> SweepSummary {
        let lock = try SweepLock(databasePath: databasePath, mode: .failIfHeld)
        defer { lock.release() }
        let reporter = SweepReporter(totalHosts: plan.hosts.count, live: isatty(STDERR_FILENO) == 1)
        defer { reporter.finish() }
        return try await collector.sweep(plan, lock: lock) { reporter.handle($0) }
    }

    /// The demo always starts from an empty database, and never deletes one it did not make.
    private func resetDatabase() throws {
        let files = [databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + ".lock"]
        guard FileManager.default.fileExists(atPath: databasePath) else { return }
        let summaries = (try? SnapshotStore(path: databasePath, readOnly: true).snapshots()) ?? []
        guard summaries.allSatisfy({ $0.profile == CollectionProfile.builtinDefault.name }), databasePath.hasSuffix("-demo.db")
            || databasePath == Self.defaultDatabase else {
            throw ValidationError("\(databasePath) exists and is not a demo database; choose another --db")
        }
        for file in files where FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
    }

    /// A password for this run only: the simulated hosts and the collector share it in memory.
    static func randomSecret() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<24).map { _ in alphabet.randomElement()! })
    }
}
