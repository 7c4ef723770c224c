import CIM
import Collector
import Foundation
import Inventory
import Logging
import Simulator
import Transport

/// Sweeps a simulated fleet into a store over the real wire with the production `Collector`
/// (CimSession → HTTP → simulator). Hosts are stored under their loopback address.
enum FleetSweep {
    static let user = "diff"
    static let password = "ground-truth-\(UInt64.random(in: 0...UInt64.max))"

    /// The classes the simulator serves (Win32_TerminalService arrives inside Win32_Service).
    static let profile = CollectionProfile(name: "ground-truth", classes: [
        ClassSpec("Win32_OperatingSystem"), ClassSpec("Win32_ComputerSystem"), ClassSpec("Win32_BIOS"),
        ClassSpec("Win32_LogicalDisk"), ClassSpec("Win32_QuickFixEngineering"), ClassSpec("Win32_NetworkAdapterConfiguration"),
        ClassSpec("MSFT_NetAdapter", namespace: "root/StandardCimv2"), ClassSpec("MSFT_NetIPAddress", namespace: "root/StandardCimv2"),
        ClassSpec("Win32_Service"), ClassSpec("Win32_Process"),
    ])

    static func configuration(hosts: Int, seed: UInt64) -> FleetConfiguration {
        var configuration = FleetConfiguration()
        configuration.hostCount = hosts
        configuration.seed = seed
        configuration.port = 0
        configuration.credentials = SimulatorCredentials(username: user, password: password)
        return configuration
    }

    /// Records one snapshot of every host; throws unless every host × class was collected.
    @discardableResult
    static func sweep(_ fleet: SimulatedFleet, transport: Transport, into store: SnapshotStore) async throws -> SnapshotID {
        var options = CimSessionOptions()
        options.allowUnencrypted = true
        let plan = SweepPlan(hosts: fleet.hosts.map { HostTarget(name: $0.address, port: $0.port) }, profile: profile,
                             baseOptions: options, defaultCredentials: .password(Credential(username: user, secret: password)))
        let lock = try SweepLock(databasePath: store.path, mode: .failIfHeld)
        defer { lock.release() }
        var quiet = Logger(label: "diff-tests")
        quiet.logLevel = .error
        let summary = try await Collector(transport: transport, store: store, options: CollectorOptions(), logger: quiet)
            .sweep(plan, lock: lock)
        guard summary.status == .complete else {
            throw SweepIncomplete(description: "sweep \(summary.snapshot) ended \(summary.status): \(summary.hostsFailed) hosts failed")
        }
        return summary.snapshot
    }

    struct SweepIncomplete: Error, CustomStringConvertible {
        let description: String
    }
}
