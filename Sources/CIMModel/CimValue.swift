/// A CIM property value, typed exactly: integers keep their width and sign, uint64 is never a
/// floating-point number, datetimes and intervals are distinct, and null is not an empty array.
public indirect enum CimValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case uint8(UInt8)
    case sint8(Int8)
    case uint16(UInt16)
    case sint16(Int16)
    case uint32(UInt32)
    case sint32(Int32)
    case uint64(UInt64)
    case sint64(Int64)
    case real32(Float)
    case real64(Double)
    /// A UTF-16 code unit (DSP0004 char16).
    case char16(UInt16)
    case string(String)
    case datetime(CimDateTime)
    case interval(CimInterval)
    case reference(CimReference)
    case instance(CimInstance)
    /// An array; its elements are non-null scalars. `.array([])` is an empty array, `.null` is no value.
    case array([CimValue])

    /// Whether this is `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The scalar type of the value (of the elements, for a non-empty array); nil for null and empty arrays.
    public var scalarType: CimType.Scalar? {
        switch self {
        case .null: nil
        case .boolean: .boolean
        case .uint8: .uint8
        case .sint8: .sint8
        case .uint16: .uint16
        case .sint16: .sint16
        case .uint32: .uint32
        case .sint32: .sint32
        case .uint64: .uint64
        case .sint64: .sint64
        case .real32: .real32
        case .real64: .real64
        case .char16: .char16
        case .string: .string
        case .datetime, .interval: .datetime
        case .reference: .reference
        case .instance: .instance
        case .array(let elements): elements.first?.scalarType
        }
    }

    /// The string payload of a `.string` value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value as a signed 128-bit-safe integer, for any integer case.
    public var integerValue: Int64? {
        switch self {
        case .uint8(let v): Int64(v)
        case .sint8(let v): Int64(v)
        case .uint16(let v): Int64(v)
        case .sint16(let v): Int64(v)
        case .uint32(let v): Int64(v)
        case .sint32(let v): Int64(v)
        case .uint64(let v): Int64(exactly: v)
        case .sint64(let v): v
        default: nil
        }
    }
}
