import ChildProcessSupport
import CIMModel
import Foundation
import Simulator
import Testing

/// A third-party client, pypsrp's `WSMan` class (PyPI, in `.venv-test`), drives Enumerate + Pull,
/// a WQL query and Get against the simulator.
@Suite struct PypsrpTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Seen: Decodable {
        var processes: Int
        var process_round_trips: Int
        var handles: [String]
        var running_services: [String]
        var winrm_display_name: String
        var fault_code: Int?
    }

    @Test func pypsrpEnumeratesPullsAndGets() async throws {
        let python = Self.root.appendingPathComponent(".venv-test/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("\(python.path) is missing: run scripts/test to create .venv-test (python3 -m venv .venv-test && .venv-test/bin/pip install pypsrp)")
            return
        }
        try await SimulatedFleet.run(Fixture.configuration(hosts: 3), logger: Fixture.logger) { fleet in
            let host = fleet.hosts[2]
            var environment = ProcessInfo.processInfo.environment
            environment["CIMSWEEP_USERNAME"] = Fixture.username
            environment["CIMSWEEP_PASSWORD"] = Fixture.password
            environment["NO_PROXY"] = "*"
            let result = try await ChildProcess.run(python.path, [Self.root.appendingPathComponent("Tests/Peers/pypsrp_sim.py").path,
                                                                  host.address, String(host.port)], environment: environment)
            #expect(result.status == 0, "pypsrp failed: \(result.stderr.suffix(2_000))")
            let data = Data(result.stdout.utf8)
            let seen = try JSONDecoder().decode(Seen.self, from: data)
            let processes = try #require(fleet.instances(host: 2, className: "Win32_Process"))
            #expect(seen.processes == processes.count)
            #expect(seen.handles == processes.map { $0["Handle"]?.stringValue ?? "" })
            #expect(seen.process_round_trips == (processes.count + 49) / 50)
            let running = (fleet.instances(host: 2, className: "Win32_Service") ?? [])
                .filter { $0["State"]?.stringValue == "Running" }.map { $0["Name"]?.stringValue ?? "" }.sorted()
            #expect(seen.running_services == running)
            #expect(seen.winrm_display_name == "Windows Remote Management (WS-Management)")
            #expect(seen.fault_code == 2_150_858_843)
        }
    }
}
