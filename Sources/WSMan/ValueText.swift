import CIMModel

/// Reads a property's text as a CIM scalar straight from the arena's bytes: integers and booleans
/// without building a String (the hot path of a Win32_Process item), everything else through
/// `CimValue.parse(lexical:as:)`. Surrounding whitespace is ignored for every non-string type.
enum ValueText {
    static func parse(_ arena: XMLArena, _ index: Int32, as scalar: CimType.Scalar) -> CimValue? {
        let node = arena.nodes[Int(index)]
        return arena.text.withUnsafeBufferPointer { text in
            parse(UnsafeBufferPointer(rebasing: text[Int(node.textStart)..<Int(node.textEnd)]), as: scalar)
        }
    }

    /// The value of `text` (a node's own text, untrimmed) as `scalar`; nil when it is none.
    static func parse(_ text: UnsafeBufferPointer<UInt8>, as scalar: CimType.Scalar) -> CimValue? {
        if scalar == .string { return .string(String(decoding: text, as: UTF8.self)) }
        let trimmed = trim(text)
        if let range = integerRange(scalar) {
            // In range of the type, so truncating the two's complement bits is exact.
            guard let bits = integer(trimmed, range)?.bitPattern else { return nil }
            let signed = Int64(bitPattern: bits)
            switch scalar {
            case .uint8: return .uint8(UInt8(truncatingIfNeeded: bits))
            case .uint16: return .uint16(UInt16(truncatingIfNeeded: bits))
            case .uint32: return .uint32(UInt32(truncatingIfNeeded: bits))
            case .uint64: return .uint64(bits)
            case .sint8: return .sint8(Int8(truncatingIfNeeded: signed))
            case .sint16: return .sint16(Int16(truncatingIfNeeded: signed))
            case .sint32: return .sint32(Int32(truncatingIfNeeded: signed))
            default: return .sint64(signed)
            }
        }
        let lexical = String(decoding: trimmed, as: UTF8.self)
        switch scalar {
        case .boolean:
            switch lexical {
            case "true", "1", "TRUE", "True": return .boolean(true)
            case "false", "0", "FALSE", "False": return .boolean(false)
            default: return nil
            }
        case .reference, .instance: return nil
        default: return try? CimValue.parse(lexical: lexical, as: scalar)
        }
    }

    /// The bounds of an integer type: `signed` says whether values may be negative.
    struct IntegerRange {
        let signed: Bool
        let max: UInt64
    }

    static func integerRange(_ scalar: CimType.Scalar) -> IntegerRange? {
        switch scalar {
        case .uint8: IntegerRange(signed: false, max: UInt64(UInt8.max))
        case .uint16: IntegerRange(signed: false, max: UInt64(UInt16.max))
        case .uint32: IntegerRange(signed: false, max: UInt64(UInt32.max))
        case .uint64: IntegerRange(signed: false, max: UInt64.max)
        case .sint8: IntegerRange(signed: true, max: UInt64(Int8.max))
        case .sint16: IntegerRange(signed: true, max: UInt64(Int16.max))
        case .sint32: IntegerRange(signed: true, max: UInt64(Int32.max))
        case .sint64: IntegerRange(signed: true, max: UInt64(Int64.max))
        default: nil
        }
    }

    /// The trimmed text itself when it is already the integer's canonical JSON (`0`, or digits
    /// without a leading zero, with `-` for a negative value of a signed type) and in range: the
    /// bytes `CimJSONWriter` would write for the value. nil otherwise (then parse and write it).
    static func canonicalInteger(_ text: UnsafeBufferPointer<UInt8>, _ range: IntegerRange) -> UnsafeBufferPointer<UInt8>? {
        let trimmed = trim(text)
        guard let first = trimmed.first, first != UInt8(ascii: "+") else { return nil }
        let digitsStart = first == UInt8(ascii: "-") ? 1 : 0
        // No leading zero, except "0" itself (so no "-0" either).
        guard digitsStart < trimmed.count, trimmed[digitsStart] != UInt8(ascii: "0") || trimmed.count == 1,
              integer(trimmed, range) != nil
        else { return nil }
        return trimmed
    }

    /// The value of an integer text with an optional sign (`-` only for signed types).
    private static func integer(_ trimmed: UnsafeBufferPointer<UInt8>, _ range: IntegerRange) -> IntegerValue? {
        guard let first = trimmed.first else { return nil }
        let sign = first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
        let negative = first == UInt8(ascii: "-")
        guard let magnitude = digits(UnsafeBufferPointer(rebasing: trimmed[(sign ? 1 : 0)...])) else { return nil }
        if negative {
            guard range.signed, magnitude <= range.max + 1 else { return nil }
            return IntegerValue(negative: magnitude != 0, magnitude: magnitude)
        }
        guard magnitude <= range.max else { return nil }
        return IntegerValue(negative: false, magnitude: magnitude)
    }

    /// An integer in range of its type, as sign and magnitude.
    private struct IntegerValue {
        let negative: Bool
        let magnitude: UInt64
        var bitPattern: UInt64 { negative ? 0 &- magnitude : magnitude }
    }

    /// 1 to 20 decimal digits and nothing else, without overflow.
    private static func digits(_ text: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !text.isEmpty, text.count <= 20 else { return nil }
        var value: UInt64 = 0
        for byte in text {
            let digit = byte &- 48
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// Without surrounding XML whitespace.
    static func trim(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = text.count
        while start < end, XMLCharacters.isSpace(text[start]) { start += 1 }
        while end > start, XMLCharacters.isSpace(text[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: text[start..<end])
    }
}
