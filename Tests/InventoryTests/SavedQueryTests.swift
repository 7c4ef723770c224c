import Foundation
import Inventory
import InventoryTestSupport
import Testing

/// Every saved query runs on a real store holding two snapshots (`SavedQueryFixture`) and returns
/// the rows the fixture's changes call for.
@Suite struct SavedQueryTests {
    let fleet: SavedQueryFixture

    init() throws { fleet = try SavedQueryFixture() }

    @Test func newProcessesCountAReusedPIDAsNew() throws {
        let result = try fleet.run("new-processes")
        #expect(result.rows.map { [$0[0], $0[1], $0[2]] } == [["web-1", "svchost.exe", "880"], ["web-1", "notepad.exe", "4242"]])
        #expect(try fleet.run("new-processes", ["host": "web-2"]).rows.isEmpty)
        #expect(try fleet.run("new-processes", ["from": "2", "to": "2"]).rows.isEmpty)
    }

    @Test func servicesChangedListStateAndStartModeOldAndNew() throws {
        let result = try fleet.run("services-changed")
        #expect(result.columns == ["host", "Name", "DisplayName", "OldState", "NewState", "OldStartMode", "NewStartMode"])
        #expect(result.rows == [["web-1", "Spooler", "Spooler service", "Running", "Stopped", "Auto", "Auto"],
                                ["web-1", "W32Time", "W32Time service", "Running", "Running", "Auto", "Disabled"]])
    }

    @Test func stoppedAutomaticServices() throws {
        #expect(try fleet.run("stopped-auto-services").rows.map { [$0[0], $0[1], $0[3]] } == [["web-1", "Spooler", "Stopped"]])
        #expect(try fleet.run("stopped-auto-services", ["snapshot": "@prev"]).rows.isEmpty)
    }

    @Test func hotfixesAddedSinceTheOlderSnapshot() throws {
        #expect(try fleet.run("hotfixes-added").rows.map { [$0[0], $0[1]] } == [["web-1", "KB3"]])
    }

    @Test func hotfixesMissingAgainstPeersOnTheSameOSVersion() throws {
        #expect(try fleet.run("hotfixes-missing").rows == [["web-2", "10.0.20348", "KB3", "1 of 2"]])
        #expect(try fleet.run("hotfixes-missing", ["percent": "60"]).rows.isEmpty)
        #expect(try fleet.run("hotfixes-missing", ["snapshot": "1"]).rows.isEmpty)
    }

    @Test func osBuildDriftGroupsHosts() throws {
        let result = try fleet.run("os-build-drift")
        #expect(result.rows == [["Microsoft Windows Server 2022 Standard", "10.0.20348", "20348", "2", "web-1 web-2"],
                                ["Microsoft Windows Server 2019 Standard", "10.0.17763", "17763", "1", "db-1"]])
        #expect(try fleet.run("os-build-drift", ["snapshot": "@prev"]).rows.first?[3] == "3")
    }

    @Test func disksUnderAThreshold() throws {
        #expect(try fleet.run("disks-low-space").rows.map { [$0[0], $0[1], $0[6]] } == [["web-2", "D:", "3.0"]])
        #expect(try fleet.run("disks-low-space", ["snapshot": "@prev"]).rows.isEmpty)
        #expect(try fleet.run("disks-low-space", ["snapshot": "@prev", "percent": "10.5"]).rows.map { [$0[0], $0[6]] } == [["web-2", "10.0"]])
    }

    @Test func adaptersWhoseStatusOrSpeedChanged() throws {
        let result = try fleet.run("adapter-changes")
        #expect(result.rows == [["web-1", "Ethernet0", "{0001}", "Up", "Up", "1000000000", "100000000", "changed"],
                                ["web-2", "Ethernet0", "{0001}", "Up", "Disconnected", "1000000000", "1000000000", "changed"]])
    }

    @Test func failingHostsSayWhyAndWhenTheyLastAnswered() throws {
        let result = try fleet.run("failing-hosts")
        #expect(result.rows == [["db-1", "1", "Win32_Service (timeout)", "db-1: receive timed out", "1"],
                                ["lost-1", "", "", "not reached: the sweep ended before this host was collected", "1"]])
        #expect(try fleet.run("failing-hosts", ["snapshot": "1"]).rows.isEmpty)
    }

    @Test func processesFromUnusualPaths() throws {
        #expect(try fleet.run("unusual-process-paths").rows.map { [$0[0], $0[1]] } == [["web-1", "notepad.exe"]])
        #expect(try fleet.run("unusual-process-paths", ["snapshot": "@prev"]).rows.isEmpty)
        let narrower = try fleet.run("unusual-process-paths", ["allowed": #"c:\windows\;C:\Users\"#])
        #expect(narrower.rows.map { [$0[0], $0[1]] } == [["db-1", "app.exe"], ["web-1", "app.exe"], ["web-2", "app.exe"]])
    }

    @Test func instanceCountsPerClassOverTime() throws {
        #expect(try fleet.run("class-counts", ["host": "web-1", "class": "Win32_Process"]).rows.map { [$0[0], $0[4], $0[5]] }
                == [["1", "3", ""], ["2", "4", "1"]])
        #expect(try fleet.run("class-counts", ["host": "db-1", "class": "Win32_Service"]).rows.map { [$0[0], $0[4]] }
                == [["1", "3"], ["2", "failed: timeout"]])
    }

    @Test func theHistoryOfOnePropertyOnOneHost() throws {
        let result = try fleet.run("property-history", ["host": "web-1", "class": "Win32_Service", "property": "StartMode",
                                                        "match": "W32Time"])
        #expect(result.rows.map { [$0[0], $0[2], $0[3], $0[4]] }
                == [["1", #"{"Name":"W32Time"}"#, "Auto", "first seen"], ["2", #"{"Name":"W32Time"}"#, "Disabled", "changed"]])
        let all = try fleet.run("property-history", ["host": "web-1", "class": "win32_service", "property": "State"])
        #expect(all.rows.count == 6)
    }

    @Test func whatWasTrueOnADate() throws {
        let before = try fleet.run("as-of", ["host": "web-1", "class": "Win32_Service", "property": "State",
                                             "at": "1970-01-01T00:25:00Z"])
        #expect(before.rows.map { [$0[0], $0[4]] } == [["1", "Running"], ["1", "Running"], ["1", "Stopped"]])
        let now = try fleet.run("as-of", ["host": "web-1", "class": "Win32_Service", "property": "State"])
        #expect(now.rows.map { [$0[0], $0[4]] } == [["2", "Stopped"], ["2", "Running"], ["2", "Stopped"]])
        // db-1's services failed in snapshot 2: its state as of then is its last good observation.
        let failed = try fleet.run("as-of", ["host": "db-1", "class": "Win32_Service", "property": "StartMode"])
        #expect(failed.rows.map { [$0[0], $0[4]] } == [["1", "Auto"], ["1", "Auto"], ["1", "Manual"]])
    }

    @Test func snapshotsWithTheirFailures() throws {
        let result = try fleet.run("snapshots")
        #expect(result.rows.map { [$0[0], $0[3], $0[5], $0[6], $0[7]] } == [["1", "complete", "4", "0", "0"], ["2", "partial", "4", "1", "1"]])
    }

    @Test func parametersAreCheckedAndBound() throws {
        let query = try #require(SavedQuery.builtin.first { $0.name == "as-of" })
        let unknown = #expect(throws: StoreError.self) { try fleet.store.run(query, parameters: ["hots": "web-1"]) }
        #expect(unknown?.description.contains("has no parameter 'hots'; it takes host, class, property, at") == true)
        let missing = #expect(throws: StoreError.self) { try fleet.store.run(query, parameters: ["host": "web-1", "class": "x"]) }
        #expect(missing?.description.contains("needs --param property=") == true)
        let disks = try #require(SavedQuery.builtin.first { $0.name == "disks-low-space" })
        let badNumber = #expect(throws: StoreError.self) { try fleet.store.run(disks, parameters: ["percent": "ten"]) }
        #expect(badNumber?.description.contains("takes a number, not 'ten'") == true)
        let badSnapshot = #expect(throws: StoreError.self) { try fleet.store.run(disks, parameters: ["snapshot": "@latest~7"]) }
        #expect(badSnapshot?.kind == .notFound)
        // A hostile value is a value: it matches no host and changes nothing.
        #expect(try fleet.run("stopped-auto-services", ["host": "x' OR 1=1; DROP TABLE snapshot; --"]).rows.isEmpty)
        #expect(try fleet.store.snapshots().count == 2)
    }

    @Test func adHocSQLBindsNumbersAndSnapshotReferences() throws {
        let result = try fleet.store.run(sql: "SELECT host FROM Win32_LogicalDisk WHERE snapshot_id = :s AND FreeSpace < :free ORDER BY host",
                                         parameters: ["s": "@latest", "free": "5000"])
        #expect(result.rows == [[.text("web-2")]])
        let missing = #expect(throws: StoreError.self) { try fleet.store.run(sql: "SELECT :x", parameters: [:]) }
        #expect(missing?.description.contains("pass --param x=") == true)
    }
}

/// The query files themselves: their headers, the embedded copies, and `--queries-dir`.
struct SavedQueryLibraryTests {
    static let queriesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("queries")

    @Test func builtinQueriesMatchTheQueriesFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.queriesFolder.path).filter { $0.hasSuffix(".sql") }.sorted()
        let fromFiles = try files.map { file in
            try SavedQuery(parsing: String(contentsOf: Self.queriesFolder.appendingPathComponent(file), encoding: .utf8), source: "built-in")
        }.sorted { $0.name < $1.name }
        #expect(SavedQuery.builtin == fromFiles, "queries/ changed: run scripts/embed-queries")
        #expect(fromFiles.count >= 10)
        for query in fromFiles {
            #expect(!query.description.isEmpty, "\(query.name) has no description")
            #expect(files.contains(query.name + ".sql"), "\(query.name) lives in a file of another name")
        }
    }

    @Test func headersParseNamesDescriptionsAndTypedParameters() throws {
        let query = try SavedQuery(parsing: """
            -- name: big-disks
            -- description: Disks over a size,
            --   continued here.
            -- param: size integer = 100: the size
            --   in bytes
            -- param: host: the host
            -- param: at snapshot = @latest
            SELECT :size, :host, :at -- and ':not_a_param' in a string or a comment
            """, source: "test.sql")
        #expect(query.name == "big-disks" && query.description == "Disks over a size, continued here.")
        #expect(query.parameters == [
            .init(name: "size", kind: .integer, defaultValue: "100", description: "the size in bytes"),
            .init(name: "host", kind: .text, defaultValue: nil, description: "the host"),
            .init(name: "at", kind: .snapshot, defaultValue: "@latest", description: ""),
        ])
    }

    @Test(arguments: [
        ("SELECT 1", "no '-- name:' line"),
        ("-- name: bad name\nSELECT 1", "letters, digits"),
        ("-- name: x\n-- param: 9lives: no\nSELECT :9lives", "expected 'param: NAME"),
        ("-- name: x\n-- param: a: one\n-- param: a: two\nSELECT :a", "declared twice"),
        ("-- name: x\n-- param: unused: never used\nSELECT 1", "never uses :unused"),
        ("-- name: x\n-- param: a integr = 1: typo\nSELECT :a", "expected 'param: NAME"),
    ])
    func malformedHeadersSayWhatIsWrong(_ text: String, _ message: String) {
        let error = #expect(throws: StoreError.self) { try SavedQuery(parsing: text, source: "q.sql") }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func aQueriesDirectoryAddsAndReplaces() throws {
        let directory = try TemporaryDirectory()
        try "-- name: snapshots\n-- description: mine\nSELECT 42 AS answer\n".write(toFile: directory.path("mine.sql"), atomically: true, encoding: .utf8)
        try "-- name: extra\n-- description: more\nSELECT 1\n".write(toFile: directory.path("extra.sql"), atomically: true, encoding: .utf8)
        try "not a query".write(toFile: directory.path("notes.txt"), atomically: true, encoding: .utf8)
        let library = try SavedQuery.library(adding: directory.url.path)
        #expect(library.count == SavedQuery.builtin.count + 1)
        #expect(library.first { $0.name == "snapshots" }?.description == "mine")
        #expect(library.first { $0.name == "extra" }?.source == directory.path("extra.sql"))
        let test = try TestStore()
        let answer = try test.store.run(try #require(library.first { $0.name == "snapshots" }), parameters: [:])
        #expect(answer.rows == [[.integer(42)]])
        #expect(throws: StoreError.self) { try SavedQuery.library(adding: directory.path("missing")) }
    }
}
