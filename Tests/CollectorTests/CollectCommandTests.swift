import ChildProcessSupport
import Collector
import Foundation
import Inventory
import Simulator
import Testing

/// `cimsweep collect` as cron runs it: a child process, exit codes, signals, the lock.
@Suite struct CollectCommandTests {
    static let environment = ["CIMSWEEP_USERNAME": SweepFixture.user, "CIMSWEEP_PASSWORD": SweepFixture.password]

    func collect(_ fixture: SweepFixture, hostsFile: String? = nil, _ extra: [String] = []) throws -> [String] {
        let hosts = fixture.directory.appendingPathComponent("hosts.txt")
        try (hostsFile ?? fixture.hostsFileText).write(to: hosts, atomically: true, encoding: .utf8)
        return ["collect", "--hosts", hosts.path, "--db", fixture.databasePath, "--auth", "basic", "--allow-unencrypted",
                "--retries", "0", "--log-level", "trace"] + extra
    }

    @Test func exitCodesSummaryLineLockAndNoSecrets() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 3)) { fixture in
            // A second sweep on a locked database exits at once with its own status.
            let held = try SweepLock(databasePath: fixture.databasePath, mode: .failIfHeld)
            let locked = try await CimsweepBinary.run(try collect(fixture), environment: Self.environment)
            #expect(locked.status == 75)
            #expect(locked.stderr.contains("--wait"))
            held.release()

            let ok = try await CimsweepBinary.run(try collect(fixture), environment: Self.environment)
            #expect(ok.status == 0, "\(ok.stderr)")
            let lines = ok.stdout.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("snapshot 1 complete: 3/3 hosts complete"))
            #expect(!ok.stdout.contains("\u{1B}") && !ok.stderr.contains("\u{1B}"), "no colour or progress when not on a terminal")

            let unreachable = try await CimsweepBinary.run(try collect(fixture, hostsFile: "127.0.0.1:9\n"), environment: Self.environment)
            #expect(unreachable.status == 4, "nothing collected: \(unreachable.stdout)")
            #expect(unreachable.stdout.contains("connect"))

            // The password appears in no output and nowhere in the database files.
            for output in [locked, ok, unreachable] {
                #expect(!output.stdout.contains(SweepFixture.password) && !output.stderr.contains(SweepFixture.password))
            }
            try fixture.store.checkpoint()
            for suffix in ["", "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: fixture.databasePath + suffix))) ?? Data()
                #expect(bytes.range(of: Data(SweepFixture.password.utf8)) == nil)
            }
        }
    }

    @Test func sessionFlagsOnTheCommandLineWinOverTheProfile() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 2)) { fixture in
            // The profile asks for Kerberos (no KDC here); `--auth basic` on the command line wins.
            let config = fixture.directory.appendingPathComponent("cimsweep.toml")
            try """
                [profiles.lab]
                classes = ["Win32_BIOS"]
                auth = "kerberos"
                """.write(to: config, atomically: true, encoding: .utf8)
            let result = try await CimsweepBinary.run(try collect(fixture, ["--config", config.path, "--profile", "lab"]),
                                                      environment: Self.environment)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.hasPrefix("snapshot 1 complete: 2/2 hosts complete"))
        }
    }

    @Test func aPartialSweepExitsThreeAndABadHostsFileIsAUsageError() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 2, faults: [1: .auth])) { fixture in
            let partial = try await CimsweepBinary.run(try collect(fixture), environment: Self.environment)
            #expect(partial.status == 3)
            #expect(partial.stdout.contains("1 failed (auth: 1)"))

            let bad = try await CimsweepBinary.run(try collect(fixture, hostsFile: "good.example\nbad.example:99999\n"), environment: Self.environment)
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("line 2"))
        }
    }

    @Test func sigtermFinishesInFlightWritesAndMarksThePartialSnapshot() async throws {
        // The last host never answers, so the sweep is surely still running when the signal lands.
        try await SweepFixture.with(SweepFixture.configuration(hosts: 4, faults: [3: .hang], latency: .milliseconds(50))) { fixture in
            let events = fixture.fleet.events()
            let child = try CimsweepBinary.start(try collect(fixture, ["--throttle", "1"]), environment: Self.environment)
            // With one host at a time, a request to the second host means the first is recorded.
            for await event in events where event.hostIndex == 1 { break }
            child.signal(SIGTERM)
            let result = await child.finished()
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stdout.contains("stopped by SIGTERM"))
            let store = try SnapshotStore(path: fixture.databasePath, readOnly: true)
            let snapshot = try #require(try store.snapshots().last)
            #expect(snapshot.status == .partial)
            let observations = try store.observations(snapshot.id)
            #expect(observations.count == 4 * CollectionProfile.builtinDefault.classes.count)
            #expect(observations.contains { $0.errorKind == "stopped" })
            #expect(observations.filter { $0.host == fixture.fleet.hosts[0].address }.allSatisfy { $0.status == .ok })
            #expect(try store.readOnlyQuery(sql: "SELECT * FROM pragma_integrity_check").rows == [[.text("ok")]])
        }
    }

    @Test func sigkillLeavesAnInterruptedSnapshotThatKeepsFinishedHosts() async throws {
        // The last host never answers, so the sweep is surely still running when the kill lands.
        try await SweepFixture.with(SweepFixture.configuration(hosts: 3, faults: [2: .hang])) { fixture in
            let child = try CimsweepBinary.start(try collect(fixture, ["--throttle", "1", "-v"]), environment: Self.environment)
            // Results commit in groups, so the first host is safe once the log says it is recorded.
            let first = fixture.fleet.hosts[0].address
            while let line = await child.nextStderrLine(), !(line.contains("host recorded") && line.contains("host=\(first)")) {}
            child.signal(SIGKILL)
            let killed = await child.finished()
            #expect(killed.terminatedBySignal)

            let store = try SnapshotStore(path: fixture.databasePath, readOnly: true)
            let snapshot = try #require(try store.snapshots().last)
            #expect(snapshot.status == .interrupted)
            let kept = try store.observations(snapshot.id).filter { $0.host == first }
            #expect(kept.count == CollectionProfile.builtinDefault.classes.count && kept.allSatisfy { $0.status == .ok })
            #expect(try store.readOnlyQuery(sql: "SELECT * FROM pragma_integrity_check").rows == [[.text("ok")]])

            // The lock died with the process: the next sweep runs (and gives up on the silent host).
            let next = try await CimsweepBinary.run(try collect(fixture, ["--host-deadline", "1s"]), environment: Self.environment)
            #expect(next.status == 3, "\(next.stderr)")
            #expect(try store.snapshots().map(\.status) == [.interrupted, .partial])
        }
    }
}
