import CIM
import Foundation
import Simulator
import Testing
import Transport

@Suite struct HTTPSSessionTests {
    private func withTLSFleet(_ body: (SimulatedFleet, Transport) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cimsweep-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = FleetFixture.configuration(hosts: 1)
        configuration.tls = TLSSetup(directory: directory)
        try await FleetFixture.withFleet(configuration, body)
    }

    @Test func verifiesAgainstTheFleetCAWhenGivenIt() async throws {
        try await withTLSFleet { fleet, transport in
            var options = FleetFixture.options(for: fleet.hosts[0])
            #expect(options.useSSL)
            options.allowUnencrypted = false
            options.tls.caFile = try #require(fleet.caCertificatePath)
            let session = try FleetFixture.session(fleet, transport, options: options)
            var count = 0
            for try await _ in session.enumerate(className: "Win32_LogicalDisk") { count += 1 }
            #expect(count == fleet.instances(host: 0, className: "Win32_LogicalDisk")?.count)
        }
    }

    @Test func refusesAnUntrustedCertificateUnlessTheCACheckIsSkippedByName() async throws {
        try await withTLSFleet { fleet, transport in
            var options = FleetFixture.options(for: fleet.hosts[0])
            options.allowUnencrypted = false
            let strict = try FleetFixture.session(fleet, transport, options: options)
            await #expect {
                _ = try await strict.identify()
            } throws: { error in
                guard let error = error as? CimSessionError, case .transport(let transportError) = error.reason else { return false }
                return transportError.phase == .tls && "\(error)".contains("--ca-file") && !error.isTransient
            }
            options.tls.verifiesPeer = false
            let lenient = try FleetFixture.session(fleet, transport, options: options)
            #expect(try await lenient.identify().productVendor == "Microsoft Corporation")
        }
    }
}
