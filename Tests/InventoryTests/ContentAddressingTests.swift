import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

/// How instances are addressed (hash scheme v2) and how prepared results are committed together.
struct ContentAddressingTests {
    static let service = CimSchemaRegistry.builtin.schema(namespace: "root/cimv2", className: "Win32_Service")!
    static let process = CimSchemaRegistry.builtin.schema(namespace: "root/cimv2", className: "Win32_Process")!

    static func service(_ name: String, state: String, host: String, reversed: Bool = false) -> CimInstance {
        var properties: [CimProperty] = [.init(name: "Name", value: .string(name)), .init(name: "State", value: .string(state)),
                                         .init(name: "StartMode", value: .string("Auto"))]
        if reversed { properties.reverse() }
        return CimInstance(className: "Win32_Service", namespace: "root/cimv2", host: host, properties: properties, keyNames: ["Name"])
    }

    static func process(handle: String, workingSet: UInt64, host: String) -> CimInstance {
        CimInstance(className: "Win32_Process", namespace: "root/cimv2", host: host, properties: [
            .init(name: "Handle", value: .string(handle)), .init(name: "Name", value: .string("svchost.exe")),
            .init(name: "CreationDate", value: .datetime(CimDateTime(microsecondsSinceEpoch: 1_700_000_000_000_000, utcOffsetMinutes: 0))),
            .init(name: "WorkingSetSize", value: .uint64(workingSet)),
        ], keyNames: ["Handle"])
    }

    static func count(_ store: SnapshotStore, _ sql: String) throws -> Int64 {
        guard case .integer(let count) = try store.readOnlyQuery(sql: sql).rows.first?.first else { return -1 }
        return count
    }

    @Test func equalContentIsStoredOnceWhateverTheHostOrPropertyOrder() throws {
        let test = try TestStore()
        try test.sweep([
            ("h1", [(Self.service, [Self.service("Spooler", state: "Running", host: "h1")])]),
            ("h2", [(Self.service, [Self.service("Spooler", state: "Running", host: "h2", reversed: true)])]),
            ("h3", [(Self.service, [Self.service("Spooler", state: "Stopped", host: "h3")])]),
        ], at: 100)
        #expect(try Self.count(test.store, "SELECT COUNT(*) FROM instance_content") == 2)
        #expect(try Self.count(test.store, "SELECT COUNT(*) FROM content_set") == 2)
        // The stored values keep the wire order of the host that stored them first, in canonical form;
        // the names are stored once, in the layout, which both contents share.
        let stored = try test.store.readOnlyQuery(sql: """
            SELECT c.property_values, l.positions FROM instance_content c JOIN property_layout l ON l.id = c.layout_id
            ORDER BY c.id LIMIT 1
            """)
        #expect(stored.rows.first == [.text(#"["Spooler","Running","Auto"]"#), .text(#"{"Name":0,"State":1,"StartMode":2}"#)])
        #expect(try Self.count(test.store, "SELECT COUNT(DISTINCT layout_id) FROM instance_content") == 1)
        let object = try test.store.readOnlyQuery(sql: "SELECT properties FROM instance_properties ORDER BY id LIMIT 1")
        #expect(object.rows.first?.first == .text(#"{"Name":"Spooler","State":"Running","StartMode":"Auto"}"#))
    }

    @Test func volatileValuesChangeTheAddressButNotTheStableOne() throws {
        let test = try TestStore()
        try test.sweep([("h1", [(Self.process, [Self.process(handle: "4", workingSet: 100, host: "h1")])])], at: 100)
        try test.sweep([("h1", [(Self.process, [Self.process(handle: "4", workingSet: 200, host: "h1")])])], at: 200)
        try test.sweep([("h1", [(Self.process, [Self.process(handle: "8", workingSet: 200, host: "h1")])])], at: 300)
        let rows = try test.store.readOnlyQuery(sql: "SELECT hex(hash), hex(stable_hash) FROM instance_content ORDER BY id").rows
        #expect(rows.count == 3)
        #expect(Set(rows.map { $0[0] }).count == 3)
        #expect(rows[0][1] == rows[1][1], "only WorkingSetSize (volatile) changed")
        #expect(rows[1][1] != rows[2][1], "another Handle is another identity")
    }

    @Test func aBatchCommitsTogetherOrNotAtAll() throws {
        let test = try TestStore()
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        defer { lock.release() }
        let running = try test.store.beginSnapshot(profile: "default", hosts: ["h1", "h2"], startedAt: .at(100), lock: lock)
        func prepared(_ snapshot: SnapshotID, _ host: String) -> PreparedObservation {
            var encoder = ResultSetEncoder(schemas: .builtin)
            encoder.add(Self.service("Spooler", state: "Running", host: host))
            encoder.add(Self.service("W32Time", state: "Stopped", host: host))
            return encoder.prepared(Observation(snapshotID: snapshot, host: host, namespace: "root/cimv2",
                                                className: "Win32_Service", durationMilliseconds: 3))
        }
        try test.store.commit([prepared(running, "h1"), prepared(running, "h2")])
        #expect(try test.store.observations(running).map(\.instanceCount) == [2, 2])
        try test.store.finishSnapshot(running, status: .complete, finishedAt: .at(160))

        let next = try test.store.beginSnapshot(profile: "default", hosts: ["h3"], startedAt: .at(200), lock: lock)
        let error = #expect(throws: StoreError.self) {
            try test.store.commit([prepared(next, "h3"), prepared(running, "h4")])
        }
        #expect(error?.kind == .notFound)
        #expect(try test.store.observations(next).isEmpty, "a refused batch writes none of its results")
    }

    /// Layouts shared across a sweep's result sets must give every instance the bytes and hashes a
    /// result set of its own gives it, also when hosts list the same properties in another order.
    @Test func sharedLayoutsStoreWhatPrivateLayoutsStore() throws {
        let hosts: [(name: String, services: [CimInstance], processes: [CimInstance])] = [
            ("h1", [Self.service("Spooler", state: "Running", host: "h1"), Self.service("W32Time", state: "Stopped", host: "h1")],
             [Self.process(handle: "4", workingSet: 100, host: "h1")]),
            ("h2", [Self.service("Spooler", state: "Stopped", host: "h2", reversed: true)],
             [Self.process(handle: "4", workingSet: 200, host: "h2"), Self.process(handle: "8", workingSet: 300, host: "h2")]),
            ("h3", [Self.service("W32Time", state: "Running", host: "h3")], [Self.process(handle: "12", workingSet: 100, host: "h3")]),
        ]
        func stored(sharing shared: SharedLayouts?) throws -> [[QueryValue]] {
            let test = try TestStore()
            let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
            defer { lock.release() }
            let id = try test.store.beginSnapshot(profile: "default", hosts: hosts.map(\.name), startedAt: .at(100), lock: lock)
            var batch: [PreparedObservation] = []
            for host in hosts {
                for (className, instances) in [("Win32_Service", host.services), ("Win32_Process", host.processes)] {
                    var encoder = ResultSetEncoder(schemas: .builtin, shared: shared)
                    for instance in instances { encoder.add(instance) }
                    batch.append(encoder.prepared(Observation(snapshotID: id, host: host.name, namespace: "root/cimv2",
                                                              className: className, durationMilliseconds: 1)))
                }
            }
            try test.store.commit(batch)
            return try test.store.readOnlyQuery(sql: """
                SELECT hex(c.hash), hex(c.stable_hash), c.identity, p.properties FROM instance_content c JOIN instance_properties p USING (id)
                ORDER BY c.hash
                """).rows
        }
        let own = try stored(sharing: nil)
        #expect(own.count == 8)
        #expect(try stored(sharing: SharedLayouts()) == own)
    }
}
