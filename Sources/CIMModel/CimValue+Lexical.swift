import Foundation

/// A wire text that does not read as the CIM type it was declared with.
public struct CimValueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as received (cut to 80 characters).
    public let text: String
    /// The type it was read as.
    public let expected: CimType.Scalar

    public init(text: String, expected: CimType.Scalar) {
        self.text = text.count > 80 ? String(text.prefix(80)) + "…" : text
        self.expected = expected
    }

    public var description: String { "'\(text)' is not a valid \(expected.rawValue)" }
}

extension CimValue {
    /// Reads the XML text of a scalar property as `scalar` (DSP0230 / XML Schema lexical forms).
    ///
    /// Integers are decimal (a leading `+` and surrounding whitespace are accepted), booleans are
    /// `true`/`false`/`1`/`0`, datetime text may be a timestamp or an interval in xs: or DMTF form.
    /// - Throws: `CimValueError` when the text does not read as that type; references and embedded
    ///   instances have no text form and always throw.
    public static func parse(lexical text: String, as scalar: CimType.Scalar) throws(CimValueError) -> CimValue {
        let t = text.trimmingWhitespace
        let digits = t.hasPrefix("+") ? String(t.dropFirst()) : t
        let value: CimValue? = switch scalar {
        case .boolean:
            switch t.lowercased() {
            case "true", "1": .boolean(true)
            case "false", "0": .boolean(false)
            default: nil
            }
        case .uint8: UInt8(digits).map(CimValue.uint8)
        case .sint8: Int8(digits).map(CimValue.sint8)
        case .uint16: UInt16(digits).map(CimValue.uint16)
        case .sint16: Int16(digits).map(CimValue.sint16)
        case .uint32: UInt32(digits).map(CimValue.uint32)
        case .sint32: Int32(digits).map(CimValue.sint32)
        case .uint64: UInt64(digits).map(CimValue.uint64)
        case .sint64: Int64(digits).map(CimValue.sint64)
        case .real32: parseReal(t).map { .real32(Float($0)) }
        case .real64: parseReal(t).map(CimValue.real64)
        case .char16:
            if text.utf16.count == 1 { .char16(text.utf16.first!) } else { UInt16(t).map(CimValue.char16) }
        case .string: .string(text)
        case .datetime:
            if let instant = CimDateTime(parsing: t) { .datetime(instant) }
            else if let interval = CimInterval(parsing: t) { .interval(interval) }
            else { nil }
        case .reference, .instance: nil
        }
        guard let value else { throw CimValueError(text: text, expected: scalar) }
        return value
    }

    private static func parseReal(_ text: String) -> Double? {
        switch text {
        case "INF": .infinity
        case "-INF": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    /// The XML text of a scalar value as WinRM writes it; nil for null, arrays, references and
    /// embedded instances, which are written as structure rather than text.
    public var lexicalForm: String? {
        switch self {
        case .boolean(let v): v ? "true" : "false"
        case .uint8(let v): String(v)
        case .sint8(let v): String(v)
        case .uint16(let v): String(v)
        case .sint16(let v): String(v)
        case .uint32(let v): String(v)
        case .sint32(let v): String(v)
        case .uint64(let v): String(v)
        case .sint64(let v): String(v)
        case .real32(let v): v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-INF" : "INF") : "\(v)"
        case .real64(let v): v.isNaN ? "NaN" : v.isInfinite ? (v < 0 ? "-INF" : "INF") : "\(v)"
        case .char16(let v): String(utf16CodeUnits: [v], count: 1)
        case .string(let v): v
        case .datetime(let v): v.iso8601
        case .interval(let v): v.xsDuration
        case .null, .array, .reference, .instance: nil
        }
    }
}
