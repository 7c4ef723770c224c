import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

/// "The state as of an instant": a host a partial-fleet sweep skipped keeps its newest good data.
struct AsOfDiffTests {
    @Test func anInstantKeepsHostsTheNearestSweepDidNotVisit() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a", "b"], seed: 8)
        let first = try test.sweep(inventory.hosts, at: 1000)
        let onlyA = try test.sweep(inventory.hosts.filter { $0.host == "a" }, at: 2000)   // b not part of this sweep
        inventory.edit("b", "Win32_Service") { $0[1].set("StartMode", .string("Disabled-\(UUID())")) }
        let third = try test.sweep(inventory.hosts, at: 3000)

        // By id, snapshot 2 holds only a: b "appeared" in snapshot 3.
        let byID = try test.store.diff(from: .id(onlyA), to: .id(third))
        #expect(byID.hosts.map(\.status) == [.unchanged, .appeared])

        // As of t=2500, b's state is its newest observation (snapshot 1): its service change shows,
        // and the class says where the older side's data came from.
        let asOf = try test.store.diff(from: .asOf(.at(2500)), to: .id(third))
        #expect(asOf.from.snapshot == onlyA)
        #expect(asOf.hosts.map(\.status) == [.unchanged, .changed])
        let services = try #require(asOf.hosts.last?.classes.first)
        #expect(services.className == "Win32_Service" && services.fromSnapshot == first && services.toSnapshot == nil)
        #expect(services.changed.map { $0.changes.map(\.name) } == [["StartMode"]])
        #expect(asOf.jsonText().contains(#""fromSnapshot":\#(first.rawValue)"#))
    }
}
