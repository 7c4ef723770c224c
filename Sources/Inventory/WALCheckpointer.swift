import Foundation
import GRDB
import GRDBSQLite

/// Copies a database's WAL into the database file on a thread and connection of its own, while one
/// writer streams transactions into the WAL.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: the writer then
/// spends most of a second copying 64 MB and syncing, and everything queued behind it waits. Here
/// each commit only asks for a passive checkpoint, which proceeds alongside the next transaction.
/// The WAL starts over only when a write transaction begins with every frame copied, so once it
/// holds `restartFrames` a commit waits for the checkpoint in hand to catch up: a short wait, as
/// little is left to copy by then.
///
/// ```swift
/// let checkpointer = try WALCheckpointer(path: path, restartFrames: 4096)
/// checkpointer.attach(to: writer)          // replaces the writer's automatic checkpoints
/// // ... commit, then checkpointer.committed(), as often as you like ...
/// checkpointer.detach(from: writer, autocheckpointFrames: 4096)
/// checkpointer.stop()
/// ```
final class WALCheckpointer: @unchecked Sendable {   // mutable state only under `condition`
    private let connection: DatabaseQueue
    private let restartFrames: Int
    private let condition = NSCondition()
    /// Checkpoints asked for and done, counted; each one covers every commit made before it began.
    private var requested = 0
    private var completed = 0
    /// Frames in the WAL after the writer's last commit.
    private var walFrames = 0
    private var stopping = false
    private var isRunning = true

    /// Opens a second connection to the database at `path`.
    init(path: String, restartFrames: Int) throws {
        var configuration = Configuration()
        configuration.publicStatementArguments = false
        // A passive checkpoint never waits on a lock, so no busy handler is needed.
        configuration.busyMode = .immediateError
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.restartFrames = restartFrames
        let thread = Thread { [self] in run() }
        thread.name = "cimsweep.wal-checkpointer"
        thread.start()
    }

    /// Takes the place of `writer`'s automatic checkpoints (SQLite's WAL hook, which learns the WAL's
    /// size at each commit) until `detach`. Keep `self` alive until then.
    func attach(to writer: Database) {
        sqlite3_wal_hook(writer.sqliteConnection, { context, _, _, frames in
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue()
            checkpointer.condition.lock()
            checkpointer.walFrames = Int(frames)
            checkpointer.condition.unlock()
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Gives `writer` back its own automatic checkpoints, every `autocheckpointFrames` frames.
    func detach(from writer: Database, autocheckpointFrames: Int) {
        sqlite3_wal_autocheckpoint(writer.sqliteConnection, Int32(autocheckpointFrames))
    }

    /// Tells the checkpointer a transaction committed. Returns at once unless the WAL has grown to
    /// `restartFrames`: then it returns when a checkpoint begun after this call has ended.
    func committed() {
        condition.lock()
        defer { condition.unlock() }
        requested += 1
        let ticket = requested
        condition.broadcast()
        guard walFrames >= restartFrames else { return }
        while completed < ticket, isRunning { condition.wait() }
    }

    /// Runs a last checkpoint of everything committed, then stops the thread and returns.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while isRunning { condition.wait() }
    }

    private func run() {
        condition.lock()
        while true {
            while requested == completed, !stopping { condition.wait() }
            if requested == completed { break }   // stopping, nothing left to do
            let ticket = requested
            condition.unlock()
            // A failed checkpoint leaves the frames in the WAL, where readers still find them and
            // the next checkpoint (or the writer's own, once this stops) copies them.
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            condition.lock()
            completed = ticket
            condition.broadcast()
        }
        isRunning = false
        condition.broadcast()
        condition.unlock()
    }
}
