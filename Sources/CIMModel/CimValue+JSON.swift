import Foundation

// The JSON form of CIM values and instances, used for CLI output, the store's content addressing
// and diff. Written by hand rather than with JSONEncoder: it runs once per property of every instance
// of a sweep, and uint64 must never pass through Double (RFC 8259 §6 allows any digits; we keep them).
//
// Values:   uint*/sint* → number with every digit; real32/real64 → number (shortest round-trip text),
//           NaN/±∞ → "NaN" / "INF" / "-INF"; boolean → true/false; string → string; char16 → a
//           one-character string; datetime → CimDateTime.iso8601; interval → CimInterval.xsDuration;
//           null → null; arrays → arrays ([] is not null); reference →
//           {"resourceURI":…,"selectors":{name:value}} (plus "address" when not the anonymous role);
//           embedded instance → {"class":…,"namespace":…,"properties":{…}}.
// Instance: {"host":…,"namespace":…,"class":…,"properties":{CIM name: value}} in wire order.
// Canonical style: the same values, every object's keys sorted by their UTF-8 bytes, no whitespace.

/// The layout of CIM JSON: properties and selectors in wire order, or sorted for hashing.
public enum CimJSONStyle: Sendable, Hashable {
    /// Keys in the order the host sent them; what users see.
    case wire
    /// Every object's keys sorted by UTF-8 bytes: equal values give equal bytes (content addressing).
    case canonical
}

/// Writes CIM values and instances as compact JSON (UTF-8 bytes).
///
/// ```swift
/// var writer = CimJSONWriter(style: .wire)
/// writer.write(instance)
/// print(writer.text)   // {"host":"srv1","namespace":"root/cimv2","class":"Win32_BIOS","properties":{…}}
/// ```
public struct CimJSONWriter: Sendable, Hashable {
    /// The JSON written so far.
    public private(set) var bytes: [UInt8] = []
    public let style: CimJSONStyle

    public init(style: CimJSONStyle, reservingCapacity capacity: Int = 1024) {
        self.style = style
        bytes.reserveCapacity(capacity)
    }

    /// The JSON written so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends one byte of JSON the caller has formed itself (punctuation); it is not checked.
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends JSON text the caller has formed itself (punctuation, numbers, literals); it is not checked.
    public mutating func append(rawJSON text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends a JSON literal the caller has formed itself (`null`, `true`); it is not checked.
    public mutating func append(literal text: StaticString) { ascii(text) }

    /// Appends JSON bytes the caller has formed itself (a member key written earlier); not checked.
    public mutating func append(rawJSON json: [UInt8]) { bytes.append(contentsOf: json) }

    /// Appends JSON bytes the caller has formed itself, from memory it owns; not checked.
    public mutating func append(rawJSON json: UnsafeRawBufferPointer) { bytes.append(contentsOf: json) }

    /// Forgets what was written, keeping the buffer's capacity.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Writes a whole instance: host (or null), namespace, class and properties.
    public mutating func write(_ instance: CimInstance) {
        switch style {
        case .wire:
            byte("{"); key("host"); instance.host.map { write(string: $0) } ?? ascii("null")
            byte(","); key("namespace"); write(string: instance.namespace)
            byte(","); key("class"); write(string: instance.className)
        case .canonical:
            byte("{"); key("class"); write(string: instance.className)
            byte(","); key("host"); instance.host.map { write(string: $0) } ?? ascii("null")
            byte(","); key("namespace"); write(string: instance.namespace)
        }
        byte(","); key("properties"); write(properties: instance.properties)
        byte("}")
    }

    /// Writes properties as one JSON object (`{"Name":"x","ProcessId":4}`).
    public mutating func write(properties: [CimProperty]) {
        byte("{")
        let ordered = style == .canonical ? properties.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
                                          : properties
        for (index, property) in ordered.enumerated() {
            if index > 0 { byte(",") }
            key(property.name)
            write(property.value)
        }
        byte("}")
    }

    /// Writes one object member, `"name":value`, without separators: for callers that assemble
    /// objects from members they reorder themselves (the store hashes sorted members, keeps wire order).
    /// - Returns: the offset in `bytes` where the value begins.
    @discardableResult
    public mutating func write(member name: String, value: CimValue) -> Int {
        key(name)
        let valueStart = bytes.count
        write(value)
        return valueStart
    }

    /// Writes one value.
    public mutating func write(_ value: CimValue) {
        switch value {
        case .null: ascii("null")
        case .boolean(let v): ascii(v ? "true" : "false")
        case .uint8(let v): write(unsigned: UInt64(v))
        case .uint16(let v): write(unsigned: UInt64(v))
        case .uint32(let v): write(unsigned: UInt64(v))
        case .uint64(let v): write(unsigned: v)
        case .sint8(let v): write(signed: Int64(v))
        case .sint16(let v): write(signed: Int64(v))
        case .sint32(let v): write(signed: Int64(v))
        case .sint64(let v): write(signed: v)
        case .real32(let v): write(real: v.isFinite ? v.description : nil, isNaN: v.isNaN, isNegative: v < 0)
        case .real64(let v): write(real: v.isFinite ? v.description : nil, isNaN: v.isNaN, isNegative: v < 0)
        case .char16(let unit): write(utf16Unit: unit)
        case .string(let v): write(string: v)
        case .datetime(let v): write(datetime: v)
        case .interval(let v): write(string: v.xsDuration)
        case .reference(let reference): write(reference)
        case .instance(let embedded):
            byte("{"); key("class"); write(string: embedded.className)
            byte(","); key("namespace"); write(string: embedded.namespace)
            byte(","); key("properties"); write(properties: embedded.properties)
            byte("}")
        case .array(let elements):
            byte("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { byte(",") }
                write(element)
            }
            byte("]")
        }
    }

    /// Writes `"name":` (an object member's key).
    public mutating func write(key name: String) { key(name) }

    /// Writes UTF-8 text as a JSON string, escaped as `write(string:)` escapes it.
    public mutating func write(utf8String text: UnsafeBufferPointer<UInt8>) {
        byte("\"")
        appendEscaped(text)
        byte("\"")
    }

    /// Writes a JSON string, escaping quotes, backslashes and every control character (RFC 8259 §7).
    public mutating func write(string: String) {
        byte("\"")
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaped($0) }) == nil {
            var contiguous = string
            contiguous.makeContiguousUTF8()
            _ = contiguous.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
        }
        byte("\"")
    }

    private mutating func appendEscaped(_ source: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in 0..<source.count {
            let b = source[index]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index])) }
            runStart = index + 1
            switch b {
            case 0x22: ascii("\\\"")
            case 0x5C: ascii("\\\\")
            case 0x0A: ascii("\\n")
            case 0x0D: ascii("\\r")
            case 0x09: ascii("\\t")
            case 0x08: ascii("\\b")
            case 0x0C: ascii("\\f")
            default: escapeUnit(UInt16(b))
            }
        }
        if runStart < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...])) }
    }

    private mutating func write(_ reference: CimReference) {
        byte("{")
        if reference.address != CimReference.anonymousAddress {
            key("address"); write(string: reference.address); byte(",")
        }
        key("resourceURI"); write(string: reference.resourceURI)
        byte(","); key("selectors"); byte("{")
        let selectors = style == .canonical
            ? reference.selectors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) } : reference.selectors
        for (index, selector) in selectors.enumerated() {
            if index > 0 { byte(",") }
            key(selector.name)
            write(string: selector.value)
        }
        byte("}"); byte("}")
    }

    /// A char16 is one UTF-16 code unit; a lone surrogate cannot be UTF-8, so it is written as `\uXXXX`.
    private mutating func write(utf16Unit unit: UInt16) {
        if (0xD800...0xDFFF).contains(unit) {
            byte("\""); escapeUnit(unit); byte("\"")
        } else {
            write(string: String(decoding: [unit], as: UTF16.self))
        }
    }

    /// `CimDateTime.iso8601`, written without Foundation formatting: it is on the hot path of recording.
    private mutating func write(datetime: CimDateTime) {
        let local = datetime.microsecondsSinceEpoch + Int64(datetime.utcOffsetMinutes) * 60_000_000
        let (days, microsOfDay) = local.floorDivided(by: 86_400_000_000)
        let (year, month, day) = CivilDate.fromDays(days)
        guard (0...9999).contains(year) else { write(string: datetime.iso8601); return }
        let seconds = Int(microsOfDay / 1_000_000), micros = Int(microsOfDay % 1_000_000)
        byte("\"")
        writeDigits(year, 4); byte("-"); writeDigits(month, 2); byte("-"); writeDigits(day, 2); byte("T")
        writeDigits(seconds / 3600, 2); byte(":"); writeDigits(seconds / 60 % 60, 2); byte(":"); writeDigits(seconds % 60, 2)
        if micros != 0 {
            byte(".")
            var fraction = micros, width = 6
            while fraction % 10 == 0 { fraction /= 10; width -= 1 }
            writeDigits(fraction, width)
        }
        let offset = datetime.utcOffsetMinutes
        if offset == 0 {
            byte("Z")
        } else {
            byte(offset < 0 ? "-" : "+"); writeDigits(abs(offset) / 60, 2); byte(":"); writeDigits(abs(offset) % 60, 2)
        }
        byte("\"")
    }

    /// Writes `value` as exactly `width` decimal digits, zero-padded.
    private mutating func writeDigits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(0x30 + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    private mutating func write(real text: String?, isNaN: Bool, isNegative: Bool) {
        if let text { ascii(text) } else { ascii(isNaN ? "\"NaN\"" : isNegative ? "\"-INF\"" : "\"INF\"") }
    }

    private mutating func write(unsigned value: UInt64) {
        if value < 10 { bytes.append(0x30 + UInt8(value)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { scratch in
            var rest = value, start = 20
            while rest > 0 {
                start -= 1
                scratch[start] = 0x30 + UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[start...]))
        }
    }

    private mutating func write(signed value: Int64) {
        if value < 0 { byte("-"); write(unsigned: value.magnitude) } else { write(unsigned: UInt64(value)) }
    }

    private mutating func key(_ name: String) {
        write(string: name)
        byte(":")
    }

    private mutating func escapeUnit(_ unit: UInt16) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        ascii("\\u")
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(hex[Int((unit >> UInt16(shift)) & 0xF)]) }
    }

    private mutating func byte(_ character: Unicode.Scalar) { bytes.append(UInt8(character.value)) }
    private mutating func ascii(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }
    private mutating func ascii(_ text: String) { bytes.append(contentsOf: text.utf8) }
}

extension CimValue {
    /// The value as compact JSON text (see `CimJSONWriter`).
    public func jsonText(style: CimJSONStyle = .wire) -> String {
        var writer = CimJSONWriter(style: style, reservingCapacity: 64)
        writer.write(self)
        return writer.text
    }
}

extension CimInstance {
    /// The instance as compact JSON text: `{"host","namespace","class","properties"}`.
    public func jsonText(style: CimJSONStyle = .wire) -> String {
        var writer = CimJSONWriter(style: style)
        writer.write(self)
        return writer.text
    }
}

// MARK: - Reading

/// JSON that cannot be read back as CIM values, with the byte offset of the problem.
public struct CimJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset into the JSON text.
    public let offset: Int
    public let problem: String

    public var description: String { "invalid CIM JSON at byte \(offset): \(problem)" }
}

extension CimValue {
    /// Reads a value written by `CimJSONWriter`, typed by `type` (nil: unknown, see `CimJSONReader`).
    /// - Throws: `CimJSONError` for text that is not JSON.
    public init(json: String, as type: CimType?, schemas: CimSchemaRegistry = CimSchemaRegistry()) throws(CimJSONError) {
        var reader = CimJSONReader(Array(json.utf8))
        let node = try reader.readDocument()
        self = CimJSONReader.value(node, as: type, schemas: schemas)
    }
}

extension CimInstance {
    /// Reads an instance written by `CimJSONWriter` (`{"host","namespace","class","properties"}`),
    /// typing each property by the class schema in `schemas` (see `CimJSONReader` for unknown ones).
    /// - Throws: `CimJSONError` for text that is not JSON or not of that shape.
    public init(json: String, schemas: CimSchemaRegistry) throws(CimJSONError) {
        var reader = CimJSONReader(Array(json.utf8))
        guard case .object(let members) = try reader.readDocument(),
              case .string(let className)? = members.first(where: { $0.0 == "class" })?.1,
              case .string(let namespace)? = members.first(where: { $0.0 == "namespace" })?.1,
              let properties = members.first(where: { $0.0 == "properties" })?.1
        else { throw CimJSONError(offset: 0, problem: "expected {\"host\",\"namespace\",\"class\",\"properties\"}") }
        var host: String?
        if case .string(let text)? = members.first(where: { $0.0 == "host" })?.1 { host = text }
        let schema = schemas.schema(namespace: namespace, className: className)
        self.init(className: className, namespace: namespace, host: host,
                  properties: try CimJSONReader.properties(properties, schema: schema, schemas: schemas),
                  keyNames: schema?.keys ?? [])
    }

    /// Reads a properties object (`{"Name":"x","ProcessId":4}`) typed by `schema`.
    /// - Throws: `CimJSONError` for text that is not a JSON object.
    public static func properties(json: some Collection<UInt8>, schema: CimClassSchema?,
                                  schemas: CimSchemaRegistry = CimSchemaRegistry()) throws(CimJSONError) -> [CimProperty] {
        var reader = CimJSONReader(Array(json))
        return try CimJSONReader.properties(try reader.readDocument(), schema: schema, schemas: schemas)
    }
}

/// A small JSON reader that keeps number text exact, and types values by CIM schema.
///
/// Values of a known type read back exactly as written. Without a type (a class or property with no
/// schema) the JSON decides: `true`/`false` → boolean; an integer → sint64, or uint64 above
/// Int64.max, or real64 beyond both; any other number → real64; a string → string (never guessed to
/// be a datetime); an array → an array of such values; `{"resourceURI",…}` → reference;
/// `{"class","namespace","properties"}` → embedded instance.
public struct CimJSONReader {
    /// A parsed JSON value; numbers keep their text so uint64 stays exact.
    public indirect enum Node: Sendable {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        /// A string that was exactly one lone UTF-16 surrogate (`"\ud800"`): a char16 only.
        case loneSurrogate(UInt16)
        case array([Node])
        case object([(String, Node)])
    }

    private let bytes: [UInt8]
    private var index = 0
    private static let maximumDepth = 256

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads one JSON value that must be the whole text.
    /// - Throws: `CimJSONError` for malformed JSON, trailing text or nesting deeper than 256.
    public mutating func readDocument() throws(CimJSONError) -> Node {
        let node = try read(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the value") }
        return node
    }

    private func fail(_ problem: String) -> CimJSONError { CimJSONError(offset: index, problem: problem) }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func read(depth: Int) throws(CimJSONError) -> Node {
        guard depth < Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth)") }
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end of text") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, Node)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                guard case .string(let name) = try readString() else { throw fail("a key cannot be a lone surrogate") }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                index += 1
                members.append((name, try read(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw fail("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                index += 1
                return .object(members)
            }
        case UInt8(ascii: "["):
            index += 1
            var elements: [Node] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            while true {
                elements.append(try read(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw fail("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                index += 1
                return .array(elements)
            }
        case UInt8(ascii: "\""): return try readString()
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try readNumber()
        }
    }

    private mutating func literal(_ word: String, _ node: Node) throws(CimJSONError) -> Node {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected
        else { throw fail("expected '\(word)'") }
        index += expected.count
        return node
    }

    private mutating func readNumber() throws(CimJSONError) -> Node {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let leading = index
        guard digits() > 0 else { throw fail("expected a value") }
        guard bytes[leading] != 0x30 || index - leading == 1 else { throw fail("a number has a leading zero") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw fail("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw fail("expected exponent digits") }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func readString() throws(CimJSONError) -> Node {
        index += 1
        var units: [UInt16] = []
        var text: [UInt8] = []
        var sawEscapedUnits = false
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            guard b >= 0x20 else { throw fail("control character in a string") }
            if b != UInt8(ascii: "\\") {
                if !units.isEmpty { flush(&units, into: &text) }
                text.append(b); index += 1; continue
            }
            guard index + 1 < bytes.count else { throw fail("unterminated escape") }
            let escaped = bytes[index + 1]
            index += 2
            if escaped == UInt8(ascii: "u") {
                guard index + 4 <= bytes.count, let unit = UInt16(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
                else { throw fail("expected four hex digits after \\u") }
                index += 4
                units.append(unit)
                sawEscapedUnits = true
                continue
            }
            if !units.isEmpty { flush(&units, into: &text) }
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            default: throw fail("unknown escape '\\\(Character(Unicode.Scalar(escaped)))'")
            }
        }
        if sawEscapedUnits, text.isEmpty, units.count == 1, (0xD800...0xDFFF).contains(units[0]) {
            return .loneSurrogate(units[0])
        }
        if !units.isEmpty { flush(&units, into: &text) }
        return .string(String(decoding: text, as: UTF8.self))
    }

    /// Appends escaped UTF-16 units as UTF-8; an unpaired surrogate becomes U+FFFD.
    private func flush(_ units: inout [UInt16], into text: inout [UInt8]) {
        text.append(contentsOf: String(decoding: units, as: UTF16.self).utf8)
        units.removeAll(keepingCapacity: true)
    }

    // MARK: Typing

    /// Types a properties object by a class schema.
    /// - Throws: `CimJSONError` when the node is not an object.
    public static func properties(_ node: Node, schema: CimClassSchema?,
                                  schemas: CimSchemaRegistry) throws(CimJSONError) -> [CimProperty] {
        guard case .object(let members) = node else { throw CimJSONError(offset: 0, problem: "properties must be an object") }
        return members.map { name, value in
            CimProperty(name: name, value: Self.value(value, as: schema?.property(named: name)?.type, schemas: schemas))
        }
    }

    /// Types one node: exactly, when `type` is given and the node fits it; by the JSON otherwise.
    public static func value(_ node: Node, as type: CimType?, schemas: CimSchemaRegistry) -> CimValue {
        guard let type else { return untyped(node, schemas: schemas) }
        switch node {
        case .null: return .null
        case .array(let elements) where type.isArray:
            return .array(elements.map { value($0, as: CimType(type.scalar), schemas: schemas) })
        default:
            return type.isArray ? untyped(node, schemas: schemas) : (scalar(node, type.scalar, schemas) ?? untyped(node, schemas: schemas))
        }
    }

    private static func scalar(_ node: Node, _ scalar: CimType.Scalar, _ schemas: CimSchemaRegistry) -> CimValue? {
        switch (scalar, node) {
        case (.boolean, .bool(let v)): return .boolean(v)
        case (.uint8, .number(let t)): return UInt8(t).map(CimValue.uint8)
        case (.sint8, .number(let t)): return Int8(t).map(CimValue.sint8)
        case (.uint16, .number(let t)): return UInt16(t).map(CimValue.uint16)
        case (.sint16, .number(let t)): return Int16(t).map(CimValue.sint16)
        case (.uint32, .number(let t)): return UInt32(t).map(CimValue.uint32)
        case (.sint32, .number(let t)): return Int32(t).map(CimValue.sint32)
        case (.uint64, .number(let t)): return UInt64(t).map(CimValue.uint64)
        case (.sint64, .number(let t)): return Int64(t).map(CimValue.sint64)
        case (.real32, .number(let t)): return Float(t).map(CimValue.real32)
        case (.real64, .number(let t)): return Double(t).map(CimValue.real64)
        case (.real32, .string(let t)): return special(t).map { .real32(Float($0)) }
        case (.real64, .string(let t)): return special(t).map(CimValue.real64)
        case (.char16, .loneSurrogate(let unit)): return .char16(unit)
        case (.char16, .string(let t)) where t.utf16.count == 1: return .char16(t.utf16.first!)
        case (.string, .string(let t)): return .string(t)
        case (.datetime, .string(let t)):
            if let instant = CimDateTime(parsing: t) { return .datetime(instant) }
            return CimInterval(parsing: t).map(CimValue.interval)
        case (.reference, .object), (.instance, .object): return untyped(node, schemas: schemas)
        default: return nil
        }
    }

    private static func special(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "INF": .infinity
        case "-INF": -.infinity
        default: nil
        }
    }

    private static func untyped(_ node: Node, schemas: CimSchemaRegistry) -> CimValue {
        switch node {
        case .null: return .null
        case .bool(let v): return .boolean(v)
        case .number(let t):
            if let v = Int64(t) { return .sint64(v) }
            if let v = UInt64(t) { return .uint64(v) }
            return .real64(Double(t) ?? .nan)
        case .string(let t): return .string(t)
        case .loneSurrogate(let unit): return .char16(unit)
        case .array(let elements): return .array(elements.map { untyped($0, schemas: schemas) })
        case .object(let members):
            func member(_ name: String) -> Node? { members.first { $0.0 == name }?.1 }
            if case .string(let uri)? = member("resourceURI") {
                var selectors: [CimReference.Selector] = []
                if case .object(let pairs)? = member("selectors") {
                    for (name, value) in pairs {
                        if case .string(let text) = value { selectors.append(.init(name: name, value: text)) }
                    }
                }
                var address = CimReference.anonymousAddress
                if case .string(let text)? = member("address") { address = text }
                return .reference(CimReference(address: address, resourceURI: uri, selectors: selectors))
            }
            if case .string(let className)? = member("class"), case .string(let namespace)? = member("namespace"),
               let properties = member("properties") {
                let schema = schemas.schema(namespace: namespace, className: className)
                let typed = (try? Self.properties(properties, schema: schema, schemas: schemas)) ?? []
                return .instance(CimInstance(className: className, namespace: namespace, properties: typed,
                                             keyNames: schema?.keys ?? []))
            }
            // Not a shape the writer produces: keep it, as its JSON text, rather than drop it.
            return .string(describe(node))
        }
    }

    private static func describe(_ node: Node) -> String {
        switch node {
        case .null: "null"
        case .bool(let v): v ? "true" : "false"
        case .number(let t): t
        case .string(let t): CimValue.string(t).jsonText()
        case .loneSurrogate(let unit): CimValue.char16(unit).jsonText()
        case .array(let elements): "[" + elements.map(describe).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { CimValue.string($0.0).jsonText() + ":" + describe($0.1) }
            .joined(separator: ",") + "}"
        }
    }
}
