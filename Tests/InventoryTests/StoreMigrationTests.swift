import CIMModel
import Foundation
import GRDB
@testable import Inventory
import InventoryTestSupport
import Testing

/// A database written before property layouts (v1: each instance's properties one JSON object)
/// opens with every row rewritten as values plus a shared layout, and reads back as it was.
struct StoreMigrationTests {
    static let v1 = "v1: snapshots, observations, content-addressed instances"

    /// A v1 database holding one complete snapshot of host h1's services, one content per object,
    /// written as v1 wrote them; returns its path.
    static func v1Database(in directory: TemporaryDirectory, objects: [String]) throws -> String {
        let path = directory.path("v1.db")
        let pool = try DatabasePool(path: path)
        try SnapshotStore.migrator.migrate(pool, upTo: v1)
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO snapshot (id, started_at, finished_at, profile, status, host_count)
                    VALUES (1, '2026-12-01T00:00:00.000Z', '2026-12-01T00:01:00.000Z', 'default', 'complete', 1);
                INSERT INTO snapshot_host (snapshot_id, host) VALUES (1, 'h1');
                INSERT INTO content_set (id, hash, stable_hash, epoch, instance_count) VALUES (1, x'01', x'01', 1, ?);
                INSERT INTO observation (snapshot_id, host, namespace, class, status, duration_ms, instance_count, set_id)
                    VALUES (1, 'h1', 'root/cimv2', 'Win32_Service', 'ok', 5, ?, 1);
                """, arguments: [objects.count, objects.count])
            for (ordinal, object) in objects.enumerated() {
                let name = (try? JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: Any])?["Name"] as? String ?? ""
                try db.execute(sql: """
                    INSERT INTO instance_content (id, hash, stable_hash, epoch, namespace, class, identity, properties)
                        VALUES (?, ?, ?, 1, 'root/cimv2', 'Win32_Service', ?, ?);
                    INSERT INTO content_member (set_id, ordinal, content_id) VALUES (1, ?, ?);
                    """, arguments: [ordinal + 1, Data([UInt8(ordinal + 1)]), Data([UInt8(ordinal + 1)]),
                                     #"{"Name":"\#(name)"}"#, object, ordinal, ordinal + 1])
            }
        }
        return path
    }

    static let objects = [
        #"{"Name":"Spooler","State":"Running","StartMode":"Auto","PathName":"C:\\Windows\\System32\\spoolsv.exe"}"#,
        #"{"Name":"Eaphost","State":"Stopped","StartMode":"Manual","PathName":"C:\\Windows\\system32\\svchost.exe -k \"netsvcs\""}"#,
        // Another host's order: a second layout.
        #"{"StartMode":"Disabled","State":"Stopped","Name":"Fax","PathName":null}"#,
    ]

    @Test func v1PropertiesBecomeValuesWithSharedLayoutsAndReadBackUnchanged() throws {
        let directory = try TemporaryDirectory()
        let store = try SnapshotStore(path: try Self.v1Database(in: directory, objects: Self.objects))

        let rows = try store.readOnlyQuery(sql: "SELECT properties FROM instance_properties ORDER BY id").rows
        #expect(rows == Self.objects.map { [.text($0)] }, "the SQL view rebuilds each object as v1 stored it")
        let converted = try store.readOnlyQuery(sql: """
            SELECT c.property_values, l.positions FROM instance_content c JOIN property_layout l ON l.id = c.layout_id WHERE c.id = 3
            """).rows
        #expect(converted == [[.text(#"["Disabled","Stopped","Fax",null]"#), .text(#"{"StartMode":0,"State":1,"Name":2,"PathName":3}"#)]])
        #expect(try store.readOnlyQuery(sql: "SELECT COUNT(*) FROM property_layout").rows == [[.integer(2)]])

        let instances = try store.instances(snapshot: SnapshotID(rawValue: 1), host: "h1", namespace: "root/cimv2",
                                            className: "Win32_Service")
        #expect(instances.map { $0["Name"] } == [.string("Spooler"), .string("Eaphost"), .string("Fax")])
        #expect(instances[1]["PathName"] == .string(#"C:\Windows\system32\svchost.exe -k "netsvcs""#))
        #expect(instances[2]["PathName"] == .null)

        let view = try store.readOnlyQuery(sql: "SELECT Name, State, StartMode FROM Win32_Service WHERE snapshot_id = 1 ORDER BY Name")
        #expect(view.rows == [[.text("Eaphost"), .text("Stopped"), .text("Manual")],
                              [.text("Fax"), .text("Stopped"), .text("Disabled")],
                              [.text("Spooler"), .text("Running"), .text("Auto")]])
    }

    @Test func aV1RowThatIsNotAnObjectStopsTheMigrationAndChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.v1Database(in: directory, objects: [Self.objects[0], #"["not","an","object"]"#])
        let failure = #expect(throws: StoreError.self) { try SnapshotStore(path: path) }
        #expect(failure?.kind == .corrupt)
        #expect(failure?.detail.contains("instance content 2 is not a JSON object") == true)

        let pool = try DatabaseQueue(path: path)
        let (applied, stored) = try pool.read { db in
            (try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
             try String.fetchAll(db, sql: "SELECT properties FROM instance_content ORDER BY id"))
        }
        #expect(applied == [Self.v1])
        #expect(stored == [Self.objects[0], #"["not","an","object"]"#])
    }
}

extension StoreMigrationTests {
    @Test func openingAV1DatabaseReadOnlyMigratesItFirst() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.v1Database(in: directory, objects: Self.objects)
        let store = try SnapshotStore(path: path, readOnly: true)
        #expect(store.isReadOnly)
        let rows = try store.readOnlyQuery(sql: "SELECT properties FROM instance_properties ORDER BY id").rows
        #expect(rows == Self.objects.map { [.text($0)] })
        #expect(try store.snapshots().map(\.status) == [.complete])
    }
}

extension StoreMigrationTests {
    @Test func aSweepHoldingTheLockKeepsAV1DatabaseAsItIs() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.v1Database(in: directory, objects: Self.objects)
        let lock = try SweepLock(databasePath: path, mode: .failIfHeld)
        let refused = #expect(throws: StoreError.self) { try SnapshotStore(path: path, readOnly: true) }
        #expect(refused?.kind == .locked)
        #expect(try SnapshotStore.migrationState(path: path) == .older)
        lock.release()
        _ = try SnapshotStore(path: path, readOnly: true)
        #expect(try SnapshotStore.migrationState(path: path) == .current)
    }

    @Test func aReadOnlyOpenNeverWritesToAnotherProgramsDatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.db")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT)") }
        let refused = #expect(throws: StoreError.self) { try SnapshotStore(path: path, readOnly: true) }
        #expect(refused?.detail.contains("not a cimsweep database") == true)
        let tables = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["notes"])
    }
}
