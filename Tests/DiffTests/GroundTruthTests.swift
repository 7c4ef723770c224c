import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Simulator
import Testing
import Transport

/// `cimsweep diff -o json` against the simulator's own record of what each tick changed: 50 hosts
/// swept by the Collector, four ticks, every change accounted for and nothing extra — processes matched by Handle +
/// CreationDate across PID reuse, volatile properties left out unless asked for. Seed 600 reuses a
/// PID within ticks 1 and 3 (the test checks that it still does).
struct GroundTruthTests {
    static let hostCount = 50
    static let ticks = 4

    @Test func diffJSONEqualsTheSimulatorsDriftTruth() async throws {
        let directory = try TemporaryDirectory()
        let store = try SnapshotStore(path: directory.path("truth.db"))
        try await SimulatedFleet.run(FleetSweep.configuration(hosts: Self.hostCount, seed: 600), logger: .init(label: "sim")) { fleet in
            try await Transport.withTransport(logger: .init(label: "diff-tests")) { transport in
                var previous = try await FleetSweep.sweep(fleet, transport: transport, into: store)
                var truth = fleet.tick()
                var sawPIDReuse = false, sawVolatileOnly = false
                for tick in 1...Self.ticks {
                    let current = try await FleetSweep.sweep(fleet, transport: transport, into: store)
                    // The next tick's drift is drawn while this one is checked: the check reads only
                    // the store, the tick touches only the simulator.
                    async let next = tick < Self.ticks ? fleet.tick() : nil
                    try Self.check(truth, tick: tick, from: previous, to: current, in: store)
                    sawPIDReuse = sawPIDReuse || Entries.hasPIDReuse(truth)
                    sawVolatileOnly = sawVolatileOnly || truth.hosts.contains { host in
                        host.classes.contains { $0.changed.count != $0.nonVolatileChanges.count }
                    }
                    previous = current
                    if let following = await next { truth = following }
                }
                #expect(sawPIDReuse, "no tick reused a PID: identity across PID reuse went untested")
                #expect(sawVolatileOnly, "no tick changed only volatile properties")
            }
        }
    }

    /// The diff of one tick's two sweeps, without and with volatile properties, against its truth.
    static func check(_ truth: DriftTruth, tick: Int, from previous: SnapshotID, to current: SnapshotID,
                      in store: SnapshotStore) throws {
        for includeVolatile in [false, true] {
            let diff = try store.diff(from: .id(previous), to: .id(current), options: DiffOptions(includeVolatile: includeVolatile))
            let reported = try Entries(diffJSON: diff.jsonText(), schemas: store.schemas)
            let expected = Entries(truth: truth, includeVolatile: includeVolatile)
            #expect(!expected.lines.isEmpty, "tick \(tick) changed nothing: the test would prove nothing")
            let missing = expected.lines.subtracting(reported.lines).sorted()
            let extra = reported.lines.subtracting(expected.lines).sorted()
            #expect(missing.isEmpty, "tick \(tick), volatile \(includeVolatile): missing from diff:\n\(missing.prefix(20).joined(separator: "\n"))")
            #expect(extra.isEmpty, "tick \(tick), volatile \(includeVolatile): not in the truth:\n\(extra.prefix(20).joined(separator: "\n"))")
            #expect(reported.statuses.subtracting(["changed", "unchanged"]).isEmpty, "\(reported.statuses)")
            #expect(reported.hostCount == hostCount)
        }
    }
}

/// A diff or a truth flattened to one line per instance change, for set comparison with readable
/// failures: `HOST CLASS changed {Handle="12",CreationDate="…"} State: "Running" → "Stopped"`.
struct Entries {
    var lines: Set<String> = []
    var statuses: Set<String> = []
    var hostCount = 0

    init(truth: DriftTruth, includeVolatile: Bool) {
        for host in truth.hosts {
            for cls in host.classes {
                let prefix = "\(host.address) \(cls.className)"
                for instance in cls.added { lines.insert("\(prefix) added \(Self.identity(instance.identity))") }
                for instance in cls.removed { lines.insert("\(prefix) removed \(Self.identity(instance.identity))") }
                for instance in includeVolatile ? cls.changed : cls.nonVolatileChanges {
                    for property in instance.properties {
                        lines.insert("\(prefix) changed \(Self.identity(instance.identity)) \(property.name): "
                                     + "\(Self.text(property.old)) → \(Self.text(property.new))")
                    }
                }
            }
        }
    }

    /// Reads `SnapshotDiff.jsonText()` back, typing each value by the class schema as the CLI's
    /// JSON consumer would.
    init(diffJSON: String, schemas: CimSchemaRegistry) throws {
        var reader = CimJSONReader(Array(diffJSON.utf8))
        let root = try Self.object(reader.readDocument())
        for host in try Self.array(root["hosts"]) {
            let host = try Self.object(host)
            let name = try Self.string(host["host"])
            statuses.insert(try Self.string(host["status"]))
            hostCount += 1
            for cls in try Self.array(host["classes"]) {
                let cls = try Self.object(cls)
                let className = try Self.string(cls["class"])
                let schema = schemas.schema(namespace: try Self.string(cls["namespace"]), className: className)
                func typed(_ node: CimJSONReader.Node?, _ property: String) -> DriftValue {
                    guard let node else { return .null }
                    return DriftValue(CimJSONReader.value(node, as: schema?.property(named: property)?.type, schemas: schemas))
                }
                func identity(_ node: CimJSONReader.Node?) throws -> String {
                    let members = try Self.object(node)
                    return Self.identity(Dictionary(uniqueKeysWithValues: members.map { ($0.key, typed($0.value, $0.key)) }))
                }
                let prefix = "\(name) \(className)"
                for kind in ["added", "removed"] {
                    for instance in try Self.array(cls[kind]) {
                        lines.insert("\(prefix) \(kind) \(try identity(try Self.object(instance)["identity"]))")
                    }
                }
                for change in try Self.array(cls["changed"]) {
                    let change = try Self.object(change)
                    let id = try identity(change["identity"])
                    guard case .object(let properties)? = change["properties"] else { throw Malformed("properties") }
                    for (property, values) in properties {
                        let values = try Self.object(values)
                        lines.insert("\(prefix) changed \(id) \(property): \(Self.text(typed(values["old"], property))) → "
                                     + "\(Self.text(typed(values["new"], property)))")
                    }
                }
            }
        }
        hostCount += try Self.array(root["unchanged"]).count
        if hostCount > statuses.count { statuses.insert("unchanged") }
    }

    static func hasPIDReuse(_ truth: DriftTruth) -> Bool {
        truth.hosts.contains { host in
            host.classes.contains { cls in
                cls.className == "Win32_Process" && !Set(cls.added.compactMap { $0.identity["Handle"] })
                    .isDisjoint(with: cls.removed.compactMap { $0.identity["Handle"] })
            }
        }
    }

    static func identity(_ values: [String: DriftValue]) -> String {
        "{" + values.sorted { $0.key < $1.key }.map { "\($0.key)=\(text($0.value))" }.joined(separator: ",") + "}"
    }

    static func text(_ value: DriftValue) -> String {
        switch value {
        case .null: "null"
        case .scalar(let text): "\"\(text)\""
        case .array(let elements): "[" + elements.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
        init(_ what: String) { description = "diff JSON: unexpected shape at \(what)" }
    }

    static func object(_ node: CimJSONReader.Node?) throws -> [String: CimJSONReader.Node] {
        guard case .object(let members)? = node else { throw Malformed("object") }
        return Dictionary(members, uniquingKeysWith: { first, _ in first })
    }

    static func array(_ node: CimJSONReader.Node?) throws -> [CimJSONReader.Node] {
        guard case .array(let elements)? = node else { throw Malformed("array") }
        return elements
    }

    static func string(_ node: CimJSONReader.Node?) throws -> String {
        guard case .string(let text)? = node else { throw Malformed("string") }
        return text
    }
}
