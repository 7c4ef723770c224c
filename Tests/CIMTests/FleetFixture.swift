import CIM
import CIMModel
import Foundation
import InMemoryLogging
import Logging
import Simulator
import Transport

/// Starts a simulated fleet on ephemeral loopback ports and opens sessions to it.
enum FleetFixture {
    static let user = "alice"
    static let password = "Tr0ub4dor&3-cimsweep"

    static func configuration(hosts: Int = 2, seed: UInt64 = 11) -> FleetConfiguration {
        var configuration = FleetConfiguration()
        configuration.hostCount = hosts
        configuration.seed = seed
        configuration.port = 0
        configuration.credentials = SimulatorCredentials(username: user, password: password)
        return configuration
    }

    static func options(for host: SimulatedHostInfo) -> CimSessionOptions {
        var options = CimSessionOptions()
        options.port = host.port
        options.useSSL = host.scheme == "https"
        options.allowUnencrypted = true
        return options
    }

    /// Runs `body` with a fleet and a transport; everything is shut down afterwards.
    static func withFleet<R: Sendable>(_ configuration: FleetConfiguration = configuration(), logger: Logger = Logger(label: "cim-tests"),
                                       _ body: (SimulatedFleet, Transport) async throws -> R) async throws -> R {
        try await SimulatedFleet.run(configuration, logger: Logger(label: "sim")) { fleet in
            try await Transport.withTransport(logger: logger) { transport in
                try await body(fleet, transport)
            }
        }
    }

    static func session(_ fleet: SimulatedFleet, _ transport: Transport, host index: Int = 0,
                        options: CimSessionOptions? = nil, password: String = password,
                        logger: Logger = Logger(label: "cim-tests")) throws -> CimSession {
        let host = fleet.hosts[index]
        return try CimSession(host: host.address, options: options ?? Self.options(for: host),
                              credential: Credential(username: user, secret: password), transport: transport, logger: logger)
    }
}

/// A logger that keeps every entry, at every level, for assertions about what was logged.
struct CapturedLog {
    let handler = { var handler = InMemoryLogHandler(); handler.logLevel = .trace; return handler }()
    var logger: Logger {
        let handler = self.handler
        var logger = Logger(label: "cim-tests") { _ in handler }
        logger.logLevel = .trace
        return logger
    }

    var allText: String {
        handler.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
    }
}

extension Array where Element == CimInstance {
    /// The instances without their host field, keyed by a property, for comparison with simulator truth.
    func byKey(_ name: String) -> [String: [CimProperty]] {
        Dictionary(map { ($0[name]?.lexicalForm ?? "", $0.properties) }, uniquingKeysWith: { first, _ in first })
    }
}
