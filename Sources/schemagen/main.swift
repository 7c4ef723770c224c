// schemagen: schemas/ → Sources/CIMModel/Generated. Parse and validate every schema file, then
// render the Swift that compiles them in and the typed records. Run from the package root:
//     swift run schemagen [--check]
// With --check it writes nothing and exits 1 when the committed output is stale.
import CIMModel
import Foundation

let checkOnly = CommandLine.arguments.dropFirst().contains("--check")
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
let generator = SchemaGenerator(schemaDirectory: root.appendingPathComponent("schemas"))

do {
    if checkOnly {
        let stale = try generator.staleFiles(packageRoot: root)
        guard stale.isEmpty else {
            FileHandle.standardError.write(Data("stale generated files (run `swift run schemagen`):\n  \(stale.joined(separator: "\n  "))\n".utf8))
            exit(1)
        }
        print("generated files are up to date")
    } else {
        let changed = try generator.write(packageRoot: root)
        print(changed.isEmpty ? "generated files are up to date" : "updated \(changed.count) file(s):\n  " + changed.joined(separator: "\n  "))
    }
} catch {
    FileHandle.standardError.write(Data("schemagen: \(error)\n".utf8))
    exit(1)
}
