import ArgumentParser
import CIMModel
import Foundation

/// `cimsweep classes`: the classes cimsweep has schemas for, with their keys.
struct ClassesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classes",
        abstract: "List the CIM classes cimsweep has schemas for, with keys and diff identity."
    )

    @Option(name: .long, help: "A directory of extra schema files (*.json) to load over the built-in ones.")
    var schemas: String?

    func run() throws {
        var registry = CimSchemaRegistry.builtin
        if let schemas {
            do { registry = try registry.adding(directory: URL(fileURLWithPath: schemas)) } catch {
                throw ValidationError("\(error)")
            }
        }
        let rows = registry.all.map { schema in
            [schema.namespace, schema.className,
             schema.isSingleton ? "(singleton)" : schema.keys.joined(separator: ", "),
             schema.identity.map { $0.joined(separator: " + ") } ?? "",
             String(schema.properties.count)]
        }
        print(TextTable(header: ["NAMESPACE", "CLASS", "KEYS", "IDENTITY", "PROPERTIES"], rows: rows).rendered)
    }
}
