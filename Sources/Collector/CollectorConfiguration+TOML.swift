import CIM
import TOMLKit

extension CollectorConfiguration {
    /// Reads a TOML configuration. Unknown keys are errors, so a typo never silently changes a sweep.
    ///
    /// ```toml
    /// [credentials.ops]
    /// username = 'CORP\svc-inventory'
    /// password_env = "CIMSWEEP_OPS_PASSWORD"     # or: file = "/etc/cimsweep/ops.cred" (0600)
    ///
    /// [profiles.servers]
    /// extends = "default"                        # classes and settings to start from
    /// credentials = ["ops"]                      # tried in order while one fails to authenticate
    /// ssl = true
    /// add_classes = [{ class = "Win32_Service", where = "StartMode = 'Auto'", properties = ["Name", "State"] }]
    ///
    /// [profiles.servers.groups.dmz]              # hosts tagged `dmz` in the hosts file
    /// port = 5986
    /// ```
    public init(toml text: String, source: String) throws(CollectorConfigurationError) {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw CollectorConfigurationError("\(source): \(error.source.begin.debugDescription): \(error.description)")
        } catch {
            throw CollectorConfigurationError("\(source): \(error)")
        }
        let reader = TOMLReader(source: source)
        try reader.allow(root, keys: ["profiles", "credentials"], at: "")
        var sets: [String: CredentialSet] = [:]
        for (name, value) in try reader.tables(root["credentials"], at: "credentials") {
            sets[name] = try reader.credentialSet(name, value)
        }
        var raw: [String: TOMLTable] = [:]
        for (name, value) in try reader.tables(root["profiles"], at: "profiles") { raw[name] = value }
        var profiles: [String: CollectionProfile] = [:]
        for name in raw.keys.sorted() {
            profiles[name] = try reader.profile(name, raw: raw, resolving: [])
        }
        self.init(profiles: profiles, credentialSets: sets)
    }
}

/// Walks a parsed TOML document, with errors that name the file and the key path.
struct TOMLReader {
    let source: String

    func fail(_ path: String, _ message: String) -> CollectorConfigurationError {
        CollectorConfigurationError("\(source): \(path.isEmpty ? "" : path + ": ")\(message)")
    }

    func allow(_ table: TOMLTable, keys: Set<String>, at path: String) throws(CollectorConfigurationError) {
        for key in table.keys where !keys.contains(key) {
            throw fail(path.isEmpty ? key : path + "." + key, "unknown key (expected one of: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    func tables(_ value: TOMLValueConvertible?, at path: String) throws(CollectorConfigurationError) -> [(String, TOMLTable)] {
        guard let value else { return [] }
        guard let table = value.table else { throw fail(path, "expected a table") }
        var result: [(String, TOMLTable)] = []
        for key in table.keys {
            guard let inner = table[key]?.table else { throw fail(path + "." + key, "expected a table") }
            result.append((key, inner))
        }
        return result
    }

    func string(_ table: TOMLTable, _ key: String, at path: String) throws(CollectorConfigurationError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw fail(path + "." + key, "expected a string") }
        return text
    }

    func bool(_ table: TOMLTable, _ key: String, at path: String) throws(CollectorConfigurationError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw fail(path + "." + key, "expected true or false") }
        return flag
    }

    func int(_ table: TOMLTable, _ key: String, at path: String, range: ClosedRange<Int>) throws(CollectorConfigurationError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            throw fail(path + "." + key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func duration(_ table: TOMLTable, _ key: String, at path: String) throws(CollectorConfigurationError) -> Duration? {
        guard let value = table[key] else { return nil }
        if let seconds = value.int, seconds > 0 { return .seconds(seconds) }
        guard let text = value.string, let duration = DurationText.parse(text) else {
            throw fail(path + "." + key, "expected a duration such as \"30s\" or \"2m\"")
        }
        return duration
    }

    func strings(_ table: TOMLTable, _ key: String, at path: String) throws(CollectorConfigurationError) -> [String]? {
        guard let value = table[key] else { return nil }
        if let single = value.string { return [single] }
        guard let array = value.array else { throw fail(path + "." + key, "expected a list of strings") }
        var result: [String] = []
        for element in array {
            guard let text = element.string else { throw fail(path + "." + key, "expected a list of strings") }
            result.append(text)
        }
        return result
    }

    func credentialSet(_ name: String, _ table: TOMLTable) throws(CollectorConfigurationError) -> CredentialSet {
        let path = "credentials." + name
        if table["password"] != nil || table["secret"] != nil {
            throw fail(path, "passwords never go in the configuration: use password_env or a 0600 file")
        }
        try allow(table, keys: ["username", "password_env", "file", "ccache", "keytab", "principal", "cert", "cert_key"], at: path)
        let kinds = ["file", "ccache", "keytab", "cert", "password_env"].filter { table[$0] != nil }
        guard kinds.count == 1 else {
            throw fail(path, "give exactly one of: username with password_env, file, ccache, keytab (with principal), cert (with cert_key)")
        }
        let source: CredentialSet.Source
        switch kinds[0] {
        case "file": source = .file(path: try string(table, "file", at: path)!)
        case "ccache": source = .ticketCache(try string(table, "ccache", at: path)!)
        case "keytab": source = .keytab(path: try string(table, "keytab", at: path)!, principal: try string(table, "principal", at: path))
        case "cert": source = .certificate(path: try string(table, "cert", at: path)!, key: try string(table, "cert_key", at: path))
        default:
            guard let username = try string(table, "username", at: path) else { throw fail(path, "password_env needs username") }
            source = .environment(username: username, passwordVariable: try string(table, "password_env", at: path)!)
        }
        return CredentialSet(name: name, source: source)
    }

    static let sessionKeys: Set<String> = [
        "port", "ssl", "auth", "allow_unencrypted", "skip_ca_check", "skip_cn_check", "ca_file", "connect_timeout",
        "operation_timeout", "max_elements", "max_envelope_size_kb", "locale", "omi",
    ]

    func session(_ table: TOMLTable, at path: String) throws(CollectorConfigurationError) -> SessionSettings {
        var settings = SessionSettings()
        settings.port = try int(table, "port", at: path, range: 1...65_535)
        settings.useSSL = try bool(table, "ssl", at: path)
        if let auth = try string(table, "auth", at: path) {
            guard let mechanism = CimSessionOptions.AuthenticationMechanism(rawValue: auth.lowercased()) else {
                let known = CimSessionOptions.AuthenticationMechanism.allCases.map(\.rawValue).joined(separator: ", ")
                throw fail(path + ".auth", "unknown authentication '\(auth)' (known: \(known))")
            }
            settings.authentication = mechanism
        }
        settings.allowUnencrypted = try bool(table, "allow_unencrypted", at: path)
        settings.skipCACheck = try bool(table, "skip_ca_check", at: path)
        settings.skipCNCheck = try bool(table, "skip_cn_check", at: path)
        settings.caFile = try string(table, "ca_file", at: path)
        settings.connectTimeout = try duration(table, "connect_timeout", at: path)
        settings.operationTimeout = try duration(table, "operation_timeout", at: path)
        settings.maxElements = try int(table, "max_elements", at: path, range: 1...32_000)
        settings.maxEnvelopeSize = try int(table, "max_envelope_size_kb", at: path, range: 8...1_024).map { $0 * 1024 }
        settings.locale = try string(table, "locale", at: path)
        settings.omi = try bool(table, "omi", at: path)
        return settings
    }

    func classes(_ table: TOMLTable, _ key: String, at path: String) throws(CollectorConfigurationError) -> [ClassSpec]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw fail(path + "." + key, "expected a list of classes") }
        var specs: [ClassSpec] = []
        for (index, element) in array.enumerated() {
            let elementPath = "\(path).\(key)[\(index)]"
            if let name = element.string {
                specs.append(ClassSpec(name))
                continue
            }
            guard let entry = element.table else { throw fail(elementPath, "expected a class name or { class = … }") }
            try allow(entry, keys: ["class", "namespace", "where", "properties"], at: elementPath)
            guard let name = try string(entry, "class", at: elementPath) else { throw fail(elementPath, "needs class = \"…\"") }
            specs.append(ClassSpec(name, namespace: try string(entry, "namespace", at: elementPath) ?? "root/cimv2",
                                   whereClause: try string(entry, "where", at: elementPath),
                                   properties: try strings(entry, "properties", at: elementPath)))
        }
        return specs
    }

    func profile(_ name: String, raw: [String: TOMLTable], resolving: [String]) throws(CollectorConfigurationError) -> CollectionProfile {
        let path = "profiles." + name
        guard !resolving.contains(name) else { throw fail(path, "extends itself through \(resolving.joined(separator: " → "))") }
        guard let table = raw[name] else {
            guard name == "default" else { throw fail(path, "is not defined") }
            return .builtinDefault
        }
        try allow(table, keys: Self.sessionKeys.union(["extends", "classes", "add_classes", "credentials", "groups"]), at: path)
        var profile = CollectionProfile(name: name, classes: [])
        let base = try string(table, "extends", at: path) ?? (name == "default" ? nil : "default")
        if let base {
            profile = try self.profile(base, raw: raw, resolving: resolving + [name])
            profile.name = name
        }
        if let classes = try classes(table, "classes", at: path) { profile.classes = classes }
        profile.classes += try classes(table, "add_classes", at: path) ?? []
        guard !profile.classes.isEmpty else { throw fail(path, "collects no classes: give classes = [...]") }
        let own = try session(table, at: path)
        profile.session = profile.session.overlaid(by: own)
        if let credentials = try strings(table, "credentials", at: path) { profile.credentials = credentials }
        for (tag, groupTable) in try tables(table["groups"], at: path + ".groups") {
            let groupPath = path + ".groups." + tag
            try allow(groupTable, keys: Self.sessionKeys.union(["credentials"]), at: groupPath)
            profile.groups[tag] = CollectionProfile.GroupOverride(session: try session(groupTable, at: groupPath),
                                                                  credentials: try strings(groupTable, "credentials", at: groupPath) ?? [])
        }
        return profile
    }
}
