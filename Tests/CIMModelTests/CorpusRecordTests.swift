import CIMModel
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The REAL Windows captures in `../shared/reference/corpus/zenoss-txwinrm` (GPL: read in place,
/// never copied into the project), read into instances and then into typed records.
///
/// `CorpusItems` below is a minimal reader for these files only, so the record side can be held to
/// real data before the WSMan parser lands; the integrator replaces it with that parser.
@Suite struct CorpusRecordTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/reference/corpus/zenoss-txwinrm").standardized

    static let files: [URL] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.filter { $0.hasPrefix("ws20") && $0.contains("-Win32_") && $0.hasSuffix(".xml") }.sorted()
            .map { corpus.appendingPathComponent($0) }
    }()

    @Test(.enabled(if: !files.isEmpty, "REAL corpus not found at ../shared/reference/corpus/zenoss-txwinrm"),
          arguments: files)
    func everyRealInstanceDecodesIntoItsRecordWithoutLoss(_ file: URL) throws {
        let instances = try CorpusItems.read(file)
        #expect(!instances.isEmpty, "\(file.lastPathComponent) has no items")
        for instance in instances {
            let schema = try #require(CimSchemaRegistry.builtin.schema(className: instance.className),
                                      "\(instance.className) has no schema")
            let record = try #require(try CimRecords.record(from: instance), "\(instance.className) has no record")
            #expect(record.lostProperties(from: instance).isEmpty, "\(file.lastPathComponent): \(instance.className)")
            #expect(schema.check(instance).isEmpty, "\(file.lastPathComponent): \(schema.check(instance))")
        }
    }

    @Test(.enabled(if: !files.isEmpty, "REAL corpus not found at ../shared/reference/corpus/zenoss-txwinrm"))
    func terminalServiceCheckedAgainstWin32ServiceShowsItsExtraProperties() throws {
        let file = Self.corpus.appendingPathComponent("ws2012-Win32_Service-wql-select-star-002-PullResponse.xml")
        let terminal = try #require(try CorpusItems.read(file).first { $0.className == "Win32_TerminalService" })
        let service = try #require(CimSchemaRegistry.builtin.schema(className: "Win32_Service"))
        #expect(service.check(terminal) == [.unknownProperty(name: "DisconnectedSessions"),
                                            .unknownProperty(name: "TotalSessions")])
        let record = try #require(try CimRecords.record(from: terminal) as? Win32TerminalService)
        #expect(record.name == "TermService")
        #expect(record.totalSessions == 3)
        let asService = try Win32Service(terminal)
        #expect(asService.name == "TermService")
    }

    @Test(.enabled(if: !files.isEmpty, "REAL corpus not found at ../shared/reference/corpus/zenoss-txwinrm"))
    func realValuesLandInTheirSwiftTypes() throws {
        let os = try #require(try CorpusItems.read(Self.corpus.appendingPathComponent(
            "ws2012-Win32_OperatingSystem-wql-select-star-000-EnumerateResponse-EndOfSequence.xml")).first)
        let record = try Win32OperatingSystem(os)
        #expect(record.maxNumberOfProcesses == UInt32.max)
        #expect(record.muiLanguages == ["en-US"])
        #expect(record.lastBootUpTime?.timestamp?.iso8601 == "2013-04-15T16:28:43.488171Z")
        #expect(record.csdVersion == nil)
        #expect(record.locale == "0409")
    }
}

/// Reads the items of one captured Enumerate/Pull response into `CimInstance`s, typing values by
/// the built-in schemas the way the WSMan parser does: text that does not parse as the declared
/// type stays `.string`, repeated elements are an array, `xsi:nil` is null.
final class CorpusItems: NSObject, XMLParserDelegate {
    private let fallbackClass: String
    private var depth = 0
    private var itemsDepth: Int?
    private var instances: [CimInstance] = []
    private var className = ""
    private var raw: [(name: String, isNil: Bool, text: String)] = []
    private var property: (name: String, isNil: Bool)?
    private var text = ""

    private init(fallbackClass: String) { self.fallbackClass = fallbackClass }

    static func read(_ file: URL) throws -> [CimInstance] {
        // File names are ws20xx-<Class>-wql-…; <w:XmlFragment> items do not carry their class.
        let fallback = file.lastPathComponent.split(separator: "-")[1]
        let reader = CorpusItems(fallbackClass: String(fallback))
        let parser = try #require(XMLParser(contentsOf: file))
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
        return reader.instances
    }

    private static func local(_ name: String) -> String { name.split(separator: ":").last.map(String.init) ?? name }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        let name = Self.local(elementName)
        if itemsDepth == nil, name == "Items" { itemsDepth = depth; return }
        guard let items = itemsDepth else { return }
        if depth == items + 1 {
            className = name == "XmlFragment" ? fallbackClass : name
            raw = []
        } else if depth == items + 2 {
            property = (name, attributes.contains { $0.key.hasSuffix("nil") && $0.value == "true" })
            text = ""
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if property != nil { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        defer { depth -= 1 }
        guard let items = itemsDepth else { return }
        if depth == items { itemsDepth = nil }
        if depth == items + 2, let current = property {
            raw.append((current.name, current.isNil, text))
            property = nil
        } else if depth == items + 1 {
            instances.append(makeInstance())
        }
    }

    private func makeInstance() -> CimInstance {
        let schema = CimSchemaRegistry.builtin.schema(className: className)
        var instance = CimInstance(className: className, namespace: "root/cimv2", host: "corpus",
                                   keyNames: schema?.keys ?? [])
        var order: [String] = []
        var grouped: [String: [(isNil: Bool, text: String)]] = [:]
        for entry in raw {
            if grouped[entry.name] == nil { order.append(entry.name) }
            grouped[entry.name, default: []].append((entry.isNil, entry.text))
        }
        for name in order {
            let entries = grouped[name] ?? []
            let scalar = schema?.property(named: name)?.type.scalar ?? .string
            func typed(_ text: String) -> CimValue { (try? CimValue.parse(lexical: text, as: scalar)) ?? .string(text) }
            if entries.count == 1, entries[0].isNil {
                instance.set(name, .null)
            } else if entries.count == 1 {
                instance.set(name, typed(entries[0].text))
            } else {
                instance.set(name, .array(entries.map { typed($0.text) }))
            }
        }
        return instance
    }
}
