import ArgumentParser
import Foundation
import Inventory

/// `cimsweep diff`: what changed between two states of the fleet, exit status as diff(1).
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two snapshots (exit 0: no changes, 1: changes, 2: error).",
        discussion: """
        SNAP is a snapshot id, @latest, @prev, @latest~N, or a time meaning "the state as of then"
        (2026-11-24 = end of that day UTC, 2026-11-24T18:00, 2026-11-24T18:00:00+02:00).
        Instances match by their class's identity (Win32_Process: Handle + CreationDate, so a reused
        PID is one process removed and one added). Volatile properties (counters, free space) are
        ignored unless --include-volatile. A host × class that failed in the newer snapshot is compared
        on its last good data and reported as failed. Examples:
          cimsweep diff
          cimsweep diff --from 2026-11-23 --to @latest --class Win32_Service --host 'web-*'
          cimsweep diff -o json | jq '.hosts[].host'
        """)

    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("The older state.", valueName: "snap"))
    var from = "@prev"

    @Option(help: ArgumentHelp("The newer state.", valueName: "snap"))
    var to = "@latest"

    @Option(help: ArgumentHelp("Only hosts matching this shell glob, e.g. 'web-*'.", valueName: "glob"))
    var host: String?

    @Option(name: .customLong("class"), help: ArgumentHelp("Only this class (repeatable, case-insensitive).", valueName: "class"))
    var classNames: [String] = []

    @Flag(help: "Report changes of volatile properties (counters, free space, clocks) too.")
    var includeVolatile = false

    @Option(name: [.customShort("o"), .long], help: "Output format: table, json, ndjson or csv.")
    var output: OutputFormat = .table

    func run() throws {
        let fromRef: SnapshotRef, toRef: SnapshotRef
        do {
            fromRef = try SnapshotRef(parsing: from)
            toRef = try SnapshotRef(parsing: to)
        } catch {
            throw ValidationError(error.description)
        }
        let options = DiffOptions(hostPattern: host, classNames: classNames, includeVolatile: includeVolatile)
        let diff: SnapshotDiff
        do {
            let store = try SnapshotStore(path: database.path, readOnly: true)
            diff = try store.diff(from: fromRef, to: toRef, options: options)
        } catch {
            FileHandle.standardError.write(Data("cimsweep: \(error)\n".utf8))
            throw ExitCodes.failure
        }
        switch output {
        case .table: Output.write(diff.tableText(colored: Terminal.wantsColor(FileHandle.standardOutput)))
        case .json: Output.write(diff.jsonText() + "\n")
        case .ndjson: Output.write(diff.ndjsonLines().map { $0 + "\n" }.joined())
        case .csv: Output.write(diff.csvText())
        }
        if diff.hasDifferences { throw ExitCodes.differences }
    }
}

/// Whether to colour output: only on a terminal, and never when `NO_COLOR` is set (no-color.org).
enum Terminal {
    static func wantsColor(_ handle: FileHandle, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(handle.fileDescriptor) == 1
    }
}
