import Foundation
import GRDB
@testable import Inventory
import Testing

/// A writer whose own checkpoints are off, streaming commits into the WAL: the checkpointer's
/// connection copies them into the database file and keeps the WAL from growing without end.
struct WALCheckpointerTests {
    /// A WAL-mode database at a fresh path, with a writer connection that never checkpoints itself.
    static func writer() throws -> (path: String, writer: DatabaseQueue) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("store.db").path
        let writer = try DatabaseQueue(path: path)
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE blob (id INTEGER PRIMARY KEY, data BLOB)")
        }
        return (path, writer)
    }

    /// Frames in the WAL file (32-byte header, then a 24-byte header and a page per frame).
    static func walFrames(_ path: String) throws -> Int {
        let size = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        return size <= 32 ? 0 : (size - 32) / (24 + 4096)
    }

    /// Commits `count` transactions of ten 4 KB pages each, telling `checkpointer` after each.
    static func commit(_ count: Int, to writer: DatabaseQueue, telling checkpointer: WALCheckpointer?) throws {
        let page = Data(repeating: 0xA5, count: 4000)
        for _ in 0..<count {
            try writer.write { db in
                for _ in 0..<10 { try db.execute(sql: "INSERT INTO blob (data) VALUES (?)", arguments: [page]) }
            }
            checkpointer?.committed()
        }
    }

    @Test func theWALStartsOverOnceItHoldsRestartFrames() throws {
        let (path, writer) = try Self.writer()
        let checkpointer = try WALCheckpointer(path: path, restartFrames: 64)
        writer.writeWithoutTransaction { db in checkpointer.attach(to: db) }
        try Self.commit(100, to: writer, telling: checkpointer)
        writer.writeWithoutTransaction { db in checkpointer.detach(from: db, autocheckpointFrames: 0) }
        checkpointer.stop()
        // 100 commits wrote over 1,000 frames; the file is reused once 64 are in it and all copied.
        // The commit that takes it to 64 or more (12 frames each) waits; the next starts over.
        #expect(try Self.walFrames(path) < 64 + 12 + 12)
        // Everything committed is in the database file: a checkpoint finds nothing left to copy.
        let (walFrames, copied) = try writer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        #expect(walFrames == copied)
        #expect(try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blob") } == 1000)
    }

    @Test func withoutACheckpointerTheWALGrowsWithEveryCommit() throws {
        let (path, writer) = try Self.writer()
        try Self.commit(100, to: writer, telling: nil)
        #expect(try Self.walFrames(path) >= 1000)
    }

    @Test func stopCopiesWhatTheLastCommitsLeft() throws {
        let (path, writer) = try Self.writer()
        let checkpointer = try WALCheckpointer(path: path, restartFrames: .max)
        writer.writeWithoutTransaction { db in checkpointer.attach(to: db) }
        try Self.commit(5, to: writer, telling: checkpointer)
        writer.writeWithoutTransaction { db in checkpointer.detach(from: db, autocheckpointFrames: 0) }
        checkpointer.stop()
        // Copied into the file: a copy of the file alone, without its WAL, holds all 50 rows.
        let copy = path + ".copy"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        #expect(try DatabaseQueue(path: copy).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blob") } == 50)
    }
}
