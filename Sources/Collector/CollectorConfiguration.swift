/// Profiles and credential sets, from a TOML file (see `docs/COLLECT.md`) merged over the built-in
/// `default` profile.
public struct CollectorConfiguration: Sendable {
    public var profiles: [String: CollectionProfile]
    public var credentialSets: [String: CredentialSet]

    public init(profiles: [String: CollectionProfile] = [:], credentialSets: [String: CredentialSet] = [:]) {
        self.profiles = profiles
        self.credentialSets = credentialSets
        if self.profiles["default"] == nil { self.profiles["default"] = .builtinDefault }
    }

    /// The profile to sweep with.
    /// - Throws: when there is no such profile, or it names a credential set that does not exist.
    public func profile(named name: String) throws(CollectorConfigurationError) -> CollectionProfile {
        guard let profile = profiles[name] else {
            throw CollectorConfigurationError("no profile '\(name)'; known: \(profiles.keys.sorted().joined(separator: ", "))")
        }
        let named = profile.credentials + profile.groups.values.flatMap(\.credentials)
        for set in named where credentialSets[set] == nil {
            throw CollectorConfigurationError("profile '\(name)' uses credential set '\(set)', which is not defined under [credentials]")
        }
        return profile
    }
}

extension CollectionProfile {
    /// What `cimsweep collect` sweeps without a configuration: a host's identity, hardware, software
    /// state and network, about 450 instances on a typical server. Win32_Product is left out on purpose.
    public static let builtinDefault = CollectionProfile(name: "default", classes: [
        ClassSpec("Win32_OperatingSystem"),
        ClassSpec("Win32_ComputerSystem"),
        ClassSpec("Win32_BIOS"),
        ClassSpec("Win32_Process"),
        ClassSpec("Win32_Service"),
        ClassSpec("Win32_LogicalDisk"),
        ClassSpec("Win32_QuickFixEngineering"),
        ClassSpec("MSFT_NetAdapter", namespace: "root/StandardCimv2"),
        ClassSpec("MSFT_NetIPAddress", namespace: "root/StandardCimv2"),
    ])
}
