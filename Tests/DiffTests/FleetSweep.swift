import CIM
import CIMModel
import Foundation
import Inventory
import Logging
import Simulator
import Transport

/// Sweeps a simulated fleet into a store over the real wire (CimSession → HTTP → simulator):
/// every host × class enumerated and recorded as one snapshot. The collector does this in
/// production; this helper keeps the ground-truth test independent of its scheduling.
enum FleetSweep {
    static let user = "diff"
    static let password = "ground-truth-\(UInt64.random(in: 0...UInt64.max))"

    /// The classes the simulator serves (Win32_TerminalService arrives inside Win32_Service).
    static let classes: [(namespace: String, className: String)] = [
        ("root/cimv2", "Win32_OperatingSystem"), ("root/cimv2", "Win32_ComputerSystem"), ("root/cimv2", "Win32_BIOS"),
        ("root/cimv2", "Win32_LogicalDisk"), ("root/cimv2", "Win32_QuickFixEngineering"),
        ("root/cimv2", "Win32_NetworkAdapterConfiguration"), ("root/StandardCimv2", "MSFT_NetAdapter"),
        ("root/StandardCimv2", "MSFT_NetIPAddress"), ("root/cimv2", "Win32_Service"), ("root/cimv2", "Win32_Process"),
    ]

    static func configuration(hosts: Int, seed: UInt64) -> FleetConfiguration {
        var configuration = FleetConfiguration()
        configuration.hostCount = hosts
        configuration.seed = seed
        configuration.port = 0
        configuration.credentials = SimulatorCredentials(username: user, password: password)
        return configuration
    }

    /// Records one snapshot of every host (stored under its hostname), eight hosts at a time.
    @discardableResult
    static func sweep(_ fleet: SimulatedFleet, transport: Transport, into store: SnapshotStore,
                      at seconds: TimeInterval) async throws -> SnapshotID {
        let lock = try SweepLock(databasePath: store.path, mode: .failIfHeld)
        defer { lock.release() }
        let id = try store.beginSnapshot(profile: "ground-truth", hosts: fleet.hosts.map(\.hostname),
                                         startedAt: Date(timeIntervalSince1970: seconds), lock: lock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = fleet.hosts.makeIterator()
            func start() {
                guard let host = next.next() else { return }
                group.addTask { try await sweep(host, snapshot: id, transport: transport, store: store) }
            }
            for _ in 0..<8 { start() }
            while try await group.next() != nil { start() }
        }
        try store.finishSnapshot(id, status: .complete, finishedAt: Date(timeIntervalSince1970: seconds + 60))
        return id
    }

    private static func sweep(_ host: SimulatedHostInfo, snapshot: SnapshotID, transport: Transport,
                              store: SnapshotStore) async throws {
        var options = CimSessionOptions()
        options.port = host.port
        options.allowUnencrypted = true
        let session = try CimSession(host: host.address, options: options, credential: Credential(username: user, secret: password),
                                     transport: transport, logger: Logger(label: "diff-tests"))
        for (namespace, className) in classes {
            var instances: [CimInstance] = []
            for try await instance in session.enumerate(className: className, namespace: namespace).instances {
                instances.append(instance)
            }
            try store.record(Observation(snapshotID: snapshot, host: host.hostname, namespace: namespace,
                                         className: className, durationMilliseconds: 1), instances: instances)
        }
    }
}
