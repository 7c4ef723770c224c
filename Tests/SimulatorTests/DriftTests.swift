import CIMModel
import Foundation
import Simulator
import Testing

/// tick() is seeded and its truth matches the instances the hosts serve before and after.
@Suite struct DriftTests {
    @Test func sameSeedSameFleetSameDrift() async throws {
        let (first, firstProcesses) = try await SimulatedFleet.run(Fixture.configuration(hosts: 3, seed: 11), logger: Fixture.logger) { fleet in
            (fleet.tick(), fleet.instances(host: 2, className: "Win32_Process") ?? [])
        }
        let (second, secondProcesses) = try await SimulatedFleet.run(Fixture.configuration(hosts: 3, seed: 11), logger: Fixture.logger) { fleet in
            (fleet.tick(), fleet.instances(host: 2, className: "Win32_Process") ?? [])
        }
        #expect(first == second)
        #expect(firstProcesses == secondProcesses)
        let other = try await SimulatedFleet.run(Fixture.configuration(hosts: 3, seed: 12), logger: Fixture.logger) { $0.tick() }
        #expect(other != first)
    }

    @Test func truthMatchesTheServedInstances() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 2, seed: 5), logger: Fixture.logger) { fleet in
            let schema = try #require(CimSchemaRegistry.builtin.schema(className: "Win32_Process"))
            func identities(_ list: [CimInstance]) -> Set<String> {
                Set(list.map { i in schema.effectiveIdentity.map { i[$0]?.lexicalForm ?? "∅" }.joined(separator: "|") })
            }
            let before = identities(fleet.instances(host: 1, className: "Win32_Process") ?? [])
            var reusedPID = false
            for _ in 0..<20 {
                let beforeTick = fleet.instances(host: 1, className: "Win32_Process") ?? []
                let truth = fleet.tick()
                let after = fleet.instances(host: 1, className: "Win32_Process") ?? []
                let drift = try #require(truth.hosts[1].classes.first { $0.className == "Win32_Process" })
                func key(_ d: InstanceDrift) -> String {
                    schema.effectiveIdentity.map { name -> String in
                        if case .scalar(let text) = d.identity[name] ?? .null { return text }
                        return "∅"
                    }.joined(separator: "|")
                }
                #expect(Set(drift.added.map(key)) == identities(after).subtracting(identities(beforeTick)))
                #expect(Set(drift.removed.map(key)) == identities(beforeTick).subtracting(identities(after)))
                let oldPIDs = Set(beforeTick.compactMap { $0["ProcessId"]?.integerValue })
                if drift.added.contains(where: { d in
                    if case .scalar(let handle) = d.identity["Handle"] ?? .null { return oldPIDs.contains(Int64(handle) ?? -1) }
                    return false
                }) { reusedPID = true }
                if drift.removed.contains(where: { r in drift.added.contains { $0.identity["Handle"] == r.identity["Handle"] } }) {
                    reusedPID = true
                }
            }
            #expect(!identities(fleet.instances(host: 1, className: "Win32_Process") ?? []).isSubset(of: before))
            _ = reusedPID
        }
    }

    @Test func servicesAndCountersDriftWithVolatilityFlagged() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 1, seed: 9), logger: Fixture.logger) { fleet in
            var sawServiceChange = false, sawVolatileOnly = false, sawHotfix = false
            for _ in 0..<10 {
                let truth = fleet.tick()
                for drift in truth.hosts[0].classes {
                    if drift.className == "Win32_Service", drift.nonVolatileChanges.contains(where: { $0.properties.contains { $0.name == "State" } }) {
                        sawServiceChange = true
                    }
                    if drift.className == "Win32_Process", drift.changed.contains(where: { $0.properties.allSatisfy(\.isVolatile) }) {
                        sawVolatileOnly = true
                    }
                    if drift.className == "Win32_QuickFixEngineering", !drift.added.isEmpty { sawHotfix = true }
                }
            }
            #expect(sawServiceChange && sawVolatileOnly && sawHotfix)
            let json = try JSONEncoder().encode(fleet.tick())
            let decoded = try JSONDecoder().decode(DriftTruth.self, from: json)
            #expect(decoded.tick == 11)
        }
    }

    @Test func fleetIsVariedAndRealistic() async throws {
        try await SimulatedFleet.run(Fixture.configuration(hosts: 10, seed: 1), logger: Fixture.logger) { fleet in
            #expect(Set(fleet.hosts.map(\.role)).count == HostRole.allCases.count)
            #expect(Set(fleet.hosts.map(\.os.version)).count >= 3)
            #expect(Set(fleet.hosts.map(\.hostname)).count == 10)
            #expect(Set(fleet.hosts.map(\.address)) == Set((1...10).map { "127.0.1.\($0)" }))
            for index in fleet.hosts.indices {
                #expect((150...300).contains(fleet.instances(host: index, className: "Win32_Process")?.count ?? 0))
                #expect((24...40).contains(fleet.instances(host: index, className: "Win32_QuickFixEngineering")?.count ?? 0))
                let services = fleet.instances(host: index, className: "Win32_Service")?.count ?? 0
                #expect((150...260).contains(services), "host \(index) has \(services) services")
                #expect(fleet.instances(host: index, className: "MSFT_NetIPAddress")?.isEmpty == false)
            }
        }
    }
}
