import Foundation

/// The schemas cimsweep knows, looked up by namespace and class (case-insensitively).
///
/// `CimSchemaRegistry.builtin` holds the classes of `schemas/` compiled into the binary; a
/// directory of extra schema files can be layered on top with `adding(directory:)`.
public struct CimSchemaRegistry: Sendable {
    private var byName: [String: CimClassSchema] = [:]

    public init(_ schemas: [CimClassSchema] = []) {
        for schema in schemas { add(schema) }
    }

    /// The schemas compiled in from `schemas/` (see `Generated/BuiltinSchemas.swift`).
    public static let builtin: CimSchemaRegistry = {
        do {
            return try CimSchemaRegistry(BuiltinSchemas.files.map { entry throws(CimSchemaError) in
                try CimClassSchema.load(json: Data(entry.json.utf8), source: entry.path)
            })
        } catch {
            // The generator validated these files and a test re-checks them; reaching this is a build defect.
            preconditionFailure("built-in schema invalid: \(error)")
        }
    }()

    /// Every schema, sorted by namespace then class.
    public var all: [CimClassSchema] {
        byName.values.sorted { ($0.namespace.lowercased(), $0.className) < ($1.namespace.lowercased(), $1.className) }
    }

    /// The schema of a class in a namespace, if known.
    public func schema(namespace: String, className: String) -> CimClassSchema? {
        byName[Self.key(namespace, className)]
    }

    /// The schema of a class in whatever namespace it is known (class names are unique in practice).
    public func schema(className: String) -> CimClassSchema? {
        byName.values.first { $0.className.lowercased() == className.lowercased() }
    }

    /// Adds or replaces a schema.
    public mutating func add(_ schema: CimClassSchema) {
        byName[Self.key(schema.namespace, schema.className)] = schema
    }

    /// This registry plus every `*.json` schema below `directory`, which win over built-in ones.
    /// - Throws: `CimSchemaError` for the first file that does not load.
    public func adding(directory: URL) throws(CimSchemaError) -> CimSchemaRegistry {
        var registry = self
        for file in Self.schemaFiles(under: directory) {
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                throw CimSchemaError(source: file.path, problem: "cannot be read: \(error.localizedDescription)")
            }
            registry.add(try CimClassSchema.load(json: data, source: file.path))
        }
        return registry
    }

    /// The `*.json` files below a directory, sorted by path.
    public static func schemaFiles(under directory: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        let files = (enumerator?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "json" }
        return files.sorted { $0.path < $1.path }
    }

    private static func key(_ namespace: String, _ className: String) -> String {
        namespace.lowercased().replacingOccurrences(of: "\\", with: "/") + ":" + className.lowercased()
    }
}
