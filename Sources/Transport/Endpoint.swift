/// Where an ``HTTPConnection`` sends its requests: scheme, host, port and path.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// A DNS name, an IPv4 address, or an IPv6 address without brackets.
    public var host: String
    /// The TCP port; WinRM listens on 5985 (HTTP) and 5986 (HTTPS) by default.
    public var port: Int
    /// Whether to use HTTPS.
    public var usesTLS: Bool
    /// The request path, starting with `/`; WinRM serves `/wsman`.
    public var path: String

    /// Creates an endpoint; `port` defaults to 5985, or 5986 when `usesTLS` is true.
    public init(host: String, port: Int? = nil, usesTLS: Bool = false, path: String = "/wsman") {
        self.host = host
        self.port = port ?? (usesTLS ? 5986 : 5985)
        self.usesTLS = usesTLS
        self.path = path
    }

    /// The URL handed to libcurl, e.g. `https://[fe80::1]:5986/wsman`.
    public var url: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(usesTLS ? "https" : "http")://\(hostPart):\(port)\(path)"
    }

    public var description: String { url }

    /// Refuses host names and paths that could smuggle userinfo, another authority or a second request
    /// line into the URL (`@`, `/`, whitespace, control characters), and ports outside 1…65535.
    func validate() throws(TransportError) {
        let forbiddenInHost: Set<Character> = ["@", "/", "\\", "?", "#", "[", "]", " ", "%"]
        guard !host.isEmpty, !host.contains(where: { forbiddenInHost.contains($0) || $0.isControl }) else {
            throw TransportError(
                host: host, phase: .configure, kind: .invalidEndpoint,
                detail: "invalid host name \(host.debugDescription)",
                hint: "Give a DNS name or an IP address without scheme, port or path")
        }
        guard (1...65535).contains(port) else {
            throw TransportError(
                host: host, phase: .configure, kind: .invalidEndpoint, detail: "port \(port) is out of range",
                hint: "Give a port between 1 and 65535 (WinRM: 5985 for HTTP, 5986 for HTTPS)")
        }
        guard path.hasPrefix("/"), !path.contains(where: { $0.isControl || $0 == " " || $0 == "#" }) else {
            throw TransportError(
                host: host, phase: .configure, kind: .invalidEndpoint, detail: "invalid path \(path.debugDescription)",
                hint: "Give a path such as /wsman")
        }
    }
}

extension Character {
    fileprivate var isControl: Bool { unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
}
