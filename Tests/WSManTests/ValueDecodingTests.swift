import CIMModel
import Testing
import WSMan

/// Values are typed by the schema when the class has one; mismatches are kept and reported.
@Suite struct ValueDecodingTests {
    static func pull(_ items: String) -> [UInt8] {
        Array((#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common"><s:Body><n:PullResponse><n:EnumerationContext>ctx</n:EnumerationContext><n:Items>"#
            + items + "</n:Items></n:PullResponse></s:Body></s:Envelope>").utf8)
    }

    static let process = #"<p:Win32_Process xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process">"#

    static func items(_ xml: String, defaultClass: String? = nil, namespace: String? = nil) throws -> [EnumerationItem] {
        try WSManResponseParser.parse(pull(xml), WSManResponseContext(expecting: .pull, defaultClassName: defaultClass,
                                                                       defaultNamespace: namespace)).items
    }

    @Test func mismatchesAreKeptAsStringsAndReported() throws {
        let item = try #require(try Self.items(Self.process + """
            <p:Handle>4</p:Handle><p:ProcessId>four</p:ProcessId><p:VirtualSize> 18446744073709551615 </p:VirtualSize>
            <p:PageFaults>-1</p:PageFaults><p:Bogus>x</p:Bogus></p:Win32_Process>
            """).first)
        let instance = try #require(item.instance)
        #expect(instance["ProcessId"] == .string("four"))
        #expect(instance["VirtualSize"] == .uint64(UInt64.max))
        #expect(instance["PageFaults"] == .string("-1"))
        #expect(instance["Bogus"] == .string("x"))
        #expect(item.schemaIssues == [
            .typeMismatch(property: "ProcessId", expected: CimType(.uint32), actualText: "four"),
            .typeMismatch(property: "PageFaults", expected: CimType(.uint32), actualText: "-1"),
            .unknownProperty(name: "Bogus"),
        ])
        #expect(item.schemaIssues[0].description == "ProcessId: expected uint32, got four")
    }

    @Test func nullEmptyAndSingleElementArrays() throws {
        let config = #"<p:Win32_NetworkAdapterConfiguration xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_NetworkAdapterConfiguration">"#
        let items = try Self.items(config + #"<p:Index>1</p:Index><p:IPAddress>10.0.0.1</p:IPAddress><p:IPSubnet xsi:nil="true"/></p:Win32_NetworkAdapterConfiguration>"#)
        let instance = try #require(items.first?.instance)
        #expect(instance["IPAddress"] == .array([.string("10.0.0.1")]))
        #expect(instance["IPSubnet"] == .null)
        #expect(instance["DefaultIPGateway"] == nil)
        #expect(instance.keyNames == ["Index"])
    }

    @Test func datetimeForms() throws {
        let items = try Self.items(Self.process + """
            <p:CreationDate>2013-04-15T16:28:47.73517Z</p:CreationDate>
            <p:InstallDate><cim:Date>2013-04-15T00:00:00Z</cim:Date></p:InstallDate>
            <p:TerminationDate><cim:CIM_DateTime>20220510113045.000000-480</cim:CIM_DateTime></p:TerminationDate>
            </p:Win32_Process>
            <p:X_Timer xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/X_Timer">
            <p:Every><cim:Interval>P1DT2H3M4.5S</cim:Interval></p:Every><p:At>2013-04-15T16:28:47Z</p:At></p:X_Timer>
            """, namespace: "root/test")
        let process = try #require(items.first?.instance)
        // OMI sends bare xs:dateTime text unless the client says it is WinRM; the schema types it.
        #expect(process["CreationDate"] == .datetime(try #require(CimDateTime(parsing: "2013-04-15T16:28:47.73517Z"))))
        #expect(process["InstallDate"] == .datetime(try #require(CimDateTime(parsing: "2013-04-15T00:00:00Z"))))
        #expect(process["TerminationDate"] == .datetime(try #require(CimDateTime(parsing: "20220510113045.000000-480"))))
        let timer = try #require(items.last?.instance)
        #expect(timer.namespace == "root/test")
        #expect(timer["Every"] == .interval(CimInterval(microseconds: ((26 * 60 + 3) * 60 + 4) * 1_000_000 + 500_000)))
        // No schema: bare text stays a string.
        #expect(timer["At"] == .string("2013-04-15T16:28:47Z"))
        #expect(items.allSatisfy { $0.schemaIssues.isEmpty })
    }

    @Test func epronlyItemsAndXmlFragments() throws {
        let items = try Self.items("""
            <a:EndpointReference xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address><a:ReferenceParameters><w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service</w:ResourceURI><w:SelectorSet><w:Selector Name="Name">WinRM</w:Selector></w:SelectorSet></a:ReferenceParameters></a:EndpointReference>
            <w:XmlFragment><Name>WinRM</Name><Started>true</Started></w:XmlFragment>
            """, defaultClass: "Win32_Service", namespace: "root/cimv2")
        #expect(items.count == 2)
        #expect(items[0].instance == nil)
        #expect(items[0].endpointReference?.description == #"Win32_Service.Name="WinRM""#)
        let fragment = try #require(items[1].instance)
        #expect(fragment.className == "Win32_Service")
        #expect(fragment["Started"] == .boolean(true))
        #expect(fragment.keyNames == ["Name"])
    }
}
