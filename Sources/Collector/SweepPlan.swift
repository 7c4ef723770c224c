import CIM
import Inventory
import Logging
import Transport

/// What one sweep visits and with what: hosts, a profile, base session options and the credentials
/// the profile's credential sets resolved to (secrets read once, before any traffic).
public struct SweepPlan: Sendable {
    public var hosts: [HostTarget]
    public var profile: CollectionProfile
    /// Options under the profile's settings (the CLI's defaults).
    public var baseOptions: CimSessionOptions
    /// Settings over the profile's and its groups' (the session flags given on the command line).
    public var overrides: SessionSettings
    /// Resolved credential sets by name.
    public var credentialSets: [String: CimCredentials]
    /// Used when the profile names no credential set (the CLI's flags, environment, credential file
    /// or ticket cache).
    public var defaultCredentials: CimCredentials

    public init(hosts: [HostTarget], profile: CollectionProfile, baseOptions: CimSessionOptions = CimSessionOptions(),
                overrides: SessionSettings = SessionSettings(), credentialSets: [String: CimCredentials] = [:],
                defaultCredentials: CimCredentials = .ambient) {
        self.hosts = hosts
        self.profile = profile
        self.baseOptions = baseOptions
        self.overrides = overrides
        self.credentialSets = credentialSets
        self.defaultCredentials = defaultCredentials
    }

    func visit(_ host: HostTarget, snapshot: SnapshotID, settings: CollectorOptions, transport: Transport, writer: StoreWriter,
               stop: SweepStop, logger: Logger, events: @escaping @Sendable (SweepEvent) -> Void,
               finished: @escaping @Sendable (Result<HostOutcome, StoreError>) -> Void) -> HostVisit {
        let (options, names) = profile.connection(for: host, base: baseOptions, overrides: overrides)
        let credentials = names.isEmpty ? [defaultCredentials] : names.map { credentialSets[$0] ?? .ambient }
        var hostLogger = logger
        hostLogger[metadataKey: "host"] = "\(host.name)"
        return HostVisit(host: host, snapshot: snapshot, classes: profile.classes, options: options, credentials: credentials,
                         settings: settings, transport: transport, writer: writer, stop: stop, logger: hostLogger, events: events,
                         finished: finished)
    }
}
