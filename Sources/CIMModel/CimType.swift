import Foundation

/// The type of a CIM property: one of the DSP0004 intrinsic types, optionally an array.
///
/// Written the way MOF and `schemas/` spell it: `uint32`, `string[]`, `datetime`, `ref`, `object`.
public struct CimType: Sendable, Hashable, CustomStringConvertible {
    /// The element type.
    public var scalar: Scalar
    /// Whether the property holds an array of `scalar`.
    public var isArray: Bool

    public init(_ scalar: Scalar, isArray: Bool = false) {
        self.scalar = scalar
        self.isArray = isArray
    }

    /// The intrinsic CIM types (DSP0004 5.2). `datetime` covers both timestamps and intervals; which
    /// one a value is shows in the value itself.
    public enum Scalar: String, Sendable, Hashable, CaseIterable {
        case boolean
        case uint8, sint8, uint16, sint16, uint32, sint32, uint64, sint64
        case real32, real64
        case char16
        case string
        case datetime
        /// A reference to another instance (an EPR on the wire).
        case reference = "ref"
        /// An embedded instance (`EmbeddedInstance`/`EmbeddedObject` qualifier, or `object`).
        case instance = "object"

        /// Whether values of this type are integers.
        public var isInteger: Bool {
            switch self {
            case .uint8, .sint8, .uint16, .sint16, .uint32, .sint32, .uint64, .sint64: true
            default: false
            }
        }
    }

    /// Parses the `schemas/` spelling: a scalar name with an optional `[]` suffix.
    /// - Returns: nil when the name is not a CIM type.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let isArray = trimmed.hasSuffix("[]")
        let name = isArray ? String(trimmed.dropLast(2)) : trimmed
        guard let scalar = Scalar(rawValue: name.lowercased()) else { return nil }
        self.init(scalar, isArray: isArray)
    }

    public var description: String { scalar.rawValue + (isArray ? "[]" : "") }

    public static let string = CimType(.string)
    public static let boolean = CimType(.boolean)
    public static let datetime = CimType(.datetime)
}

extension CimType: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let type = CimType(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(text)' is not a CIM type; expected one of "
                    + Scalar.allCases.map(\.rawValue).joined(separator: ", ") + " (with [] for arrays)"))
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
