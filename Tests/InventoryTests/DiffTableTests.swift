import CIMModel
import Foundation
import Inventory
import InventoryTestSupport
import Testing

/// The terminal rendering: grouped by host and class, identities in schema order, colour on request only.
struct DiffTableTests {
    @Test func tableGroupsByHostAndClassAndColoursOnlyWhenAsked() throws {
        let test = try TestStore()
        var inventory = Inventory(hosts: ["a", "b"], seed: 12)
        let first = try test.sweep(inventory.hosts, at: 1000)
        let reused = inventory.instances("a", "Win32_Process")[3]
        inventory.edit("a", "Win32_Process") { $0[3].set("CreationDate", .datetime(CimDateTime(microsecondsSinceEpoch: 7_000_000))) }
        inventory.edit("b", "Win32_Service") { $0[0].set("StartMode", .string("Disabled-x")) }
        let second = try test.sweep(inventory.hosts, at: 2000)

        let diff = try test.store.diff(from: .id(first), to: .id(second))
        let added = try #require(diff.hosts.first?.classes.first?.added.first)
        #expect(added.identity?.map(\.name) == ["Handle", "CreationDate"])
        #expect(added.instance["Handle"] == reused["Handle"])

        let plain = diff.tableText()
        #expect(!plain.contains("\u{1B}["))
        let lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "snapshot \(first) of 1970-01-01T00:16:40.000000Z → snapshot \(second) of 1970-01-01T00:33:20.000000Z")
        #expect(lines[1] == "2 changed, 0 unchanged, 0 appeared, 0 disappeared, 0 failed hosts; instances +1 -1 ~1 (volatile properties ignored)")
        let a = try #require(lines.firstIndex(of: "a  changed")), b = try #require(lines.firstIndex(of: "b  changed"))
        #expect(a < b)
        #expect(lines[a + 1] == "  root/cimv2 Win32_Process")
        #expect(lines[a + 2].hasPrefix("    + Handle=\(reused["Handle"]!.jsonText());CreationDate=\"1970-01-01T00:00:07Z\""))
        #expect(lines[a + 3].hasPrefix("    - Handle=\(reused["Handle"]!.jsonText());CreationDate="))
        #expect(lines[b + 2].hasPrefix("    ~ Name="))
        #expect(lines[b + 3].hasPrefix("        StartMode  ") && lines[b + 3].hasSuffix(" → \"Disabled-x\""))

        let colored = diff.tableText(colored: true)
        #expect(colored.contains("\u{1B}[32m    + Handle="))
        #expect(colored.contains("\u{1B}[31m    - Handle="))
        #expect(colored.contains("\u{1B}[1ma\u{1B}[0m  \u{1B}[33mchanged\u{1B}[0m"))
    }
}

/// Hosts compared on several pooled readers give the same diff as one reader.
struct DiffParallelismTests {
    @Test func readersDoNotChangeTheResult() throws {
        let test = try TestStore()
        let hosts = (1...7).map { "h\($0)" }
        var inventory = Inventory(hosts: hosts, seed: 21)
        let first = try test.sweep(inventory.hosts, at: 1000)
        for (index, host) in hosts.enumerated() where index % 2 == 0 {
            inventory.edit(host, "Win32_Service") { $0[index].set("State", .string("Paused-\(index)")) }
        }
        let second = try test.sweep(inventory.hosts, at: 2000)
        let one = try test.store.diff(from: .id(first), to: .id(second), options: DiffOptions(parallelism: 1))
        #expect(one.hosts.map(\.host) == hosts)
        #expect(one.hosts.filter { $0.status == .changed }.map(\.host) == ["h1", "h3", "h5", "h7"])
        for readers in [2, 3, 7, 50] {
            #expect(try test.store.diff(from: .id(first), to: .id(second), options: DiffOptions(parallelism: readers)) == one)
        }
    }
}
