/// One HTTP header field. Names compare case-insensitively where it matters (``HTTPResponseHead/values(of:)``).
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// `Authorization` values are shown as `‹redacted›`, so a header list can be printed safely.
    public var description: String {
        name.lowercased() == "authorization" || name.lowercased() == "proxy-authorization"
            ? "\(name): ‹redacted›" : "\(name): \(value)"
    }

    /// Whether the field could split into a second header or request line (CR, LF, NUL), or has an
    /// empty or malformed name.
    var isMalformed: Bool {
        let forbidden: Set<Unicode.Scalar> = ["\r", "\n", "\0"]
        return name.isEmpty || name.contains(":") || name.unicodeScalars.contains { forbidden.contains($0) || $0 == " " }
            || value.unicodeScalars.contains { forbidden.contains($0) }
    }
}

/// The status line and headers of an HTTP response.
public struct HTTPResponseHead: Sendable, Hashable {
    /// The status code, e.g. 200, or 500 for a WS-Man fault.
    public var status: Int
    /// The reason phrase, e.g. `OK`; may be empty.
    public var reason: String
    /// The header fields in the order received.
    public var headers: [HTTPHeader]

    public init(status: Int, reason: String = "", headers: [HTTPHeader] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }

    /// All values of the header `name`, compared case-insensitively, in the order received.
    public func values(of name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first value of the header `name`, if any.
    public subscript(name: String) -> String? { values(of: name).first }

    /// The authentication challenges of a 401, one per `WWW-Authenticate` field, e.g.
    /// `["Negotiate", "Kerberos", "Basic realm=\"WSMAN\""]`. Windows sends one field per scheme;
    /// a field with several comma-joined challenges is kept whole.
    public var offeredAuthSchemes: [String] {
        values(of: "WWW-Authenticate").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// The `Content-Length` value, when present and valid.
    public var contentLength: Int? { self["Content-Length"].flatMap { Int($0.trimmingWhitespace()) } }
}

extension String {
    /// Without leading and trailing spaces, tabs, CRs and LFs. Works on scalars, because "\r\n" is one
    /// `Character` and would not match "\r" or "\n".
    func trimmingWhitespace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
            let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(scalars[start...last])
    }
}
