import ArgumentParser
import Foundation
import Inventory

/// `cimsweep snapshots`: the sweeps in a database, newest last, with status and counts.
struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List the sweeps in the database with status and counts.",
        discussion: """
        Status: complete, partial (some host × class failed, or the sweep was stopped), failed
        (nothing collected), running (a live sweep), interrupted (the sweep died, e.g. SIGKILL; what
        it recorded is kept).
        """
    )

    @OptionGroup var database: DatabaseOption

    @Option(name: .shortAndLong, help: "Output format: table, json, ndjson, csv.")
    var output: OutputFormat = .table

    @Option(help: "Show only the newest N sweeps.")
    var last: Int?

    func run() throws {
        guard FileManager.default.fileExists(atPath: database.path) else {
            CLIErrors.printError("\(database.path): no such database; run cimsweep collect (or cimsweep demo) first")
            throw ExitCodes.failure
        }
        let summaries: [SnapshotSummary]
        do { summaries = try SnapshotStore(path: database.path, readOnly: true).snapshots() } catch {
            CLIErrors.printError("\(error)")
            throw ExitCodes.failure
        }
        let shown = last.map { Array(summaries.suffix(max(0, $0))) } ?? summaries
        let columns = ["id", "started", "finished", "profile", "status", "hosts", "hosts_ok", "hosts_failed",
                       "observations", "failed_observations", "instances"]
        let rows: [[QueryValue]] = shown.map { snapshot in
            [.integer(snapshot.id.rawValue), .text(Self.time(snapshot.startedAt)),
             snapshot.finishedAt.map { .text(Self.time($0)) } ?? .null, .text(snapshot.profile), .text(snapshot.status.rawValue),
             .integer(Int64(snapshot.hostCount)), .integer(Int64(snapshot.hostsOK)), .integer(Int64(snapshot.hostsFailed)),
             .integer(Int64(snapshot.observationCount)), .integer(Int64(snapshot.failedObservationCount)),
             .integer(Int64(snapshot.instanceCount))]
        }
        Output.write(QueryResultPrinter.render(QueryResult(columns: columns, rows: rows), as: output))
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }
}
