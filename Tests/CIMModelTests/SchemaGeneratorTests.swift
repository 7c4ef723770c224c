import CIMModel
import Foundation
import Testing

@Suite struct SchemaGeneratorTests {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("schemagen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func staleFilesFindsMissingChangedAndOrphanedOutputAndWriteFixesThem() throws {
        let packageRoot = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: packageRoot) }
        let generator = SchemaGenerator(schemaDirectory: root.appendingPathComponent("schemas"))
        let outputs = try generator.render()
        #expect(try generator.staleFiles(packageRoot: packageRoot) == outputs.keys.sorted())

        try generator.write(packageRoot: packageRoot)
        #expect(try generator.staleFiles(packageRoot: packageRoot).isEmpty)

        let orphan = "Sources/CIMModel/Generated/Records/Win32Gone.swift"
        let edited = "Sources/CIMModel/Generated/Records/Win32Process.swift"
        try "// a record whose schema was removed\n".write(to: packageRoot.appendingPathComponent(orphan), atomically: true, encoding: .utf8)
        try "// hand-edited\n".write(to: packageRoot.appendingPathComponent(edited), atomically: true, encoding: .utf8)
        #expect(try generator.staleFiles(packageRoot: packageRoot) == [edited, orphan].sorted())

        #expect(try generator.write(packageRoot: packageRoot).sorted() == [edited, orphan].sorted())
        #expect(!FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(orphan).path))
        #expect(try generator.staleFiles(packageRoot: packageRoot).isEmpty)
    }

    @Test func embeddedInstancePropertyIsRefusedWithItsFile() throws {
        let schemas = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: schemas) }
        try #"{"namespace":"root/x","class":"X_Holder","keys":["K"],"properties":[{"name":"K","type":"string"},{"name":"Inner","type":"object"}]}"#
            .write(to: schemas.appendingPathComponent("X_Holder.json"), atomically: true, encoding: .utf8)
        #expect {
            try SchemaGenerator(schemaDirectory: schemas).render()
        } throws: { error in
            "\(error)".hasPrefix("schemas/X_Holder.json: property 'Inner' is 'object'")
        }
    }

    @Test func propertiesThatMapToOneSwiftNameAreRefused() throws {
        let schemas = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: schemas) }
        try #"{"namespace":"root/x","class":"X_Y","keys":["K"],"properties":[{"name":"K","type":"string"},{"name":"Foo_Bar","type":"string"},{"name":"FooBar","type":"uint8"}]}"#
            .write(to: schemas.appendingPathComponent("X_Y.json"), atomically: true, encoding: .utf8)
        #expect {
            try SchemaGenerator(schemaDirectory: schemas).render()
        } throws: { error in
            "\(error)".contains("'Foo_Bar' and 'FooBar' both map to the Swift name 'fooBar'")
        }
    }
}
