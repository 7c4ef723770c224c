/// Reads the properties of a `CimInstance` for a generated record's `init(_:)`.
struct CimRecordReader {
    let instance: CimInstance

    init(_ instance: CimInstance) { self.instance = instance }

    /// The value of a scalar property: nil when absent or null.
    /// - Throws: `CimRecordError` when the value is of another type than `type`.
    func value<T>(_ name: String, _ type: CimType, _ convert: (CimValue) -> T?) throws(CimRecordError) -> T? {
        guard let value = instance[name], !value.isNull else { return nil }
        guard let converted = convert(value) else { throw mismatch(name, type, value) }
        return converted
    }

    /// The value of an array property: nil when absent or null, a one-element array for a scalar.
    /// - Throws: `CimRecordError` when an element is of another type than `type`'s elements.
    func values<T>(_ name: String, _ type: CimType, _ convert: (CimValue) -> T?) throws(CimRecordError) -> [T]? {
        guard let value = instance[name], !value.isNull else { return nil }
        let elements: [CimValue]
        if case .array(let items) = value { elements = items } else { elements = [value] }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard let converted = convert(element) else { throw mismatch(name, type, value) }
            result.append(converted)
        }
        return result
    }

    private func mismatch(_ name: String, _ type: CimType, _ value: CimValue) -> CimRecordError {
        CimRecordError(host: instance.host, className: instance.className, property: name, expected: type,
                       actual: value.kindAndText)
    }
}

/// Builds the `CimInstance` of a generated record's `cimInstance(host:)`.
struct CimRecordWriter {
    private(set) var instance: CimInstance

    init(_ schema: CimClassSchema, host: String?) {
        instance = CimInstance(className: schema.className, namespace: schema.namespace, host: host,
                               keyNames: schema.keys)
    }

    /// Appends a property; nil is written as `.null`.
    mutating func set(_ name: String, _ value: CimValue?) {
        instance.set(name, value ?? .null)
    }
}

/// Conversions from `CimValue` to the Swift types of record properties. Each accepts the exact
/// case, an integer of another width whose value fits exactly, and text the parser left untyped
/// (`.string`) when it reads as the declared type; anything else is nil, which the reader reports.
enum CimRecordValue {
    static func boolean(_ value: CimValue) -> Bool? {
        switch untyped(value, as: .boolean) {
        case .boolean(let v): v
        default: nil
        }
    }

    static func uint8(_ value: CimValue) -> UInt8? { integer(value, .uint8) }
    static func sint8(_ value: CimValue) -> Int8? { integer(value, .sint8) }
    static func uint16(_ value: CimValue) -> UInt16? { integer(value, .uint16) }
    static func sint16(_ value: CimValue) -> Int16? { integer(value, .sint16) }
    static func uint32(_ value: CimValue) -> UInt32? { integer(value, .uint32) }
    static func sint32(_ value: CimValue) -> Int32? { integer(value, .sint32) }
    static func uint64(_ value: CimValue) -> UInt64? { integer(value, .uint64) }
    static func sint64(_ value: CimValue) -> Int64? { integer(value, .sint64) }

    static func real32(_ value: CimValue) -> Float? {
        switch untyped(value, as: .real32) {
        case .real32(let v): v
        case .real64(let v): v.isNaN ? .nan : Float(exactly: v)
        default: nil
        }
    }

    static func real64(_ value: CimValue) -> Double? {
        switch untyped(value, as: .real64) {
        case .real64(let v): v
        case .real32(let v): Double(v)
        default: nil
        }
    }

    static func char16(_ value: CimValue) -> UInt16? {
        switch untyped(value, as: .char16) {
        case .char16(let v): v
        default: nil
        }
    }

    static func string(_ value: CimValue) -> String? { value.stringValue }

    static func datetime(_ value: CimValue) -> CimDateTimeValue? {
        switch untyped(value, as: .datetime) {
        case .datetime(let v): .timestamp(v)
        case .interval(let v): .interval(v)
        default: nil
        }
    }

    static func reference(_ value: CimValue) -> CimReference? {
        if case .reference(let v) = value { return v }
        return nil
    }

    private static func integer<T: FixedWidthInteger>(_ value: CimValue, _ scalar: CimType.Scalar) -> T? {
        switch untyped(value, as: scalar) {
        case .uint64(let v): T(exactly: v)
        case let typed: typed.integerValue.flatMap { T(exactly: $0) }
        }
    }

    /// A `.string` read as `scalar` when it parses as one; any other value unchanged.
    private static func untyped(_ value: CimValue, as scalar: CimType.Scalar) -> CimValue {
        guard case .string(let text) = value, let parsed = try? CimValue.parse(lexical: text, as: scalar) else {
            return value
        }
        return parsed
    }
}

extension CimValue {
    /// The value's kind and text for error messages: `string "12abc"`, `uint16 7`, `array of 3 string`.
    var kindAndText: String {
        switch self {
        case .null: return "null"
        case .string(let text):
            let cut = text.count > 80 ? String(text.prefix(80)) + "…" : text
            return "string \"\(cut)\""
        case .array(let elements):
            return "array of \(elements.count)" + (elements.first?.scalarType.map { " \($0.rawValue)" } ?? "")
        case .reference(let reference): return "reference \(reference)"
        case .instance(let instance): return "embedded instance of \(instance.className)"
        case .interval(let interval): return "interval \(interval.xsDuration)"
        default: return "\(scalarType?.rawValue ?? "value") \(lexicalForm ?? "")"
        }
    }
}
