import CIMModel
import Foundation
import Testing
import WSMan

/// Every real response in the corpus parses, with the item counts PROVENANCE.md states and the
/// values the XML holds.
@Suite struct CorpusResponseTests {
    static let txwinrm = "corpus/zenoss-txwinrm/"

    /// The kind a corpus file answers, from its name (the files are named after their message).
    static func kind(of file: String) -> WSManResponseKind {
        if file.contains("PullResponse") { return .pull }
        if file.contains("EnumerateResponse") || file.hasPrefix("enumerate-") || file.contains("Enumerate-shells-response") {
            return .enumerate
        }
        if file.contains("Pull") { return .pull }
        return .get
    }

    static func parse(_ relative: String, defaultClass: String? = nil, defaultNamespace: String? = "root/cimv2")
        throws -> (response: WSManResponse, items: [EnumerationItem]) {
        let file = String(relative.split(separator: "/").last!)
        return try WSManResponseParser.parse(
            try Reference.bytes(relative),
            WSManResponseContext(expecting: kind(of: file), host: "corpus", defaultClassName: defaultClass,
                                 defaultNamespace: defaultNamespace))
    }

    /// The class a txwinrm file enumerates: `ws2012-Win32_Process-wql-…` → `Win32_Process`.
    static func className(of file: String) -> String { String(file.split(separator: "-")[1]) }

    @Test func everyTxwinrmCaptureParsesWithTheItemCountProvenanceStates() throws {
        let counts = try Reference.provenanceItemCounts()
        let files = try Reference.files(in: Self.txwinrm).filter { $0.hasPrefix("ws20") }
        #expect(files.count >= 50)
        for file in files {
            let expected = try #require(counts[file], "PROVENANCE.md gives no item count for \(file)")
            let (response, items) = try Self.parse(Self.txwinrm + file, defaultClass: Self.className(of: file))
            guard case .enumeration(let batch) = response else {
                Issue.record("\(file): expected an enumeration response, got \(response)")
                continue
            }
            // PROVENANCE counts the items of the queried class; derived classes come on top
            // (one Win32_TerminalService among the services).
            let ofClass = items.filter { $0.instance?.className == Self.className(of: file) || file.contains("proplist") }
            #expect(ofClass.count == expected, "\(file)")
            #expect(batch.itemCount == items.count, "\(file)")
            #expect(batch.isEndOfSequence == file.contains("EndOfSequence"), "\(file)")
            if !batch.isEndOfSequence {
                #expect(batch.context?.hasPrefix("uuid:") == true, "\(file): context \(batch.context ?? "nil")")
            }
            for item in items {
                let instance = try #require(item.instance, "\(file): item without instance")
                #expect(instance.host == "corpus")
                #expect(instance.namespace == "root/cimv2", "\(file)")
                if !file.contains("Win32_Service") {
                    #expect(instance.className == Self.className(of: file), "\(file)")
                }
            }
        }
    }

    /// Every response body in the corpus (real captures, OMI expectations and spec examples), as an
    /// answer to its request: pypsrp recorded request/response pairs, so RelatesTo is checked too.
    @Test func everyResponseInTheCorpusParses() throws {
        var parsed = 0
        for folder in ["jborean93-pypsrp", "WinRb-WinRM", "zenoss-txwinrm", "microsoft-omi", "awakecoding-openspecs",
                       "Openwsman-openwsman"] {
            for file in try Reference.files(in: "corpus/" + folder) where file.hasSuffix(".xml") {
                let isResponse = file.contains("esponse") || file.hasPrefix("fault-") || file.contains("-fault-")
                guard isResponse, !file.hasSuffix("-request.xml"), !file.contains("body-fragment") else { continue }
                var kind = Self.kind(of: file)
                var relatesTo: String?
                let requestFile = "corpus/\(folder)/" + file.replacingOccurrences(of: "-response.xml", with: "-request.xml")
                if file.hasSuffix("-response.xml"), let request = try? Reference.text(requestFile) {
                    relatesTo = Reference.firstText(of: "MessageID", in: request)
                    if Reference.firstText(of: "Action", in: request)?.hasSuffix("/Enumerate") == true { kind = .enumerate }
                }
                let body = try Reference.bytes("corpus/\(folder)/\(file)")
                do {
                    let (response, items) = try WSManResponseParser.parse(body, WSManResponseContext(
                        expecting: kind, relatesTo: relatesTo, defaultNamespace: "root/cimv2"))
                    if case .enumeration(let batch) = response { #expect(batch.itemCount == items.count, "\(file)") }
                    if file.contains("fault") {
                        guard case .fault = response else {
                            Issue.record("\(file): expected a fault, got \(response)")
                            continue
                        }
                    }
                    parsed += 1
                } catch {
                    Issue.record("\(folder)/\(file) (as \(kind)): \(error)")
                }
            }
        }
        #expect(parsed >= 75)
    }

    @Test func win32ProcessValuesAreTypedByTheSchema() throws {
        let (_, items) = try Self.parse(Self.txwinrm + "ws2012-Win32_Process-wql-select-star-001-PullResponse.xml")
        let system = try #require(items.first?.instance)
        #expect(system.className == "Win32_Process")
        #expect(system.keyNames == ["Handle"])
        #expect(system["Handle"] == .string("4"))
        #expect(system["CreationDate"] == .datetime(try #require(CimDateTime(parsing: "2013-04-15T16:28:47.73517Z"))))
        #expect(system["PeakVirtualSize"] == .uint64(16_945_152))
        #expect(system["ProcessId"] == .uint32(4))
        #expect(system["CommandLine"] == .null)
        #expect(system["OSName"] == .string(#"Microsoft Windows Server 2012 Standard|C:\Windows|\Device\Harddisk0\Partition2"#))
        #expect(items.allSatisfy { $0.schemaIssues.isEmpty }, "\(items.flatMap(\.schemaIssues))")
    }

    @Test func xmlFragmentItemsTakeTheRequestedClassAndReadUnqualifiedDatetime() throws {
        let (_, items) = try Self.parse(Self.txwinrm + "ws2012-Win32_Process-wql-select-proplist-001-PullResponse.xml",
                                        defaultClass: "Win32_Process")
        let system = try #require(items.first?.instance)
        #expect(system.className == "Win32_Process")
        #expect(system["CreationDate"] == .datetime(try #require(CimDateTime(parsing: "2013-04-15T16:28:47.73517Z"))))
        #expect(system["HandleCount"] == .uint32(481))
        #expect(system["PeakVirtualSize"] == .uint64(16_945_152))
    }

    @Test func polymorphicServiceItemsKeepTheirDerivedClass() throws {
        var classes: [String: Int] = [:]
        var terminal: CimInstance?
        for file in try Reference.files(in: Self.txwinrm) where file.hasPrefix("ws2012-Win32_Service-wql-select-star") {
            let (_, items) = try Self.parse(Self.txwinrm + file, defaultClass: "Win32_Service")
            for instance in items.compactMap(\.instance) {
                classes[instance.className, default: 0] += 1
                if instance.className == "Win32_TerminalService" { terminal = instance }
            }
        }
        #expect(classes["Win32_TerminalService"] == 1)
        #expect((classes["Win32_Service"] ?? 0) > 100)
        let service = try #require(terminal)
        #expect(service.keyNames == ["Name"])
        #expect(service["Name"] == .string("TermService"))
        #expect(service["AcceptStop"]?.scalarType == .boolean)
    }

    @Test func arraysFollowTheSchemaEvenWithOneElement() throws {
        let (_, items) = try Self.parse(
            Self.txwinrm + "ws2012-Win32_NetworkAdapterConfiguration-wql-select-star-001-PullResponse-EndOfSequence.xml")
        let adapters = items.compactMap(\.instance)
        let configured = try #require(adapters.first { $0["IPAddress"] != nil }, "no adapter with an IP address")
        #expect(configured["IPAddress"] == .array([.string("10.30.40.193")]))
        #expect(configured["DNSDomainSuffixSearchOrder"] == .array([
            .string("us-east-1.ec2-utilities.amazonaws.com"), .string("ec2.internal"), .string("compute-1.internal"),
            .string("solutions.loc"),
        ]))
        // Windows leaves an empty array property out altogether.
        #expect(adapters.filter { $0["IPAddress"] == nil }.count == adapters.count - 1)
        #expect(items.allSatisfy { $0.schemaIssues.isEmpty }, "\(items.flatMap(\.schemaIssues))")
    }

    @Test func pypsrpAndSpecResponsesParse() throws {
        let (shells, shellItems) = try Self.parse("corpus/jborean93-pypsrp/enumerate-shells-optimized-response.xml")
        #expect(shellItems.count == 2)
        #expect(shells == .enumeration(EnumerationBatch(context: "", isEndOfSequence: true, itemCount: 2)))
        #expect(shellItems.first?.instance?.className == "Shell")
        let (config, _) = try Self.parse("corpus/jborean93-pypsrp/get-config-MaxEnvelopeSizekb-150-response.xml")
        guard case .get(let item) = config, let cfg = item.instance else {
            Issue.record("expected a GetResponse, got \(config)")
            return
        }
        #expect(cfg.className == "Config")
        #expect(cfg["MaxEnvelopeSizekb"] == .string("150"))
        #expect(cfg["Client"].map { if case .instance = $0 { true } else { false } } == true)

        let (pull, pulled) = try Self.parse("corpus/awakecoding-openspecs/mswsmv-4.1.2.4-PullResponse-1.xml",
                                           defaultNamespace: nil)
        #expect(pull == .enumeration(EnumerationBatch(context: "uuid:2504CA0D-94B9-4F91-B2F7-9F4CD9A2A96C",
                                                      isEndOfSequence: false, itemCount: 1)))
        #expect(pulled.first?.instance?.namespace == "root/mynamespace")
        #expect(pulled.first?.endpointReference?.selectors == [.init(name: "id", value: "1")])
        #expect(pulled.first?.instance?.keyNames == ["id"])

        let (invoke, _) = try Self.parse("corpus/Openwsman-openwsman/invoke-StdRegProv-EnumKeyResponse-ws2003.xml")
        guard case .get(let output) = invoke else {
            Issue.record("expected an instance body, got \(invoke)")
            return
        }
        if case .array(let names) = output.instance?["sNames"] { #expect(names.count > 1) } else {
            Issue.record("sNames is not an array: \(String(describing: output.instance?["sNames"]))")
        }
    }

    @Test func identifyResponseFragmentReadsVendorAndVersion() throws {
        let fragment = try Reference.text("corpus/microsoft-omi/identify-response-body-fragment-windows-6.0.6002.xml")
        let envelope = #"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>"# + fragment
            + "</s:Body></s:Envelope>"
        let (response, _) = try WSManResponseParser.parse(Array(envelope.utf8), WSManResponseContext(expecting: .identify))
        #expect(response == .identify(IdentifyResponse(
            protocolVersion: "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd", productVendor: "Microsoft Corporation",
            productVersion: "OS: 6.0.6002 SP: 2.0 Stack: 2.0", securityProfiles: [])))
    }

    @Test func omiServerResponsesInTheCorpusParse() throws {
        let (datetime, items) = try Self.parse(
            "corpus/microsoft-omi/omi-server-EnumerateResponse-OMI_Datetime-arrays-EndOfSequence.xml", defaultNamespace: "root/omi")
        #expect(datetime == .enumeration(EnumerationBatch(context: "NNNN", isEndOfSequence: true, itemCount: 1)))
        let instance = try #require(items.first?.instance)
        #expect(instance.className == "OMI_Datetime")
        #expect(instance.namespace == "root/omi")
        #expect(instance["Key"] == .null)
        #expect(instance["timestamps"] == .array([.string("2001-25-00"), .string("2001-25-00")]))

        let (_, identify) = try Self.parse("corpus/microsoft-omi/omi-server-EnumerateResponse-OMI_Identify-with-EPR.xml",
                                           defaultNamespace: "root/omi")
        let item = try #require(identify.first)
        #expect(item.instance?.className == "OMI_Identify")
        #expect(item.endpointReference?.selectors.first?.name == "InstanceID")
        #expect(item.instance?.keyNames == ["InstanceID"])
        if case .array(let spaces) = item.instance?["ConfigNameSpaces"] { #expect(spaces.count == 12) } else {
            Issue.record("ConfigNameSpaces is not an array")
        }
    }
}
