/// One host of a sweep, as a hosts file names it: where to connect and which groups it belongs to.
public struct HostTarget: Sendable, Hashable, CustomStringConvertible {
    /// The DNS name or address as written: the host's name in the snapshot and in every report.
    public var name: String
    /// An explicit port; nil uses the profile's (5985, or 5986 with TLS).
    public var port: Int?
    /// HTTPS (`https://…`) or HTTP (`http://…`) when the line names a scheme; nil uses the profile's.
    public var usesTLS: Bool?
    /// Group tags, in the order written (`web`, `dmz`): profiles may set options per tag.
    public var tags: [String]

    public init(name: String, port: Int? = nil, usesTLS: Bool? = nil, tags: [String] = []) {
        self.name = name
        self.port = port
        self.usesTLS = usesTLS
        self.tags = tags
    }

    public var description: String {
        var text = usesTLS.map { ($0 ? "https://" : "http://") } ?? ""
        text += name.contains(":") ? "[\(name)]" : name
        if let port { text += ":\(port)" }
        return tags.isEmpty ? text : text + " " + tags.joined(separator: ",")
    }
}
