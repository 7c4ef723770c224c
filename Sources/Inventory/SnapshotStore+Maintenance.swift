import Foundation
import GRDB

/// One cell of a read-only query's result, as SQLite stored it.
public enum QueryValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// The result of `SnapshotStore.readOnlyQuery`.
public struct QueryResult: Sendable, Hashable {
    public var columns: [String]
    public var rows: [[QueryValue]]
    /// Whether rows were cut at the row limit.
    public var isTruncated: Bool

    public init(columns: [String], rows: [[QueryValue]], isTruncated: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.isTruncated = isTruncated
    }
}

extension SnapshotStore {
    /// Removes old snapshots and every instance content no longer referenced, optionally compacting the
    /// file. A live `running` snapshot is never removed.
    /// - Parameters:
    ///   - keep: keep at most this many newest snapshots.
    ///   - olderThan: remove snapshots started before this instant.
    ///   - vacuum: run `VACUUM` afterwards to return the freed pages to the file system.
    /// - Throws: `StoreError` `.invalidArgument` when neither rule is given or `keep` is negative.
    public func prune(keep: Int?, olderThan: Date?, vacuum: Bool) throws(StoreError) -> PruneResult {
        guard keep != nil || olderThan != nil else {
            throw StoreError(.invalidArgument, path: path, "prune needs --keep N or --older-than AGE")
        }
        if let keep, keep < 0 { throw StoreError(.invalidArgument, path: path, "--keep must be 0 or more, not \(keep)") }
        let summaries = try snapshots()
        let newestFirst = summaries.reversed()
        var doomed = Set<SnapshotID>()
        if let keep { doomed.formUnion(newestFirst.dropFirst(keep).map(\.id)) }
        if let olderThan { doomed.formUnion(summaries.filter { $0.startedAt < olderThan }.map(\.id)) }
        let live = Set(summaries.filter { $0.status == .running }.map(\.id))
        let removed = doomed.subtracting(live).sorted()
        let before = fileSize()
        let contentsRemoved = try write("pruning snapshots") { db -> Int in
            let delete = try db.cachedStatement(sql: "DELETE FROM snapshot WHERE id = ?")
            for id in removed { try delete.execute(arguments: [id.rawValue]) }
            try db.execute(sql: """
                DELETE FROM content_set WHERE id NOT IN (SELECT set_id FROM observation WHERE set_id IS NOT NULL);
                DELETE FROM content_member WHERE set_id NOT IN (SELECT id FROM content_set);
                DELETE FROM instance_content WHERE id NOT IN (SELECT content_id FROM content_member);
                """)
            let contentsRemoved = db.changesCount
            if contentsRemoved > 0 {
                try db.execute(sql: "DELETE FROM property_layout WHERE id NOT IN (SELECT layout_id FROM instance_content WHERE layout_id IS NOT NULL)")
            }
            return contentsRemoved
        }
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                if vacuum { try db.execute(sql: "VACUUM") }
            }
        } catch {
            throw StoreError.wrapping(error, path: path, during: vacuum ? "vacuuming" : "checkpointing")
        }
        return PruneResult(removed: removed, contentsRemoved: contentsRemoved, bytesBefore: before, bytesAfter: fileSize())
    }

    /// Copies the WAL into the database file and truncates the WAL (`PRAGMA wal_checkpoint(TRUNCATE)`).
    /// - Throws: `StoreError` `.locked` when readers keep the checkpoint from completing.
    public func checkpoint() throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            throw StoreError.wrapping(error, path: path, during: "checkpointing")
        }
    }

    /// Runs SQL on the write connection: for tests that must plant states no API makes (a future
    /// migration, damage).
    package func execute(testingSQL sql: String) throws(StoreError) {
        try write("running test SQL") { db in try db.execute(sql: sql) }
    }

    /// The size of the database file plus its WAL, in bytes.
    public func fileSize() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int64) ?? 0)
        }
    }

    /// Runs one read-only SQL statement on a connection opened read-only with `query_only`, binding
    /// named parameters (`:name`); values are bound, never spliced into the SQL.
    ///
    /// ```swift
    /// let result = try store.readOnlyQuery(sql: "SELECT Name FROM Win32_Service WHERE latest AND State = :state",
    ///                                       arguments: ["state": .text("Stopped")])
    /// ```
    /// - Parameter rowLimit: rows beyond this are dropped and `isTruncated` is set (memory stays bounded).
    /// - Throws: `StoreError` `.notReadOnly` for anything but one SELECT / WITH / VALUES / EXPLAIN
    ///   statement that writes nothing; `.invalidArgument` for SQL SQLite rejects.
    public func readOnlyQuery(sql: String, arguments: [String: QueryValue] = [:],
                              rowLimit: Int = 1_000_000) throws(StoreError) -> QueryResult {
        let firstWord = Self.firstKeyword(sql)
        guard ["SELECT", "WITH", "VALUES", "EXPLAIN"].contains(firstWord) else {
            throw StoreError(.notReadOnly, path: path, "refused a \(firstWord.isEmpty ? "empty" : firstWord) statement")
        }
        do {
            return try queryConnection.read { db in
                try db.execute(sql: "PRAGMA query_only = 1")
                let statements = try db.allStatements(sql: sql)
                guard let statement = try statements.next() else {
                    throw StoreError(.notReadOnly, path: path, "refused an empty statement")
                }
                guard try statements.next() == nil else {
                    throw StoreError(.notReadOnly, path: path, "refused several statements; run one at a time")
                }
                guard statement.isReadonly else {
                    throw StoreError(.notReadOnly, path: path, "refused a statement that writes")
                }
                var bound: [String: any DatabaseValueConvertible] = [:]
                for (name, value) in arguments {
                    bound[name] = switch value {
                    case .null: DatabaseValue.null
                    case .integer(let v): v
                    case .real(let v): v
                    case .text(let v): v
                    case .blob(let v): v
                    }
                }
                try statement.setArguments(StatementArguments(bound))
                var rows: [[QueryValue]] = []
                var isTruncated = false
                let cursor = try Row.fetchCursor(statement)
                while let row = try cursor.next() {
                    if rows.count == rowLimit { isTruncated = true; break }
                    rows.append(row.databaseValues.map { value in
                        switch value.storage {
                        case .null: .null
                        case .int64(let v): .integer(v)
                        case .double(let v): .real(v)
                        case .string(let v): .text(v)
                        case .blob(let v): .blob(v)
                        }
                    })
                }
                return QueryResult(columns: statement.columnNames, rows: rows, isTruncated: isTruncated)
            }
        } catch {
            throw StoreError.wrapping(error, path: path, during: "running the query")
        }
    }

    /// The first SQL keyword, upper-cased, after whitespace and comments.
    static func firstKeyword(_ sql: String) -> String {
        var rest = Substring(sql)
        while true {
            rest = rest.drop { $0.isWhitespace }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return "" }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        return String(rest.prefix { $0.isLetter }).uppercased()
    }
}
