import CIMModel

/// Limits that keep a hostile or broken response from using unbounded memory or time.
public struct WSManParserLimits: Sendable, Hashable {
    /// Largest body accepted, in bytes. Responses are bounded by the request's MaxEnvelopeSize
    /// (150–512 KB in practice), so 64 MiB leaves ample room.
    public var maxBytes = 64 << 20
    /// Deepest element nesting accepted (a WMI item with an embedded instance is about 10 deep).
    public var maxDepth = 64
    /// Largest single text node, in bytes.
    public var maxTextBytes = 8 << 20
    /// Most attributes on one element.
    public var maxAttributes = 64

    public init() {}
}

/// What the parser needs to know about the request a response answers.
public struct WSManResponseContext: Sendable {
    /// The response kind expected (a fault is always accepted).
    public var expecting: WSManResponseKind
    /// The request's MessageID; a response whose `a:RelatesTo` differs is refused.
    public var relatesTo: String?
    /// Schemas used to type values.
    public var schemas: CimSchemaRegistry
    /// The host, recorded on every instance.
    public var host: String?
    /// The class asked for: the class of `w:XmlFragment` items (which do not name it), and the
    /// schema used for derived classes that have none of their own.
    public var defaultClassName: String?
    /// The CIM namespace asked for: the namespace of items whose element namespace is not a WMI
    /// class URI (DMTF-form and OMI items, XmlFragment).
    public var defaultNamespace: String?
    /// How enumeration items are handed over.
    public var itemForm: EnumerationItemForm

    public init(expecting: WSManResponseKind, relatesTo: String? = nil, schemas: CimSchemaRegistry = .builtin,
                host: String? = nil, defaultClassName: String? = nil, defaultNamespace: String? = nil,
                itemForm: EnumerationItemForm = .instance) {
        self.itemForm = itemForm
        self.expecting = expecting
        self.relatesTo = relatesTo
        self.schemas = schemas
        self.host = host
        self.defaultClassName = defaultClassName
        self.defaultNamespace = defaultNamespace
    }
}

/// A streaming parser for one WS-Management response body, fed bytes as they arrive.
///
/// Built on `XMLReader`, which reads UTF-8 XML 1.0 with namespaces as the bytes arrive. Each
/// enumeration item goes to `onItem` as soon as its element closes, so memory is bounded by one
/// item, not by the response. Any DOCTYPE is refused, so entities are never declared, expanded or
/// fetched; size, depth, text and attribute limits apply. Namespace URIs are matched, never
/// prefixes: Windows picks prefixes per class, and OMI uses `SOAP-ENV`/`wsa`/`wsen`/`wsman`.
///
/// ```swift
/// let parser = WSManResponseParser(WSManResponseContext(expecting: .pull, relatesTo: request.messageID)) { item in
///     consume(item.instance)
/// }
/// try parser.feed(chunk)          // as often as bytes arrive
/// let response = try parser.finish()
/// ```
/// One parser serves one response; it is not thread-safe and not `Sendable`.
public final class WSManResponseParser {
    private let core: ParserCore
    private let host: String?

    /// - Parameters:
    ///   - context: the request this response answers, the schemas and the host.
    ///   - limits: size, depth, text and attribute limits.
    ///   - onItem: called for each enumeration item, in document order, as soon as it is complete,
    ///     from inside `feed`/`finish`; it must not call back into this parser.
    public init(_ context: WSManResponseContext, limits: WSManParserLimits = .init(),
                onItem: @escaping (EnumerationItem) -> Void = { _ in }) {
        core = ParserCore(context: context, limits: limits, onItem: onItem)
        host = context.host
    }

    /// Parses the next bytes of the body.
    /// - Throws: `WSManParseError` for malformed or hostile input, a limit exceeded, a crossed
    ///   response or unexpected content; once thrown, every later call throws the same error.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws(WSManParseError) {
        do { try core.feed(bytes) } catch { throw located(error) }
    }

    /// Parses the next bytes of the body.
    public func feed(_ bytes: [UInt8]) throws(WSManParseError) {
        let result: Result<Void, WSManParseError> = bytes.withUnsafeBytes { buffer in
            do throws(WSManParseError) { try core.feed(buffer); return .success(()) } catch {
                return .failure(located(error))
            }
        }
        try result.get()
    }

    /// Ends the body and returns what it said.
    /// - Throws: `WSManParseError` when the body was empty or truncated, or anything `feed` throws.
    public func finish() throws(WSManParseError) -> WSManResponse {
        do { return try core.finish() } catch { throw located(error) }
    }

    private func located(_ error: WSManParseError) -> WSManParseError {
        var error = error
        error.host = host
        return error
    }

    /// Parses a whole body at once, collecting the items: for tests and small responses.
    public static func parse(_ bytes: [UInt8], _ context: WSManResponseContext, limits: WSManParserLimits = .init())
        throws(WSManParseError) -> (response: WSManResponse, items: [EnumerationItem]) {
        var items: [EnumerationItem] = []
        let parser = WSManResponseParser(context, limits: limits) { items.append($0) }
        try parser.feed(bytes)
        let response = try parser.finish()
        return (response, items)
    }
}

@available(*, unavailable, message: "a parser belongs to one transfer")
extension WSManResponseParser: Sendable {}
