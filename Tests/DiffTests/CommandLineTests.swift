import ChildProcessSupport
import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

/// `cimsweep diff` and `cimsweep query` run as the real binary on a real database.
struct CommandLineTests {
    /// Two sweeps of two synthetic hosts; in the second, one service of `host-0001` stops.
    static func database(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("cli.db")
        let store = try SnapshotStore(path: path)
        let fleet = SyntheticFleet(seed: 9)
        let hosts = SyntheticFleet.hostNames(2)
        for (index, at) in [1000.0, 2000.0].enumerated() {
            let lock = try SweepLock(databasePath: path, mode: .failIfHeld)
            defer { lock.release() }
            let id = try store.beginSnapshot(profile: "cli", hosts: hosts, startedAt: Date(timeIntervalSince1970: at), lock: lock)
            for host in hosts {
                for (schema, generated) in fleet.inventory(host: host) {
                    var instances = generated
                    if index == 1, host == hosts[0], schema.className == "Win32_Service" {
                        instances[0].set("State", .string("Stopped-by-test"))
                    }
                    try store.record(Observation(snapshotID: id, host: host, namespace: schema.namespace,
                                                 className: schema.className), instances: instances)
                }
            }
            try store.finishSnapshot(id, status: .complete, finishedAt: Date(timeIntervalSince1970: at + 60))
        }
        return path
    }

    /// Runs the `cimsweep` built next to the tests with `directory` as its working directory (via
    /// `sh -c 'cd "$0" && exec "$@"'`: the arguments pass through as they are, never re-parsed).
    static func cimsweep(_ arguments: [String], in directory: TemporaryDirectory,
                         environment: [String: String] = [:]) async throws -> ChildProcess.Result {
        let shell = #"cd "$0" && exec "$@""#
        return try await ChildProcess.run("/bin/sh", ["-c", shell, directory.url.path, try binary()] + arguments,
                                          environment: environment.merging(["PATH": "/usr/bin:/bin"]) { mine, _ in mine })
    }

    static func binary() throws -> String {
        let testDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for directory in [testDirectory, testDirectory.deletingLastPathComponent(),
                          testDirectory.deletingLastPathComponent().deletingLastPathComponent()] {
            let url = directory.appendingPathComponent("cimsweep")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "cimsweep is not built next to the tests"])
    }

    @Test func diffExitsLikeDiffAndPrintsEveryFormat() async throws {
        let directory = try TemporaryDirectory()
        let path = try Self.database(in: directory)
        let same = try await Self.cimsweep(["diff", "--db", path, "--from", "1", "--to", "1"], in: directory)
        #expect(same.status == 0 && same.stdout.contains("0 changed, 2 unchanged"))
        let changed = try await Self.cimsweep(["diff", "--db", path], in: directory, environment: ["TERM": "xterm-256color"])
        #expect(changed.status == 1)
        #expect(changed.stdout.contains("host-0001") && changed.stdout.contains("→ \"Stopped-by-test\""))
        #expect(!changed.stdout.contains("\u{1B}["), "colour on a pipe")
        let json = try await Self.cimsweep(["diff", "--class", "win32_service", "-o", "json"], in: directory, environment: ["CIMSWEEP_DB": path])
        #expect(json.status == 1)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let hosts = document?["hosts"] as? [[String: Any]]
        #expect(hosts?.map { $0["host"] as? String } == ["host-0001.corp.example"])
        let csv = try await Self.cimsweep(["diff", "--db", path, "-o", "csv", "--host", "host-0002*"], in: directory)
        #expect(csv.status == 0 && csv.stdout == "host,status,namespace,class,change,identity,property,old,new\r\n")
        let onlyFirst = try await Self.cimsweep(["diff", "--db", path, "-o", "csv", "--host", "host-0001*"], in: directory)
        #expect(onlyFirst.status == 1 && onlyFirst.stdout.contains("host-0001.corp.example,changed,root/cimv2,Win32_Service,changed,"))
        let ndjson = try await Self.cimsweep(["diff", "--db", path, "-o", "ndjson"], in: directory)
        #expect(ndjson.stdout.split(separator: "\n").count == 2)
    }

    @Test func diffErrorsExitTwoWithAClearMessage() async throws {
        let directory = try TemporaryDirectory()
        let missing = try await Self.cimsweep(["diff", "--db", directory.path("none.db")], in: directory)
        #expect(missing.status == 2 && missing.stderr.contains("none.db"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("none.db")), "diff created a database")
        let path = try Self.database(in: directory)
        let tooFar = try await Self.cimsweep(["diff", "--db", path, "--from", "@latest~5"], in: directory)
        #expect(tooFar.status == 2 && tooFar.stderr.contains("@latest~5 goes back 5"))
        let badRef = try await Self.cimsweep(["diff", "--db", path, "--from", "yesterday"], in: directory)
        #expect(badRef.status == 64 && badRef.stderr.contains("@latest~N"))
    }

    @Test func queryRunsSavedQueriesFromAnyDirectory() async throws {
        let directory = try TemporaryDirectory()
        let path = try Self.database(in: directory)
        let list = try await Self.cimsweep(["query", "--list"], in: directory)
        #expect(list.status == 0 && list.stdout.contains("services-changed") && list.stdout.contains("--param percent=<real>"))
        let changed = try await Self.cimsweep(["query", "services-changed", "--db", path, "-o", "ndjson"], in: directory)
        #expect(changed.status == 0)
        #expect(changed.stdout.split(separator: "\n").count == 1 && changed.stdout.contains(#""NewState":"Stopped-by-test""#))
        let sql = try await Self.cimsweep(["query", "--db", path, "--sql", "SELECT COUNT(*) AS n FROM snapshot WHERE id >= :min",
                                           "--param", "min=2", "-o", "csv"], in: directory)
        #expect(sql.status == 0 && sql.stdout == "n\r\n1\r\n")
        let writes = try await Self.cimsweep(["query", "--db", path, "--sql", "DELETE FROM snapshot"], in: directory)
        #expect(writes.status == 2 && writes.stderr.contains("refused a DELETE statement"))
        let unknown = try await Self.cimsweep(["query", "nonesuch", "--db", path], in: directory)
        #expect(unknown.status == 64 && unknown.stderr.contains("query --list"))
        let badParameter = try await Self.cimsweep(["query", "disks-low-space", "--db", path, "--param", "percent=lots"], in: directory)
        #expect(badParameter.status == 2 && badParameter.stderr.contains("takes a number"))
    }
}
