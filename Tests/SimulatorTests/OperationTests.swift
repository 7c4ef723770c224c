import CIMModel
import Foundation
import Simulator
import Testing

/// Identify, Get, Enumerate, Pull and Release against a live fleet over real sockets.
@Suite struct OperationTests {
    static let processURI = Fixture.wmi + "root/cimv2/Win32_Process"
    static let serviceURI = Fixture.wmi + "root/cimv2/Win32_Service"
    static let star = Fixture.wmi + "root/cimv2/*"

    @Test func unauthenticatedIdentifyHidesTheBuildAndNeedsItsHeader() async throws {
        try await SimulatedFleet.run(Fixture.configuration(), logger: Fixture.logger) { fleet in
            let url = fleet.hosts[1].url
            let anonymous = try await Fixture.post(url, Fixture.identify, authenticated: false,
                                                   headers: ["WSMANIDENTIFY": "unauthenticated"])
            #expect(anonymous.status == 200)
            #expect(anonymous.headers["server"] == "Microsoft-HTTPAPI/2.0")
            #expect(anonymous.text.contains("<wsmid:ProductVersion>OS: 0.0.0 SP: 0.0 Stack: 3.0</wsmid:ProductVersion>"))
            let refused = try await Fixture.post(url, Fixture.identify, authenticated: false)
            #expect(refused.status == 401)
            #expect(refused.body.isEmpty)
            let authenticated = try await Fixture.post(url, Fixture.identify)
            #expect(authenticated.text.contains("OS: \(fleet.hosts[1].os.version) SP: 0.0 Stack: 3.0"))
            #expect(authenticated.text.contains("secprofile/http/basic"))
        }
    }

    @Test func wrongPasswordGets401WithWindowsChallenges() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            let response = try await Fixture.post(fleet.hosts[0].url, Fixture.enumerate(Self.processURI), password: "wrong")
            #expect(response.status == 401)
            #expect(response.headers["www-authenticate"]?.contains("Negotiate") == true)
            #expect(response.headers["www-authenticate"]?.contains("Basic realm=\"WSMAN\"") == true)
            #expect(response.body.isEmpty)
        }
    }

    @Test func enumerateAndPullReturnEveryProcessHonouringMaxElements() async throws {
        try await SimulatedFleet.run(Fixture.configuration(), logger: Fixture.logger) { fleet in
            let truth = try #require(fleet.instances(host: 0, className: "Win32_Process"))
            #expect((150...300).contains(truth.count))
            let (items, responses) = try await Fixture.enumerateAll(fleet.hosts[0].url, Self.processURI, maxElements: 40)
            #expect(items.count == truth.count)
            #expect(responses.allSatisfy { $0.items.count <= 40 })
            #expect(responses.count == (truth.count + 39) / 40)
            let handles = items.compactMap { $0.properties.first { $0.name == "Handle" }?.value }
            #expect(handles == truth.map { $0["Handle"]?.stringValue ?? "" })
            #expect(items.allSatisfy { $0.qualifiedName == "p:Win32_Process" && $0.xsiType == "p:Win32_Process_Type" })
        }
    }

    @Test func wqlOverTheNamespaceFiltersAndProjects() async throws {
        try await SimulatedFleet.run(Fixture.configuration(), logger: Fixture.logger) { fleet in
            let wql = "SELECT Name, ProcessId FROM Win32_Process WHERE Name LIKE 'svc%' AND NOT ProcessId <= 4"
            let (items, _) = try await Fixture.enumerateAll(fleet.hosts[0].url, Self.star, wql: wql)
            let expected = try #require(fleet.instances(host: 0, className: "Win32_Process")).filter {
                $0["Name"]?.stringValue?.lowercased().hasPrefix("svc") == true
            }
            #expect(items.count == expected.count)
            #expect(items.allSatisfy { $0.qualifiedName == "w:XmlFragment" && $0.properties.map(\.name) == ["Name", "ProcessId"] })
        }
    }

    @Test func serviceQueryIsPolymorphic() async throws {
        try await SimulatedFleet.run(Fixture.configuration(), logger: Fixture.logger) { fleet in
            let (items, _) = try await Fixture.enumerateAll(fleet.hosts[0].url, Self.star, wql: "SELECT * FROM Win32_Service")
            #expect(items.count >= 150)
            let terminal = try #require(items.first { $0.localName == "Win32_TerminalService" })
            #expect(terminal.namespace == Fixture.wmi + "root/cimv2/Win32_TerminalService")
            #expect(terminal.properties.contains { $0.name == "TotalSessions" })
            let (subclass, _) = try await Fixture.enumerateAll(fleet.hosts[0].url, Self.star,
                                                               wql: "SELECT Name, TotalSessions FROM Win32_TerminalService")
            #expect(subclass.map { $0.properties.map(\.name) } == [["Name", "TotalSessions"]])
        }
    }

    @Test func eprModesAndSelectorFilter() async throws {
        try await SimulatedFleet.run(Fixture.configuration(), logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            let (eprs, _) = try await Fixture.enumerateAll(url, Self.serviceURI, mode: "EnumerateEPR")
            #expect(eprs.allSatisfy { $0.localName == "EndpointReference" })
            let (both, _) = try await Fixture.enumerateAll(url, Self.serviceURI, mode: "EnumerateObjectAndEPR")
            #expect(both.allSatisfy { $0.wrapper == "w:Item" && $0.hasEPR })
            let response = try await Fixture.post(url, Fixture.enumerate(Self.serviceURI, selectorFilter: [("Name", "WinRM")]))
            let shape = try ShapeReader.read(response.body)
            #expect(shape.items.count == 1)
            #expect(shape.items.first?.properties.first { $0.name == "Name" }?.value == "WinRM")
        }
    }

    @Test func getBySelectorsAndInvalidSelectors() async throws {
        try await SimulatedFleet.run(Fixture.configuration(), logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            let response = try await Fixture.post(url, Fixture.get(Self.serviceURI, selectors: [("Name", "Spooler")]))
            let shape = try ShapeReader.read(response.body)
            #expect(shape.action == "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse")
            #expect(shape.items.first?.properties.first { $0.name == "DisplayName" }?.value == "Print Spooler")
            let wrong = try await Fixture.post(url, Fixture.get(Self.serviceURI, selectors: [("Nmae", "Spooler")]))
            #expect(wrong.status == 500)
            #expect(try ShapeReader.read(wrong.body).fault?.subcode == "w:InvalidSelectors")
            let gone = try await Fixture.post(url, Fixture.get(Self.serviceURI, selectors: [("Name", "NoSuchService")]))
            #expect(try ShapeReader.read(gone.body).fault?.wsmanCode == "2150858843")
        }
    }

    @Test func unknownClassFaultsBothWays() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            let viaWQL = try await Fixture.post(url, Fixture.enumerate(Self.star, wql: "SELECT * FROM Win32_Processa"))
            let filterFault = try #require(try ShapeReader.read(viaWQL.body).fault)
            #expect(viaWQL.status == 500)
            #expect(filterFault.subcode == "n:CannotProcessFilter" && filterFault.wsmanCode == "2150858778")
            let viaURI = try await Fixture.post(url, Fixture.enumerate(Fixture.wmi + "root/cimv2/Win32_Nope"))
            #expect(try ShapeReader.read(viaURI.body).fault?.subcode == "a:DestinationUnreachable")
            let denied = try await Fixture.post(url, Fixture.enumerate(Fixture.wmi + "root/security/Win32_Process"))
            #expect(try ShapeReader.read(denied.body).fault?.subcode == "w:AccessDenied")
        }
    }

    @Test func releasedAndIdleContextsAreInvalid() async throws {
        let clock = ManualClock()
        var configuration = Fixture.configuration(hosts: 1)
        configuration.clock = .manual(clock)
        configuration.enumerationIdleTimeout = .seconds(60)
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            let first = try ShapeReader.read(try await Fixture.post(url, Fixture.enumerate(Self.processURI, maxElements: 5)).body)
            let context = try #require(first.enumerationContext)
            let released = try await Fixture.post(url, Fixture.release(Self.processURI, context: context))
            #expect(released.status == 200)
            let afterRelease = try await Fixture.post(url, Fixture.pull(Self.processURI, context: context))
            #expect(try ShapeReader.read(afterRelease.body).fault?.subcode == "n:InvalidEnumerationContext")

            let second = try ShapeReader.read(try await Fixture.post(url, Fixture.enumerate(Self.processURI, maxElements: 5)).body)
            let idle = try #require(second.enumerationContext)
            clock.advance(by: .seconds(30))
            #expect(try await Fixture.post(url, Fixture.pull(Self.processURI, context: idle, maxElements: 5)).status == 200)
            clock.advance(by: .seconds(61))
            let expired = try await Fixture.post(url, Fixture.pull(Self.processURI, context: idle, maxElements: 5))
            #expect(try ShapeReader.read(expired.body).fault?.wsmanCode == "2150858779")
        }
    }

    @Test func envelopeLimitsAndQuota() async throws {
        var configuration = Fixture.configuration(hosts: 1)
        configuration.maxConcurrentOperationsPerUser = 2
        configuration.serverMaxEnvelopeSize = 3_000
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            let tiny = try await Fixture.post(url, Fixture.enumerate(Self.processURI, maxEnvelopeSize: 4_096))
            #expect(try ShapeReader.read(tiny.body).fault?.wsmanCode == "2150858805")
            let tooBig = try await Fixture.post(url, Fixture.enumerate(Self.processURI))
            let fault = try #require(try ShapeReader.read(tooBig.body).fault)
            #expect(fault.subcode == "w:EncodingLimit" && fault.wsmanCode == "2150858824")
            for _ in 0..<2 {
                #expect(try await Fixture.post(url, Fixture.enumerate(Self.processURI, optimize: false)).status == 200)
            }
            let quota = try await Fixture.post(url, Fixture.enumerate(Self.processURI, optimize: false))
            #expect(try ShapeReader.read(quota.body).fault?.wsmanCode == "2150859174")
        }
    }

    @Test func abandonedContextsStopCountingAfterTheIdleTimeout() async throws {
        let clock = ManualClock()
        var configuration = Fixture.configuration(hosts: 1)
        configuration.clock = .manual(clock)
        configuration.maxConcurrentOperationsPerUser = 2
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            for _ in 0..<2 { _ = try await Fixture.post(url, Fixture.enumerate(Self.processURI, optimize: false)) }
            let refused = try await Fixture.post(url, Fixture.enumerate(Self.processURI, optimize: false))
            #expect(try ShapeReader.read(refused.body).fault?.wsmanCode == "2150859174")
            clock.advance(by: .seconds(61))
            #expect(try await Fixture.post(url, Fixture.enumerate(Self.processURI, optimize: false)).status == 200)
        }
    }

    @Test func slowResponsesPastOperationTimeoutFault() async throws {
        var configuration = Fixture.configuration(hosts: 1)
        configuration.latency = LatencySpec(base: .milliseconds(200))
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let response = try await Fixture.post(fleet.hosts[0].url, Fixture.enumerate(Self.processURI, timeout: "PT0.050S"))
            let fault = try #require(try ShapeReader.read(response.body).fault)
            #expect(fault.subcode == "w:TimedOut" && fault.wsmanCode == "2150858793")
        }
    }
}
