import CIMModel
@testable import Simulator
import Testing

/// The WQL subset: parsing and evaluation against instances.
@Suite struct WQLTests {
    let process = CimInstance(className: "Win32_Process", namespace: "root/cimv2", properties: [
        CimProperty(name: "Name", value: .string("svchost.exe")), CimProperty(name: "ProcessId", value: .uint32(1234)),
        CimProperty(name: "CommandLine", value: .null), CimProperty(name: "WorkingSetSize", value: .uint64(9_000_000_000)),
    ])

    @Test(arguments: [
        ("SELECT * FROM Win32_Process", true),
        ("select * from Win32_Process where Name = 'SVCHOST.EXE'", true),
        ("SELECT * FROM Win32_Process WHERE Name <> 'svchost.exe'", false),
        ("SELECT * FROM Win32_Process WHERE ProcessId >= 1234 AND ProcessId < 1235", true),
        ("SELECT * FROM Win32_Process WHERE ProcessId > 1234 OR Name LIKE 'svc%'", true),
        ("SELECT * FROM Win32_Process WHERE NOT (Name LIKE '_vchost.ex[ef]')", false),
        ("SELECT * FROM Win32_Process WHERE CommandLine IS NULL", true),
        ("SELECT * FROM Win32_Process WHERE CommandLine IS NOT NULL", false),
        ("SELECT * FROM Win32_Process WHERE WorkingSetSize > 8000000000", true),
        ("SELECT * FROM Win32_Process WHERE Name != \"svchost.exe\"", false),
    ])
    func evaluates(query: String, expected: Bool) throws {
        #expect(try WQLQuery(parsing: query).matches(process) == expected)
    }

    @Test func parsesPropertyLists() throws {
        let query = try WQLQuery(parsing: "SELECT Name, ProcessId FROM Win32_Process WHERE ProcessId = 4")
        #expect(query.properties == ["Name", "ProcessId"])
        #expect(query.className == "Win32_Process")
        #expect(query.referencedProperties == ["ProcessId"])
    }

    @Test(arguments: ["DELETE FROM x", "SELECT FROM x", "SELECT * FROM", "SELECT * FROM x WHERE", "SELECT * FROM x WHERE a = 'open",
                      "SELECT * FROM x WHERE (a = 1", "SELECT * FROM x y", "SELECT * FROM x WHERE a LIKE 3"])
    func refusesBadQueries(query: String) {
        #expect(throws: WQLError.self) { try WQLQuery(parsing: query) }
    }
}
