import Foundation
import Simulator
import Testing

/// Hostile input gets a 400, a 413 or a SOAP fault, never a crash or a hang.
@Suite struct RobustnessTests {
    @Test(arguments: [
        "this is not xml",
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>",
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>&lol2;</s:Body></s:Envelope>",
        "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x/>",
        "<plain>not soap</plain>",
    ])
    func garbageGets400(body: String) async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            let response = try await Fixture.post(fleet.hosts[0].url, body)
            #expect(response.status == 400)
            let followUp = try await Fixture.post(fleet.hosts[0].url, Fixture.identify)
            #expect(followUp.status == 200)
        }
    }

    @Test func deepNestingIsRefused() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            let deep = String(repeating: "<a>", count: 5_000) + String(repeating: "</a>", count: 5_000)
            let body = Fixture.envelope(action: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", resourceURI: nil, body: deep)
            let response = try await Fixture.post(fleet.hosts[0].url, body)
            #expect(response.status == 400)
        }
    }

    @Test func hugeBodyGets413() async throws {
        var configuration = Fixture.configuration(hosts: 1)
        configuration.maxRequestBodySize = 64_000
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let huge = String(repeating: "x", count: 2_000_000)
            let response = try await Fixture.post(fleet.hosts[0].url, huge)
            #expect(response.status == 413)
        }
    }

    @Test func unknownActionAndResourceGetFaults() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            let action = Fixture.envelope(action: "http://example.com/Frobnicate", resourceURI: Fixture.wmi + "root/cimv2/Win32_Process",
                                          body: "<x:Frob xmlns:x=\"urn:x\"/>")
            let unknownAction = try await Fixture.post(url, action)
            #expect(unknownAction.status == 500)
            #expect(try ShapeReader.read(unknownAction.body).fault?.subcode == "a:ActionNotSupported")
            let uri = try await Fixture.post(url, Fixture.enumerate("http://example.com/not/a/wmi/uri"))
            #expect(try ShapeReader.read(uri.body).fault?.subcode == "a:DestinationUnreachable")
            let badWQL = try await Fixture.post(url, Fixture.enumerate(Fixture.wmi + "root/cimv2/*", wql: "DELETE FROM Win32_Process"))
            #expect(try ShapeReader.read(badWQL.body).fault?.subcode == "n:CannotProcessFilter")
            let badProperty = try await Fixture.post(url, Fixture.enumerate(Fixture.wmi + "root/cimv2/*", wql: "SELECT Nope FROM Win32_Process"))
            #expect(try ShapeReader.read(badProperty.body).fault?.subcode == "n:CannotProcessFilter")
        }
    }
}
