/// A way an instance a host sent differs from the class's schema: real providers differ from the
/// docs the schemas were written from. Found by `CimClassSchema.check(_:)` and by the WS-Man parser.
public enum SchemaIssue: Sendable, Hashable, CustomStringConvertible {
    /// The host sent a property the schema does not declare.
    case unknownProperty(name: String)
    /// The value does not have the declared type; `actualText` is what came instead (the text as
    /// received for untyped text, else the value's kind and text).
    case typeMismatch(property: String, expected: CimType, actualText: String)

    /// The property the issue is about.
    public var property: String {
        switch self {
        case .unknownProperty(let name): name
        case .typeMismatch(let property, _, _): property
        }
    }

    public var description: String {
        switch self {
        case .unknownProperty(let name):
            "\(name): sent by the host but not in the schema"
        case .typeMismatch(let property, let expected, let actualText):
            "\(property): expected \(expected), got \(actualText)"
        }
    }
}

extension CimClassSchema {
    /// Compares an instance with this schema: properties the schema lacks, and values whose type is
    /// not the declared one. Null matches any type; a scalar matches an array type (Windows sends a
    /// one-element array as a scalar); a datetime may be a timestamp or an interval.
    /// - Returns: The issues in the instance's property order; empty when it matches.
    public func check(_ instance: CimInstance) -> [SchemaIssue] {
        instance.properties.compactMap { property -> SchemaIssue? in
            guard let declared = self.property(named: property.name) else {
                return .unknownProperty(name: property.name)
            }
            guard !Self.matches(property.value, declared.type) else { return nil }
            let actual: String = if case .string(let text) = property.value { text } else { property.value.kindAndText }
            return .typeMismatch(property: declared.name, expected: declared.type, actualText: actual)
        }
    }

    private static func matches(_ value: CimValue, _ type: CimType) -> Bool {
        switch value {
        case .null: true
        case .array(let elements): type.isArray && elements.allSatisfy { matches($0, CimType(type.scalar)) }
        default: value.scalarType == type.scalar
        }
    }
}
