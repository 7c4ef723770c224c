import CIM
import Collector
import Foundation
import Testing

@Suite struct HostsFileTests {
    @Test func readsEveryFormWithTagsAndComments() throws {
        let hosts = try HostsFile.parse("""
            # the fleet
            dc01.corp.example            dc
            web01.corp.example:5986      web, prod
            https://sql01.corp.example:5986/wsman   sql
            http://10.0.0.7
            [fd00::12]:5985              # a comment after a host

            """)
        #expect(hosts == [
            HostTarget(name: "dc01.corp.example", tags: ["dc"]),
            HostTarget(name: "web01.corp.example", port: 5986, tags: ["web", "prod"]),
            HostTarget(name: "sql01.corp.example", port: 5986, usesTLS: true, tags: ["sql"]),
            HostTarget(name: "10.0.0.7", usesTLS: false),
            HostTarget(name: "fd00::12", port: 5985),
        ])
    }

    @Test(arguments: [
        ("a.example\nA.EXAMPLE\n", "line 2: A.EXAMPLE is already listed on line 1"),
        ("ftp://a.example\n", "line 1: only http:// and https://"),
        ("a.example:0\n", "line 1: the port must be a number from 1 to 65535"),
        ("fd00::12\n", "line 1: write an IPv6 address in brackets"),
        ("a.example b.example:5985\n", "line 1: 'b.example:5985' is not a tag"),
    ])
    func refusesWhatItCannotMean(_ text: String, _ message: String) {
        #expect { try HostsFile.parse(text) } throws: { "\($0)".hasPrefix(message) }
    }
}

@Suite struct CollectorConfigurationTests {
    static let sample = #"""
        [credentials.ops]
        username = 'CORP\svc-inventory'
        password_env = "OPS_PASSWORD"

        [credentials.lab]
        file = "/etc/cimsweep/lab.cred"

        [credentials.kerberos]
        keytab = "/etc/cimsweep/svc.keytab"
        principal = "svc-inventory@CORP.EXAMPLE"

        [profiles.servers]
        credentials = ["ops", "lab"]
        ssl = true
        operation_timeout = "30s"
        add_classes = [{ class = "Win32_Service", where = "StartMode = 'Auto'", properties = ["Name", "State"] }]

        [profiles.servers.groups.dmz]
        port = 15986
        credentials = ["lab"]

        [profiles.tiny]
        classes = ["Win32_BIOS", { class = "MSFT_NetAdapter", namespace = "root/StandardCimv2" }]
        """#

    @Test func profilesExtendTheDefaultAndGroupsOverride() throws {
        let configuration = try CollectorConfiguration(toml: Self.sample, source: "cimsweep.toml")
        let servers = try configuration.profile(named: "servers")
        #expect(servers.classes.count == CollectionProfile.builtinDefault.classes.count + 1)
        #expect(servers.classes.last == ClassSpec("Win32_Service", whereClause: "StartMode = 'Auto'", properties: ["Name", "State"]))
        let plain = servers.connection(for: HostTarget(name: "app01"), base: CimSessionOptions())
        #expect(plain.options.useSSL && plain.options.effectivePort == 5986 && plain.options.operationTimeout == .seconds(30))
        #expect(plain.credentials == ["ops", "lab"])
        let dmz = servers.connection(for: HostTarget(name: "edge01", tags: ["dmz"]), base: CimSessionOptions())
        #expect(dmz.options.effectivePort == 15986 && dmz.credentials == ["lab"])
        let explicit = servers.connection(for: HostTarget(name: "edge02", port: 443, usesTLS: true, tags: ["dmz"]), base: CimSessionOptions())
        #expect(explicit.options.effectivePort == 443)

        #expect(try configuration.profile(named: "tiny").classes.map(\.namespace) == ["root/cimv2", "root/StandardCimv2"])
        #expect(try configuration.profile(named: "default").classes == CollectionProfile.builtinDefault.classes)
        #expect(CollectionProfile.builtinDefault.classes.allSatisfy { $0.className != "Win32_Product" })
    }

    @Test func sessionFlagsGivenOnTheCommandLineOverrideProfileAndGroupsButNotAHostsLine() throws {
        let servers = try CollectorConfiguration(toml: Self.sample, source: "cimsweep.toml").profile(named: "servers")
        var flags = SessionSettings()
        flags.operationTimeout = .seconds(5)
        flags.port = 6000
        let plain = servers.connection(for: HostTarget(name: "app01"), base: CimSessionOptions(), overrides: flags)
        #expect(plain.options.operationTimeout == .seconds(5) && plain.options.effectivePort == 6000)
        #expect(plain.options.useSSL, "what the flags leave out still comes from the profile")
        let dmz = servers.connection(for: HostTarget(name: "edge01", tags: ["dmz"]), base: CimSessionOptions(), overrides: flags)
        #expect(dmz.options.effectivePort == 6000)
        let explicit = servers.connection(for: HostTarget(name: "edge02", port: 443, usesTLS: true, tags: ["dmz"]),
                                          base: CimSessionOptions(), overrides: flags)
        #expect(explicit.options.effectivePort == 443)
    }

    @Test func credentialSetsReadSecretsOnlyFromTheEnvironmentOrAPrivateFile() throws {
        let configuration = try CollectorConfiguration(toml: Self.sample, source: "cimsweep.toml")
        let ops = try #require(configuration.credentialSets["ops"])
        guard case .password(let credential) = try ops.resolve(environment: ["OPS_PASSWORD": "pw"]) else {
            Issue.record("a username + password_env set resolves to a password")
            return
        }
        #expect(credential.username == #"CORP\svc-inventory"#)
        #expect { try ops.resolve(environment: [:]) } throws: { "\($0)".contains("OPS_PASSWORD is not set") }

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cimsweep-cred-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "username=lab\npassword=pw\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        #expect { try CredentialFile.read(file.path) } throws: { "\($0)".contains("chmod 600") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        #expect(try CredentialFile.read(file.path).username == "lab")
    }

    @Test(arguments: [
        ("[profiles.p]\nthrottle = 3\n", "cimsweep.toml: profiles.p.throttle: unknown key"),
        ("[credentials.c]\nusername = 'u'\npassword = 'p'\n", "cimsweep.toml: credentials.c: passwords never go in the configuration"),
        ("[credentials.c]\nkeytab = '/k'\nccache = 'FILE:/c'\n", "cimsweep.toml: credentials.c: give exactly one of"),
        ("[profiles.p]\nclasses = []\n", "cimsweep.toml: profiles.p: collects no classes"),
        ("[profiles.p]\nextends = 'q'\n[profiles.q]\nextends = 'p'\n", "cimsweep.toml: profiles.p: extends itself"),
        ("[profiles.p]\noperation_timeout = 'soon'\n", "cimsweep.toml: profiles.p.operation_timeout: expected a duration"),
        ("[profiles.p]\nauth = 'magic'\n", "cimsweep.toml: profiles.p.auth: unknown authentication 'magic'"),
        ("[profiles.p\n", "cimsweep.toml: line 1"),
    ])
    func refusesMistakesWithTheKeyPath(_ text: String, _ message: String) {
        #expect { try CollectorConfiguration(toml: text, source: "cimsweep.toml") } throws: { "\($0)".hasPrefix(message) }
    }

    @Test func aProfileNamingAnUndefinedCredentialSetIsRefused() throws {
        let configuration = try CollectorConfiguration(toml: "[profiles.p]\ncredentials = ['nobody']\n", source: "c.toml")
        #expect { try configuration.profile(named: "p") } throws: { "\($0)".contains("'nobody', which is not defined") }
        #expect { try configuration.profile(named: "nope") } throws: { "\($0)".contains("no profile 'nope'") }
    }

    @Test func durationsReadAsPeopleWriteThem() {
        #expect(DurationText.parse("90s") == .seconds(90))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("30d") == .seconds(30 * 86_400))
        #expect(DurationText.parse("15") == .seconds(15))
        #expect(DurationText.parse("soon") == nil && DurationText.parse("0s") == nil && DurationText.parse("") == nil)
    }
}
