/// A typed view of one CIM class, generated from its file in `schemas/` by `swift run schemagen`.
///
/// Properties use Swift names (`processId`) and are all optional, since CIM allows null anywhere;
/// the wire names stay in `CodingKeys`, so a record's JSON uses the CIM names (`"ProcessId"`).
/// Classes without a schema have no record and stay dynamic `CimInstance`s.
///
/// ```swift
/// let process = try Win32Process(instance)        // throws CimRecordError on a wrong-typed value
/// print(process.processId ?? 0, process.name ?? "")
/// let back = process.cimInstance(host: "web01")   // every schema property, in schema order
/// ```
public protocol CimRecord: Sendable, Codable, Hashable {
    /// The schema the record was generated from (from `CimSchemaRegistry.builtin`).
    static var schema: CimClassSchema { get }

    /// Reads an instance of the class (or of a subclass, whose extra properties are ignored here;
    /// `CimClassSchema.check(_:)` reports them).
    ///
    /// A property the instance lacks, or sends as null, becomes nil. A scalar where the schema says
    /// array becomes a one-element array (Windows cannot tell them apart on the wire). Text the parser
    /// could not type (`.string`) is read as the declared type when it parses as one.
    /// - Throws: `CimRecordError` naming host, class, property, expected type and what came instead.
    init(_ instance: CimInstance) throws(CimRecordError)

    /// The record as an instance: every schema property in schema order, nil written as `.null`.
    func cimInstance(host: String?) -> CimInstance
}

/// A property value a typed record cannot hold: the instance sent something other than the
/// declared CIM type.
public struct CimRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host the instance came from, when known.
    public let host: String?
    /// The class of the instance.
    public let className: String
    /// The CIM property name.
    public let property: String
    /// The type the schema declares.
    public let expected: CimType
    /// What came instead: the value's kind and text, e.g. `string "12abc"`.
    public let actual: String

    public init(host: String?, className: String, property: String, expected: CimType, actual: String) {
        self.host = host
        self.className = className
        self.property = property
        self.expected = expected
        self.actual = actual
    }

    public var description: String {
        "\(host ?? "(unknown host)"): \(className).\(property): expected \(expected), got \(actual). "
            + "The host's provider differs from the class's file in schemas/; `cimsweep get … --check-schema` shows how"
    }
}

/// The value of a CIM `datetime` property, which DSP0004 lets be either a timestamp or an interval
/// (MSFT_NetIPAddress.ValidLifetime is an interval; Win32_Process.CreationDate is a timestamp).
///
/// Encodes as one JSON string: xs:dateTime for a timestamp, xs:duration (`P…`) for an interval.
public enum CimDateTimeValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case timestamp(CimDateTime)
    case interval(CimInterval)

    /// The timestamp, if this is one.
    public var timestamp: CimDateTime? {
        if case .timestamp(let value) = self { return value }
        return nil
    }

    /// The interval, if this is one.
    public var interval: CimInterval? {
        if case .interval(let value) = self { return value }
        return nil
    }

    /// The `CimValue` form: `.datetime` or `.interval`.
    public var cimValue: CimValue {
        switch self {
        case .timestamp(let value): .datetime(value)
        case .interval(let value): .interval(value)
        }
    }

    public var description: String {
        switch self {
        case .timestamp(let value): value.iso8601
        case .interval(let value): value.xsDuration
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if let instant = CimDateTime(parsing: text) {
            self = .timestamp(instant)
        } else if let interval = CimInterval(parsing: text) {
            self = .interval(interval)
        } else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(text)' is neither an xs:dateTime/DMTF timestamp nor an xs:duration/DMTF interval"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension CimRecord {
    /// The properties of `instance` that this record, read from it, does not give back unchanged:
    /// empty means the record holds everything the schema declares. Properties the schema lacks
    /// are not counted here; `CimClassSchema.check(_:)` reports them as `.unknownProperty`.
    ///
    /// A scalar sent for an array property counts as kept when the record holds it as a
    /// one-element array.
    public func lostProperties(from instance: CimInstance) -> [String] {
        let written = cimInstance(host: instance.host)
        return instance.properties.compactMap { property in
            guard let declared = Self.schema.property(named: property.name) else { return nil }
            var sent = property.value
            if declared.type.isArray, !sent.isNull {
                if case .array = sent {} else { sent = .array([sent]) }
            }
            return written[declared.name] == sent ? nil : property.name
        }
    }
}
