import CIMModel
import Foundation
import Testing
import WSMan

/// The OMI server captures replay through the parser: each response is parsed as an answer to
/// the request captured beside it (its Action gives the kind, its MessageID the RelatesTo).
@Suite struct OMICaptureTests {
    struct Exchange {
        let name: String
        let status: Int
        let kind: WSManResponseKind
        let messageID: String?
        let namespace: String?
        let className: String?
        let body: [UInt8]
    }

    static func exchange(_ name: String) throws -> Exchange {
        let folder = "omi-captures/"
        let request = try Reference.text(folder + name + ".request.xml")
        let action = Reference.firstText(of: "Action", in: request) ?? ""
        let kind: WSManResponseKind = switch action.split(separator: "/").last {
        case "Enumerate": .enumerate
        case "Pull": .pull
        case "Release": .release
        case "Get": .get
        case nil where request.contains("Identify"): .identify
        default: .get
        }
        let resource = Reference.firstText(of: "ResourceURI", in: request)
        let selector = request.range(of: #"__cimnamespace">([^<]*)<"#, options: .regularExpression)
            .map { String(request[$0].dropFirst(#"__cimnamespace">"#.count).dropLast()) }
        let status = Int(try Reference.text(folder + name + ".status").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return Exchange(name: name, status: status, kind: kind, messageID: Reference.firstText(of: "MessageID", in: request),
                        namespace: selector, className: resource.map { String($0.split(separator: "/").last ?? "") },
                        body: try Reference.bytes(folder + name + ".response.xml"))
    }

    static func parse(_ exchange: Exchange) throws(WSManParseError) -> (response: WSManResponse, items: [EnumerationItem]) {
        try WSManResponseParser.parse(exchange.body, WSManResponseContext(
            expecting: exchange.kind, relatesTo: exchange.messageID, host: "127.0.0.1",
            defaultClassName: exchange.className, defaultNamespace: exchange.namespace))
    }

    static func names() throws -> [String] {
        try Reference.files(in: "omi-captures").filter { $0.hasSuffix(".response.xml") }
            .map { String($0.dropLast(".response.xml".count)) }
    }

    @Test func everyCaptureReplays() throws {
        let names = try Self.names()
        #expect(names.count >= 35)
        for name in names {
            let exchange = try Self.exchange(name)
            if exchange.body.isEmpty {
                #expect(throws: WSManParseError.self, "\(name)") { try Self.parse(exchange) }
                #expect(exchange.status == 500, "\(name)")
                continue
            }
            let (response, items) = try Self.parse(exchange)
            switch response {
            case .fault(let fault):
                #expect(exchange.status == 500, "\(name): \(fault)")
            case .enumeration(let batch):
                #expect(exchange.status == 200, "\(name)")
                #expect(batch.itemCount == items.count, "\(name)")
                #expect(batch.context.map { UInt64($0) != nil } == true, "\(name): OMI contexts are numeric")
            default:
                #expect(exchange.status == 200, "\(name)")
            }
        }
    }

    @Test(arguments: [
        ("10-enumerate-plain", 0, false), ("11-pull-01", 400, false), ("11-pull-02", 400, false), ("11-pull-03", 200, true),
        ("20-enumerate-optimize-max20", 20, false), ("21-pull-max250-01", 250, false), ("21-pull-max250-02", 250, false),
        ("21-pull-max250-03", 250, false), ("21-pull-max250-04", 230, true), ("22-enumerate-optimize-nomax", 1, false),
        ("23-pull-no-maxelements", 1, false), ("27-enumerate-optimize-max2000-eos", 1000, true),
        ("29-enumerate-maxenvelope8k-max100", 33, false), ("30-pull-maxenvelope8k-max100", 32, false),
        ("61-enumerate-wql-filter", 10, true),
    ])
    func batchesHoldWhatTheServerSent(name: String, count: Int, isEnd: Bool) throws {
        let (response, items) = try Self.parse(try Self.exchange(name))
        guard case .enumeration(let batch) = response else {
            Issue.record("\(name): \(response)")
            return
        }
        #expect(items.count == count)
        #expect(batch.isEndOfSequence == isEnd)
        // OMI keeps returning a (numeric) context even with EndOfSequence.
        #expect(batch.context?.isEmpty == false)
        for instance in items.compactMap(\.instance) {
            #expect(instance.className == "X_SmallNumber")
            #expect(instance.namespace == "test/cpp")
            #expect(instance["SpelledNumber"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func identifyInTheSoapNamespace() throws {
        let (response, _) = try Self.parse(try Self.exchange("01-identify"))
        #expect(response == .identify(IdentifyResponse(
            protocolVersion: "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd", productVendor: "Open Management Infrastructure",
            productVersion: "1.0.8-6",
            securityProfiles: ["http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/basic"])))
    }

    @Test func getReturnsTheInstanceInTheRequestedNamespace() throws {
        let (response, _) = try Self.parse(try Self.exchange("41-get-president-1-cimv2"))
        guard case .get(let item) = response else {
            Issue.record("\(response)")
            return
        }
        #expect(item.instance == CimInstance(className: "MSFT_President", namespace: "root/cimv2", host: "127.0.0.1",
                                             properties: [.init(name: "Key", value: .string("1")),
                                                          .init(name: "First", value: .string("George")),
                                                          .init(name: "Last", value: .string("Washington"))]))
    }

    @Test func notFoundFaultsCarryTheOmiError() throws {
        for name in ["42-get-smallnumber-notfound-fault", "43-get-president-notfound-fault"] {
            let (response, _) = try Self.parse(try Self.exchange(name))
            guard case .fault(let fault) = response else {
                Issue.record("\(name): \(response)")
                continue
            }
            #expect(fault.subcode == .init(namespace: WSManNamespace.addressing, localName: "DestinationUnreachable"))
            #expect(fault.cimError?.className == "OMI_Error")
            #expect(fault.cimError?.cimStatusCode == 6)
            #expect(fault.cimError?.messageID == "OMI:MI_Result:6")
            #expect(!fault.isTransient)
        }
    }

    @Test func lostContextFaultsAndEmptyBodies() throws {
        for name in ["25-pull-after-release-fault", "26-pull-bogus-context-fault", "28-pull-after-eos-fault"] {
            guard case .fault(let fault) = try Self.parse(try Self.exchange(name)).response else {
                Issue.record("\(name)")
                continue
            }
            #expect(fault.reason == "Enumeration context not found")
        }
        for name in ["81-malformed-xml-fault", "90-enumerate-64th-open-context-empty500"] {
            #expect { try Self.parse(try Self.exchange(name)) } throws: { error in
                (error as? WSManParseError)?.kind == .emptyBody
            }
        }
        guard case .fault(let mustUnderstand) = try Self.parse(try Self.exchange("84-mustunderstand-unknown-header-fault")).response
        else {
            Issue.record("84")
            return
        }
        #expect(mustUnderstand.soapCode == .init(namespace: WSManNamespace.soap, localName: "MustUnderstand"))
        #expect(mustUnderstand.subcode == nil)
        guard case .fault(let internalError) = try Self.parse(try Self.exchange("80-unsupported-action-fault")).response else {
            Issue.record("80")
            return
        }
        #expect(internalError.reason.isEmpty)
        #expect(internalError.subcode?.localName == "InternalError")
    }

    @Test func releaseAnswersWithAnEmptyBody() throws {
        #expect(try Self.parse(try Self.exchange("24-release")).response == .release)
        #expect(try Self.parse(try Self.exchange("31-release-after-partial")).response == .release)
    }

    @Test func objectAndReferenceItems() throws {
        let (_, items) = try Self.parse(try Self.exchange("60-enumerate-epr-mode"))
        #expect(items.count == 2)
        let first = try #require(items.first)
        #expect(first.instance?.className == "MSFT_President")
        #expect(first.instance?.keyNames == ["Key"])
        #expect(first.endpointReference == CimReference(
            resourceURI: "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_President", selectors: [.init(name: "Key", value: "1")]))
    }

    @Test func polymorphicResultsWithEmbeddedInstancesAndReferences() throws {
        let (_, items) = try Self.parse(try Self.exchange("62-enumerate-baseclass-X_Number-polymorphic"))
        var classes: [String: Int] = [:]
        for instance in items.compactMap(\.instance) { classes[instance.className, default: 0] += 1 }
        #expect(classes == ["X_SmallNumber": 1000, "X_HugeNumber": 2, "X_Number1000001": 1])
        let huge = try #require(items.compactMap(\.instance).first { $0.className == "X_HugeNumber" })
        guard case .instance(let magnitude) = huge["MagnitudeObj"] else {
            Issue.record("MagnitudeObj: \(String(describing: huge["MagnitudeObj"]))")
            return
        }
        #expect(magnitude.className == "X_SmallNumber")
        #expect(magnitude["SpelledNumber"] == .string("six"))
        guard case .array(let numbers) = huge["Numbers123"] else {
            Issue.record("Numbers123: \(String(describing: huge["Numbers123"]))")
            return
        }
        #expect(numbers.count == 3)
        guard case .instance(let halves) = huge["Number0"], case .reference(let number) = halves["number"] else {
            Issue.record("Number0: \(String(describing: huge["Number0"]))")
            return
        }
        #expect(number.className == "X_SmallNumber")
        #expect(number.selectors == [.init(name: "__cimnamespace", value: "test/cpp"), .init(name: "Number", value: "0")])
    }
}
