import CLibXML2
import Foundation
import Logging
import Simulator

/// Test helpers: start a fleet on ephemeral ports, build request envelopes, POST them over real sockets.
enum Fixture {
    static let username = "alice"
    static let password = "correct horse battery staple"
    static let logger = Logger(label: "simulator-tests")

    static func configuration(hosts: Int = 2, seed: UInt64 = 7) -> FleetConfiguration {
        var configuration = FleetConfiguration()
        configuration.hostCount = hosts
        configuration.seed = seed
        configuration.port = 0
        configuration.credentials = SimulatorCredentials(username: username, password: password)
        return configuration
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// POSTs over a fresh NIO connection and returns the whole response; fails if the peer closes early.
    static func post(_ url: String, _ body: String, authenticated: Bool = true, password: String = Fixture.password,
                     headers: [String: String] = [:], timeout: TimeInterval = 30) async throws -> Response {
        var fields = headers
        fields["Content-Type"] = "application/soap+xml;charset=UTF-8"
        if authenticated {
            fields["Authorization"] = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        return try await TestHTTPClient.post(url, body: Array(body.utf8), headers: fields, timeout: timeout)
    }

    static let wmi = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"

    static func envelope(action: String?, resourceURI: String?, maxEnvelopeSize: Int = 512_000, timeout: String = "PT60S",
                         selectors: [(String, String)] = [], body: String) -> String {
        var header = "<a:To>http://localhost/wsman</a:To>"
        if let resourceURI { header += "<w:ResourceURI s:mustUnderstand=\"true\">\(resourceURI)</w:ResourceURI>" }
        header += "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>"
        if let action { header += "<a:Action s:mustUnderstand=\"true\">\(action)</a:Action>" }
        header += "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">\(maxEnvelopeSize)</w:MaxEnvelopeSize>"
        header += "<a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID>"
        header += "<w:Locale xml:lang=\"en-US\" s:mustUnderstand=\"false\"/><w:OperationTimeout>\(timeout)</w:OperationTimeout>"
        if !selectors.isEmpty {
            header += "<w:SelectorSet>" + selectors.map { "<w:Selector Name=\"\($0.0)\">\($0.1)</w:Selector>" }.joined() + "</w:SelectorSet>"
        }
        return """
        <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" \
        xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" \
        xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header>\(header)</s:Header><s:Body>\(body)</s:Body></s:Envelope>
        """
    }

    static let identify = envelope(action: nil, resourceURI: nil, body: "<wsmid:Identify/>")

    static func enumerate(_ uri: String, wql: String? = nil, optimize: Bool = true, maxElements: Int = 32_000,
                          mode: String? = nil, selectorFilter: [(String, String)]? = nil, maxEnvelopeSize: Int = 512_000,
                          timeout: String = "PT60S") -> String {
        var body = "<n:Enumerate>"
        if optimize { body += "<w:OptimizeEnumeration/><w:MaxElements>\(maxElements)</w:MaxElements>" }
        if let mode { body += "<w:EnumerationMode>\(mode)</w:EnumerationMode>" }
        if let wql {
            let escaped = wql.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            body += "<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">\(escaped)</w:Filter>"
        }
        if let selectorFilter {
            body += "<w:Filter Dialect=\"http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter\"><w:SelectorSet>"
            body += selectorFilter.map { "<w:Selector Name=\"\($0.0)\">\($0.1)</w:Selector>" }.joined() + "</w:SelectorSet></w:Filter>"
        }
        body += "</n:Enumerate>"
        return envelope(action: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate", resourceURI: uri,
                        maxEnvelopeSize: maxEnvelopeSize, timeout: timeout, body: body)
    }

    static func pull(_ uri: String, context: String, maxElements: Int = 32_000) -> String {
        envelope(action: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull", resourceURI: uri,
                 body: "<n:Pull><n:EnumerationContext>\(context)</n:EnumerationContext><n:MaxElements>\(maxElements)</n:MaxElements></n:Pull>")
    }

    static func release(_ uri: String, context: String) -> String {
        envelope(action: "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release", resourceURI: uri,
                 body: "<n:Release><n:EnumerationContext>\(context)</n:EnumerationContext></n:Release>")
    }

    static func get(_ uri: String, selectors: [(String, String)]) -> String {
        envelope(action: "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get", resourceURI: uri, selectors: selectors, body: "")
    }

    /// Runs Enumerate then Pull until EndOfSequence and returns every item shape and the number of round trips.
    static func enumerateAll(_ url: String, _ uri: String, wql: String? = nil, maxElements: Int = 32_000,
                             mode: String? = nil) async throws -> (items: [ShapeReader.Item], responses: [ShapeReader.Envelope]) {
        var responses: [ShapeReader.Envelope] = []
        var response = try await post(url, enumerate(uri, wql: wql, maxElements: maxElements, mode: mode))
        guard response.status == 200 else { throw FixtureError("Enumerate failed with \(response.status): \(response.text.prefix(600))") }
        var shape = try ShapeReader.read(response.body)
        responses.append(shape)
        while !shape.endOfSequence, let context = shape.enumerationContext, !context.isEmpty {
            response = try await post(url, pull(uri, context: context, maxElements: maxElements))
            guard response.status == 200 else { throw FixtureError("Pull failed with \(response.status): \(response.text.prefix(600))") }
            shape = try ShapeReader.read(response.body)
            responses.append(shape)
        }
        return (responses.flatMap(\.items), responses)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
