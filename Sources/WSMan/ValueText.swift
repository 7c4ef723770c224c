import CIMModel

/// Reads a property's text as a CIM scalar straight from the arena's bytes: integers and booleans
/// without building a String (the hot path of a Win32_Process item), everything else through
/// `CimValue.parse(lexical:as:)`. Surrounding whitespace is ignored for every non-string type.
enum ValueText {
    static func parse(_ arena: XMLArena, _ index: Int32, as scalar: CimType.Scalar) -> CimValue? {
        let (start, end) = arena.trimmedRange(index)
        switch scalar {
        case .uint8: return unsigned(arena.text, start, end, max: UInt64(UInt8.max)).map { .uint8(UInt8($0)) }
        case .uint16: return unsigned(arena.text, start, end, max: UInt64(UInt16.max)).map { .uint16(UInt16($0)) }
        case .uint32: return unsigned(arena.text, start, end, max: UInt64(UInt32.max)).map { .uint32(UInt32($0)) }
        case .uint64: return unsigned(arena.text, start, end, max: UInt64.max).map { .uint64($0) }
        case .sint8: return signed(arena.text, start, end, Int64(Int8.min), Int64(Int8.max)).map { .sint8(Int8($0)) }
        case .sint16: return signed(arena.text, start, end, Int64(Int16.min), Int64(Int16.max)).map { .sint16(Int16($0)) }
        case .sint32: return signed(arena.text, start, end, Int64(Int32.min), Int64(Int32.max)).map { .sint32(Int32($0)) }
        case .sint64: return signed(arena.text, start, end, Int64.min, Int64.max).map { .sint64($0) }
        case .boolean:
            switch arena.trimmedText(index) {
            case "true", "1", "TRUE", "True": return .boolean(true)
            case "false", "0", "FALSE", "False": return .boolean(false)
            default: return nil
            }
        case .string: return .string(arena.text(index))
        case .reference, .instance: return nil
        case .real32, .real64, .char16, .datetime:
            return try? CimValue.parse(lexical: arena.trimmedText(index), as: scalar)
        }
    }

    private static func unsigned(_ bytes: [UInt8], _ start: Int, _ end: Int, max: UInt64) -> UInt64? {
        var i = start
        if i < end, bytes[i] == UInt8(ascii: "+") { i += 1 }
        return digits(bytes, i, end, max: max)
    }

    private static func digits(_ bytes: [UInt8], _ start: Int, _ end: Int, max: UInt64) -> UInt64? {
        var i = start
        guard i < end, end - i <= 20 else { return nil }
        var value: UInt64 = 0
        while i < end {
            let digit = bytes[i] &- 48
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        return value <= max ? value : nil
    }

    private static func signed(_ bytes: [UInt8], _ start: Int, _ end: Int, _ min: Int64, _ max: Int64) -> Int64? {
        var i = start
        var negative = false
        if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard let magnitude = digits(bytes, i, end, max: UInt64(Int64.max) + 1) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            let value = magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            return value >= min ? value : nil
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        let value = Int64(magnitude)
        return value <= max ? value : nil
    }
}
