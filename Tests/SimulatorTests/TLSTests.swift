import ChildProcessSupport
import Foundation
import Simulator
import Testing

/// `--tls`: a throwaway CA and per-host certificates whose SANs name the IP and the hostname; curl
/// verifies them against the written `ca.pem`.
@Suite struct TLSTests {
    static func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.run("/usr/bin/curl", arguments)
        return (result.status, result.stdout + result.stderr)
    }

    @Test func curlVerifiesHostCertificatesByIPAndHostname() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sim-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = Fixture.configuration(hosts: 2)
        configuration.tls = TLSSetup(directory: directory)
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let ca = try #require(fleet.caCertificatePath)
            let host = fleet.hosts[1]
            #expect(host.url.hasPrefix("https://\(host.address):"))
            let identify = ["-sS", "--cacert", ca, "-H", "WSMANIDENTIFY: unauthenticated", "-H", "Content-Type: application/soap+xml;charset=UTF-8",
                            "--data", Fixture.identify]
            let byIP = try await Self.curl(identify + [host.url])
            #expect(byIP.status == 0, "\(byIP.output)")
            #expect(byIP.output.contains("Stack: 3.0"))
            let byName = try await Self.curl(identify + ["--resolve", "\(host.hostname):\(host.port):\(host.address)",
                                                        "https://\(host.hostname):\(host.port)/wsman"])
            #expect(byName.status == 0, "\(byName.output)")
            let untrusted = try await Self.curl(["-sS", "--data", Fixture.identify, host.url])
            #expect(untrusted.status != 0)
        }
    }
}
