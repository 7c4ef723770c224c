import CIMModel
import Foundation
import Testing
import WSMan

/// `EnumerationItemForm.json`: items written as JSON straight from the parsed text must be byte for
/// byte what the decoded `CimInstance` gives, and whatever the fast path cannot express exactly
/// must come decoded, with its schema issues.
@Suite struct JSONItemFormTests {
    /// Every response of the corpus and the OMI captures that holds items, parsed both ways.
    @Test func everyRealItemWrittenAsJSONMatchesItsDecodedInstance() throws {
        var written = 0, decoded = 0
        let folders = try Reference.files(in: "corpus").filter { !$0.hasSuffix(".md") }.map { "corpus/\($0)/" }
            + ["omi-captures/"]
        for folder in folders {
            for file in try Reference.files(in: folder) where file.hasSuffix(".xml") {
                let bytes = try Reference.bytes(folder + file)
                let className = file.split(separator: "-").dropFirst().first.map(String.init)
                guard let instances = try? Self.items(bytes, form: .instance, className: className), !instances.isEmpty,
                      let asJSON = try? Self.items(bytes, form: .json, className: className) else { continue }
                try #require(asJSON.count == instances.count, "\(folder)\(file)")
                for (plain, fast) in zip(instances, asJSON) {
                    if let json = fast.json {
                        written += 1
                        let instance = try #require(plain.instance, "\(folder)\(file): JSON for an item without instance")
                        #expect(plain.schemaIssues.isEmpty && plain.endpointReference == nil, "\(folder)\(file)")
                        Self.expectSame(json, instance, "\(folder)\(file)")
                    } else {
                        decoded += 1
                        #expect(fast == plain, "\(folder)\(file): a decoded item must be what the instance form gives")
                    }
                }
            }
        }
        #expect(written > 500, "the fast path must carry the plain items of the captures (\(written) written, \(decoded) decoded)")
        #expect(decoded > 0, "the captures hold EPRs and embedded instances, which must be decoded")
    }

    @Test func valuesTheSchemaRefusesAndUndeclaredPropertiesAreDecodedWithTheirIssues() throws {
        for body in [
            "<p:Handle>4</p:Handle><p:ProcessId>four</p:ProcessId>",
            "<p:Handle>4</p:Handle><p:Bogus>x</p:Bogus>",
            "<p:Handle>4</p:Handle><p:CreationDate><cim:Datetime>yesterday</cim:Datetime></p:CreationDate>",
        ] {
            let xml = ValueDecodingTests.process + body + "</p:Win32_Process>"
            let item = try #require(try Self.items(ValueDecodingTests.pull(xml), form: .json).first)
            #expect(item.json == nil, "\(body)")
            #expect(item.instance != nil && !item.schemaIssues.isEmpty, "\(body)")
        }
    }

    @Test func scatteredRepeatsEmbeddedInstancesAndEPRsAreDecoded() throws {
        let config = #"<p:Win32_NetworkAdapterConfiguration xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_NetworkAdapterConfiguration">"#
        let scattered = config + "<p:IPAddress>10.0.0.1</p:IPAddress><p:Index>1</p:Index><p:IPAddress>10.0.0.2</p:IPAddress></p:Win32_NetworkAdapterConfiguration>"
        let located = ValueDecodingTests.process + #"<p:Handle>4</p:Handle><cim:Location xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></cim:Location></p:Win32_Process>"#
        for xml in [scattered, located] {
            let fast = try Self.items(ValueDecodingTests.pull(xml), form: .json)
            let plain = try Self.items(ValueDecodingTests.pull(xml), form: .instance)
            #expect(fast.first?.json == nil)
            #expect(fast == plain)
        }
    }

    @Test func plainValuesNullsArraysDatetimesAndEscapesAreWrittenAsTheInstanceWouldBe() throws {
        let config = #"<p:Win32_NetworkAdapterConfiguration xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_NetworkAdapterConfiguration">"#
        let documents = [
            ValueDecodingTests.process + """
                <p:Handle>4</p:Handle><p:Name>a "quoted" \\ name\ttab &lt;x&gt; é</p:Name><p:ProcessId> 4 </p:ProcessId>
                <p:CommandLine xsi:nil="true"/><p:VirtualSize>18446744073709551615</p:VirtualSize>
                <p:CreationDate><cim:Datetime> 2024-05-01T10:20:30.120000+02:00 </cim:Datetime></p:CreationDate>
                </p:Win32_Process>
                """,
            config + #"<p:Index>1</p:Index><p:IPAddress>10.0.0.1</p:IPAddress><p:IPAddress xsi:nil="true"/><p:IPAddress>fe80::1</p:IPAddress><p:IPSubnet xsi:nil="true"/><p:DefaultIPGateway>10.0.0.254</p:DefaultIPGateway></p:Win32_NetworkAdapterConfiguration>"#,
            #"<p:Unknown_Class xmlns:p="http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Unknown_Class"><p:A>1</p:A><p:B>x</p:B><p:B>y</p:B></p:Unknown_Class>"#,
            // Integers not in canonical form are parsed and rewritten, not copied.
            ValueDecodingTests.process + "<p:Handle>4</p:Handle><p:ProcessId>+7</p:ProcessId><p:ThreadCount>007</p:ThreadCount><p:SessionId>0</p:SessionId></p:Win32_Process>",
        ]
        for xml in documents {
            let fast = try #require(try Self.items(ValueDecodingTests.pull(xml), form: .json).first)
            let plain = try #require(try Self.items(ValueDecodingTests.pull(xml), form: .instance).first)
            let json = try #require(fast.json, "a plain item takes the fast path")
            Self.expectSame(json, try #require(plain.instance), xml)
        }
    }

    static func items(_ bytes: [UInt8], form: EnumerationItemForm, className: String? = nil) throws -> [EnumerationItem] {
        let kind: WSManResponseKind = String(decoding: bytes.prefix(4096), as: UTF8.self).contains("EnumerateResponse") ? .enumerate : .pull
        return try WSManResponseParser.parse(bytes, WSManResponseContext(
            expecting: kind, host: "h", defaultClassName: className, defaultNamespace: "root/cimv2", itemForm: form)).items
    }

    static func expectSame(_ json: CimInstanceJSON, _ instance: CimInstance, _ where: String) {
        var expected = CimInstanceJSON()
        expected.set(instance)
        #expect(json.className == expected.className && json.namespace == expected.namespace, "\(`where`)")
        #expect(json.names == expected.names && json.keyNames == expected.keyNames, "\(`where`)")
        #expect(json.members == expected.members, "\(`where`)")
        #expect(String(decoding: json.object, as: UTF8.self) == String(decoding: expected.object, as: UTF8.self), "\(`where`)")
    }
}
