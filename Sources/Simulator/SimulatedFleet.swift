import CIMModel
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A fleet of simulated Windows WinRM hosts served by one process, each on its own loopback address.
///
/// ```swift
/// var configuration = FleetConfiguration()
/// configuration.hostCount = 3
/// configuration.port = 0                      // ephemeral ports, so parallel tests never collide
/// configuration.credentials = SimulatorCredentials(username: "alice", password: "…")
/// try await SimulatedFleet.run(configuration, logger: logger) { fleet in
///     print(fleet.hosts[0].url)               // http://127.0.1.1:41234/wsman
///     let truth = fleet.tick()                // what changed, per host and class
/// }
/// ```
public final class SimulatedFleet: Sendable {
    /// Every host, in address order, with the port it actually listens on.
    public let hosts: [SimulatedHostInfo]
    /// The CA certificate (PEM) clients should trust, when the fleet serves HTTPS.
    public let caCertificatePath: String?
    /// The admin endpoint (`POST /tick`, `GET /hosts`), when one was requested.
    public let adminURL: String?

    let services: [HostService]
    let hub: EventHub
    private let tickCount = Mutex(0)

    private init(hosts: [SimulatedHostInfo], services: [HostService], hub: EventHub, caCertificatePath: String?, adminURL: String?) {
        self.hosts = hosts
        self.services = services
        self.hub = hub
        self.caCertificatePath = caCertificatePath
        self.adminURL = adminURL
    }

    /// Starts the fleet, runs `body`, and shuts every listener down afterwards, on every path.
    /// - Throws: ``SimulatorError`` when an address cannot be bound or TLS material cannot be written;
    ///   otherwise whatever `body` throws.
    public static func run<R: Sendable>(_ configuration: FleetConfiguration, logger: Logger,
                                        _ body: (SimulatedFleet) async throws -> R) async throws -> R {
        guard configuration.hostCount >= 1, configuration.hostCount <= 65_000 else {
            throw SimulatorError("host count must be between 1 and 65000, got \(configuration.hostCount)")
        }
        let addresses = try loopbackAddresses(from: configuration.firstAddress, count: configuration.hostCount)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let hub = EventHub()
        var channels: [any Channel] = []
        do {
            let tls = try configuration.tls.map { try FleetTLS(setup: $0, hosts: (0..<addresses.count).map {
                SimulatedHostInfo.make(index: $0, address: addresses[$0], port: 0, seed: configuration.seed, tls: true) }) }
            var hosts: [SimulatedHostInfo] = []
            var services: [HostService] = []
            for (index, address) in addresses.enumerated() {
                var info = SimulatedHostInfo.make(index: index, address: address, port: configuration.port,
                                                  seed: configuration.seed, tls: tls != nil)
                let settings = HostService.Settings(
                    credentials: configuration.credentials, fault: configuration.faults.kind(forHost: index, seed: configuration.seed),
                    slowDelay: configuration.faults.slowDelay, latency: configuration.latency,
                    idleTimeout: configuration.enumerationIdleTimeout,
                    maxOperationsPerUser: configuration.maxConcurrentOperationsPerUser,
                    serverMaxEnvelopeSize: configuration.serverMaxEnvelopeSize, clock: configuration.clock)
                let service = HostService(state: HostState(info: info, seed: configuration.seed), settings: settings, seed: configuration.seed)
                let sslContext = try tls?.serverContext(forHost: index)
                let maxBody = configuration.maxRequestBodySize
                let channel = try await ServerBootstrap(group: group)
                    .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                    .serverChannelOption(ChannelOptions.backlog, value: 256)
                    .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let sslContext {
                                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                            }
                            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                            try channel.pipeline.syncOperations.addHandler(WSManHTTPHandler(service: service, hub: hub, maxBodySize: maxBody))
                        }
                    }
                    .bind(host: address, port: configuration.port).get()
                channels.append(channel)
                info.port = channel.localAddress?.port ?? configuration.port
                hosts.append(info)
                services.append(service)
            }
            var adminURL: String?
            let fleetBox = FleetBox()
            if let adminPort = configuration.adminPort {
                let channel = try await ServerBootstrap(group: group)
                    .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                            try channel.pipeline.syncOperations.addHandler(AdminHTTPHandler(fleet: fleetBox))
                        }
                    }
                    .bind(host: "127.0.0.1", port: adminPort).get()
                channels.append(channel)
                adminURL = "http://127.0.0.1:\(channel.localAddress?.port ?? adminPort)"
            }
            let fleet = SimulatedFleet(hosts: hosts, services: services, hub: hub,
                                       caCertificatePath: tls?.caPath, adminURL: adminURL)
            fleetBox.fleet.withLock { $0 = fleet }
            logger.debug("simulated fleet started", metadata: ["hosts": "\(hosts.count)", "tls": "\(tls != nil)"])
            let result: R
            do { result = try await body(fleet) } catch {
                await shutdown(channels: channels, group: group, hub: hub)
                throw error
            }
            await shutdown(channels: channels, group: group, hub: hub)
            return result
        } catch {
            await shutdown(channels: channels, group: group, hub: hub)
            if error is SimulatorError { throw error }
            if let io = error as? IOError {
                throw SimulatorError("cannot listen on the simulated hosts' addresses: \(io.description). Pick another --port, or 0 for ephemeral ports")
            }
            throw error
        }
    }

    private static func shutdown(channels: [any Channel], group: MultiThreadedEventLoopGroup, hub: EventHub) async {
        for channel in channels { try? await channel.close() }
        try? await group.shutdownGracefully()
        hub.finish()
    }

    /// `first`, `first+1`, … as dotted IPv4 text, all inside 127/8.
    static func loopbackAddresses(from first: String, count: Int) throws(SimulatorError) -> [String] {
        let parts = first.split(separator: ".").compactMap { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 <= 255 }), parts[0] == 127 else {
            throw SimulatorError("first address \(first) is not an IPv4 loopback address (127.x.y.z)")
        }
        let base = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]
        guard UInt64(base) + UInt64(count) - 1 <= 0x7FFF_FFFE else {
            throw SimulatorError("\(count) hosts starting at \(first) run past 127.255.255.254")
        }
        return (0..<UInt32(count)).map { offset in
            let value = base + offset
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
        }
    }

    /// Advances every host one seeded step and returns exactly what changed.
    public func tick() -> DriftTruth {
        let number = tickCount.withLock { count in count += 1; return count }
        return DriftTruth(tick: number, hosts: services.map { $0.tick() })
    }

    /// The current instances of a class on a host (by index), or nil if the host does not have the class.
    /// A `Win32_Service` request includes the `Win32_TerminalService` instance, as a WQL query would.
    public func instances(host index: Int, className: String) -> [CimInstance]? {
        guard services.indices.contains(index) else { return nil }
        return services[index].instances(of: className)
    }

    /// A stream of every request the fleet answers from now on, until the fleet stops.
    public func events() -> AsyncStream<SimulatorEvent> { hub.stream() }

    /// The fault a host was given by the plan, if any.
    public func fault(host index: Int) -> FaultPlan.Kind? {
        services.indices.contains(index) ? services[index].settings.fault : nil
    }
}

/// Lets the admin handler reach the fleet, which exists only after every listener is bound.
final class FleetBox: Sendable {
    let fleet = Mutex<SimulatedFleet?>(nil)
}
