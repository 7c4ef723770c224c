import CIMModel
import Foundation
import GRDB

/// The SQLite inventory: one snapshot per sweep, one observation per host × class, instances stored
/// once by content address. The one owner of its database connections (a WAL `DatabasePool`, and a
/// read-only connection for user queries).
///
/// ```swift
/// let store = try SnapshotStore(path: "inventory.db")
/// let lock = try SweepLock(databasePath: "inventory.db", mode: .failIfHeld)
/// let id = try store.beginSnapshot(profile: "default", hosts: ["srv1"], startedAt: clock.now, lock: lock)
/// try store.record(Observation(snapshotID: id, host: "srv1", namespace: "root/cimv2",
///                              className: "Win32_Service", durationMilliseconds: 120), instances: services)
/// try store.finishSnapshot(id, status: .complete, finishedAt: clock.now)
/// for summary in try store.snapshots() { print(summary.id, summary.status, summary.instanceCount) }
/// ```
///
/// Every write is one transaction: a sweep commits host × class by host × class, so a killed sweep
/// keeps what it recorded and the file stays consistent (WAL, `synchronous=NORMAL`).
public final class SnapshotStore: Sendable {
    /// The database file.
    public let path: String
    /// The schemas that type instances read back and define the typed class views.
    public let schemas: CimSchemaRegistry
    public let isReadOnly: Bool
    let pool: DatabasePool
    /// A connection opened SQLITE_OPEN_READONLY with `query_only`, for `readOnlyQuery` only.
    let queryConnection: DatabaseQueue
    /// WAL frames (16 KB pages) between checkpoints: 64 MB.
    static let walCheckpointFrames = 4096

    /// The `volatility_epoch` row of `schemas`' volatile properties (nil: read-only, never recorded).
    let volatilityEpoch: Int64?

    /// Opens (or, unless `readOnly`, creates) a store, migrating it and refreshing the class views. A
    /// database an older cimsweep wrote is migrated even when `readOnly` (once, opened read-write
    /// for that), so that upgrading cimsweep never leaves diff and query refusing it.
    /// - Throws: `StoreError`: `.notFound` when `readOnly` and there is no database, `.corrupt` when the
    ///   file is not a healthy SQLite database, `.schemaTooNew` when a newer cimsweep wrote it,
    ///   `.invalidArgument` when an older cimsweep's database cannot be written to migrate it.
    /// - Parameter memoryMap: bytes of the file SQLite may map. Diff reads contents at random and
    ///   profits; a sweep mostly appends, and mapped pages it touches count as its resident memory, so
    ///   the collector passes 0.
    public init(path: String, schemas: CimSchemaRegistry = .builtin, readOnly: Bool = false,
                memoryMap: Int = 1 << 30) throws(StoreError) {
        self.path = path
        self.schemas = schemas
        isReadOnly = readOnly
        if readOnly, !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.notFound, path: path, "no database here; run `cimsweep collect --db \(path)` first")
        }
        if readOnly { try Self.migrateIfOlder(path: path, schemas: schemas) }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.publicStatementArguments = false
        configuration.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA page_size = 16384; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = \(Self.walCheckpointFrames); PRAGMA journal_size_limit = 67108864")
            }
            // A larger page cache than SQLite's 2 MB default: diff reads contents at random across
            // a file of hundreds of MB, a sweep probes the content index.
            try db.execute(sql: "PRAGMA mmap_size = \(memoryMap); PRAGMA cache_size = -32768")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            var queryConfiguration = Configuration()
            queryConfiguration.readonly = true
            queryConfiguration.busyMode = .timeout(10)
            queryConfiguration.publicStatementArguments = false
            queryConnection = try DatabaseQueue(path: path, configuration: queryConfiguration)
        } catch {
            throw StoreError.wrapping(error, path: path, during: "opening the database")
        }
        volatilityEpoch = try Self.prepare(pool: pool, path: path, schemas: schemas, readOnly: readOnly)
    }

    /// Starts a sweep's snapshot, status `running`, owned by this process. Any other `running`
    /// snapshot is marked `interrupted` first: the caller holds the sweep lock, so no other sweep lives.
    /// - Parameters:
    ///   - hosts: the hosts the sweep sets out to visit (diff tells "not visited" from "disappeared").
    ///   - lock: the sweep lock of this database, held.
    /// - Returns: the new snapshot's id.
    /// - Throws: `StoreError` `.invalidArgument` when `lock` guards another database or was released.
    public func beginSnapshot(profile: String, hosts: [String], startedAt: Date, lock: SweepLock) throws(StoreError) -> SnapshotID {
        guard lock.isHeld, lock.databasePath == path else {
            throw StoreError(.invalidArgument, path: path, "beginSnapshot needs this database's sweep lock, held")
        }
        return try write("starting a snapshot") { db in
            try db.execute(sql: "UPDATE snapshot SET status = 'interrupted' WHERE status = 'running'")
            try db.execute(sql: """
                INSERT INTO snapshot (started_at, profile, status, host_count, owner_pid) VALUES (?, ?, 'running', ?, ?)
                """, arguments: [StoreTime.text(startedAt), profile, Set(hosts).count, Int64(getpid())])
            let id = db.lastInsertedRowID
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO snapshot_host (snapshot_id, host) VALUES (?, ?)")
            for host in hosts { try insert.execute(arguments: [id, host]) }
            return SnapshotID(rawValue: id)
        }
    }

    /// Records one host × class of a sweep in one transaction: the observation row and, by content
    /// address, its instances. Recording the same host × class again replaces the earlier row.
    ///
    /// When the whole result set equals one already stored (an unchanged re-sweep), only the
    /// observation row is written.
    /// - Parameter instances: what the host returned; for a failure, whatever arrived before it (often none).
    /// - Throws: `StoreError` `.notFound` when the snapshot does not exist or is finished.
    public func record(_ observation: Observation, instances: [CimInstance]) throws(StoreError) {
        var encoder = ResultSetEncoder(schemas: schemas)
        for instance in instances { encoder.add(instance) }
        try commit([encoder.prepared(observation)])
    }

    /// Writes prepared host × class results in one transaction, each as `record` would: a writer
    /// that has several ready commits them together (a group commit), which costs SQLite one
    /// journal write of the pages they share instead of one each.
    /// - Throws: `StoreError` `.notFound` when a snapshot does not exist or is finished; then none is written.
    public func commit(_ batch: [PreparedObservation]) throws(StoreError) {
        guard let first = batch.first else { return }
        let operation = batch.count == 1 ? "recording \(first.observation.host) \(first.observation.className)"
                                         : "recording \(batch.count) host × class results"
        try write(operation) { db in
            for snapshotID in Set(batch.map(\.observation.snapshotID)) { try checkRunning(snapshotID, db) }
            for prepared in batch { try insert(prepared, db) }
        }
    }

    /// Marks a snapshot finished with the sweep's verdict.
    /// - Throws: `StoreError` `.notFound` when there is no such snapshot.
    public func finishSnapshot(_ id: SnapshotID, status: SnapshotStatus, finishedAt: Date) throws(StoreError) {
        try write("finishing snapshot \(id)") { db in
            try db.execute(sql: "UPDATE snapshot SET status = ?, finished_at = ? WHERE id = ?",
                           arguments: [status.rawValue, StoreTime.text(finishedAt), id.rawValue])
            guard db.changesCount == 1 else { throw StoreError(.notFound, path: path, "snapshot \(id) does not exist") }
        }
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        guard !isReadOnly else { throw StoreError(.invalidArgument, path: path, "\(operation): the store was opened read-only") }
        do { return try pool.write(body) } catch { throw StoreError.wrapping(error, path: path, during: operation) }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try pool.read(body) } catch { throw StoreError.wrapping(error, path: path, during: operation) }
    }
}

/// How the store writes instants: fixed-width UTC ISO-8601 with microseconds, so text order is time
/// order and SQLite's date functions read it.
enum StoreTime {
    static func text(_ date: Date) -> String {
        let iso = CimDateTime(date).iso8601          // …T20:31:39Z or …T20:31:39.5Z
        let body = iso.dropLast()                     // drop the Z
        guard let dot = body.firstIndex(of: ".") else { return body + ".000000Z" }
        let fraction = body[body.index(after: dot)...]
        return body + String(repeating: "0", count: max(0, 6 - fraction.count)) + "Z"
    }

    static func date(_ text: String) -> Date? { CimDateTime(parsing: text)?.date }
}
