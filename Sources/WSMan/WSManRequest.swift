/// Settings every request carries in its SOAP header (wsman.md §1.2; [MS-WSMV] 4.1 examples).
public struct WSManRequestOptions: Sendable, Hashable {
    /// `a:To`: the endpoint URL, e.g. `http://srv01:5985/wsman`.
    public var to: String
    /// `w:MaxEnvelopeSize` in bytes: the largest response accepted. 153600 is within every WinRM
    /// default limit (Windows faults below 8192 and clamps above its MaxEnvelopeSizekb).
    public var maxEnvelopeSize = 153_600
    /// `w:OperationTimeout`, sent as an xs:duration with milliseconds (`PT60.000S`).
    public var operationTimeout: Duration = .seconds(60)
    /// `w:Locale xml:lang`: the language of fault text.
    public var locale = "en-US"
    /// `p:DataLocale xml:lang`: number and date formatting; nil sends `locale`.
    public var dataLocale: String? = nil
    /// `p:SessionId` (`uuid:…`), one per logical session, useful in server logs; nil leaves it out.
    public var sessionID: String? = nil
    /// Adds `__cimnamespace` to every request whose resource names a namespace. OMI needs it: it
    /// ignores the namespace inside the resource URI and defaults to `interop`.
    public var sendsNamespaceSelector = false
    /// `w:OptionSet` entries (name, value); empty sends no OptionSet.
    public var options: [Option] = []

    public init(to: String) { self.to = to }

    /// One `w:Option`.
    public struct Option: Sendable, Hashable {
        public var name: String
        public var value: String
        /// `Type` attribute, e.g. `xs:boolean`; nil leaves it out.
        public var type: String?
        public init(name: String, value: String, type: String? = nil) {
            self.name = name
            self.value = value
            self.type = type
        }
    }
}

/// One request, ready to POST: the body bytes and what the response must match.
public struct WSManRequest: Sendable, Hashable {
    /// `a:Action`, nil for Identify.
    public let action: WSManAction?
    /// `a:MessageID`; the response's `a:RelatesTo` must repeat it. Empty for Identify, which has none.
    public let messageID: String
    /// `w:ResourceURI`, nil for Identify.
    public let resourceURI: String?
    /// The response kind to parse.
    public let expectedResponse: WSManResponseKind
    /// The UTF-8 envelope (`Content-Type: application/soap+xml;charset=UTF-8`).
    public let body: [UInt8]
}
