import Foundation
import Simulator
import Testing

/// Each injected fault kind, on a host the plan assigns it to, behaves as documented.
@Suite struct FaultInjectionTests {
    static let processURI = Fixture.wmi + "root/cimv2/Win32_Process"

    func withFault<R: Sendable>(_ kind: FaultPlan.Kind, _ body: (SimulatedFleet) async throws -> R) async throws -> R {
        var configuration = Fixture.configuration(hosts: 2)
        configuration.faults = FaultPlan(assigned: [1: kind])
        return try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            #expect(fleet.fault(host: 0) == nil && fleet.fault(host: 1) == kind)
            return try await body(fleet)
        }
    }

    @Test func http500AndAuthFaults() async throws {
        try await withFault(.http500) { fleet in
            let response = try await Fixture.post(fleet.hosts[1].url, Fixture.enumerate(Self.processURI))
            #expect(response.status == 500)
            #expect(try ShapeReader.read(response.body).fault?.subcode == "w:InternalError")
            #expect(try await Fixture.post(fleet.hosts[0].url, Fixture.enumerate(Self.processURI)).status == 200)
        }
        try await withFault(.auth) { fleet in
            let response = try await Fixture.post(fleet.hosts[1].url, Fixture.identify)
            #expect(response.status == 401)
        }
    }

    @Test func truncatedAndMalformedBodiesDoNotParse() async throws {
        for kind in [FaultPlan.Kind.truncate, .malformed] {
            try await withFault(kind) { fleet in
                let response = try await Fixture.post(fleet.hosts[1].url, Fixture.enumerate(Self.processURI))
                #expect(response.status == 200)
                #expect(throws: ShapeReader.ReadError.self) { try ShapeReader.read(response.body) }
                return ()
            }
        }
    }

    @Test func resetConnectionFailsTheRequest() async throws {
        try await withFault(.reset) { fleet in
            await #expect(throws: (any Error).self) {
                _ = try await Fixture.post(fleet.hosts[1].url, Fixture.enumerate(Self.processURI))
            }
            return ()
        }
    }

    @Test func hangingHostNeverAnswers() async throws {
        try await withFault(.hang) { fleet in
            let events = fleet.events()
            let url = fleet.hosts[1].url
            let attempt = Task { try await Fixture.post(url, Fixture.identify, timeout: 600) }
            var seen: SimulatorEvent?
            for await event in events { seen = event; break }
            #expect(seen?.outcome == .injected(.hang))
            attempt.cancel()
            let result = await attempt.result
            #expect(throws: (any Error).self) { _ = try result.get() }
        }
    }

    @Test func expireFaultsTheSecondPull() async throws {
        try await withFault(.expire) { fleet in
            let url = fleet.hosts[1].url
            let first = try ShapeReader.read(try await Fixture.post(url, Fixture.enumerate(Self.processURI, maxElements: 10)).body)
            let context = try #require(first.enumerationContext)
            let pull1 = try ShapeReader.read(try await Fixture.post(url, Fixture.pull(Self.processURI, context: context, maxElements: 10)).body)
            #expect(pull1.fault == nil)
            let next = try #require(pull1.enumerationContext)
            let pull2 = try ShapeReader.read(try await Fixture.post(url, Fixture.pull(Self.processURI, context: next, maxElements: 10)).body)
            #expect(pull2.fault?.subcode == "n:InvalidEnumerationContext")
        }
    }

    @Test func quotaHostRefusesEveryOtherEnumerate() async throws {
        try await withFault(.quota) { fleet in
            let url = fleet.hosts[1].url
            let refused = try await Fixture.post(url, Fixture.enumerate(Self.processURI))
            #expect(try ShapeReader.read(refused.body).fault?.wsmanCode == "2150859174")
            #expect(try await Fixture.post(url, Fixture.enumerate(Self.processURI)).status == 200)
        }
    }

    @Test func planPlacementIsDeterministic() throws {
        let plan = try FaultPlan(parsing: "slow=5%,http500=2%,reset=2%,truncate=1%,malformed=1%,hang=1%,auth=1%,expire=2%,quota=1%")
        let first = (0..<1_000).map { plan.kind(forHost: $0, seed: 3) }
        let second = (0..<1_000).map { plan.kind(forHost: $0, seed: 3) }
        #expect(first == second)
        let faulty = first.compactMap { $0 }.count
        #expect((100...220).contains(faulty))
        #expect(throws: SimulatorError.self) { try FaultPlan(parsing: "explode=5%") }
    }
}
