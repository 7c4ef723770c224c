import ArgumentParser
import Foundation
import Inventory

/// `cimsweep query`: a saved query by name, or ad-hoc SQL, read-only against the snapshot store.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a saved query (see --list) or read-only SQL against the snapshot database.",
        discussion: """
        Saved queries are built in (from queries/*.sql) and can be added or replaced with
        --queries-dir. Parameters are bound, never spliced into the SQL: --param NAME=VALUE, where a
        snapshot parameter takes an id, @latest, @prev, @latest~N or a time. With --sql, values that
        read as numbers bind as numbers and @… references as snapshot ids. Tables: snapshot,
        observation, instance_content (values; names in property_layout), instance_properties (a
        view: each instance's properties as a JSON object), content_member, content_set, and one
        view per class (Win32_Service, Win32_Process, …) with snapshot_id, host, latest and typed
        property columns.
        Examples:
          cimsweep query --list
          cimsweep query services-changed --param from=@latest~3
          cimsweep query disks-low-space --param percent=15 -o csv
          cimsweep query --sql "SELECT host, Caption FROM Win32_OperatingSystem WHERE latest"
        """)

    @Argument(help: "A saved query's name (see --list).")
    var name: String?

    @Option(help: ArgumentHelp("Read-only SQL to run instead of a saved query (one statement).", valueName: "sql"))
    var sql: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter as NAME=VALUE (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Flag(help: "List the saved queries and their parameters.")
    var list = false

    @Option(name: .customLong("queries-dir"), help: ArgumentHelp("A directory of extra *.sql queries (same name replaces a built-in one).", valueName: "dir"))
    var queriesDirectory: String?

    @Option(help: "Stop after this many rows (a note on stderr says the output was cut).")
    var limit = 1_000_000

    @OptionGroup var database: DatabaseOption

    @Option(name: [.customShort("o"), .long], help: "Output format: table, json, ndjson or csv.")
    var output: OutputFormat = .table

    func validate() throws {
        let modes = [name != nil, sql != nil, list].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give a saved query's NAME, or --sql \"…\", or --list") }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "="), equals != parameter.startIndex else {
                throw ValidationError("--param takes NAME=VALUE, got '\(parameter)'")
            }
        }
    }

    func run() throws {
        try Self.reporting {
            let library = try SavedQuery.library(adding: queriesDirectory)
            if list {
                Output.write(Self.listing(library))
                return
            }
            var values: [String: String] = [:]
            for parameter in parameters {
                let equals = parameter.firstIndex(of: "=")!
                values[String(parameter[..<equals])] = String(parameter[parameter.index(after: equals)...])
            }
            let store = try SnapshotStore(path: database.path, readOnly: true)
            let result: QueryResult
            if let sql {
                result = try store.run(sql: sql, parameters: values, rowLimit: limit)
            } else {
                guard let query = library.first(where: { $0.name == name }) else {
                    throw ValidationError("no saved query named '\(name ?? "")'; `cimsweep query --list` shows them")
                }
                result = try store.run(query, parameters: values, rowLimit: limit)
            }
            Output.write(QueryResultPrinter.render(result, as: output))
            if result.isTruncated {
                FileHandle.standardError.write(Data("cimsweep: output cut at \(limit) rows (--limit)\n".utf8))
            }
        }
    }

    /// Store and file errors: one line on stderr, exit status 2.
    private static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("cimsweep: \(error)\n".utf8))
            throw ExitCodes.failure
        }
    }

    static func listing(_ queries: [SavedQuery]) -> String {
        var lines: [String] = []
        for query in queries {
            lines.append(query.name + (query.source == "built-in" ? "" : "  (\(query.source))"))
            lines.append("    " + query.description)
            for parameter in query.parameters {
                let fallback = parameter.defaultValue.map { "default \($0)" } ?? "required"
                lines.append("    --param \(parameter.name)=<\(parameter.kind.rawValue)>  \(parameter.description) (\(fallback))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
