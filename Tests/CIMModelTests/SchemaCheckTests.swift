import CIMModel
import Foundation
import Testing

@Suite struct SchemaCheckTests {
    private let service = CimSchemaRegistry.builtin.schema(namespace: "root/cimv2", className: "Win32_Service")!

    @Test func checkReportsUnknownPropertiesAndTypeMismatches() {
        var instance = CimInstance(className: "Win32_TerminalService", namespace: "root/cimv2", host: "ts01")
        instance.set("Name", .string("TermService"))
        instance.set("ProcessId", .string("12abc"))
        instance.set("Started", .uint8(1))
        instance.set("TotalSessions", .uint32(3))
        instance.set("ExitCode", .null)
        instance.set("AcceptStop", .array([.boolean(true)]))
        #expect(service.check(instance) == [
            .typeMismatch(property: "ProcessId", expected: CimType(.uint32), actualText: "12abc"),
            .typeMismatch(property: "Started", expected: .boolean, actualText: "uint8 1"),
            .unknownProperty(name: "TotalSessions"),
            .typeMismatch(property: "AcceptStop", expected: .boolean, actualText: "array of 1 boolean"),
        ])
        #expect("\(SchemaIssue.unknownProperty(name: "TotalSessions"))" == "TotalSessions: sent by the host but not in the schema")
    }

    @Test func checkAcceptsScalarsForArraysIntervalsForDatetimesAndCaseDifferences() {
        let adapter = CimSchemaRegistry.builtin.schema(className: "Win32_NetworkAdapterConfiguration")!
        var instance = CimInstance(className: "Win32_NetworkAdapterConfiguration", namespace: "root/cimv2")
        instance.set("ipaddress", .string("10.0.0.5"))
        instance.set("IPSubnet", .array([.string("255.0.0.0")]))
        instance.set("DHCPLeaseExpires", .interval(CimInterval(microseconds: 5)))
        #expect(adapter.check(instance).isEmpty)
        instance.set("IPSubnet", .array([.string("255.0.0.0"), .uint32(8)]))
        #expect(adapter.check(instance).map(\.property) == ["IPSubnet"])
    }

    @Test func terminalServiceMatchesItsSchemaAndRestatesWin32Service() throws {
        let terminal = try #require(CimSchemaRegistry.builtin.schema(className: "Win32_TerminalService"))
        #expect(terminal.superclass == "Win32_Service")
        #expect(terminal.property(named: "TotalSessions")?.type == CimType(.uint32))
        #expect(terminal.volatileProperties.isSuperset(of: ["DisconnectedSessions", "TotalSessions"]))
        #expect(Set(service.properties.map(\.name)).isSubset(of: Set(terminal.properties.map(\.name))))
    }

    @Test func subclassThatDriftsFromItsSuperclassIsRefused() throws {
        let parent = CimClassSchema(namespace: "root/x", className: "P", keys: ["K"], properties: [
            .init(name: "K", type: .string), .init(name: "N", type: CimType(.uint32)),
        ])
        let child = CimClassSchema(namespace: "root/x", className: "C", superclass: "P", keys: ["K"], properties: [
            .init(name: "K", type: .string), .init(name: "N", type: CimType(.uint64)), .init(name: "Extra", type: .string),
        ])
        #expect {
            try CimClassSchema.checkSubclasses([(parent, "p.json"), (child, "c.json")])
        } throws: { error in
            "\(error)".hasPrefix("c.json: 'N' is uint64 here but uint32 in P")
        }
        var missing = child
        missing.properties.removeAll { $0.name == "N" }
        #expect(throws: CimSchemaError.self) { try CimClassSchema.checkSubclasses([(parent, "p.json"), (missing, "c.json")]) }
        var fixed = child
        fixed.properties[1].type = CimType(.uint32)
        try CimClassSchema.checkSubclasses([(parent, "p.json"), (fixed, "c.json")])
    }

    @Test(arguments: [
        ("ProcessId", "processId"), ("CSName", "csName"), ("PNPDeviceID", "pnpDeviceID"), ("PnPDeviceID", "pnpDeviceID"),
        ("IPAddress", "ipAddress"), ("DHCPLeaseObtained", "dhcpLeaseObtained"), ("MACAddress", "macAddress"),
        ("IPv4Address", "ipv4Address"), ("MTU", "mtu"), ("iSCSIInterface", "iSCSIInterface"),
        ("DataExecutionPrevention_32BitApplications", "dataExecutionPrevention32BitApplications"),
        ("Protocol", "`protocol`"), ("Schema", "schemaProperty"), ("OS2Name", "os2Name"),
    ])
    func swiftNamesFollowTheGeneratorsMapping(_ cim: String, _ swift: String) {
        #expect(SchemaGenerator.swiftPropertyName(cim) == swift)
    }
}
