import ChildProcessSupport
import CIMModel
import Foundation
import Simulator
import Testing

/// `cimsweep identify` and `cimsweep get` as a user runs them, against the simulator over loopback.
@Suite struct GetCommandTests {
    static let environment = CollectCommandTests.environment

    func run(_ arguments: [String], environment: [String: String] = environment) async throws -> ChildProcess.Result {
        try await CimsweepBinary.run(arguments, environment: environment)
    }

    func objects(_ ndjson: String) throws -> [[String: Any]] {
        try ndjson.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func getPrintsTypedInstancesInEveryFormat() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 1)) { fixture in
            let host = fixture.fleet.hosts[0]
            let base = ["get", host.address, "--port", "\(host.port)", "--auth", "basic", "--allow-unencrypted"]
            let truth = try #require(fixture.fleet.instances(host: 0, className: "Win32_Process"))

            let ndjson = try await run(base + ["Win32_Process", "-o", "ndjson"])
            #expect(ndjson.status == 0, "\(ndjson.stderr)")
            let rows = try objects(ndjson.stdout)
            #expect(rows.count == truth.count)
            let system = try #require(rows.first { ($0["properties"] as? [String: Any])?["Handle"] as? String == "4" })
            #expect(system["host"] as? String == host.address && system["class"] as? String == "Win32_Process")
            let properties = try #require(system["properties"] as? [String: Any])
            #expect(properties["ProcessId"] as? Int == 4)                        // uint32 as a JSON number
            #expect((properties["CreationDate"] as? String)?.hasSuffix("Z") == true)  // datetime as ISO 8601
            #expect(properties["CommandLine"] is NSNull)                          // null kept as null

            let json = try await run(base + ["Win32_Process", "-o", "json", "--filter", "Name = 'System'", "--property", "Name,ProcessId"])
            let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(array.count == truth.filter { $0["Name"] == .string("System") }.count && array.count >= 1)

            let csv = try await run(base + ["Win32_Service", "--key", "Name=Spooler", "-o", "csv"])
            let lines = csv.stdout.split(separator: "\r\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("host,namespace,class,") && lines[1].contains(",Spooler,"))

            let table = try await run(base + ["Win32_BIOS", "-o", "table"])
            #expect(table.status == 0 && table.stdout.contains("SerialNumber"))

            let keys = try await run(base + ["Win32_Service", "--key-only", "-o", "ndjson"])
            let keyRows = try objects(keys.stdout)
            #expect(!keyRows.isEmpty && keyRows.allSatisfy { ($0["properties"] as? [String: Any])?.keys.sorted() == ["Name"] })

            let adapters = try await run(base + ["MSFT_NetAdapter", "-n", "root/StandardCimv2", "-o", "ndjson"])
            #expect(try objects(adapters.stdout).count == fixture.fleet.instances(host: 0, className: "MSFT_NetAdapter")?.count)
        }
    }

    @Test func errorsSayWhatToDoAndExitTwo() async throws {
        try await SweepFixture.with(SweepFixture.configuration(hosts: 1)) { fixture in
            let host = fixture.fleet.hosts[0]
            let unencrypted = try await run(["get", host.address, "Win32_BIOS", "--port", "\(host.port)", "--auth", "basic"])
            #expect(unencrypted.status == 2 && unencrypted.stderr.contains("--allow-unencrypted"))

            var wrong = Self.environment
            wrong["CIMSWEEP_PASSWORD"] = "not-the-password"
            let refused = try await run(["get", host.address, "Win32_BIOS", "--port", "\(host.port)", "--auth", "basic", "--allow-unencrypted"], environment: wrong)
            #expect(refused.status == 2 && refused.stderr.contains("401") && refused.stderr.contains("Basic"))
            #expect(!refused.stderr.contains("not-the-password"))

            let unknown = try await run(["get", host.address, "Win32_NoSuchClass", "--port", "\(host.port)", "--auth", "basic", "--allow-unencrypted"])
            #expect(unknown.status == 2 && unknown.stderr.contains(host.address))

            let anonymous = try await run(["identify", host.address, "--port", "\(host.port)"], environment: [:])
            #expect(anonymous.status == 0 && anonymous.stdout.contains("Microsoft Corporation"))
            let authenticated = try await run(["identify", host.address, "--port", "\(host.port)", "--authenticated", "--auth", "basic", "--allow-unencrypted"])
            #expect(authenticated.stdout.contains(host.os.version))
        }
    }

    @Test func httpsVerifiesTheCertificateUnlessToldByName() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cimsweep-cli-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = SweepFixture.configuration(hosts: 1)
        configuration.tls = TLSSetup(directory: directory)
        try await SweepFixture.with(configuration) { fixture in
            let host = fixture.fleet.hosts[0]
            let base = ["get", host.address, "Win32_BIOS", "--ssl", "--port", "\(host.port)", "--auth", "basic", "-o", "ndjson"]
            let untrusted = try await run(base)
            #expect(untrusted.status == 2 && untrusted.stderr.contains("--ca-file"))
            let trusted = try await run(base + ["--ca-file", try #require(fixture.fleet.caCertificatePath)])
            #expect(trusted.status == 0 && trusted.stdout.contains("SerialNumber"), "\(trusted.stderr)")
            let skipped = try await run(base + ["--skip-ca-check"])
            #expect(skipped.status == 0)
        }
    }
}
