import Foundation

/// What kind of machine a simulated host is; it decides which processes, services and disks it has.
public enum HostRole: String, Sendable, Codable, CaseIterable {
    case domainController = "dc"
    case sqlServer = "sql"
    case webServer = "web"
    case desktop = "desktop"
}

/// A Windows release a host runs, as Win32_OperatingSystem reports it.
public struct OSBuild: Sendable, Hashable, Codable {
    /// Win32_OperatingSystem.Caption, e.g. "Microsoft Windows Server 2019 Datacenter".
    public let caption: String
    /// Win32_OperatingSystem.Version, e.g. "10.0.17763"; also in the authenticated Identify.
    public let version: String
    /// Win32_OperatingSystem.BuildNumber.
    public let buildNumber: String
    /// True for Server SKUs.
    public let isServer: Bool

    static let server2012R2 = OSBuild(caption: "Microsoft Windows Server 2012 R2 Standard", version: "6.3.9600", buildNumber: "9600", isServer: true)
    static let server2016 = OSBuild(caption: "Microsoft Windows Server 2016 Standard", version: "10.0.14393", buildNumber: "14393", isServer: true)
    static let server2019 = OSBuild(caption: "Microsoft Windows Server 2019 Datacenter", version: "10.0.17763", buildNumber: "17763", isServer: true)
    static let server2022 = OSBuild(caption: "Microsoft Windows Server 2022 Standard", version: "10.0.20348", buildNumber: "20348", isServer: true)
    static let windows10 = OSBuild(caption: "Microsoft Windows 10 Enterprise", version: "10.0.19045", buildNumber: "19045", isServer: false)
    static let windows11 = OSBuild(caption: "Microsoft Windows 11 Enterprise", version: "10.0.22631", buildNumber: "22631", isServer: false)
}

/// The fixed facts about one simulated host: where it listens and what it is.
public struct SimulatedHostInfo: Sendable, Hashable {
    /// Position in the fleet, from 0.
    public let index: Int
    /// The loopback address it is bound to, e.g. `127.0.1.1`.
    public let address: String
    /// The port it actually listens on (the ephemeral one when the fleet was started with port 0).
    public internal(set) var port: Int
    /// Its NetBIOS-style computer name, e.g. `SQL-0003`; stable for a given seed and index.
    public let hostname: String
    /// What the host is for (domain controller, SQL, web, desktop); decides its processes and services.
    public let role: HostRole
    /// The Windows release it reports.
    public let os: OSBuild
    /// `http` or `https`.
    public internal(set) var scheme: String

    /// The WS-Management endpoint, e.g. `http://127.0.1.1:5985/wsman`.
    public var url: String { "\(scheme)://\(address):\(port)/wsman" }

    static func make(index: Int, address: String, port: Int, seed: UInt64, tls: Bool) -> SimulatedHostInfo {
        var generator = SeededGenerator(seed: seed, stream: 0xA000 + UInt64(index))
        let role: HostRole = switch index % 10 {
        case 0: .domainController
        case 1, 2: .sqlServer
        case 3, 4, 5: .webServer
        default: .desktop
        }
        let os: OSBuild = role == .desktop
            ? generator.pick([.windows10, .windows10, .windows11])
            : generator.pick([.server2012R2, .server2016, .server2019, .server2019, .server2022, .server2022])
        let prefix = switch role {
        case .domainController: "DC"
        case .sqlServer: "SQL"
        case .webServer: "WEB"
        case .desktop: "WS"
        }
        let hostname = "\(prefix)-\(String(format: "%04d", index + 1))"
        return SimulatedHostInfo(index: index, address: address, port: port, hostname: hostname,
                                 role: role, os: os, scheme: tls ? "https" : "http")
    }
}
