import CIMModel
import Foundation
import Inventory
import InventoryTestSupport

/// A store in a fresh temp dir, with its sweep lock, for one test.
final class TestStore: Sendable {
    let directory: TemporaryDirectory
    let store: SnapshotStore
    var path: String { store.path }

    init(schemas: CimSchemaRegistry = .builtin) throws {
        directory = try TemporaryDirectory()
        store = try SnapshotStore(path: directory.path("inventory.db"), schemas: schemas)
    }

    /// Records a whole sweep of `inventories` (host → class results) as one snapshot; returns its id.
    @discardableResult
    func sweep(_ inventories: [(host: String, classes: [(schema: CimClassSchema, instances: [CimInstance])])],
               at seconds: TimeInterval, status: SnapshotStatus = .complete) throws -> SnapshotID {
        let lock = try SweepLock(databasePath: path, mode: .failIfHeld)
        defer { lock.release() }
        let id = try store.beginSnapshot(profile: "default", hosts: inventories.map(\.host),
                                         startedAt: Date(timeIntervalSince1970: seconds), lock: lock)
        for (host, classes) in inventories {
            for (schema, instances) in classes {
                try store.record(Observation(snapshotID: id, host: host, namespace: schema.namespace,
                                             className: schema.className, durationMilliseconds: 5), instances: instances)
            }
        }
        try store.finishSnapshot(id, status: status, finishedAt: Date(timeIntervalSince1970: seconds + 60))
        return id
    }
}

extension Date {
    static func at(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: seconds) }
}
