import ChildProcessSupport
import Collector
import Foundation
import Inventory
import Logging
import Simulator
import Testing

extension AuthSuites {
    /// `cimsweep collect` with a TOML profile's credential sets, against simulated hosts each behind its own
    /// pyspnego acceptor, which requires sealed messages over HTTP, unseals them, forwards them to its host
    /// (Basic, behind it) and seals the answer.
    @Suite struct CollectAuthTests {
        /// The names the sweep uses: each has an `HTTP/<name>` principal in the realm and its own acceptor.
        static let hostNames = ["localhost", "127.0.0.1", "127.0.0.2"]

        struct Lab {
            var realm: AuthLab.Realm
            var acceptors: [AuthLab.Acceptor]
            var fleet: SimulatedFleet
            var directory: URL { realm.directory }
            var database: String { realm.path("inventory.sqlite") }

            /// A hosts file naming each acceptor as `name:port`.
            func hostsFile() throws -> String {
                let path = realm.path("hosts.txt")
                try zip(hostNames, acceptors).map { "\($0):\($1.httpPort)\n" }.joined()
                    .write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
        }

        static func withLab(hosts: Int, _ body: (Lab) async throws -> Void) async throws {
            let realm = try await AuthLab.Realm()
            var configuration = FleetConfiguration()
            configuration.hostCount = hosts
            configuration.seed = 11
            configuration.port = 0
            configuration.credentials = SimulatorCredentials(username: SessionAuthTests.simulatorUser,
                                                             password: SessionAuthTests.simulatorPassword)
            try await SimulatedFleet.run(configuration, logger: Logger(label: "sim")) { fleet in
                var acceptors: [AuthLab.Acceptor] = []
                for (index, host) in fleet.hosts.enumerated() {
                    var options = AuthLab.Acceptor.Options()
                    options.bind = hostNames[index] == "localhost" ? "127.0.0.1" : hostNames[index]
                    options.requireEncryption = true
                    options.upstream = ("http://\(host.address):\(host.port)/wsman",
                                        "\(SessionAuthTests.simulatorUser):\(SessionAuthTests.simulatorPassword)")
                    acceptors.append(try await AuthLab.Acceptor(realm: realm, options: options))
                }
                try await body(Lab(realm: realm, acceptors: acceptors, fleet: fleet))
            }
        }

        /// Runs `collect` with `toml` as its configuration and `profile`.
        static func collect(_ lab: Lab, toml: String, profile: String, environment: [String: String]) async throws -> ChildProcess.Result {
            let binary = try #require(SessionAuthTests.cimsweepBinary(), "the cimsweep binary is not built next to the tests")
            let config = lab.realm.path("cimsweep.toml")
            try toml.write(toFile: config, atomically: true, encoding: .utf8)
            return try await SessionAuthTests.run(
                binary,
                ["collect", "--hosts", try lab.hostsFile(), "--db", lab.database, "--config", config, "--profile", profile,
                 "--retries", "0", "--log-level", "trace"],
                environment: environment.merging(["KRB5_CONFIG": lab.realm.krb5Config]) { $1 })
        }

        /// Every host × class of the last snapshot is ok and holds as many instances as the simulated host.
        static func expectEverythingCollected(_ lab: Lab) throws {
            let store = try SnapshotStore(path: lab.database, readOnly: true)
            let snapshot = try #require(try store.snapshots().last)
            let observations = try store.observations(snapshot.id)
            let classes = CollectionProfile.builtinDefault.classes
            #expect(observations.count == lab.acceptors.count * classes.count)
            for (index, name) in hostNames.prefix(lab.acceptors.count).enumerated() {
                for spec in classes {
                    let observation = try #require(observations.first { $0.host == name && $0.className == spec.className })
                    #expect(observation.status == .ok, "\(name) \(spec.className): \(observation.errorDetail ?? "")")
                    let truth = lab.fleet.instances(host: index, className: spec.className) ?? []
                    #expect(observation.instanceCount == truth.count, "\(name) \(spec.className)")
                }
            }
        }

        /// The database and its write-ahead log contain none of `secrets`.
        static func expectNotInDatabase(_ lab: Lab, _ secrets: [Data]) {
            for suffix in ["", "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: lab.database + suffix))) ?? Data()
                for secret in secrets { #expect(bytes.range(of: secret) == nil, "a secret is in \(lab.database + suffix)") }
            }
        }

        /// The keys in a keytab (`klist -k -K`), as bytes and as the hex text klist shows.
        static func keytabKeys(_ realm: AuthLab.Realm) async throws -> [String] {
            let listing = try await AuthLab.run("/usr/bin/klist", ["-k", "-K", realm.userKeytab], environment: realm.environment)
            return listing.matches(of: /\(0x([0-9a-f]+)\)/).map { String($0.output.1) }
        }

        /// A profile whose ticket cache is missing falls back to its keytab set, for three hosts, sealed.
        @Test func aKerberosProfileCollectsEveryHostAndFallsBackFromAMissingCacheToAKeytab() async throws {
            try await Self.withLab(hosts: 3) { lab in
                let toml = """
                    [credentials.cron-cache]
                    ccache = "FILE:\(lab.realm.path("no-such-ccache"))"

                    [credentials.service-keytab]
                    keytab = "\(lab.realm.userKeytab)"
                    principal = "alice@CIMSWEEP.TEST"

                    [profiles.kerberos]
                    extends = "default"
                    auth = "kerberos"
                    credentials = ["cron-cache", "service-keytab"]
                    """
                let result = try await Self.collect(lab, toml: toml, profile: "kerberos",
                                                    environment: ["KRB5CCNAME": "FILE:" + lab.realm.path("no-ambient-ccache")])
                #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr.suffix(3_000))")
                #expect(result.stdout.contains("3/3 hosts complete"), "\(result.stdout)")
                try Self.expectEverythingCollected(lab)
                for acceptor in lab.acceptors {
                    #expect(acceptor.log.contains("via kerberos/kerberos"))
                    #expect(!acceptor.log.contains("unencrypted body refused"))
                }
                let keys = try await Self.keytabKeys(lab.realm)
                #expect(!keys.isEmpty)
                for key in keys {
                    #expect(!result.stdout.contains(key) && !result.stderr.contains(key))
                }
                let keyBytes = keys.map { hex in
                    Data(stride(from: 0, to: hex.count, by: 2).map { offset in
                        let start = hex.index(hex.startIndex, offsetBy: offset)
                        return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
                    })
                }
                Self.expectNotInDatabase(lab, keyBytes + keys.map { Data($0.utf8) })
            }
        }

        /// NTLM with passwords from the environment: the first set's password is wrong, the second's right.
        @Test func anNTLMProfileFallsBackFromAWrongPasswordToTheNextSet() async throws {
            try await Self.withLab(hosts: 2) { lab in
                let toml = """
                    [credentials.old]
                    username = 'CIMSWEEP\\alice'
                    password_env = "OLD_NTLM_PASSWORD"

                    [credentials.current]
                    username = 'CIMSWEEP\\alice'
                    password_env = "CURRENT_NTLM_PASSWORD"

                    [profiles.ntlm]
                    extends = "default"
                    auth = "ntlm"
                    credentials = ["old", "current"]
                    """
                let wrongPassword = "Retired-pw-3377!x"
                let result = try await Self.collect(lab, toml: toml, profile: "ntlm", environment: [
                    "OLD_NTLM_PASSWORD": wrongPassword, "CURRENT_NTLM_PASSWORD": AuthLab.password,
                ])
                #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr.suffix(3_000))")
                #expect(result.stdout.contains("2/2 hosts complete"), "\(result.stdout)")
                #expect(result.stderr.contains("trying the next one"))
                try Self.expectEverythingCollected(lab)
                for acceptor in lab.acceptors {
                    #expect(acceptor.log.contains("via negotiate/ntlm"), "\(acceptor.log.suffix(2_000))")
                    #expect(acceptor.log.contains("auth failure"))
                }
                for secret in [AuthLab.password, wrongPassword] {
                    #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
                }
                Self.expectNotInDatabase(lab, [Data(AuthLab.password.utf8), Data(wrongPassword.utf8)])
            }
        }
    }
}
