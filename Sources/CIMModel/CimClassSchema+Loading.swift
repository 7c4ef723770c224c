import Foundation

/// A schema file that cannot be used, naming the file and what is wrong with it.
public struct CimSchemaError: Error, Sendable, CustomStringConvertible {
    /// The file (or embedded name) the schema came from.
    public let source: String
    public let problem: String

    public var description: String { "\(source): \(problem)" }
}

extension CimClassSchema {
    /// Decodes and validates one schema file's JSON.
    /// - Throws: `CimSchemaError` for malformed JSON, an unknown type, a duplicate property, or a key
    ///   or identity property that is not declared.
    public static func load(json: Data, source: String) throws(CimSchemaError) -> CimClassSchema {
        let schema: CimClassSchema
        do {
            schema = try JSONDecoder().decode(CimClassSchema.self, from: json)
        } catch let error as DecodingError {
            throw CimSchemaError(source: source, problem: Self.explain(error))
        } catch {
            throw CimSchemaError(source: source, problem: "\(error)")
        }
        try schema.validate(source: source)
        return schema
    }

    /// Checks the rules every schema must keep.
    /// - Throws: `CimSchemaError` naming the first broken rule.
    public func validate(source: String) throws(CimSchemaError) {
        func fail(_ problem: String) -> CimSchemaError { CimSchemaError(source: source, problem: problem) }
        guard !className.isEmpty, !namespace.isEmpty else { throw fail("'class' and 'namespace' must not be empty") }
        guard !namespace.contains("\\") else { throw fail("namespace '\(namespace)' must use '/' (root/cimv2)") }
        var seen = Set<String>()
        for property in properties where !seen.insert(property.name.lowercased()).inserted {
            throw fail("property '\(property.name)' is declared twice")
        }
        for key in keys where property(named: key) == nil {
            throw fail("key '\(key)' is not a declared property")
        }
        for name in identity ?? [] where property(named: name) == nil {
            throw fail("identity property '\(name)' is not a declared property")
        }
        for key in keys where property(named: key)?.type.isArray == true {
            throw fail("key '\(key)' is an array; keys must be scalars")
        }
        if isSingleton, !keys.isEmpty { throw fail("a singleton has no keys, but keys are \(keys)") }
        if !isSingleton, effectiveIdentity.isEmpty {
            throw fail("no keys and no identity: say 'singleton': true, or give 'keys' or 'identity'")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
        case .keyNotFound(let key, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "missing '\(key.stringValue)'" + (path.isEmpty ? "" : " in \(path)")
        @unknown default:
            return "\(error)"
        }
    }
}
