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
    /// The `volatility_epoch` row of `schemas`' volatile properties (nil: read-only, never recorded).
    let volatilityEpoch: Int64?

    /// Opens (or, unless `readOnly`, creates) a store, migrating it and refreshing the class views.
    /// - Throws: `StoreError`: `.notFound` when `readOnly` and there is no database, `.corrupt` when the
    ///   file is not a healthy SQLite database, `.schemaTooNew` when a newer cimsweep wrote it.
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
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.publicStatementArguments = false
        configuration.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
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
        var canonical = CimJSONWriter(style: .canonical, reservingCapacity: 4096)
        var classCache: [String: (schema: CimClassSchema?, volatile: VolatileNames)] = [:]
        let contents = instances.map { instance in
            let cacheKey = instance.namespace + ":" + instance.className
            var facts = classCache[cacheKey] ?? {
                let schema = schemas.schema(namespace: instance.namespace, className: instance.className)
                return (schema, VolatileNames(schema))
            }()
            let content = InstanceContent(instance, schema: facts.schema, volatile: &facts.volatile, writer: &canonical)
            classCache[cacheKey] = facts
            return content
        }
        let storesSet = observation.status == .ok || !instances.isEmpty
        let setHashes = InstanceContent.setHashes(contents)
        let epoch = volatilityEpoch ?? 0
        try write("recording \(observation.host) \(observation.className)") { db in
            let status = try String.fetchOne(db, sql: "SELECT status FROM snapshot WHERE id = ?",
                                              arguments: [observation.snapshotID.rawValue])
            guard status == SnapshotStatus.running.rawValue else {
                throw StoreError(.notFound, path: path, "snapshot \(observation.snapshotID) "
                                 + (status == nil ? "does not exist" : "is \(status!), not running"))
            }
            let setID: Int64? = storesSet ? try Self.storeSet(db, hashes: setHashes, epoch: epoch, contents: contents) : nil
            try db.execute(sql: Self.insertObservation, arguments: [observation.snapshotID.rawValue, observation.host, observation.namespace,
                                 observation.className, observation.status.rawValue, observation.errorKind,
                                 observation.errorDetail, observation.durationMilliseconds, instances.count, setID])
        }
    }

    /// One host × class row; recording it again replaces it.
    static let insertObservation = """
        INSERT OR REPLACE INTO observation (snapshot_id, host, namespace, class, status, error_kind,
            error_detail, duration_ms, instance_count, set_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The set row for a result set: reused when the same set is stored already, else written with
    /// its members (each content row reused when present).
    private static func storeSet(_ db: Database, hashes: (hash: Data, stableHash: Data), epoch: Int64,
                                 contents: [InstanceContent]) throws -> Int64 {
        if let existing = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM content_set WHERE hash = ?"),
                                             arguments: [hashes.hash]) {
            return existing
        }
        try db.cachedStatement(sql: "INSERT INTO content_set (hash, stable_hash, epoch, instance_count) VALUES (?, ?, ?, ?)")
            .execute(arguments: [hashes.hash, hashes.stableHash, epoch, contents.count])
        let setID = db.lastInsertedRowID
        let find = try db.cachedStatement(sql: "SELECT id FROM instance_content WHERE hash = ?")
        let insert = try db.cachedStatement(sql: """
            INSERT INTO instance_content (hash, stable_hash, epoch, namespace, class, identity, properties)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let member = try db.cachedStatement(sql: "INSERT INTO content_member (set_id, ordinal, content_id) VALUES (?, ?, ?)")
        var wire = CimJSONWriter(style: .wire, reservingCapacity: 4096)
        for (ordinal, content) in contents.enumerated() {
            var contentID = try Int64.fetchOne(find, arguments: [content.hash])
            if contentID == nil {
                try insert.execute(arguments: [content.hash, content.stableHash, epoch, content.instance.namespace,
                                               content.instance.className, content.identity, content.propertiesJSON(&wire)])
                contentID = db.lastInsertedRowID
            }
            try member.execute(arguments: [setID, ordinal, contentID])
        }
        return setID
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
