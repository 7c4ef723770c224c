import CIMModel
import Testing
import WSMan

/// Rendered requests parse with libxml2 and have the shape of the captured/specified requests:
/// the same header element QNames with the same `s:mustUnderstand`, the same body tree.
@Suite struct RequestEnvelopeTests {
    static let mustUnderstand = "{\(WSManNamespace.soap)}mustUnderstand"

    static func builder(_ configure: (inout WSManRequestOptions) -> Void = { _ in }) -> WSManRequestBuilder {
        var options = WSManRequestOptions(to: "http://srv01:5985/wsman")
        configure(&options)
        return WSManRequestBuilder(options: options, messageIDs: .sequential())
    }

    static func dom(_ bytes: [UInt8]) throws -> DOMElement {
        try #require(DOMElement.parse(bytes), "not well-formed: \(String(decoding: bytes, as: UTF8.self))")
    }

    /// Every header of the reference request is in ours, with the same mustUnderstand; the bodies
    /// have the same element tree.
    static func expectSameShape(_ request: WSManRequest, as reference: String,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try dom(request.body)
        let theirs = try dom(try Reference.bytes(reference))
        #expect(ours.qualifiedName == theirs.qualifiedName, sourceLocation: sourceLocation)
        let ourHeaders = try #require(ours.child("Header")).children
        for header in try #require(theirs.child("Header")).children {
            let match = ourHeaders.first { $0.qualifiedName == header.qualifiedName }
            #expect(match != nil, "\(reference): missing header \(header)", sourceLocation: sourceLocation)
            #expect(match?.attributes[mustUnderstand] == header.attributes[mustUnderstand],
                    "\(reference): mustUnderstand of \(header)", sourceLocation: sourceLocation)
            for child in header.children {
                #expect(match?.children.contains { $0.qualifiedName == child.qualifiedName && $0.attributes[mustUnderstand] == child.attributes[mustUnderstand] } == true,
                        "\(reference): \(header) lacks \(child)", sourceLocation: sourceLocation)
            }
        }
        #expect(try #require(ours.child("Body")).shape == (try #require(theirs.child("Body")).shape),
                "\(reference)", sourceLocation: sourceLocation)
    }

    @Test func getMatchesTheSpecAndPypsrp() throws {
        let mine = Self.builder().get(.wmi(namespace: "root/mynamespace", className: "myclass"), selectors: ["id": "1"])
        try Self.expectSameShape(mine, as: "corpus/awakecoding-openspecs/mswsmv-4.1.1-Get-request-selectorset.xml")
        let config = Self.builder { $0.sessionID = "uuid:972FD2C1-AE4A-4396-BDF9-67DF699A009B" }
            .get(ResourceURI("http://schemas.microsoft.com/wbem/wsman/1/config"), selectors: [:])
        try Self.expectSameShape(config, as: "corpus/jborean93-pypsrp/get-config-MaxEnvelopeSizekb-150-request.xml")
        let dom = try Self.dom(mine.body)
        #expect(dom.child("Header")?.child("ResourceURI")?.text
            == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/mynamespace/myclass")
        #expect(dom.child("Header")?.child("MessageID")?.text == "uuid:00000000-0000-0000-0000-000000000001")
        #expect(dom.child("Header")?.child("OperationTimeout")?.text == "PT60.000S")
        #expect(dom.child("Header")?.child("MaxEnvelopeSize")?.text == "153600")
        #expect(mine.messageID == "uuid:00000000-0000-0000-0000-000000000001")
        #expect(mine.action == .get && mine.expectedResponse == .get)
    }

    @Test func enumerateMatchesTheSpecPypsrpAndOmiRequests() throws {
        let plain = Self.builder().enumerate(.wmi(namespace: "root/mynamespace", className: "myclass"))
        try Self.expectSameShape(plain, as: "corpus/awakecoding-openspecs/mswsmv-4.1.2.1-Enumerate-request.xml")
        let optimized = Self.builder { $0.sessionID = "uuid:1B1A7792-F65D-431A-A256-19F3178EB7C9" }
            .enumerate(ResourceURI("http://schemas.microsoft.com/wbem/wsman/1/windows/shell"), maxElements: 32000)
        try Self.expectSameShape(optimized, as: "corpus/jborean93-pypsrp/enumerate-shells-optimized-request.xml")
        let selectorFilter = Self.builder().enumerate(.wmi(namespace: "root/cimv2", className: "Win32_Service"),
                                                       filter: .selectors(["StartMode": "Auto", "State": "Stopped"]))
        try Self.expectSameShape(selectorFilter, as: "corpus/awakecoding-openspecs/mswsmv-4.9-Enumerate-SelectorFilter-dialect-request.xml")
        let wql = Self.builder { $0.sendsNamespaceSelector = true }
            .enumerate(.dmtf(className: "X_SmallNumber", namespace: "test/cpp"),
                       filter: .wql("SELECT * FROM X_SmallNumber WHERE Number < 10"), maxElements: 50)
        try Self.expectSameShape(wql, as: "omi-captures/61-enumerate-wql-filter.request.xml")
        let epr = Self.builder().enumerate(.dmtf(className: "MSFT_President", namespace: "root/cimv2"),
                                           mode: .objectsAndReferences, maxElements: 2)
        try Self.expectSameShape(epr, as: "omi-captures/60-enumerate-epr-mode.request.xml")
        let body = try Self.dom(wql.body).child("Body")?.child("Enumerate")
        #expect(body?.child("Filter")?.text == "SELECT * FROM X_SmallNumber WHERE Number < 10")
        #expect(body?.child("Filter")?.attributes["{}Dialect"] == WSManFilter.wqlDialect)
        #expect(body?.child("MaxElements")?.namespace == WSManNamespace.wsman)
        let selectors = try Self.dom(epr.body).child("Header")?.child("SelectorSet")?.children
        #expect(selectors?.map(\.text) == ["root/cimv2"])
    }

    @Test func pullAndReleaseMatchTheSpecAndOmi() throws {
        let pull = Self.builder().pull(.wmi(namespace: "root/mynamespace", className: "myclass"),
                                       context: "uuid:22EB9809-5543-4020-A75C-FD95FF06217B", maxElements: 1)
        try Self.expectSameShape(pull, as: "corpus/awakecoding-openspecs/mswsmv-4.1.2.3-Pull-request-1.xml")
        let body = try Self.dom(pull.body).child("Body")?.child("Pull")
        #expect(body?.child("MaxElements")?.namespace == WSManNamespace.enumeration)
        #expect(body?.child("EnumerationContext")?.text == "uuid:22EB9809-5543-4020-A75C-FD95FF06217B")
        let omi = Self.builder { $0.sendsNamespaceSelector = true }
        try Self.expectSameShape(omi.pull(.dmtf(className: "X_SmallNumber", namespace: "test/cpp"), context: "1164378112",
                                          maxElements: 400), as: "omi-captures/11-pull-01.request.xml")
        try Self.expectSameShape(omi.release(.dmtf(className: "X_SmallNumber", namespace: "test/cpp"), context: "2557018112"),
                                 as: "omi-captures/24-release.request.xml")
    }

    @Test func identifyMatchesTheOmiCapture() throws {
        let identify = Self.builder().identify()
        #expect(identify.action == nil && identify.resourceURI == nil)
        #expect(try Self.dom(identify.body).shape == (try Self.dom(try Reference.bytes("omi-captures/01-identify.request.xml"))).shape)
    }

    @Test func namespaceSelectorIsAddedOnlyWhenNeeded() throws {
        let wmi = ResourceURI.wmi(namespace: #"root\StandardCimv2"#, className: "MSFT_NetAdapter")
        #expect(wmi.uri == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/StandardCimv2/MSFT_NetAdapter")
        #expect(ResourceURI.wmiQuery(namespace: "root/cimv2").uri == "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*")
        let windows = try Self.dom(Self.builder().enumerate(wmi).body)
        #expect(windows.child("Header")?.child("SelectorSet") == nil)
        let omi = try Self.dom(Self.builder { $0.sendsNamespaceSelector = true }.enumerate(wmi).body)
        #expect(omi.child("Header")?.child("SelectorSet")?.children.first?.attributes["{}Name"] == "__cimnamespace")
        #expect(omi.child("Header")?.child("SelectorSet")?.children.first?.text == "root/StandardCimv2")
        let dmtf = try Self.dom(Self.builder().get(.dmtf(className: "CIM_Fan", namespace: "root/hardware"),
                                                   selectors: ["DeviceID": "1"]).body)
        #expect(dmtf.child("Header")?.child("SelectorSet")?.children.map(\.text) == ["1", "root/hardware"])
        #expect(ResourceURI(wmi.uri) == wmi)
    }

    @Test func associationFiltersCarryTheSourceReference() throws {
        let source = CimReference(resourceURI: "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service",
                                  selectors: [.init(name: "Name", value: "WinRM")])
        let request = Self.builder().enumerate(.wmiQuery(namespace: "root/cimv2"), filter: .associators(AssociationFilter(
            object: source, associationClassName: "Win32_DependentService", role: "Dependent",
            resultClassName: "Win32_Service", resultRole: "Antecedent")))
        let filter = try #require(try Self.dom(request.body).child("Body")?.child("Enumerate")?.child("Filter"))
        #expect(filter.attributes["{}Dialect"] == WSManFilter.associationDialect)
        let associated = try #require(filter.child("AssociatedInstances"))
        #expect(associated.namespace == WSManNamespace.cimBinding)
        #expect(associated.children.map(\.localName) == ["Object", "AssociationClassName", "Role", "ResultClassName", "ResultRole"])
        #expect(associated.child("Object")?.shape == "{\(WSManNamespace.cimBinding)}Object({\(WSManNamespace.addressing)}Address,{\(WSManNamespace.addressing)}ReferenceParameters({\(WSManNamespace.wsman)}ResourceURI,{\(WSManNamespace.wsman)}SelectorSet({\(WSManNamespace.wsman)}Selector)))")
        let references = Self.builder().enumerate(.wmiQuery(namespace: "root/cimv2"),
                                                  filter: .references(AssociationFilter(object: source, resultClassName: "Win32_DependentService")))
        #expect(try Self.dom(references.body).child("Body")?.child("Enumerate")?.child("Filter")?.child("AssociationInstances")?
            .children.map(\.localName) == ["Object", "ResultClassName"])
    }

    @Test func hostileValuesAreEscaped() throws {
        let wql = #"SELECT * FROM Win32_Service WHERE Name = 'a<b>c' AND PathName LIKE "%&amp;%" ]]> <!-- x"#
        let value = "\"quoted\" & 'single' <tag/>\ttab\nline\r\u{1}end"
        let builder = Self.builder {
            $0.to = "http://h/wsman?a=1&b=<2>"
            $0.options = [.init(name: "a\"b", value: "<&>", type: "xs:string")]
        }
        let enumerate = try Self.dom(builder.enumerate(.wmiQuery(namespace: "root/cimv2"), filter: .wql(wql)).body)
        #expect(enumerate.child("Body")?.child("Enumerate")?.child("Filter")?.text == wql)
        #expect(enumerate.child("Header")?.child("To")?.text == "http://h/wsman?a=1&b=<2>")
        #expect(enumerate.child("Header")?.child("OptionSet")?.child("Option")?.attributes["{}Name"] == "a\"b")
        #expect(enumerate.child("Header")?.child("OptionSet")?.child("Option")?.text == "<&>")
        let get = try Self.dom(builder.get(.wmi(namespace: "root/cimv2", className: "Win32_Service"),
                                           selectors: [value: value]).body)
        let selector = try #require(get.child("Header")?.child("SelectorSet")?.child("Selector"))
        // The C0 control cannot appear in XML 1.0 at all, so it becomes U+FFFD; everything else survives.
        let expected = value.replacingOccurrences(of: "\u{1}", with: "\u{FFFD}")
        #expect(selector.attributes["{}Name"] == expected)
        #expect(selector.text == expected)
    }

    @Test func operationTimeoutIsAnXsDurationWithMilliseconds() {
        let request = Self.builder { $0.operationTimeout = .milliseconds(1500) }.enumerate(.wmiQuery(namespace: "root/cimv2"))
        #expect(String(decoding: request.body, as: UTF8.self).contains("<w:OperationTimeout>PT1.500S</w:OperationTimeout>"))
    }
}
