import Foundation

/// Renders the Swift generated from `schemas/`: parse → validate → render.
///
/// Output, all under `Sources/CIMModel/Generated/` (the generator owns that directory):
/// `BuiltinSchemas.swift` (the schema files compiled in), `CimRecords.swift` (every record type)
/// and `Records/<Type>.swift` (one typed record per class). Lives in CIMModel, not only in the
/// `schemagen` executable, so that a test can regenerate in memory and fail when the committed
/// files are stale.
public struct SchemaGenerator: Sendable {
    /// The `schemas/` directory.
    public let schemaDirectory: URL

    /// The directory, relative to the package root, that holds only generated files.
    public static let outputDirectory = "Sources/CIMModel/Generated"

    public init(schemaDirectory: URL) { self.schemaDirectory = schemaDirectory }

    /// The generated files, keyed by path relative to the package root.
    /// - Throws: `CimSchemaError` for the first schema that does not load, a subclass that does not
    ///   restate its superclass (`CimClassSchema.checkSubclasses`), or a property records cannot hold.
    public func render() throws(CimSchemaError) -> [String: String] {
        let files = CimSchemaRegistry.schemaFiles(under: schemaDirectory)
        guard !files.isEmpty else {
            throw CimSchemaError(source: schemaDirectory.path, problem: "no *.json schema files found")
        }
        var loaded: [(schema: CimClassSchema, source: String, json: String)] = []
        for file in files {
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                throw CimSchemaError(source: file.path, problem: "cannot be read: \(error.localizedDescription)")
            }
            let source = "schemas/" + String(file.path.dropFirst(schemaDirectory.path.count + 1))
            loaded.append((try CimClassSchema.load(json: data, source: source), source, String(decoding: data, as: UTF8.self)))
        }
        try CimClassSchema.checkSubclasses(loaded.map { ($0.schema, $0.source) })
        var typeNames: [String: String] = [:]
        for entry in loaded {
            if let other = typeNames.updateValue(entry.source, forKey: Self.swiftTypeName(entry.schema.className)) {
                throw CimSchemaError(source: entry.source, problem: "its record type name "
                    + "'\(Self.swiftTypeName(entry.schema.className))' is also \(other)'s")
            }
        }

        let directory = Self.outputDirectory
        var outputs = [
            "\(directory)/BuiltinSchemas.swift": renderBuiltinSchemas(loaded.map { ($0.source, $0.json) }),
        ]
        let sorted = loaded.sorted {
            ($0.schema.namespace.lowercased(), $0.schema.className) < ($1.schema.namespace.lowercased(), $1.schema.className)
        }
        outputs["\(directory)/CimRecords.swift"] = renderRecordIndex(sorted.map(\.schema))
        for entry in sorted {
            outputs["\(directory)/Records/\(Self.swiftTypeName(entry.schema.className)).swift"] =
                try renderRecord(entry.schema, source: entry.source)
        }
        return outputs
    }

    /// The generated files that differ from what `render()` produces, are missing, or are no longer
    /// produced (a schema was removed), relative to the package root, sorted.
    /// - Throws: `CimSchemaError` as `render()` does.
    public func staleFiles(packageRoot: URL) throws(CimSchemaError) -> [String] {
        let outputs = try render()
        var stale = outputs.filter { path, text in
            (try? String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)) != text
        }.map(\.key)
        stale += Self.existingOutputFiles(packageRoot: packageRoot).filter { outputs[$0] == nil }
        return stale.sorted()
    }

    /// Writes what `render()` produces and removes generated files no schema produces any more.
    /// - Returns: The paths written or removed.
    /// - Throws: `CimSchemaError` as `render()` does, or the file system's error.
    @discardableResult
    public func write(packageRoot: URL) throws -> [String] {
        let outputs = try render()
        let stale = try staleFiles(packageRoot: packageRoot)
        for path in stale {
            let url = packageRoot.appendingPathComponent(path)
            if let text = outputs[path] {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.removeItem(at: url)
            }
        }
        return stale
    }

    /// The `*.swift` files now under the output directory, relative to the package root.
    static func existingOutputFiles(packageRoot: URL) -> [String] {
        let directory = packageRoot.appendingPathComponent(outputDirectory)
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        let root = packageRoot.standardizedFileURL.path
        return (enumerator?.allObjects as? [URL] ?? []).filter { $0.pathExtension == "swift" }.map {
            String($0.standardizedFileURL.path.dropFirst(root.count + (root.hasSuffix("/") ? 0 : 1)))
        }
    }

    private func renderBuiltinSchemas(_ files: [(path: String, json: String)]) -> String {
        var out = Self.header + """

        /// The text of every file in `schemas/`, compiled in so the binary needs no data directory.
        enum BuiltinSchemas {
            static let files: [(path: String, json: String)] = [

        """
        for file in files {
            out += "        (\(literal(file.path)), ##\"\"\"\n"
            out += file.json.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "        " + $0 }.joined(separator: "\n")
            if !file.json.hasSuffix("\n") { out += "\n" }
            out += "        \"\"\"##),\n"
        }
        out += "    ]\n}\n"
        return out
    }
}
