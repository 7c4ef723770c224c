import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

/// The collector's writer puts many results in each transaction through a write session: each
/// result is inserted when it arrives, and nothing is visible (or survives a failure) until commit.
struct WriteSessionTests {
    static func prepared(_ id: SnapshotID, host: String, processes: Int) -> PreparedObservation {
        var encoder = ResultSetEncoder(schemas: .builtin)
        for handle in 0..<processes {
            var process = CimInstance(className: "Win32_Process", namespace: "root/cimv2", host: host, keyNames: ["Handle"])
            process.set("Handle", .string("\(handle)"))
            process.set("Name", .string("p\(handle).exe"))
            encoder.add(process)
        }
        return encoder.prepared(Observation(snapshotID: id, host: host, namespace: "root/cimv2", className: "Win32_Process",
                                            durationMilliseconds: 3))
    }

    @Test func resultsAreInvisibleToReadersUntilCommitted() throws {
        let test = try TestStore()
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        defer { lock.release() }
        let id = try test.store.beginSnapshot(profile: "default", hosts: ["a", "b", "c"], startedAt: .at(1_800_000_000), lock: lock)
        let reader = try SnapshotStore(path: test.path, readOnly: true)
        try test.store.withWriteSession { session throws(StoreError) in
            for host in ["a", "b", "c"] { try session.add(Self.prepared(id, host: host, processes: 5)) }
            #expect(session.isInTransaction && session.uncommitted == 3)
            #expect(try reader.observations(id).isEmpty)
            try session.commit()
            #expect(!session.isInTransaction && session.uncommitted == 0)
            #expect(try reader.observations(id).count == 3)
            try session.add(Self.prepared(id, host: "a", processes: 6))   // replaces a's row, uncommitted
        }
        // Left open when the session ended: rolled back.
        let observations = try reader.observations(id)
        #expect(observations.map(\.instanceCount).sorted() == [5, 5, 5])
        #expect(try reader.instances(snapshot: id, host: "a", namespace: "root/cimv2", className: "Win32_Process").count == 5)
    }

    /// A host × class recorded again in the same snapshot replaces its row, committed or not.
    @Test func recordingAResultAgainReplacesIt() throws {
        let test = try TestStore()
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        defer { lock.release() }
        let id = try test.store.beginSnapshot(profile: "default", hosts: ["a", "b"], startedAt: .at(1_800_000_000), lock: lock)
        try test.store.withWriteSession { session throws(StoreError) in
            try session.add(Self.prepared(id, host: "a", processes: 5))
            try session.add(Self.prepared(id, host: "b", processes: 2))
            try session.commit()
            try session.add(Self.prepared(id, host: "a", processes: 7))
            try session.add(Self.prepared(id, host: "b", processes: 3))
            try session.add(Self.prepared(id, host: "b", processes: 4))   // twice in one transaction
            try session.commit()
        }
        let counts = Dictionary(uniqueKeysWithValues: try test.store.observations(id).map { ($0.host, $0.instanceCount) })
        #expect(counts == ["a": 7, "b": 4])
        #expect(try test.store.instances(snapshot: id, host: "a", namespace: "root/cimv2", className: "Win32_Process").count == 7)
        #expect(try test.store.instances(snapshot: id, host: "b", namespace: "root/cimv2", className: "Win32_Process").count == 4)
    }

    @Test func aRefusedResultRollsBackEverythingUncommitted() throws {
        let test = try TestStore()
        let lock = try SweepLock(databasePath: test.path, mode: .failIfHeld)
        defer { lock.release() }
        let id = try test.store.beginSnapshot(profile: "default", hosts: ["a"], startedAt: .at(1_800_000_000), lock: lock)
        #expect {
            try test.store.withWriteSession { session throws(StoreError) in
                try session.add(Self.prepared(id, host: "a", processes: 2))
                try session.add(Self.prepared(SnapshotID(rawValue: id.rawValue + 1), host: "a", processes: 2))
            }
        } throws: { error in
            (error as? StoreError)?.kind == .notFound
        }
        #expect(try test.store.observations(id).isEmpty)
        #expect(try test.store.readOnlyQuery(sql: "SELECT * FROM pragma_integrity_check").rows == [[.text("ok")]])
    }
}
