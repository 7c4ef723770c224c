import CIM

/// What a sweep collects and how it connects: the classes, session settings, and which credentials
/// to try, with per-group overrides for hosts tagged in the hosts file.
public struct CollectionProfile: Sendable, Hashable {
    public var name: String
    /// The classes, in the order each host is asked for them.
    public var classes: [ClassSpec]
    /// Session settings for every host.
    public var session: SessionSettings
    /// Credential set names to try in order: the next is tried only when one fails to authenticate (a 401,
    /// no or an expired ticket, a password the KDC refuses).
    public var credentials: [String]
    /// Overrides by hosts-file tag, applied in the order of the host's tags.
    public var groups: [String: GroupOverride]

    public init(name: String, classes: [ClassSpec], session: SessionSettings = SessionSettings(),
                credentials: [String] = [], groups: [String: GroupOverride] = [:]) {
        self.name = name
        self.classes = classes
        self.session = session
        self.credentials = credentials
        self.groups = groups
    }

    /// What a group tag changes.
    public struct GroupOverride: Sendable, Hashable {
        public var session: SessionSettings
        /// Replaces the profile's credential list when not empty.
        public var credentials: [String]

        public init(session: SessionSettings = SessionSettings(), credentials: [String] = []) {
            self.session = session
            self.credentials = credentials
        }
    }

    /// The session options and credential names for one host: `base`, the profile, its groups,
    /// `overrides` (the session flags given on the command line), then what the host's line in the
    /// hosts file says (scheme, port), each over the one before.
    public func connection(for host: HostTarget, base: CimSessionOptions, overrides: SessionSettings = SessionSettings())
        -> (options: CimSessionOptions, credentials: [String]) {
        var options = base
        session.apply(to: &options)
        var credentialNames = credentials
        for tag in host.tags {
            guard let group = groups[tag] else { continue }
            group.session.apply(to: &options)
            if !group.credentials.isEmpty { credentialNames = group.credentials }
        }
        overrides.apply(to: &options)
        if let usesTLS = host.usesTLS { options.useSSL = usesTLS }
        if let port = host.port { options.port = port }
        return (options, credentialNames)
    }

    /// Classes that must never be swept casually, with why.
    public static let discouragedClasses: [String: String] = [
        "win32_product": "enumerating Win32_Product makes Windows Installer verify (and may repair) every MSI "
            + "package on the host; read installed software from the registry-backed uninstall keys instead",
    ]

    /// The warnings this profile deserves before a sweep starts.
    public var warnings: [String] {
        classes.compactMap { spec in
            Self.discouragedClasses[spec.className.lowercased()].map { "profile \(name): \(spec.className): \($0)" }
        }
    }
}

/// One class of a profile: where it lives and which part of it to fetch.
public struct ClassSpec: Sendable, Hashable {
    public var className: String
    public var namespace: String
    /// A WQL condition (`StartMode = 'Auto'`), evaluated on the host.
    public var whereClause: String?
    /// The properties to fetch (keys are always added by the host); nil for all.
    public var properties: [String]?

    public init(_ className: String, namespace: String = "root/cimv2", whereClause: String? = nil, properties: [String]? = nil) {
        self.className = className
        self.namespace = namespace
        self.whereClause = whereClause
        self.properties = properties
    }

    /// The enumeration this spec asks for.
    public var query: CimQuery {
        CimQuery(className: className, namespace: namespace, whereClause: whereClause, properties: properties)
    }
}
