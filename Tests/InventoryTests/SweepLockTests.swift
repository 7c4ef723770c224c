import CIMModel
import ChildProcessSupport
import Foundation
import Inventory
import InventoryTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

struct SweepLockTests {
    @Test func aSecondSweepFailsAtOnceWhileTheFirstHoldsTheLock() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("inventory.db")
        let first = try SweepLock(databasePath: db, mode: .failIfHeld)
        #expect(SweepLock.isHeld(databasePath: db))
        let error = #expect(throws: StoreError.self) { try SweepLock(databasePath: db, mode: .failIfHeld) }
        #expect(error?.kind == .locked)
        #expect(error?.description.contains("pid \(getpid())") == true)
        #expect(error?.description.contains("--wait") == true)
        first.release()
        #expect(!SweepLock.isHeld(databasePath: db))
        let again = try SweepLock(databasePath: db, mode: .failIfHeld)
        #expect(again.isHeld)
    }

    @Test func aWaitingSweepProceedsWhenTheLockIsReleased() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("inventory.db")
        let first = try SweepLock(databasePath: db, mode: .failIfHeld)
        let waiter = Task { try await SweepLock.acquire(databasePath: db, mode: .wait) }
        first.release()
        let second = try await waiter.value
        #expect(second.isHeld)
        #expect(throws: StoreError.self) { try SweepLock(databasePath: db, mode: .failIfHeld) }
    }

    @Test func beginSnapshotNeedsThisDatabasesLock() throws {
        let test = try TestStore()
        let other = try TemporaryDirectory()
        let foreign = try SweepLock(databasePath: other.path("other.db"), mode: .failIfHeld)
        let error = #expect(throws: StoreError.self) {
            try test.store.beginSnapshot(profile: "p", hosts: [], startedAt: .at(0), lock: foreign)
        }
        #expect(error?.kind == .invalidArgument)
    }

    /// A sweep process SIGKILLed mid-way: its snapshot shows `running` while it lives, `interrupted`
    /// after, keeps what it recorded, and the file passes `PRAGMA integrity_check`.
    @Test func aKilledSweepLeavesAnInterruptedSnapshotAndAHealthyDatabase() async throws {
        let test = try TestStore()
        let helper = try #require(Self.helperExecutable(), "store-test-helper is not built next to the tests")
        let process = try ChildProcess(helper.path, [test.path], keepsStdinOpen: true)
        let line = await process.nextStdoutLine() ?? ""
        #expect(line.hasPrefix("recorded "))
        let id = try #require(Int64(line.dropFirst("recorded ".count)).map(SnapshotID.init(rawValue:)))
        #expect(try test.store.snapshots().first { $0.id == id }?.status == .running)
        #expect(throws: StoreError.self) { try SweepLock(databasePath: test.path, mode: .failIfHeld) }

        process.signal(SIGKILL)
        #expect(await process.finished().terminatedBySignal)

        let reopened = try SnapshotStore(path: test.path, readOnly: true)
        let summary = try #require(try reopened.snapshots().first { $0.id == id })
        #expect(summary.status == .interrupted)
        #expect(summary.observationCount == 2 && summary.hostsOK == 1 && summary.hostsFailed == 1)
        #expect(try reopened.instances(snapshot: id, host: "h1", namespace: "root/cimv2", className: "Win32_BIOS")
            .first?["SerialNumber"] == .string("VMW-1234"))
        #expect(try reopened.readOnlyQuery(sql: "SELECT * FROM pragma_integrity_check").rows == [[.text("ok")]])

        // The next sweep takes the lock and settles the dead one's status in the file.
        let next = try test.sweep([], at: 1_800_000_100)
        #expect(try test.store.readOnlyQuery(sql: "SELECT status FROM snapshot WHERE id = :id",
                                             arguments: ["id": .integer(id.rawValue)]).rows == [[.text("interrupted")]])
        #expect(try test.store.snapshots().map(\.status) == [.interrupted, .complete])
        #expect(next > id)
    }

    static func helperExecutable() -> URL? {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.resolvingSymlinksInPath().deletingLastPathComponent() }
        for directory in candidates {
            for dir in [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()] {
                let url = dir.appendingPathComponent("store-test-helper")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }
}
