import CIMModel
import Foundation
import GRDB
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SnapshotStore {
    /// The snapshot a reference names (for an instant, the newest one started at or before it).
    /// - Throws: `StoreError` `.notFound` naming what is missing ("@prev has no earlier snapshot").
    public func resolve(_ reference: SnapshotRef) throws(StoreError) -> (id: SnapshotID, startedAt: Date) {
        let heads = try read("resolving \(reference)") { db in
            try Row.fetchAll(db, sql: "SELECT id, status, started_at, owner_pid FROM snapshot ORDER BY id DESC")
        }
        let liveness = Liveness(store: self, running: heads.filter { $0["status"] == "running" }.map { $0["id"] })
        let snapshots = heads.map { row in
            (id: SnapshotID(rawValue: row["id"]),
             status: liveness.status(SnapshotID(rawValue: row["id"]), stored: row["status"], ownerPID: row["owner_pid"]),
             startedAt: StoreTime.date(row["started_at"]) ?? Date(timeIntervalSince1970: 0))
        }
        switch reference {
        case .id(let id):
            guard let found = snapshots.first(where: { $0.id == id }) else {
                throw StoreError(.notFound, path: path, "snapshot \(id) does not exist; `cimsweep snapshots` lists them")
            }
            return (found.id, found.startedAt)
        case .latest(let back):
            let finished = snapshots.filter { $0.status == .complete || $0.status == .partial }
            guard back < finished.count else {
                let what = finished.isEmpty ? "there is no complete or partial snapshot yet"
                    : back == 1 ? "@prev has no earlier snapshot (only one complete or partial snapshot)"
                    : "\(reference) goes back \(back), but there are only \(finished.count) complete or partial snapshots"
                throw StoreError(.notFound, path: path, what)
            }
            return (finished[back].id, finished[back].startedAt)
        case .asOf(let date):
            guard let found = snapshots.first(where: {
                $0.startedAt <= date && [.complete, .partial, .interrupted].contains($0.status)
            }) else {
                throw StoreError(.notFound, path: path, "no snapshot started at or before \(StoreTime.text(date))")
            }
            return (found.id, found.startedAt)
        }
    }

    /// Compares two states of the fleet. Host × class pairs whose stored result sets are identical
    /// (same content address) are skipped without loading an instance, so the cost follows what changed.
    ///
    /// ```swift
    /// let diff = try store.diff(from: .previous, to: .latest, options: DiffOptions(classNames: ["Win32_Service"]))
    /// for host in diff.hosts where host.status != .unchanged { print(host.host, host.status) }
    /// ```
    /// - Throws: `StoreError` `.notFound` when a reference resolves to nothing.
    public func diff(from: SnapshotRef = .previous, to: SnapshotRef = .latest,
                     options: DiffOptions = DiffOptions()) throws(StoreError) -> SnapshotDiff {
        let old = try resolve(from), new = try resolve(to)
        let operation = "comparing snapshot \(old.id) with \(new.id)"
        let (before, after) = try read(operation) { db in
            let engine = DiffEngine(db: db, store: self, options: options)
            return (try engine.loadSide(base: old.id, carriesForward: from.isInstant),
                    try engine.loadSide(base: new.id, carriesForward: to.isInstant))
        }
        // Hosts are compared on several pooled readers at once. They read only set members and
        // instance contents, which are content-addressed and never change once written.
        let names = DiffEngine.hostNames(before, after)
        let workers = max(1, min(options.parallelism ?? min(ProcessInfo.processInfo.activeProcessorCount, 4, names.count / 50),
                                 max(names.count, 1)))
        let results = Mutex<[Result<[HostDiff], StoreError>]>(Array(repeating: .success([]), count: workers))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let share = stride(from: worker, to: names.count, by: workers).map { names[$0] }
            let result = Result { () throws(StoreError) -> [HostDiff] in
                try read(operation) { db in
                    var engine = DiffEngine(db: db, store: self, options: options)
                    return try engine.compare(before, after, hosts: share, oldBase: old.id, newBase: new.id)
                }
            }
            results.withLock { $0[worker] = result }
        }
        var hosts: [HostDiff] = []
        for result in results.withLock({ $0 }) { hosts += try result.get() }
        hosts.sort { $0.host < $1.host }
        return SnapshotDiff(from: .init(reference: from, snapshot: old.id, startedAt: old.startedAt),
                            to: .init(reference: to, snapshot: new.id, startedAt: new.startedAt),
                            includesVolatile: options.includeVolatile, hosts: hosts)
    }
}

/// The diff's work, inside one read transaction (one consistent view of the file).
struct DiffEngine {
    struct ClassKey: Hashable, Comparable {
        var namespace: String
        var className: String
        static func < (a: Self, b: Self) -> Bool { (a.namespace, a.className) < (b.namespace, b.className) }
    }

    /// Where one host × class's data comes from on one side.
    struct ClassState {
        var setID: Int64?
        /// The set's address without volatile values, and the volatility signature it was made under.
        var stable: Stable?
        var snapshot: SnapshotID
        var instanceCount: Int
        /// Set when the side's own observation failed (or is missing) and an earlier one stands in.
        var failure: ClassFailure?
    }

    /// A content's or set's 16-byte volatile-free address, as two words, and its volatility epoch.
    struct Stable: Equatable {
        var high: UInt64
        var low: UInt64
        var epoch: Int64

        /// Nil unless `digest` is 16 bytes (the store writes nothing else).
        init?(digest: UnsafeRawBufferPointer, epoch: Int64) {
            guard digest.count == 16 else { return nil }
            high = digest.loadUnaligned(as: UInt64.self)
            low = digest.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            self.epoch = epoch
        }

        /// From a row's hash and epoch columns; nil when either is NULL.
        init?(_ columns: SQLiteColumns, hash: Int32, epoch: Int32) {
            guard !columns.isNull(hash), !columns.isNull(epoch) else { return nil }
            guard let stable = columns.withBytes(hash, { Stable(digest: $0, epoch: columns.int64(epoch)) }) else { return nil }
            self = stable
        }
    }

    struct Side {
        var hosts: [String: [ClassKey: ClassState]] = [:]
        /// Hosts the side set out to visit but has no data for at all.
        var unobserved: Set<String> = []
    }

    let db: Database
    let store: SnapshotStore
    let options: DiffOptions
    let classFilter: Set<String>
    var schemaCache: [ClassKey: CimClassSchema?] = [:]
    var storedProperties = StoredProperties()
    var volatileCache: [ClassKey: VolatileNames] = [:]

    init(db: Database, store: SnapshotStore, options: DiffOptions) {
        self.db = db
        self.store = store
        self.options = options
        classFilter = Set(options.classNames.map { $0.lowercased() })
    }

    func wanted(host: String) -> Bool {
        guard let pattern = options.hostPattern else { return true }
        return fnmatch(pattern, host, 0) == 0
    }

    func wanted(className: String) -> Bool { classFilter.isEmpty || classFilter.contains(className.lowercased()) }

    /// One side's data: the base snapshot's observations, failures standing in with older data.
    /// - Parameter carriesForward: for "the state as of an instant": hosts the base snapshot did not
    ///   set out to visit keep their newest successful observations from before it.
    func loadSide(base: SnapshotID, carriesForward: Bool = false) throws -> Side {
        var side = Side()
        // Read in place (one row per host × class: 11,000 for 1,000 hosts).
        let statement = try db.cachedStatement(sql: """
            SELECT o.host, o.namespace, o.class, o.status = 'ok', o.error_kind, o.error_detail, o.set_id, o.instance_count,
                s.stable_hash, s.epoch
            FROM observation o LEFT JOIN content_set s ON s.id = o.set_id WHERE o.snapshot_id = ?
            """)
        let rows = try Row.fetchCursor(statement, arguments: [base.rawValue])
        let column = SQLiteColumns(statement)
        while try rows.next() != nil {
            let host = column.text(0) ?? "", className = column.text(2) ?? ""
            guard wanted(host: host), wanted(className: className) else { continue }
            let key = ClassKey(namespace: column.text(1) ?? "", className: className)
            if column.int64(3) != 0 {
                side.hosts[host, default: [:]][key] = ClassState(setID: column.isNull(6) ? nil : column.int64(6),
                                                                 stable: Stable(column, hash: 8, epoch: 9),
                                                                 snapshot: base, instanceCount: Int(column.int64(7)))
            } else {
                side.hosts[host, default: [:]][key] = try fallback(host: host, key: key, before: base,
                                                                   kind: column.text(4), detail: column.text(5))
            }
        }
        let planned = try String.fetchAll(db, sql: "SELECT host FROM snapshot_host WHERE snapshot_id = ?",
                                          arguments: [base.rawValue])
        for host in planned where side.hosts[host] == nil && wanted(host: host) {
            // Planned but never reached (an interrupted sweep): the host's last observed classes stand in.
            let earlier = try Row.fetchAll(db, sql: """
                SELECT DISTINCT namespace, class FROM observation WHERE host = ?
                AND snapshot_id = (SELECT MAX(snapshot_id) FROM observation WHERE host = ? AND snapshot_id < ?)
                """, arguments: [host, host, base.rawValue])
            var classes: [ClassKey: ClassState] = [:]
            for row in earlier where wanted(className: row["class"]) {
                let key = ClassKey(namespace: row["namespace"], className: row["class"])
                classes[key] = try fallback(host: host, key: key, before: base, kind: "not-observed",
                                            detail: "the sweep of snapshot \(base) did not reach this host")
            }
            if classes.isEmpty { side.unobserved.insert(host) } else { side.hosts[host] = classes }
        }
        if carriesForward { try carryForward(into: &side, base: base, planned: Set(planned)) }
        return side
    }

    /// Adds every host outside `planned` with its newest successful observation of each class in
    /// a finished snapshot before `base` (the classes' `fromSnapshot`/`toSnapshot` say which).
    func carryForward(into side: inout Side, base: SnapshotID, planned: Set<String>) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT o.host, o.namespace, o.class, o.snapshot_id, o.set_id, o.instance_count, s.stable_hash, s.epoch
            FROM observation o
            JOIN (SELECT host, namespace, class, MAX(snapshot_id) AS newest FROM observation
                  WHERE status = 'ok' AND snapshot_id < ?
                    AND snapshot_id IN (SELECT id FROM snapshot WHERE status IN ('complete', 'partial', 'interrupted'))
                  GROUP BY host, namespace, class) n
              ON n.host = o.host AND n.namespace = o.namespace AND n.class = o.class AND n.newest = o.snapshot_id
            LEFT JOIN content_set s ON s.id = o.set_id
            """, arguments: [base.rawValue])
        for row in rows {
            let host: String = row["host"], className: String = row["class"]
            guard !planned.contains(host), wanted(host: host), wanted(className: className) else { continue }
            let key = ClassKey(namespace: row["namespace"], className: className)
            side.hosts[host, default: [:]][key] = ClassState(setID: row["set_id"], stable: Self.stable(row),
                                                             snapshot: SnapshotID(rawValue: row["snapshot_id"]),
                                                             instanceCount: row["instance_count"])
        }
    }

    /// The newest successful observation of a host × class before `base`, standing in for a failure.
    func fallback(host: String, key: ClassKey, before base: SnapshotID, kind: String?, detail: String?) throws -> ClassState {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT o.snapshot_id, o.set_id, o.instance_count, s.stable_hash, s.epoch
            FROM observation o LEFT JOIN content_set s ON s.id = o.set_id
            WHERE o.host = ? AND o.namespace = ? AND o.class = ? AND o.status = 'ok' AND o.snapshot_id < ?
            ORDER BY o.snapshot_id DESC LIMIT 1
            """), arguments: [host, key.namespace, key.className, base.rawValue])
        let lastGood = row.map { SnapshotID(rawValue: $0["snapshot_id"]) }
        let failure = ClassFailure(namespace: key.namespace, className: key.className, errorKind: kind,
                                   errorDetail: detail, lastGoodSnapshot: lastGood)
        return ClassState(setID: row?["set_id"], stable: row.flatMap(Self.stable), snapshot: lastGood ?? base,
                          instanceCount: row?["instance_count"] ?? 0, failure: failure)
    }

    static func stable(_ row: Row) -> Stable? {
        guard let hash: Data = row["stable_hash"], let epoch: Int64 = row["epoch"] else { return nil }
        return hash.withUnsafeBytes { Stable(digest: $0, epoch: epoch) }
    }

    /// Whether two stable addresses prove the contents equal but for volatile values, under the
    /// current schemas' volatility (never when volatile changes are asked for).
    func equalButVolatile(_ a: Stable?, _ b: Stable?) -> Bool {
        guard !options.includeVolatile, let a, let b, let current = store.volatilityEpoch else { return false }
        return a.epoch == current && b.epoch == current && a == b
    }

    /// Every host of either side, sorted.
    static func hostNames(_ before: Side, _ after: Side) -> [String] {
        Set(before.hosts.keys).union(after.hosts.keys).union(before.unobserved).union(after.unobserved).sorted()
    }

    mutating func compare(_ before: Side, _ after: Side, hosts names: [String], oldBase: SnapshotID,
                          newBase: SnapshotID) throws -> [HostDiff] {
        var result: [HostDiff] = []
        for host in names {
            let old = before.hosts[host], new = after.hosts[host]
            if after.unobserved.contains(host) {
                result.append(HostDiff(host: host, status: .failed, failures: [], classes: [], instanceCount: nil))
                continue
            }
            guard let new else {
                let count = old?.values.reduce(0) { $0 + $1.instanceCount }
                result.append(HostDiff(host: host, status: .disappeared, failures: [], classes: [], instanceCount: count))
                continue
            }
            guard let old else {
                let failures = new.sorted { $0.key < $1.key }.compactMap(\.value.failure)
                result.append(HostDiff(host: host, status: .appeared, failures: failures, classes: [],
                                       instanceCount: new.values.reduce(0) { $0 + $1.instanceCount }))
                continue
            }
            result.append(try compareHost(host, old: old, new: new, oldBase: oldBase, newBase: newBase))
        }
        return result
    }

    mutating func compareHost(_ host: String, old: [ClassKey: ClassState], new: [ClassKey: ClassState],
                              oldBase: SnapshotID, newBase: SnapshotID) throws -> HostDiff {
        var failures: [ClassFailure] = []
        var classes: [ClassDiff] = []
        for key in Set(old.keys).union(new.keys).sorted() {
            guard let newState = new[key] else {
                failures.append(ClassFailure(namespace: key.namespace, className: key.className, errorKind: "not-observed",
                                             errorDetail: "snapshot \(newBase) did not enumerate this class on this host",
                                             lastGoodSnapshot: nil))
                continue
            }
            if let failure = newState.failure { failures.append(failure) }
            let oldState = old[key]
            if newState.failure != nil, newState.setID == nil { continue }   // failed, nothing to compare on
            guard oldState?.setID != newState.setID, !equalButVolatile(oldState?.stable, newState.stable) else { continue }
            var diff = try compareSets(key, old: oldState?.setID, new: newState.setID)
            if !diff.added.isEmpty || !diff.removed.isEmpty || !diff.changed.isEmpty {
                diff.fromSnapshot = oldState.flatMap { $0.snapshot == oldBase ? nil : $0.snapshot }
                diff.toSnapshot = newState.snapshot == newBase ? nil : newState.snapshot
                classes.append(diff)
            }
        }
        let status: HostDiff.Status = !failures.isEmpty ? .failed : classes.isEmpty ? .unchanged : .changed
        return HostDiff(host: host, status: status, failures: failures, classes: classes, instanceCount: nil)
    }
}
