import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

struct ReadOnlyQueryTests {
    @Test(arguments: [
        "INSERT INTO snapshot (started_at, profile, status, host_count) VALUES ('x', 'p', 'complete', 0)",
        "DELETE FROM observation",
        "ATTACH DATABASE '/tmp/cimsweep-attack.db' AS evil",
        "PRAGMA query_only = 0",
        "PRAGMA user_version = 5",
        "WITH x AS (SELECT 1) INSERT INTO store_meta (key, value) SELECT 'k', 'v' FROM x",
        "SELECT 1; DELETE FROM snapshot",
        "CREATE TABLE t (x)",
        "VACUUM",
        "",
    ])
    func queriesThatWriteAreRefused(_ sql: String) throws {
        let test = try TestStore()
        let id = try test.sweep([], at: 1)
        let error = #expect(throws: StoreError.self) { try test.store.readOnlyQuery(sql: sql) }
        #expect(error?.kind == .notReadOnly || error?.kind == .invalidArgument, "\(String(describing: error))")
        #expect(try test.store.snapshots().map(\.id) == [id])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/cimsweep-attack.db"))
    }

    @Test func parametersAreBoundNotSpliced() throws {
        let test = try TestStore()
        try test.sweep([], at: 1)
        let hostile = "x'; DROP TABLE snapshot; --"
        let result = try test.store.readOnlyQuery(sql: "SELECT :text AS t, :n + 1 AS n, :nothing IS NULL AS missing",
                                                  arguments: ["text": .text(hostile), "n": .integer(41), "nothing": .null])
        #expect(result.columns == ["t", "n", "missing"])
        #expect(result.rows == [[.text(hostile), .integer(42), .integer(1)]])
        #expect(try test.store.snapshots().count == 1)
    }

    @Test func rowsBeyondTheLimitAreCutAndSaidSo() throws {
        let test = try TestStore()
        let result = try test.store.readOnlyQuery(sql: """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n
            """, rowLimit: 10)
        #expect(result.rows.count == 10 && result.isTruncated)
    }

    @Test func classViewsHaveTypedColumnsAndKnowTheLatestSnapshot() throws {
        let test = try TestStore()
        let schema = try #require(CimSchemaRegistry.builtin.schema(namespace: "root/cimv2", className: "Win32_Process"))
        func process(_ handle: String, name: String, kernel: UInt64) -> CimInstance {
            var instance = CimInstance(className: "Win32_Process", namespace: "root/cimv2", host: "h1", keyNames: ["Handle"])
            instance.set("Handle", .string(handle))
            instance.set("Name", .string(name))
            instance.set("ProcessId", .uint32(UInt32(handle)!))
            instance.set("KernelModeTime", .uint64(kernel))
            instance.set("CreationDate", .datetime(CimDateTime(microsecondsSinceEpoch: 1_700_000_000_000_000)))
            return instance
        }
        let old = try test.sweep([("h1", [(schema, [process("4", name: "System", kernel: 1)])])], at: 100)
        let new = try test.sweep([("h1", [(schema, [process("4", name: "System", kernel: 2),
                                                    process("88", name: "svchost.exe", kernel: 9_007_199_254_740_993)])])],
                                 at: 200)
        let result = try test.store.readOnlyQuery(sql: """
            SELECT Name, ProcessId, typeof(ProcessId), KernelModeTime, CreationDate, snapshot_id FROM Win32_Process
            WHERE snapshot_id = (SELECT id FROM latest_snapshot) ORDER BY ProcessId
            """)
        #expect(result.rows == [
            [.text("System"), .integer(4), .text("integer"), .integer(2), .text("2023-11-14T22:13:20Z"), .integer(new.rawValue)],
            [.text("svchost.exe"), .integer(88), .text("integer"), .integer(9_007_199_254_740_993),
             .text("2023-11-14T22:13:20Z"), .integer(new.rawValue)],
        ])
        let latest = try test.store.readOnlyQuery(sql: "SELECT COUNT(*) FROM Win32_Process WHERE latest")
        #expect(latest.rows == [[.integer(2)]])
        let older = try test.store.readOnlyQuery(sql: "SELECT KernelModeTime FROM Win32_Process WHERE snapshot_id = :s",
                                                 arguments: ["s": .integer(old.rawValue)])
        #expect(older.rows == [[.integer(1)]])
    }

    @Test func classViewsFollowTheSchemas() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("inventory.db")
        _ = try SnapshotStore(path: path)
        var registry = CimSchemaRegistry.builtin
        registry.add(CimClassSchema(namespace: "root/test", className: "Test_New", keys: ["Id"],
                                    properties: [.init(name: "Id", type: .string), .init(name: "host", type: .string)]))
        let store = try SnapshotStore(path: path, schemas: registry)
        let columns = try store.readOnlyQuery(sql: "SELECT name FROM pragma_table_info('Test_New')").rows
        #expect(columns == [[.text("snapshot_id")], [.text("host")], [.text("latest")], [.text("Id")], [.text("host_")]])
        let reopened = try SnapshotStore(path: path)
        #expect(throws: StoreError.self) { try reopened.readOnlyQuery(sql: "SELECT * FROM Test_New") }
    }
}
