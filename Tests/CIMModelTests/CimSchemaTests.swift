import CIMModel
import Foundation
import Testing

@Suite struct CimSchemaTests {
    private func load(_ json: String) throws(CimSchemaError) -> CimClassSchema {
        try CimClassSchema.load(json: Data(json.utf8), source: "test.json")
    }

    @Test func builtinSchemasHoldTheFirstElevenClasses() throws {
        let names = Set(CimSchemaRegistry.builtin.all.map(\.className))
        for name in ["Win32_OperatingSystem", "Win32_ComputerSystem", "Win32_BIOS", "Win32_Process", "Win32_Service",
                     "Win32_LogicalDisk", "Win32_QuickFixEngineering", "Win32_NetworkAdapterConfiguration",
                     "Win32_Product", "MSFT_NetAdapter", "MSFT_NetIPAddress"] {
            #expect(names.contains(name), "missing schema for \(name)")
        }
        let process = try #require(CimSchemaRegistry.builtin.schema(namespace: "ROOT/CIMV2", className: "win32_process"))
        #expect(process.effectiveIdentity == ["Handle", "CreationDate"])
        #expect(process.volatileProperties.contains("WorkingSetSize"))
        #expect(process.property(named: "ProcessId")?.type == CimType(.uint32))
    }

    @Test func unknownTypeIsRefusedWithItsPath() {
        #expect {
            try load(#"{"namespace":"root/x","class":"C","keys":["K"],"properties":[{"name":"K","type":"uint128"}]}"#)
        } throws: { error in
            "\(error)".contains("uint128") && "\(error)".hasPrefix("test.json")
        }
    }

    @Test func duplicatePropertyIsRefused() {
        #expect {
            try load(#"{"namespace":"root/x","class":"C","keys":["K"],"properties":[{"name":"K","type":"string"},{"name":"k","type":"uint8"}]}"#)
        } throws: { error in "\(error)".contains("declared twice") }
    }

    @Test func keyThatIsNotAPropertyIsRefused() {
        #expect {
            try load(#"{"namespace":"root/x","class":"C","keys":["Nope"],"properties":[{"name":"K","type":"string"}]}"#)
        } throws: { error in "\(error)".contains("key 'Nope' is not a declared property") }
    }

    @Test func generatedFilesAreNotStale() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let stale = try SchemaGenerator(schemaDirectory: root.appendingPathComponent("schemas")).staleFiles(packageRoot: root)
        #expect(stale.isEmpty, "stale generated files (run `swift run schemagen`): \(stale)")
    }
}
