import Foundation
import Simulator
import Testing

/// The same ShapeReader runs over REAL Windows Server 2012 captures (zenoss/txwinrm, pypsrp and WinRb
/// recordings in ../shared/reference/corpus, see PROVENANCE.md) and over the simulator's answers to
/// the same requests; the shapes must agree.
@Suite struct FidelityTests {
    /// `$CIMSWEEP_CORPUS`, or `../shared/reference/corpus` next to the package.
    static let corpus = ProcessInfo.processInfo.environment["CIMSWEEP_CORPUS"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference/corpus")
    static let star = Fixture.wmi + "root/cimv2/*"

    static func real(_ directory: String, _ prefix: String) throws -> [(name: String, shape: ShapeReader.Envelope)] {
        let folder = corpus.appendingPathComponent(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let matching = names.filter { $0.hasPrefix(prefix) }.sorted()
        guard !matching.isEmpty else {
            throw FixtureError("no corpus files \(prefix)* under \(folder.path); the fidelity tests need ../shared/reference/corpus or CIMSWEEP_CORPUS")
        }
        return try matching.map { ($0, try ShapeReader.read(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    /// The simulator's sequence for one WQL query: Enumerate with MaxElements 1 (as Windows' first
    /// optimized response usually carries one item), then Pulls with 32000.
    static func simulated(_ url: String, wql: String) async throws -> [ShapeReader.Envelope] {
        var shapes = [try ShapeReader.read(try await Fixture.post(url, Fixture.enumerate(star, wql: wql, maxElements: 1)).body)]
        while let last = shapes.last, !last.endOfSequence, let context = last.enumerationContext {
            shapes.append(try ShapeReader.read(try await Fixture.post(url, Fixture.pull(star, context: context)).body))
        }
        return shapes
    }

    static let classes = ["Win32_Process", "Win32_Service", "Win32_OperatingSystem", "Win32_ComputerSystem",
                          "Win32_LogicalDisk", "Win32_NetworkAdapterConfiguration"]

    @Test(arguments: classes)
    func enumerationShapesMatchWindows(className: String) async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            for kind in ["star", "proplist"] {
                let real = try Self.real("zenoss-txwinrm", "ws2012-\(className)-wql-select-\(kind)-")
                let realItems = real.flatMap(\.shape.items)
                let wql = kind == "star" ? "SELECT * FROM \(className)"
                    : "SELECT " + Set(realItems.flatMap { $0.properties.map(\.name) }).sorted().joined(separator: ", ") + " FROM \(className)"
                let ours = try await Self.simulated(fleet.hosts[0].url, wql: wql)
                try compare(real: real.map(\.shape), ours: ours, label: "\(className) \(kind)")
            }
        }
    }

    func compare(real: [ShapeReader.Envelope], ours: [ShapeReader.Envelope], label: String) throws {
        let realFirst = try #require(real.first), ourFirst = try #require(ours.first)
        // Windows' responses of one kind all share namespaces and headers; a capture with a single
        // EnumerateResponse (one disk) still fixes those for our Pulls.
        let realPull = real.first { $0.operation == "n:PullResponse" }
        #expect(ourFirst.operation == realFirst.operation, "\(label): body element")
        for shape in ours {
            let theirs = shape.operation == "n:PullResponse" ? realPull ?? realFirst : realFirst
            #expect(shape.declarations == theirs.declarations, "\(label): envelope namespaces")
            #expect(shape.language == "en-US" && theirs.language == "en-US", "\(label): xml:lang")
            #expect(shape.headers == theirs.headers, "\(label): header order")
        }
        // Layouts: each of our responses must have a layout Windows used for the same operation and position.
        let realLayouts = Set(real.map { ($0.operation ?? "") + ":" + $0.bodyLayout.joined(separator: ",") })
        for shape in ours {
            let layout = (shape.operation ?? "") + ":" + shape.bodyLayout.joined(separator: ",")
            let known = realLayouts.contains(layout) || Self.windowsLayouts.contains(layout)
            #expect(known, "\(label): body layout \(layout) not seen from Windows (saw \(realLayouts))")
            if shape.operation == "n:EnumerateResponse", shape.endOfSequence { #expect(shape.enumerationContext == "") }
        }
        let realItems = real.flatMap(\.items), ourItems = ours.flatMap(\.items)
        let realItem = try #require(realItems.first), ourItem = try #require(ourItems.first)
        #expect(ourItem.qualifiedName.hasPrefix(realItem.qualifiedName.hasPrefix("w:") ? "w:XmlFragment" : "p:"), "\(label): item form")
        #expect(Set(ourItem.declarations.keys) == Set(realItem.declarations.keys), "\(label): item namespace prefixes")
        #expect(ourItem.declarations["xsi"] == realItem.declarations["xsi"] && ourItem.declarations["cim"] == realItem.declarations["cim"])
        #expect((ourItem.xsiType == nil) == (realItem.xsiType == nil), "\(label): xsi:type presence")
        if let p = realItem.declarations["p"] { #expect(ourItems.contains { $0.declarations["p"] == p }, "\(label): class namespace") }
        // Property order: case-insensitive by name in both.
        for item in [realItem, ourItem] {
            let names = item.properties.map { $0.name.lowercased() }
            #expect(names == names.sorted(), "\(label): property order")
        }
        // Value encodings of each property Windows returned with a value must match ours.
        func encodings(_ items: [ShapeReader.Item]) -> [String: Set<String>] {
            var result: [String: Set<String>] = [:]
            for item in items where item.localName != "Win32_TerminalService" {
                for property in item.properties where property.encoding != .null { result[property.name, default: []].insert(property.encoding.description) }
            }
            return result
        }
        let theirs = encodings(realItems), mine = encodings(ourItems)
        for (name, kinds) in theirs {
            if let ourKinds = mine[name] { #expect(ourKinds == kinds, "\(label): \(name) encoded \(ourKinds) vs Windows \(kinds)") }
        }
        let realNames = Set(realItems.filter { $0.localName != "Win32_TerminalService" }.flatMap { $0.properties.map(\.name) })
        let ourNames = Set(ourItems.filter { $0.localName != "Win32_TerminalService" }.flatMap { $0.properties.map(\.name) })
        #expect(realNames.subtracting(ourNames).isEmpty, "\(label): Windows sent properties we lack: \(realNames.subtracting(ourNames).sorted())")
        #expect(realItems.contains { $0.properties.contains { $0.encoding == .null } } == ourItems.contains { $0.properties.contains { $0.encoding == .null } })
    }

    /// Layouts Windows uses that a capture set may lack for a given class (from the other ws2012 captures).
    static let windowsLayouts: Set<String> = [
        "n:EnumerateResponse:n:EnumerationContext,w:Items",
        "n:EnumerateResponse:n:EnumerationContext,w:Items,w:EndOfSequence",
        "n:PullResponse:n:EnumerationContext,n:Items",
        "n:PullResponse:n:Items,n:EndOfSequence",
    ]

    @Test func polymorphicServiceItemsMatchWindows() async throws {
        let real = try Self.real("zenoss-txwinrm", "ws2012-Win32_Service-wql-select-star-").flatMap(\.shape.items)
        let realTerminal = try #require(real.first { $0.localName == "Win32_TerminalService" })
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1), logger: Fixture.logger) { fleet in
            let ours = try await Self.simulated(fleet.hosts[0].url, wql: "SELECT * FROM Win32_Service").flatMap(\.items)
            let terminal = try #require(ours.first { $0.localName == "Win32_TerminalService" })
            #expect(terminal.declarations == realTerminal.declarations)
            #expect(terminal.xsiType == realTerminal.xsiType)
            // DelayedAutoStart is in the schema (current docs) but absent from the 2012 capture.
            #expect(terminal.properties.map(\.name).filter { $0 != "DelayedAutoStart" } == realTerminal.properties.map(\.name))
        }
    }

    @Test func faultShapesMatchWindows() async throws {
        let cannotProcess = try Self.real("WinRb-WinRM", "fault-enumeration-CannotProcessFilter-invalid-class-ExtendedStatus").first!.shape
        let invalidSelectors = try Self.real("jborean93-pypsrp", "get-shell-fault-InvalidSelectors-response").first!.shape
        let timedOut = try Self.real("jborean93-pypsrp", "receive-fault-TimedOut-operation-timeout-response").first!.shape
        let quota = try Self.real("zenoss-txwinrm", "fault-InternalError-max-concurrent-operations").first!.shape
        var configuration = Fixture.configuration(hosts: 1)
        configuration.latency = LatencySpec(base: .milliseconds(100))
        configuration.maxConcurrentOperationsPerUser = 0
        try await SimulatedFleet.run(configuration, logger: Fixture.logger) { fleet in
            let url = fleet.hosts[0].url
            let ours: [(ShapeReader.Envelope, ShapeReader.Envelope, String)] = [
                (try ShapeReader.read(try await Fixture.post(url, Fixture.enumerate(Self.star, wql: "Select * from Win32_Processa")).body),
                 cannotProcess, "CannotProcessFilter"),
                (try ShapeReader.read(try await Fixture.post(url, Fixture.get(Fixture.wmi + "root/cimv2/Win32_Service", selectors: [("Name", "Gone")])).body),
                 invalidSelectors, "InvalidSelectors"),
                (try ShapeReader.read(try await Fixture.post(url, Fixture.enumerate(Self.star, wql: "SELECT * FROM Win32_BIOS", timeout: "PT0.010S")).body),
                 timedOut, "TimedOut"),
                (try ShapeReader.read(try await Fixture.post(url, Fixture.enumerate(Self.star, wql: "SELECT * FROM Win32_BIOS")).body),
                 quota, "quota"),
            ]
            for (mine, theirs, label) in ours {
                let fault = try #require(mine.fault, "\(label): no fault"), real = try #require(theirs.fault)
                #expect(mine.declarations == theirs.declarations, "\(label): envelope namespaces")
                #expect(mine.headers == theirs.headers, "\(label): headers")
                #expect(mine.action == theirs.action, "\(label): fault action")
                #expect(fault.code == real.code && fault.subcode == real.subcode, "\(label): code")
                #expect(fault.detailChildren == real.detailChildren, "\(label): detail layout")
                #expect(fault.wsmanFaultAttributes == real.wsmanFaultAttributes, "\(label): WSManFault attributes")
                #expect(fault.wsmanCode == real.wsmanCode, "\(label): WSManFault Code")
                #expect(fault.machine == fleet.hosts[0].hostname)
            }
        }
    }
}
