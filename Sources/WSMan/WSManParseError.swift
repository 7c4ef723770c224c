/// A response body that could not be read: malformed, hostile, truncated, too large, or not the
/// response that was asked for. Says where (byte offset, line) and what was expected.
public struct WSManParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The body was empty (OMI answers malformed requests and context exhaustion this way).
        case emptyBody = "empty body"
        /// Not well-formed XML, or not UTF-8 when it claims to be.
        case malformed = "malformed XML"
        /// A DOCTYPE, DTD or entity declaration: refused by design, never processed.
        case doctypeRefused = "DOCTYPE refused"
        /// A size, depth, text or attribute limit was exceeded.
        case limitExceeded = "limit exceeded"
        /// Well-formed, but not the SOAP shape expected.
        case unexpectedContent = "unexpected content"
        /// The body ended before the envelope was complete.
        case truncated = "truncated"
        /// `a:RelatesTo` names another request: a crossed response.
        case relatesToMismatch = "RelatesTo mismatch"
    }

    public let kind: Kind
    /// The host the response came from, when the parser was told.
    public var host: String?
    /// Bytes consumed when the problem was found.
    public let byteOffset: Int
    /// Line (1-based) when known.
    public let line: Int?
    /// What the parser expected there.
    public let expected: String
    /// What it found.
    public let found: String

    public init(kind: Kind, byteOffset: Int, line: Int? = nil, expected: String, found: String) {
        self.kind = kind
        self.byteOffset = byteOffset
        self.line = line
        self.expected = expected
        self.found = found.count > 200 ? String(found.prefix(200)) + "…" : found
    }

    public var description: String {
        let place = "byte \(byteOffset)" + (line.map { ", line \($0)" } ?? "")
        return (host.map { "\($0): " } ?? "")
            + "WS-Man response \(kind.rawValue) at \(place): expected \(expected), found \(found)"
    }
}
