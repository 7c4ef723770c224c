// schemagen: schemas/ → Sources/CIMModel/Generated. Parse and validate every schema file, then
// render the Swift that compiles them into the binary. Run from the package root:
//     swift run schemagen [--check]
// With --check it writes nothing and exits 1 when the committed output is stale.
import CIMModel
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let checkOnly = arguments.contains("--check")
let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
let schemaDirectory = root.appendingPathComponent("schemas")

do {
    let outputs = try SchemaGenerator(schemaDirectory: schemaDirectory).render()
    var stale: [String] = []
    for (relativePath, text) in outputs.sorted(by: { $0.key < $1.key }) {
        let url = root.appendingPathComponent(relativePath)
        let current = try? String(contentsOf: url, encoding: .utf8)
        guard current != text else { continue }
        stale.append(relativePath)
        if !checkOnly {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }
    if checkOnly, !stale.isEmpty {
        FileHandle.standardError.write(Data("stale generated files (run `swift run schemagen`):\n  \(stale.joined(separator: "\n  "))\n".utf8))
        exit(1)
    }
    print(stale.isEmpty ? "generated files are up to date" : "wrote \(stale.count) file(s)")
} catch {
    FileHandle.standardError.write(Data("schemagen: \(error)\n".utf8))
    exit(1)
}
