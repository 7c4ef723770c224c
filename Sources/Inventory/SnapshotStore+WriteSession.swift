import Foundation
import GRDB

extension SnapshotStore {
    /// Runs `body` holding the store's one write connection for as long as it takes, so that a writer
    /// can put many results into each transaction while inserting every one as it arrives (results
    /// then never wait in memory for a commit). Nothing else can write until `body` returns; a
    /// transaction `body` leaves open is rolled back.
    ///
    /// ```swift
    /// try store.withWriteSession { session in
    ///     for result in results { try session.add(result) }   // inserted at once, committed below
    ///     try session.commit()
    /// }
    /// ```
    /// - Throws: `StoreError` from `body`, or when the database cannot be written.
    public func withWriteSession<T>(_ body: (inout WriteSession) throws(StoreError) -> T) throws(StoreError) -> T {
        guard !isReadOnly else { throw StoreError(.invalidArgument, path: path, "writing results: the store was opened read-only") }
        let outcome: Result<T, StoreError> = pool.writeWithoutTransaction { db in
            // Checkpoints run beside the session's transactions; without a second connection the
            // writer makes its own, as every other writer does.
            let checkpointer = try? WALCheckpointer(path: path, restartFrames: Self.walCheckpointFrames)
            checkpointer?.attach(to: db)
            var session = WriteSession(store: self, db: db, checkpointer: checkpointer)
            // Debian's SQLite zeroes every byte a B-tree page gives up (SECURE_DELETE), which a bulk
            // insert does all the time as the content index splits pages. Nothing is deleted here;
            // prune and the other writers keep the default.
            try? db.execute(sql: "PRAGMA secure_delete = OFF")
            defer {
                session.rollbackIfOpen()
                checkpointer?.detach(from: db, autocheckpointFrames: Self.walCheckpointFrames)
                checkpointer?.stop()
                try? db.execute(sql: "PRAGMA secure_delete = ON")
            }
            do throws(StoreError) { return .success(try body(&session)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    /// Throws unless the snapshot exists and is still running.
    func checkRunning(_ snapshotID: SnapshotID, _ db: Database) throws {
        let status = try String.fetchOne(db, sql: "SELECT status FROM snapshot WHERE id = ?", arguments: [snapshotID.rawValue])
        guard status == SnapshotStatus.running.rawValue else {
            throw StoreError(.notFound, path: path, "snapshot \(snapshotID) " + (status == nil ? "does not exist" : "is \(status!), not running"))
        }
    }

    /// Writes one host × class result: its set (unless the same set is stored already) and its observation row.
    func insert(_ prepared: PreparedObservation, _ db: Database) throws {
        let observation = prepared.observation
        let setID = try prepared.setHashes.map { hashes in
            try Self.storeSet(db, hashes: hashes, epoch: volatilityEpoch ?? 0, contents: prepared.contents)
        }
        try db.cachedStatement(sql: Self.insertObservation).execute(arguments: [
            observation.snapshotID.rawValue, observation.host, observation.namespace, observation.className,
            observation.status.rawValue, observation.errorKind, observation.errorDetail,
            observation.durationMilliseconds, prepared.contents.entries.count, setID])
    }

    /// One host × class row; recording it again replaces it. An upsert rather than `INSERT OR
    /// REPLACE`: a replace may delete rows, so SQLite journals every page the statement touches into
    /// a temporary file (~300 MB of writes in a 1,000-host sweep); an upsert needs no such journal.
    static let insertObservation = """
        INSERT INTO observation (snapshot_id, host, namespace, class, status, error_kind,
            error_detail, duration_ms, instance_count, set_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (snapshot_id, host, namespace, class) DO UPDATE SET status = excluded.status,
            error_kind = excluded.error_kind, error_detail = excluded.error_detail,
            duration_ms = excluded.duration_ms, instance_count = excluded.instance_count, set_id = excluded.set_id
        """

    /// The set row for a result set: reused when the same set is stored already, else written with
    /// its members (each content row reused when present).
    private static func storeSet(_ db: Database, hashes: (hash: Data, stableHash: Data), epoch: Int64,
                                 contents: EncodedContents) throws -> Int64 {
        if let existing = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM content_set WHERE hash = ?"),
                                             arguments: [hashes.hash]) {
            return existing
        }
        try db.cachedStatement(sql: "INSERT INTO content_set (hash, stable_hash, epoch, instance_count) VALUES (?, ?, ?, ?)")
            .execute(arguments: [hashes.hash, hashes.stableHash, epoch, contents.entries.count])
        let setID = db.lastInsertedRowID
        let layoutIDs = try contents.layouts.map { layout in try Self.layoutID(db, positions: layout.positions) }
        // Insert first: in a changed set most contents are new, and a new row then costs one index
        // descent instead of a failed lookup and an insert.
        let insert = SQLiteInsert(try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO instance_content (hash, stable_hash, epoch, namespace, class, identity, layout_id,
                property_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """), db)
        let find = try db.cachedStatement(sql: "SELECT id FROM instance_content WHERE hash = ?")
        let member = SQLiteInsert(try db.cachedStatement(sql: "INSERT INTO content_member (set_id, ordinal, content_id) VALUES (?, ?, ?)"), db)
        try contents.text.withUnsafeBufferPointer { text in
            for (ordinal, content) in contents.entries.enumerated() {
                let (namespace, className) = contents.classes[content.classIndex]
                insert.bind(1, content.hash)
                insert.bind(2, content.stableHash)
                insert.bind(3, epoch)
                insert.bind(4, namespace)
                insert.bind(5, className)
                insert.bind(6, text: content.identity.map { UnsafeBufferPointer(rebasing: text[$0]) })
                insert.bind(7, layoutIDs[content.layoutIndex])
                insert.bind(8, text: UnsafeBufferPointer(rebasing: text[content.values]))
                try insert.run()
                let contentID = db.changesCount == 1 ? db.lastInsertedRowID
                    : try Int64.fetchOne(find, arguments: [content.hash.data])
                member.bind(1, setID)
                member.bind(2, Int64(ordinal))
                member.bind(3, contentID)
                try member.run()
            }
        }
        return setID
    }

    /// The id of the property layout with these names and positions, stored when new.
    private static func layoutID(_ db: Database, positions: [UInt8]) throws -> Int64 {
        let text = String(decoding: positions, as: UTF8.self)
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM property_layout WHERE positions = ?"),
                                       arguments: [text]) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO property_layout (positions) VALUES (?)").execute(arguments: [text])
        return db.lastInsertedRowID
    }
}

/// The store's write connection lent to `SnapshotStore.withWriteSession`: adds results to an open
/// transaction (beginning one when none is open) and commits when told. It must not outlive the
/// call that lent it.
public struct WriteSession {
    private let store: SnapshotStore
    private let db: Database
    private let checkpointer: WALCheckpointer?
    /// Snapshots checked to be running in the open transaction.
    private var checked: Set<SnapshotID> = []
    /// Results added since the last commit.
    public private(set) var uncommitted = 0

    init(store: SnapshotStore, db: Database, checkpointer: WALCheckpointer?) {
        self.store = store
        self.db = db
        self.checkpointer = checkpointer
    }

    /// True while a transaction is open.
    public var isInTransaction: Bool { db.isInsideTransaction }

    /// Inserts a host × class result into the open transaction, as `SnapshotStore.record` would.
    /// - Throws: `StoreError` `.notFound` when its snapshot does not exist or is finished; the
    ///   transaction is then rolled back, with everything added since the last commit.
    public mutating func add(_ prepared: PreparedObservation) throws(StoreError) {
        let snapshotID = prepared.observation.snapshotID
        do {
            if !db.isInsideTransaction { try db.beginTransaction(.immediate) }
            if !checked.contains(snapshotID) {
                try store.checkRunning(snapshotID, db)
                checked.insert(snapshotID)
            }
            try store.insert(prepared, db)
        } catch {
            rollbackIfOpen()
            throw StoreError.wrapping(error, path: store.path,
                                      during: "recording \(prepared.observation.host) \(prepared.observation.className)")
        }
        uncommitted += 1
    }

    /// Commits what was added (nothing to do when nothing was).
    public mutating func commit() throws(StoreError) {
        guard db.isInsideTransaction else { return }
        do { try db.commit() } catch {
            rollbackIfOpen()
            throw StoreError.wrapping(error, path: store.path, during: "committing \(uncommitted) host × class results")
        }
        checked.removeAll()
        uncommitted = 0
        checkpointer?.committed()
    }

    mutating func rollbackIfOpen() {
        if db.isInsideTransaction { try? db.rollback() }
        checked.removeAll()
        uncommitted = 0
    }
}
