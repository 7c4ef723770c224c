import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

/// A fleet's inventory that tests edit between sweeps.
struct Inventory {
    var hosts: [(host: String, classes: [(schema: CimClassSchema, instances: [CimInstance])])]

    init(hosts: [String], seed: UInt64) {
        let fleet = SyntheticFleet(seed: seed)
        self.hosts = hosts.map { ($0, fleet.inventory(host: $0)) }
    }

    mutating func edit(_ host: String, _ className: String, _ body: (inout [CimInstance]) -> Void) {
        let h = hosts.firstIndex { $0.host == host }!
        let c = hosts[h].classes.firstIndex { $0.schema.className == className }!
        body(&hosts[h].classes[c].instances)
    }

    func instances(_ host: String, _ className: String) -> [CimInstance] {
        hosts.first { $0.host == host }!.classes.first { $0.schema.className == className }!.instances
    }
}

struct SnapshotDiffTests {
    @Test(arguments: [
        ("@latest", SnapshotRef.latest), ("@prev", .previous), ("@latest~3", .latest(back: 3)), ("12", .id(SnapshotID(rawValue: 12))),
        ("2026-11-24", .asOf(Date(timeIntervalSince1970: 1_795_564_799.999999))),
        ("2026-11-24T18:00", .asOf(Date(timeIntervalSince1970: 1_795_543_200))),
        ("2026-11-24T18:00:00+02:00", .asOf(Date(timeIntervalSince1970: 1_795_536_000))),
    ])
    func snapshotReferencesParse(_ text: String, _ expected: SnapshotRef) throws {
        let parsed = try SnapshotRef(parsing: text)
        if case .asOf(let date) = parsed, case .asOf(let want) = expected {
            #expect(abs(date.timeIntervalSince1970 - want.timeIntervalSince1970) < 0.000_01)
        } else {
            #expect(parsed == expected)
        }
    }

    @Test(arguments: ["@foo", "-1", "", "@latest~x", "2026-13-01", "yesterday"])
    func badSnapshotReferencesSayWhatIsAccepted(_ text: String) {
        let error = #expect(throws: StoreError.self) { try SnapshotRef(parsing: text) }
        #expect(error?.description.contains("@latest~N") == true)
    }

    @Test func referencesThatNameNothingAreClearErrors() throws {
        let test = try TestStore()
        #expect(throws: StoreError.self) { try test.store.resolve(.latest) }
        try test.sweep([], at: 100)
        let error = #expect(throws: StoreError.self) { try test.store.resolve(.previous) }
        #expect(error?.kind == .notFound && error?.description.contains("@prev has no earlier snapshot") == true)
        #expect(throws: StoreError.self) { try test.store.resolve(.id(SnapshotID(rawValue: 99))) }
        #expect(throws: StoreError.self) { try test.store.resolve(.asOf(.at(50))) }
        #expect(try test.store.resolve(.asOf(.at(150))).startedAt == .at(100))
    }

    @Test func changesAreMatchedByIdentityAndVolatilePropertiesIgnored() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a", "b", "gone"], seed: 3)
        let before = try test.sweep(inventory.hosts, at: 1000)
        let processes = inventory.instances("a", "Win32_Process")
        inventory.edit("a", "Win32_Service") { $0[5].set("State", .string("Stopped-\(UUID())")) }
        inventory.edit("a", "Win32_Process") {
            $0[0].set("WorkingSetSize", .uint64(123_456_789))               // volatile only
            $0[1].set("CreationDate", .datetime(CimDateTime(microsecondsSinceEpoch: 42)))   // PID reused: a new process
        }
        let removedProduct = inventory.instances("a", "Win32_Product")[2]
        inventory.edit("a", "Win32_Product") { $0.remove(at: 2) }
        inventory.hosts.removeAll { $0.host == "gone" }
        inventory.hosts.append(("new", SyntheticFleet(seed: 3).inventory(host: "new")))
        let after = try test.sweep(inventory.hosts, at: 2000)

        let original = Inventory(hosts: ["a"], seed: 3)
        let diff = try test.store.diff(from: .previous, to: .latest)
        #expect(diff.from.snapshot == before && diff.to.snapshot == after)
        #expect(diff.hosts.map(\.host) == ["a", "b", "gone", "new"])
        #expect(diff.hosts.map(\.status) == [.changed, .unchanged, .disappeared, .appeared])
        let a = diff.hosts[0]
        #expect(a.classes.map(\.className) == ["Win32_Process", "Win32_Product", "Win32_Service"])

        let services = try #require(a.classes.first { $0.className == "Win32_Service" })
        #expect(services.added.isEmpty && services.removed.isEmpty && services.changed.count == 1)
        let change = try #require(services.changed.first)
        #expect(change.identity == [CimProperty(name: "Name", value: .string("id-5"))])
        #expect(change.changes.map(\.name) == ["State"])
        #expect(change.changes[0].old == original.instances("a", "Win32_Service")[5]["State"])

        let process = try #require(a.classes.first { $0.className == "Win32_Process" })
        #expect(process.changed.isEmpty)
        #expect(process.removed.map(\.instance) == [processes[1].withoutHost])
        #expect(process.added.map { $0.instance["CreationDate"] } == [.datetime(CimDateTime(microsecondsSinceEpoch: 42))])

        #expect(try #require(a.classes.first { $0.className == "Win32_Product" }).removed.map(\.instance) == [removedProduct.withoutHost])

        #expect(diff.hosts[2].instanceCount == inventory.hosts[1].classes.reduce(0) { $0 + $1.instances.count })

        let withVolatile = try test.store.diff(from: .previous, to: .latest, options: DiffOptions(includeVolatile: true))
        let volatileProcess = try #require(withVolatile.hosts[0].classes.first { $0.className == "Win32_Process" })
        #expect(volatileProcess.changed.flatMap(\.changes).map(\.name) == ["WorkingSetSize"])
    }

    @Test func arraysAndNullsAreShownFaithfully() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a"], seed: 9)
        inventory.edit("a", "Win32_NetworkAdapterConfiguration") {
            $0[0].set("IPAddress", .array([.string("10.0.0.1")]))
            $0[1].set("IPAddress", .array([]))
            $0[2].set("IPAddress", .null)
        }
        try test.sweep(inventory.hosts, at: 1)
        inventory.edit("a", "Win32_NetworkAdapterConfiguration") {
            $0[0].set("IPAddress", .array([]))
            $0[1].set("IPAddress", .null)
            $0[2]["IPAddress"] = nil
        }
        try test.sweep(inventory.hosts, at: 2)
        let diff = try test.store.diff()
        let changes = try #require(diff.hosts.first?.classes.first).changed.map { $0.changes.first { $0.name == "IPAddress" } }
        #expect(changes == [
            PropertyChange(name: "IPAddress", old: .array([.string("10.0.0.1")]), new: .array([])),
            PropertyChange(name: "IPAddress", old: .array([]), new: .null),
            PropertyChange(name: "IPAddress", old: .null, new: nil),
        ])
        let json = diff.jsonText()
        #expect(json.contains(#""IPAddress":{"old":["10.0.0.1"],"new":[]}"#))
        #expect(json.contains(#""IPAddress":{"old":[],"new":null}"#))
        #expect(json.contains(#""IPAddress":{"old":null}"#))
    }

    @Test func aHostThatFailedIsComparedOnItsLastGoodDataAndSaysSo() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a", "b"], seed: 5)
        let first = try test.sweep(inventory.hosts, at: 1000)
        inventory.edit("a", "Win32_Service") { $0[0].set("State", .string("Paused")) }
        // Second sweep: a's services fail; its other classes succeed.
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        let second = try test.store.beginSnapshot(profile: "default", hosts: ["a", "b"], startedAt: .at(2000), lock: lock)
        for (host, classes) in inventory.hosts {
            for (schema, instances) in classes {
                let fails = host == "a" && schema.className == "Win32_Service"
                try test.store.record(Observation(snapshotID: second, host: host, namespace: schema.namespace,
                                                  className: schema.className, status: fails ? .failed : .ok,
                                                  errorKind: fails ? "timeout" : nil, errorDetail: fails ? "a: receive timed out" : nil),
                                      instances: fails ? [] : instances)
            }
        }
        try test.store.finishSnapshot(second, status: .partial, finishedAt: .at(2100))
        lock.release()

        let diff = try test.store.diff(from: .id(first), to: .asOf(.at(2500)))
        #expect(diff.to.snapshot == second)
        let a = try #require(diff.hosts.first { $0.host == "a" })
        #expect(a.status == .failed)
        #expect(a.failures == [ClassFailure(namespace: "root/cimv2", className: "Win32_Service", errorKind: "timeout",
                                            errorDetail: "a: receive timed out", lastGoodSnapshot: first)])
        #expect(a.classes.isEmpty)   // compared on the last good data: nothing changed that we can see
        #expect(diff.hosts.first { $0.host == "b" }?.status == .unchanged)
        #expect(diff.tableText().contains("! root/cimv2 Win32_Service: timeout (a: receive timed out); compared on snapshot \(first)"))

        // A third, complete sweep sees the service change against the first sweep's data.
        let third = try test.sweep(inventory.hosts, at: 3000)
        let later = try test.store.diff(from: .id(second), to: .id(third))
        let services = try #require(later.hosts.first { $0.host == "a" }?.classes.first)
        #expect(services.fromSnapshot == first && services.changed.first?.changes.map(\.name) == ["State"])
    }

    @Test func hostAndClassFiltersNarrowTheDiff() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["web-1", "web-2", "db-1"], seed: 8)
        try test.sweep(inventory.hosts, at: 1)
        for host in ["web-1", "web-2", "db-1"] {
            inventory.edit(host, "Win32_Service") { $0[0].set("State", .string("Changed")) }
            inventory.edit(host, "Win32_Product") { $0[0].set("Vendor", .string("Changed")) }
        }
        try test.sweep(inventory.hosts, at: 2)
        let diff = try test.store.diff(options: DiffOptions(hostPattern: "web-*", classNames: ["win32_service"]))
        #expect(diff.hosts.map(\.host) == ["web-1", "web-2"])
        #expect(diff.hosts.flatMap(\.classes).map(\.className) == ["Win32_Service", "Win32_Service"])
    }

    @Test func outputFormatsCarryTheSameChanges() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a", "b"], seed: 11)
        try test.sweep(inventory.hosts, at: 1)
        inventory.edit("a", "Win32_Service") { $0[3].set("StartMode", .string("Disabled, \"really\"")) }
        inventory.edit("a", "Win32_QuickFixEngineering") { $0.append($0[0]); $0[$0.count - 1].set("HotFixID", .string("KB999")) }
        try test.sweep(inventory.hosts, at: 2)
        let diff = try test.store.diff()

        let document = try #require(try JSONSerialization.jsonObject(with: Data(diff.jsonText().utf8)) as? [String: Any])
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["hostsChanged"] as? Int == 1 && summary["instancesAdded"] as? Int == 1 && summary["instancesChanged"] as? Int == 1)
        #expect(document["unchanged"] as? [String] == ["b"])
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        let classes = try #require(hosts.first?["classes"] as? [[String: Any]])
        let service = try #require(classes.first { $0["class"] as? String == "Win32_Service" })
        let changed = try #require((service["changed"] as? [[String: Any]])?.first)
        #expect(changed["identity"] as? [String: String] == ["Name": "id-3"])
        let startMode = try #require((changed["properties"] as? [String: Any])?["StartMode"] as? [String: Any])
        #expect(startMode["new"] as? String == "Disabled, \"really\"")

        let lines = diff.ndjsonLines()
        #expect(lines.count == 3)   // host a, one added QFE, one changed service
        for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line.utf8)) }
        #expect(lines[1].contains(#""change":"added""#) && lines[1].contains("KB999"))

        let csv = diff.csvText()
        #expect(csv.hasPrefix("host,status,namespace,class,change,identity,property,old,new\r\n"))
        #expect(csv.contains(#"a,changed,root/cimv2,Win32_Service,changed,"Name=""id-3""",StartMode,"#))
        #expect(csv.contains(#""Disabled, ""really""""#))
    }
}

extension CimInstance {
    var withoutHost: CimInstance {
        var copy = self
        copy.host = nil
        return copy
    }
}

struct VolatileDiffTests {
    @Test func volatileOnlyChangesAreSkippedUnlessAskedAndFollowTheSchemas() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a"], seed: 21)
        try test.sweep(inventory.hosts, at: 1)
        inventory.edit("a", "Win32_Process") {
            for index in $0.indices { $0[index].set("WorkingSetSize", .uint64(UInt64(index) * 4096 + 7)) }
        }
        try test.sweep(inventory.hosts, at: 2)
        #expect(try test.store.diff().hosts.map(\.status) == [.unchanged])
        let processCount = inventory.instances("a", "Win32_Process").count
        let all = try test.store.diff(options: DiffOptions(includeVolatile: true))
        #expect(all.hosts.first?.classes.first?.changed.count == processCount)

        // Schemas in which WorkingSetSize is not volatile: the stored shortcut no longer applies.
        var registry = CimSchemaRegistry.builtin
        var process = try #require(registry.schema(namespace: "root/cimv2", className: "Win32_Process"))
        process.properties = process.properties.map { property in
            var copy = property
            if copy.name == "WorkingSetSize" { copy.isVolatile = false }
            return copy
        }
        registry.add(process)
        let reopened = try SnapshotStore(path: test.path, schemas: registry)
        let changes = try reopened.diff().hosts.first?.classes.first?.changed ?? []
        #expect(changes.count == processCount)
        #expect(changes.allSatisfy { $0.changes.map(\.name) == ["WorkingSetSize"] })
    }
}

struct InterruptedDiffTests {
    @Test func aHostAnInterruptedSweepNeverReachedIsComparedOnItsLastData() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a", "b"], seed: 13)
        let first = try test.sweep(inventory.hosts, at: 100)
        inventory.edit("a", "Win32_Service") { $0[1].set("State", .string("Stopped")) }
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        let cut = try test.store.beginSnapshot(profile: "default", hosts: ["a", "b"], startedAt: .at(200), lock: lock)
        for (schema, instances) in inventory.hosts[0].classes {
            try test.store.record(Observation(snapshotID: cut, host: "a", namespace: schema.namespace,
                                              className: schema.className), instances: instances)
        }
        lock.release()   // the sweep "dies" here: b is never reached

        #expect(try test.store.snapshots().last?.status == .interrupted)
        #expect(try test.store.resolve(.asOf(.at(250))).id == cut)
        let diff = try test.store.diff(from: .id(first), to: .asOf(.at(250)))
        let a = try #require(diff.hosts.first { $0.host == "a" })
        #expect(a.status == .changed && a.classes.map(\.className) == ["Win32_Service"])
        let b = try #require(diff.hosts.first { $0.host == "b" })
        #expect(b.status == .failed)
        #expect(b.failures.count == inventory.hosts[1].classes.count)
        #expect(b.failures.allSatisfy { $0.errorKind == "not-observed" && $0.lastGoodSnapshot == first })
        #expect(b.classes.isEmpty)
    }
}

struct NestedValueDiffTests {
    @Test func nestedValuesWithBracketsInStringsCompareExactly() throws {
        var registry = CimSchemaRegistry.builtin
        registry.add(SnapshotStoreTests.everything)
        let test = try TestStore(schemas: registry)
        func instances(inner: String, names: [String]) -> [CimInstance] {
            var one = SnapshotStoreTests.everythingInstance(host: "h", id: "one")
            one.set("Inner", .instance(CimInstance(className: "Inner_C", namespace: "root/test",
                                                   properties: [.init(name: "Text", value: .string(inner))])))
            one.set("Names", .array(names.map(CimValue.string)))
            return [one, SnapshotStoreTests.everythingInstance(host: "h", id: "two")]
        }
        try test.sweep([("h", [(SnapshotStoreTests.everything, instances(inner: "a}],\"{[", names: ["x,y", "]"]))])], at: 1)
        try test.sweep([("h", [(SnapshotStoreTests.everything, instances(inner: "a}],\"{[!", names: ["x,y", "]"]))])], at: 2)
        let changed = try #require(test.store.diff().hosts.first?.classes.first?.changed)
        #expect(changed.count == 1)
        #expect(changed.first?.identity == [CimProperty(name: "Id", value: .string("one"))])
        #expect(changed.first?.changes.map(\.name) == ["Inner"])
        let inner = CimInstance(className: "Inner_C", namespace: "root/test",
                                properties: [.init(name: "Text", value: .string("a}],\"{[!"))])
        #expect(changed.first?.changes.first?.new == .instance(inner))
    }
}
