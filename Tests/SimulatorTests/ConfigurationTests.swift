import Foundation
import Simulator
import Testing

/// Flags and files the CLI turns into a FleetConfiguration, and the admin endpoint.
@Suite struct ConfigurationTests {
    @Test func credentialFileMustBePrivate() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cred-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data("alice\ns3cret\n".utf8), attributes: [.posixPermissions: 0o644])
        #expect(throws: SimulatorError.self) { try SimulatorCredentials.load(file: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let credentials = try SimulatorCredentials.load(file: path)
        #expect(credentials.username == "alice")
        #expect(!"\(credentials)".contains("s3cret"))
    }

    @Test func latencySpecs() {
        #expect(LatencySpec(parsing: "100ms") == LatencySpec(base: .milliseconds(100)))
        #expect(LatencySpec(parsing: "100ms±20ms") == LatencySpec(base: .milliseconds(100), jitter: .milliseconds(20)))
        #expect(LatencySpec(parsing: "1.5s+-250us") == LatencySpec(base: .milliseconds(1_500), jitter: .microseconds(250)))
        #expect(LatencySpec(parsing: "fast") == nil)
        #expect(LatencySpec(parsing: "-5ms") == nil)
    }

    @Test func addressesStayInLoopback() async throws {
        var configuration = Fixture.configuration(hosts: 2)
        configuration.firstAddress = "10.0.0.1"
        await #expect(throws: SimulatorError.self) {
            try await SimulatedFleet.run(configuration, logger: Fixture.logger) { _ in }
        }
    }

    @Test func adminTickReturnsDriftTruthAsJSON() async throws {
        var configuration = Fixture.configuration(hosts: 2)
        configuration.adminPort = 0
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let admin = try #require(fleet.adminURL)
            let response = try await Fixture.post(admin + "/tick", "", authenticated: false)
            #expect(response.status == 200)
            let truth = try JSONDecoder().decode(DriftTruth.self, from: response.body)
            #expect(truth.tick == 1)
            #expect(truth.hosts.map(\.hostname) == fleet.hosts.map(\.hostname))
            #expect(truth.hosts.allSatisfy { $0.classes.contains { $0.className == "Win32_Process" } })
        }
    }

    @Test func eventsReportEachRequest() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            let events = fleet.events()
            _ = try await Fixture.post(fleet.hosts[0].url, Fixture.enumerate(Fixture.wmi + "root/cimv2/Win32_Nope"))
            var iterator = events.makeAsyncIterator()
            let event = try #require(await iterator.next())
            #expect(event.operation == .enumerate)
            #expect(event.outcome == .fault(subcode: "a:DestinationUnreachable"))
            #expect(event.resourceURI == Fixture.wmi + "root/cimv2/Win32_Nope")
        }
    }
}
