import ArgumentParser
import Dispatch
import Foundation
import Logging
import Simulator

/// `cimsweep sim`: a simulated fleet of Windows WinRM hosts on 127.0.1.x, until SIGINT or SIGTERM.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Serve a simulated fleet of Windows WinRM hosts on loopback addresses (127.0.1.1, 127.0.1.2, …).",
        discussion: """
        Basic credentials come from CIMSWEEP_USERNAME / CIMSWEEP_PASSWORD or from --credential-file
        (mode 0600; a username line and a password line). Without credentials only unauthenticated
        Identify is answered. POST /tick on the admin port advances every host one step and returns
        the exact changes as JSON.
        """
    )

    @Option(help: "Number of hosts.") var hosts = 10
    @Option(help: "Port every host listens on (default 5985, or 5986 with --tls; 0 = ephemeral).") var port: Int?
    @Flag(help: "Serve HTTPS with a throwaway CA and per-host certificates.") var tls = false
    @Option(name: .customLong("tls-dir"), help: "Where to write the CA and host certificates (default: a new temporary directory).")
    var tlsDirectory: String?
    @Option(help: "Delay every response, e.g. 100ms or 100ms±20ms.") var latency: String?
    @Option(help: "Faulty hosts, e.g. slow=5%,http500=2%,reset=2%,truncate=1%,malformed=1%,hang=1%,auth=1%,expire=2%,quota=1%.")
    var faults: String?
    @Option(help: "Seed for data, drift and fault placement.") var seed: UInt64 = 1
    @Option(name: .customLong("first-address"), help: "The first host's address.") var firstAddress = "127.0.1.1"
    @Option(name: .customLong("admin-port"), help: "Loopback port of the admin endpoint (POST /tick); 0 = ephemeral.")
    var adminPort: Int?
    @Option(name: .customLong("idle-timeout"), help: "Enumeration context idle timeout, e.g. 60s.") var idleTimeout = "60s"
    @Option(name: .customLong("max-operations-per-user"), help: "Concurrent operations per user and host before the quota fault.")
    var maxOperationsPerUser = 1500
    @Option(name: .customLong("credential-file"), help: "A 0600 file with a username line and a password line.")
    var credentialFile: String?

    func run() async throws {
        var configuration = FleetConfiguration()
        configuration.hostCount = hosts
        configuration.port = port ?? (tls ? 5986 : 5985)
        configuration.seed = seed
        configuration.firstAddress = firstAddress
        configuration.adminPort = adminPort
        configuration.maxConcurrentOperationsPerUser = maxOperationsPerUser
        guard let idle = LatencySpec.duration(idleTimeout) else { throw ValidationError("--idle-timeout: expected e.g. 60s or 500ms") }
        configuration.enumerationIdleTimeout = idle
        if let latency {
            guard let spec = LatencySpec(parsing: latency) else { throw ValidationError("--latency: expected e.g. 100ms or 100ms±20ms") }
            configuration.latency = spec
        }
        if let faults {
            do { configuration.faults = try FaultPlan(parsing: faults) } catch { throw ValidationError("--faults: \(error)") }
        }
        if let credentialFile {
            do { configuration.credentials = try SimulatorCredentials.load(file: credentialFile) } catch { throw ValidationError("\(error)") }
        } else if let user = ProcessInfo.processInfo.environment["CIMSWEEP_USERNAME"],
                  let password = ProcessInfo.processInfo.environment["CIMSWEEP_PASSWORD"] {
            configuration.credentials = SimulatorCredentials(username: user, password: password)
        }
        if tls {
            let directory = tlsDirectory.map { URL(fileURLWithPath: $0) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("cimsweep-sim-tls-\(ProcessInfo.processInfo.processIdentifier)")
            configuration.tls = TLSSetup(directory: directory)
        }
        let logger = Logger(label: "cimsweep.sim")
        let signals = TerminationSignals()
        defer { signals.cancel() }
        do {
            try await SimulatedFleet.run(configuration, logger: logger) { fleet in
                Self.printEndpoints(fleet, credentials: configuration.credentials)
                for await signal in signals.stream {
                    FileHandle.standardError.write(Data("received \(signal), shutting down\n".utf8))
                    break
                }
            }
        } catch let error as SimulatorError {
            FileHandle.standardError.write(Data("cimsweep sim: \(error)\n".utf8))
            throw ExitCodes.failure
        }
    }

    private static func printEndpoints(_ fleet: SimulatedFleet, credentials: SimulatorCredentials?) {
        var lines = ["Simulating \(fleet.hosts.count) WinRM host(s):"]
        for host in fleet.hosts.prefix(5) {
            lines.append("  \(host.url)  \(host.hostname)  \(host.role.rawValue)  \(host.os.caption) (\(host.os.version))")
        }
        if fleet.hosts.count > 5, let last = fleet.hosts.last { lines.append("  … \(fleet.hosts.count - 5) more, up to \(last.url)") }
        if let ca = fleet.caCertificatePath { lines.append("TLS CA certificate: \(ca) (host certificates alongside)") }
        if let admin = fleet.adminURL { lines.append("Admin: POST \(admin)/tick advances every host one step; GET \(admin)/hosts") }
        lines.append(credentials.map { "Basic auth user: \($0.username)" }
                     ?? "No credentials (set CIMSWEEP_USERNAME and CIMSWEEP_PASSWORD): only unauthenticated Identify is answered")
        lines.append("Press Ctrl-C to stop.")
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
