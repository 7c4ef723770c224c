/// Builds request envelopes for Identify, Get, Enumerate, Pull and Release.
///
/// The envelopes have the header set Windows expects (wsman.md §1.2, checked against the [MS-WSMV]
/// 4.1.1 Get and 4.1.2 Enumerate/Pull examples and pypsrp's recorded requests): `a:To`,
/// `w:ResourceURI` and `a:ReplyTo/a:Address` and `a:Action` and `w:MaxEnvelopeSize` with
/// `s:mustUnderstand="true"`, `a:MessageID`, `w:Locale` and `p:DataLocale` with
/// `s:mustUnderstand="false"`, `w:OperationTimeout`, and optionally `p:SessionId`, `w:OptionSet`,
/// `w:SelectorSet`. Every text and attribute value is XML-escaped.
///
/// ```swift
/// let builder = WSManRequestBuilder(options: WSManRequestOptions(to: "http://srv01:5985/wsman"))
/// let request = builder.enumerate(.wmiQuery(namespace: "root/cimv2"),
///                                 filter: .wql("SELECT * FROM Win32_Process"), maxElements: 100)
/// ```
public struct WSManRequestBuilder: Sendable {
    /// The header settings.
    public var options: WSManRequestOptions
    /// Where MessageIDs come from.
    public var messageIDs: MessageIDSource

    public init(options: WSManRequestOptions, messageIDs: MessageIDSource = .random) {
        self.options = options
        self.messageIDs = messageIDs
    }

    /// Identify (wsman.md §4.3): no Action, no ResourceURI; body `wsmid:Identify`.
    /// Send it with the HTTP header `WSMANIDENTIFY: unauthenticated` to run it without credentials.
    public func identify() -> WSManRequest {
        var xml = XMLBytes(capacity: 300)
        xml.raw("<s:Envelope xmlns:s=\"\(WSManNamespace.soap)\" xmlns:wsmid=\"\(WSManNamespace.identity)\">")
        xml.raw("<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>")
        return WSManRequest(action: nil, messageID: "", resourceURI: nil, expectedResponse: .identify,
                            body: xml.bytes)
    }

    /// Transfer Get of one instance, named by all its key selectors; the body is empty.
    public func get(_ resource: ResourceURI, selectors: SelectorSet) -> WSManRequest {
        render(.get, resource, selectors: selectors) { xml in xml.raw("<s:Body/>") }
    }

    /// Enumerate, optionally optimized (the first batch in the response, [MS-WSMV] 3.1.4.1.16).
    ///
    /// - Parameters:
    ///   - filter: a WQL, selector or association filter; nil enumerates the class.
    ///   - mode: instances, instances with their EPRs, or EPRs only.
    ///   - maxElements: sends `w:OptimizeEnumeration` + `w:MaxElements`; nil sends neither, so the
    ///     response holds only a context. Servers return *up to* this many items.
    public func enumerate(_ resource: ResourceURI, filter: WSManFilter? = nil, mode: EnumerationMode = .objects,
                          maxElements: Int? = nil) -> WSManRequest {
        render(.enumerate, resource, selectors: SelectorSet()) { xml in
            xml.raw("<s:Body><n:Enumerate>")
            if let maxElements {
                xml.raw("<w:OptimizeEnumeration/>")
                xml.element("w:MaxElements", text: String(max(1, maxElements)))
            }
            if mode != .objects { xml.element("w:EnumerationMode", text: mode.rawValue) }
            filter?.write(to: &xml)
            xml.raw("</n:Enumerate></s:Body>")
        }
    }

    /// Pull the next batch. MaxElements is `n:` (WS-Enumeration) here, unlike Enumerate's `w:`.
    public func pull(_ resource: ResourceURI, context: String, maxElements: Int) -> WSManRequest {
        render(.pull, resource, selectors: SelectorSet()) { xml in
            xml.raw("<s:Body><n:Pull>")
            xml.element("n:EnumerationContext", text: context)
            xml.element("n:MaxElements", text: String(max(1, maxElements)))
            xml.raw("</n:Pull></s:Body>")
        }
    }

    /// Release an enumeration abandoned before EndOfSequence.
    public func release(_ resource: ResourceURI, context: String) -> WSManRequest {
        render(.release, resource, selectors: SelectorSet()) { xml in
            xml.raw("<s:Body><n:Release>")
            xml.element("n:EnumerationContext", text: context)
            xml.raw("</n:Release></s:Body>")
        }
    }

    private func render(_ action: WSManAction, _ resource: ResourceURI, selectors: SelectorSet,
                        body: (inout XMLBytes) -> Void) -> WSManRequest {
        let messageID = messageIDs.next()
        var set = selectors
        if let ns = resource.cimNamespace, resource.requiresNamespaceSelector || options.sendsNamespaceSelector {
            set = set.addingNamespace(ns)
        }
        var xml = XMLBytes()
        xml.raw("<s:Envelope xmlns:s=\"\(WSManNamespace.soap)\" xmlns:a=\"\(WSManNamespace.addressing)\"")
        xml.raw(" xmlns:n=\"\(WSManNamespace.enumeration)\" xmlns:w=\"\(WSManNamespace.wsman)\"")
        xml.raw(" xmlns:p=\"\(WSManNamespace.microsoftWSMan)\" xmlns:b=\"\(WSManNamespace.cimBinding)\"><s:Header>")
        xml.element("a:To", text: options.to)
        xml.element("w:ResourceURI", " s:mustUnderstand=\"true\"", text: resource.uri)
        xml.raw("<a:ReplyTo><a:Address s:mustUnderstand=\"true\">\(WSManNamespace.anonymousAddress)</a:Address></a:ReplyTo>")
        xml.element("a:Action", " s:mustUnderstand=\"true\"", text: action.rawValue)
        xml.element("w:MaxEnvelopeSize", " s:mustUnderstand=\"true\"", text: String(options.maxEnvelopeSize))
        xml.element("a:MessageID", text: messageID)
        xml.raw("<w:Locale xml:lang=\"")
        xml.attribute(options.locale)
        xml.raw("\" s:mustUnderstand=\"false\"/><p:DataLocale xml:lang=\"")
        xml.attribute(options.dataLocale ?? options.locale)
        xml.raw("\" s:mustUnderstand=\"false\"/>")
        if let sessionID = options.sessionID {
            xml.element("p:SessionId", " s:mustUnderstand=\"false\"", text: sessionID)
        }
        xml.element("w:OperationTimeout", text: Self.xsDuration(options.operationTimeout))
        if !options.options.isEmpty {
            xml.raw("<w:OptionSet s:mustUnderstand=\"true\">")
            for option in options.options {
                xml.raw("<w:Option Name=\"")
                xml.attribute(option.name)
                xml.raw("\"")
                if let type = option.type {
                    xml.raw(" Type=\"")
                    xml.attribute(type)
                    xml.raw("\"")
                }
                xml.raw(">")
                xml.text(option.value)
                xml.raw("</w:Option>")
            }
            xml.raw("</w:OptionSet>")
        }
        if !set.isEmpty { set.write(to: &xml) }
        xml.raw("</s:Header>")
        body(&xml)
        xml.raw("</s:Envelope>")
        return WSManRequest(action: action, messageID: messageID, resourceURI: resource.uri,
                            expectedResponse: action.responseKind, body: xml.bytes)
    }

    /// `PT60.000S`: seconds with milliseconds, as the [MS-WSMV] 4.1 examples write OperationTimeout.
    static func xsDuration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let millis = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        let fraction = String(millis % 1000)
        return "PT\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction + "S"
    }
}
