import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

struct SnapshotStoreTests {
    /// A class declaring every CIM type, so the round trip covers them all.
    static let everything = CimClassSchema(
        namespace: "root/test", className: "Test_Everything", keys: ["Id"],
        properties: [
            .init(name: "Id", type: .string), .init(name: "U8", type: CimType(.uint8)),
            .init(name: "S8", type: CimType(.sint8)), .init(name: "U16", type: CimType(.uint16)),
            .init(name: "S16", type: CimType(.sint16)), .init(name: "U32", type: CimType(.uint32)),
            .init(name: "S32", type: CimType(.sint32)), .init(name: "U64", type: CimType(.uint64)),
            .init(name: "S64", type: CimType(.sint64)), .init(name: "R32", type: CimType(.real32)),
            .init(name: "R64", type: CimType(.real64)), .init(name: "C16", type: CimType(.char16)),
            .init(name: "When", type: .datetime), .init(name: "HowLong", type: .datetime),
            .init(name: "Flag", type: .boolean), .init(name: "Names", type: CimType(.string, isArray: true)),
            .init(name: "Empty", type: CimType(.uint16, isArray: true)), .init(name: "Nothing", type: CimType(.uint16, isArray: true)),
            .init(name: "Ref", type: CimType(.reference)), .init(name: "Inner", type: CimType(.instance)),
        ])

    static func everythingInstance(host: String, id: String) -> CimInstance {
        var instance = CimInstance(className: "Test_Everything", namespace: "root/test", host: host, keyNames: ["Id"])
        instance.set("Id", .string(id))
        instance.set("U8", .uint8(255)); instance.set("S8", .sint8(-128))
        instance.set("U16", .uint16(65535)); instance.set("S16", .sint16(-32768))
        instance.set("U32", .uint32(.max)); instance.set("S32", .sint32(.min))
        instance.set("U64", .uint64(.max)); instance.set("S64", .sint64(.min))
        instance.set("R32", .real32(0.1)); instance.set("R64", .real64(-.infinity))
        instance.set("C16", .char16(0xDFFF))
        instance.set("When", .datetime(CimDateTime(microsecondsSinceEpoch: 1_700_000_000_000_001, utcOffsetMinutes: -300)))
        instance.set("HowLong", .interval(CimInterval(microseconds: 90_061_000_001)))
        instance.set("Flag", .boolean(false))
        instance.set("Names", .array([.string("a\"b"), .string("line\nbreak")]))
        instance.set("Empty", .array([]))
        instance.set("Nothing", .null)
        instance.set("Ref", .reference(CimReference(resourceURI: "http://x/Win32_Service",
                                                    selectors: [.init(name: "Name", value: "Spooler")])))
        instance.set("Inner", .instance(CimInstance(className: "Inner_C", namespace: "root/test",
                                                    properties: [.init(name: "N", value: .sint64(7))])))
        return instance
    }

    @Test func recordedInstancesReadBackWithExactTypes() throws {
        var registry = CimSchemaRegistry.builtin
        registry.add(Self.everything)
        let test = try TestStore(schemas: registry)
        let original = [Self.everythingInstance(host: "h1", id: "one"), Self.everythingInstance(host: "h1", id: "two")]
        let id = try test.sweep([("h1", [(Self.everything, original)])], at: 1_800_000_000)
        let back = try test.store.instances(snapshot: id, host: "h1", namespace: "root/test", className: "Test_Everything")
        #expect(back == original)
        // Reopened read-only, from the file, the values are the same.
        let reopened = try SnapshotStore(path: test.path, schemas: registry, readOnly: true)
        #expect(try reopened.instances(snapshot: id, host: "h1", namespace: "root/test", className: "Test_Everything") == original)
    }

    @Test func failuresAreObservationsNotMissingData() throws {
        let test = try TestStore()
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        let id = try test.store.beginSnapshot(profile: "default", hosts: ["good", "bad"], startedAt: .at(100), lock: lock)
        let fleet = SyntheticFleet(seed: 1)
        let (schema, services) = try #require(fleet.inventory(host: "good").first { $0.schema.className == "Win32_Service" })
        try test.store.record(Observation(snapshotID: id, host: "good", namespace: schema.namespace,
                                          className: schema.className, durationMilliseconds: 40), instances: services)
        try test.store.record(Observation(snapshotID: id, host: "good", namespace: "root/cimv2", className: "Win32_Product",
                                          durationMilliseconds: 3), instances: [])
        try test.store.record(Observation(snapshotID: id, host: "bad", namespace: schema.namespace, className: schema.className,
                                          status: .failed, errorKind: "auth", errorDetail: "bad: authenticate failed: 401",
                                          durationMilliseconds: 7), instances: [])
        try test.store.finishSnapshot(id, status: .partial, finishedAt: .at(160))

        let observations = try test.store.observations(id)
        #expect(observations.map(\.host) == ["bad", "good", "good"])
        let failed = try #require(observations.first { $0.isFailed })
        #expect(failed.errorKind == "auth" && failed.errorDetail == "bad: authenticate failed: 401" && failed.durationMilliseconds == 7)
        #expect(observations.filter { !$0.isFailed }.map(\.instanceCount) == [0, services.count])
        // "Nothing there" (Win32_Product, ok, 0 instances) reads back as an empty result, not a failure.
        #expect(try test.store.instances(snapshot: id, host: "good", namespace: "root/cimv2", className: "Win32_Product").isEmpty)

        let summary = try #require(try test.store.snapshots().first)
        #expect(summary.status == .partial && summary.hostCount == 2 && summary.hostsOK == 1 && summary.hostsFailed == 1)
        #expect(summary.observationCount == 3 && summary.failedObservationCount == 1 && summary.instanceCount == services.count)
        #expect(summary.startedAt == .at(100) && summary.finishedAt == .at(160))
        #expect(try test.store.hosts(id) == ["bad", "good"])
    }

    @Test func recordingIntoAFinishedSnapshotIsRefused() throws {
        let test = try TestStore()
        let id = try test.sweep([], at: 10)
        let error = #expect(throws: StoreError.self) {
            try test.store.record(Observation(snapshotID: id, host: "h", namespace: "root/cimv2", className: "Win32_BIOS"),
                                  instances: [])
        }
        #expect(error?.kind == .notFound)
        #expect(error?.description.contains("is complete, not running") == true)
    }

    @Test func unchangedResweepGrowsTheDatabaseByLessThanTwoPercent() throws {
        let test = try TestStore()
        let fleet = SyntheticFleet(seed: 42)
        let hosts = SyntheticFleet.hostNames(50).map { ($0, fleet.inventory(host: $0)) }
        let instanceCount = hosts.reduce(0) { $0 + $1.1.reduce(0) { $0 + $1.instances.count } }
        #expect(instanceCount >= 50 * 440)
        try test.sweep(hosts, at: 1000)
        try test.store.checkpoint()
        let first = test.store.fileSize()
        let second = try test.sweep(hosts, at: 2000)
        try test.store.checkpoint()
        let growth = Double(test.store.fileSize() - first) / Double(first)
        #expect(growth < 0.02, "grew \(growth * 100)% from \(first) bytes")
        // The re-sweep still reads back in full.
        #expect(try test.store.snapshots().last?.instanceCount == instanceCount)
        let (schema, processes) = try #require(hosts[3].1.first { $0.schema.className == "Win32_Process" })
        #expect(try test.store.instances(snapshot: second, host: hosts[3].0, namespace: schema.namespace,
                                         className: schema.className) == processes)
    }

    @Test func storeErrorsSayWhatIsWrong() throws {
        let directory = try TemporaryDirectory()
        let missing = #expect(throws: StoreError.self) {
            try SnapshotStore(path: directory.path("none.db"), readOnly: true)
        }
        #expect(missing?.kind == .notFound)
        let garbage = directory.path("garbage.db")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: garbage))
        let corrupt = #expect(throws: StoreError.self) { try SnapshotStore(path: garbage) }
        #expect(corrupt?.kind == .corrupt)

        let test = try TestStore()
        _ = try test.store.readOnlyQuery(sql: "SELECT 1")
        let writer = try SnapshotStore(path: test.path)
        try writer.execute(testingSQL: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        let tooNew = #expect(throws: StoreError.self) { try SnapshotStore(path: test.path) }
        #expect(tooNew?.kind == .schemaTooNew)
    }

    @Test func pruneKeepsTheNewestAndRemovesOrphanedContent() throws {
        let test = try TestStore()
        var ids: [SnapshotID] = []
        for round in 0..<3 {
            let variant = SyntheticFleet(seed: UInt64(100 + round))
            let hosts = SyntheticFleet.hostNames(3).map { ($0, variant.inventory(host: $0)) }
            ids.append(try test.sweep(hosts, at: TimeInterval(1000 * (round + 1))))
        }
        let result = try test.store.prune(keep: 1, olderThan: nil, vacuum: true)
        #expect(result.removed == [ids[0], ids[1]])
        #expect(result.contentsRemoved > 0)
        #expect(result.bytesAfter < result.bytesBefore)
        #expect(try test.store.snapshots().map(\.id) == [ids[2]])
        let orphans = try test.store.readOnlyQuery(sql: """
            SELECT COUNT(*) FROM instance_content WHERE id NOT IN (SELECT content_id FROM content_member)
            """)
        #expect(orphans.rows == [[.integer(0)]])
        let check = try test.store.readOnlyQuery(sql: "SELECT * FROM pragma_integrity_check")
        #expect(check.rows == [[.text("ok")]])
        let byDate = try test.store.prune(keep: nil, olderThan: .at(5000), vacuum: false)
        #expect(byDate.removed == [ids[2]])
        let layouts = try test.store.readOnlyQuery(sql: "SELECT COUNT(*) FROM property_layout")
        #expect(layouts.rows == [[.integer(0)]], "no content is left, so no layout is")
        #expect(throws: StoreError.self) { try test.store.prune(keep: nil, olderThan: nil, vacuum: false) }
    }
}
