import CIM
import ChildProcessSupport
import CIMModel
import Foundation
import InMemoryLogging
import Logging
import Simulator
import Testing
import Transport

extension AuthSuites {
    /// CimSession and the cimsweep binary through pyspnego, which unseals each request, forwards it to a
    /// simulated host (Basic, behind it) and seals the simulator's answer.
    @Suite struct SessionAuthTests {
        static let simulatorUser = "sim-user"
        static let simulatorPassword = "Sim-behind-acceptor-4411"

        static func withSimulatorBehindAcceptor(
            _ body: (AuthLab.Realm, AuthLab.Acceptor, SimulatedFleet) async throws -> Void
        ) async throws {
            let realm = try await AuthLab.Realm()
            var configuration = FleetConfiguration()
            configuration.hostCount = 1
            configuration.seed = 7
            configuration.port = 0
            configuration.credentials = SimulatorCredentials(username: simulatorUser, password: simulatorPassword)
            try await SimulatedFleet.run(configuration, logger: Logger(label: "sim")) { fleet in
                let host = fleet.hosts[0]
                var options = AuthLab.Acceptor.Options()
                options.requireEncryption = true
                options.upstream = ("http://\(host.address):\(host.port)/wsman", "\(simulatorUser):\(simulatorPassword)")
                let acceptor = try await AuthLab.Acceptor(realm: realm, options: options)
                try await body(realm, acceptor, fleet)
            }
        }

        @Test func aSealedEnumerationOfMoreThanHalfAMegabyteMatchesTheHost() async throws {
            try await Self.withSimulatorBehindAcceptor { realm, acceptor, fleet in
                var options = CimSessionOptions()
                options.port = acceptor.httpPort
                options.authentication = .kerberos
                options.maxEnvelopeSize = 512_000
                options.maxElements = 5_000
                let handler = { var handler = InMemoryLogHandler(); handler.logLevel = .trace; return handler }()
                var logger = Logger(label: "auth-tests") { _ in handler }
                logger.logLevel = .trace
                var received: [CimInstance] = []
                try await Transport.withTransport(logger: logger) { transport in
                    let session = try CimSession(
                        host: "localhost", options: options, credentials: .ticketCache(realm.ticketCache), transport: transport,
                        logger: logger)
                    for className in ["Win32_Process", "Win32_Service"] {
                        for try await item in session.enumerate(className: className) {
                            received.append(try #require(item.instance))
                        }
                    }
                }
                let processes = try #require(fleet.instances(host: 0, className: "Win32_Process"))
                let services = try #require(fleet.instances(host: 0, className: "Win32_Service"))
                #expect(received.count == processes.count + services.count)
                #expect(received.filter { $0.className == "Win32_Process" }.map { $0["Handle"] } == processes.map { $0["Handle"] })
                // Every exchange went through sealing; the plaintext the parser saw adds up to > 500 kB.
                let exchanged = handler.entries.filter { $0.message.description == "wsman exchange" }
                    .compactMap { Int($0.metadata["bytes"]?.description ?? "") }
                #expect(exchanged.reduce(0, +) > 500_000, "plaintext bytes: \(exchanged)")
                #expect(acceptor.log.contains("via kerberos/kerberos"))
                #expect(!acceptor.log.contains("unencrypted body refused"))
            }
        }

        @Test func getWithNTLMFromTheCLIKeepsThePasswordOutOfEveryOutput() async throws {
            let binary = try #require(Self.cimsweepBinary(), "the cimsweep binary is not built next to the tests")
            try await Self.withSimulatorBehindAcceptor { realm, acceptor, fleet in
                let arguments = ["get", "localhost", "Win32_OperatingSystem", "--port", "\(acceptor.httpPort)", "--auth", "ntlm",
                                 "--log-level", "trace"]
                let good = try await Self.run(binary, arguments, environment: [
                    "CIMSWEEP_USERNAME": "CIMSWEEP\\alice", "CIMSWEEP_PASSWORD": AuthLab.password,
                ])
                #expect(good.status == 0, "stderr: \(good.stderr)")
                let caption = try #require(fleet.instances(host: 0, className: "Win32_OperatingSystem")?.first?["Caption"]?.stringValue)
                #expect(good.stdout.contains(caption))
                let wrongPassword = "Wr0ng-but-secret-9921"
                let bad = try await Self.run(binary, arguments, environment: [
                    "CIMSWEEP_USERNAME": "CIMSWEEP\\alice", "CIMSWEEP_PASSWORD": wrongPassword,
                ])
                #expect(bad.status != 0)
                #expect(bad.stderr.contains("localhost: authenticate failed"), "stderr: \(bad.stderr)")
                for output in [good.stdout, good.stderr, bad.stdout, bad.stderr] {
                    #expect(!output.contains(AuthLab.password))
                    #expect(!output.contains(wrongPassword))
                }
                #expect(acceptor.log.contains("via negotiate/ntlm"))
                _ = realm
            }
        }

        @Test func kerberosFromAKeytabFlagAndAnUnknownSPNFromTheCLI() async throws {
            let binary = try #require(Self.cimsweepBinary(), "the cimsweep binary is not built next to the tests")
            try await Self.withSimulatorBehindAcceptor { realm, acceptor, _ in
                let base = ["get", "localhost", "Win32_BIOS", "--port", "\(acceptor.httpPort)", "--auth", "kerberos"]
                let environment = ["KRB5_CONFIG": realm.krb5Config, "KRB5CCNAME": "FILE:" + realm.path("no-such-cache")]
                let keytab = try await Self.run(binary, base + ["--keytab", realm.userKeytab, "--principal", "alice@CIMSWEEP.TEST"],
                                          environment: environment)
                #expect(keytab.status == 0, "stderr: \(keytab.stderr)")
                let noTicket = try await Self.run(binary, base, environment: environment)
                #expect(noTicket.status != 0)
                #expect(noTicket.stderr.contains("localhost: authenticate failed") && noTicket.stderr.contains("kinit"),
                        "stderr: \(noTicket.stderr)")
                let unknownSPN = try await Self.run(binary, base + ["--keytab", realm.userKeytab, "--spn", "HTTP/nowhere.cimsweep.test"],
                                              environment: environment)
                #expect(unknownSPN.status != 0)
                #expect(unknownSPN.stderr.contains("HTTP/nowhere.cimsweep.test"), "stderr: \(unknownSPN.stderr)")
            }
        }

        @Test func switchingSealingOffWarnsAndAStrictHostRefusesIt() async throws {
            let binary = try #require(Self.cimsweepBinary(), "the cimsweep binary is not built next to the tests")
            try await Self.withSimulatorBehindAcceptor { realm, acceptor, _ in
                let base = ["get", "localhost", "Win32_BIOS", "--port", "\(acceptor.httpPort)", "--auth", "kerberos"]
                let environment = ["KRB5_CONFIG": realm.krb5Config, "KRB5CCNAME": realm.ticketCache]
                let refusedHere = try await Self.run(binary, base + ["--no-encryption"], environment: environment)
                #expect(refusedHere.status != 0 && refusedHere.stderr.contains("--allow-unencrypted"), "stderr: \(refusedHere.stderr)")
                let refusedThere = try await Self.run(binary, base + ["--no-encryption", "--allow-unencrypted"], environment: environment)
                #expect(refusedThere.stderr.contains("warning: --no-encryption"))
                #expect(refusedThere.status != 0 && refusedThere.stderr.contains("localhost: send failed: the server refused an unsealed message"),
                        "stderr: \(refusedThere.stderr)")
                let sealed = try await Self.run(binary, base, environment: environment)
                #expect(sealed.status == 0 && !sealed.stderr.contains("warning"), "stderr: \(sealed.stderr)")
            }
        }

        // MARK: - Running the binary

        static func cimsweepBinary() -> URL? {
            let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for candidate in [directory, directory.deletingLastPathComponent()] {
                let url = candidate.appendingPathComponent("cimsweep")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            return nil
        }

        /// Runs the binary with this process's environment minus any credential, plus `environment`.
        static func run(_ binary: URL, _ arguments: [String], environment: [String: String]) async throws -> ChildProcess.Result {
            var merged = ProcessInfo.processInfo.environment
            for key in ["CIMSWEEP_USERNAME", "CIMSWEEP_PASSWORD", "KRB5CCNAME", "NTLM_USER_FILE"] { merged[key] = nil }
            merged.merge(environment) { $1 }
            return try await ChildProcess.run(binary.path, arguments, environment: merged)
        }
    }
}
