/// A request did not produce an HTTP response: name resolution, connection, TLS, sending or receiving
/// failed, a time limit passed, or the options were refused.
///
/// Any HTTP status, 401 and 500 included, is a response, not a `TransportError`: ``HTTPConnection/post(_:headers:timeout:consumer:)``
/// returns its head. Callers that treat a 401 as an error use ``unauthorized(host:offered:)``.
///
/// The text never contains credentials: the detail comes from libcurl's error buffer, which does not
/// include the password, and is scrubbed of the secret anyway before it is stored.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// The step that failed.
    public enum Phase: String, Sendable {
        case configure, resolve, connect, tls, authenticate, send, receive, timeout
    }

    /// What went wrong, matchable in a `catch`; new kinds may be added without breaking callers.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// libcurl reported a failure; see ``TransportError/curlCode``.
        public static let curl = Kind(name: "curl")
        /// The TCP or TLS connection was not established within ``ConnectionOptions/Timeouts/connect``.
        public static let connectTimeout = Kind(name: "connectTimeout")
        /// The response did not complete within the request timeout.
        public static let requestTimeout = Kind(name: "requestTimeout")
        /// The response body was longer than ``ConnectionOptions/maxResponseBytes``.
        public static let responseTooLarge = Kind(name: "responseTooLarge")
        /// Basic authentication over plain HTTP without ``ConnectionOptions/allowsUnencrypted``.
        public static let unencryptedBasicRefused = Kind(name: "unencryptedBasicRefused")
        /// The server answered 401; see ``TransportError/offeredAuthSchemes``.
        public static let unauthorized = Kind(name: "unauthorized")
        /// The endpoint's host, port or path is not usable.
        public static let invalidEndpoint = Kind(name: "invalidEndpoint")
        /// An option or header was refused before anything was sent.
        public static let invalidOption = Kind(name: "invalidOption")
        /// The process could not get what the event loop needs from the system (file descriptors).
        public static let systemResources = Kind(name: "systemResources")
        /// The ``Transport`` was shut down while the request was queued or running.
        public static let shutDown = Kind(name: "shutDown")
        /// Client and KDC (or server) clocks differ by more than the allowed skew (5 minutes by default).
        public static let clockSkew = Kind(name: "clockSkew")
        /// No Kerberos ticket (empty or missing cache), no keytab entry, or no NTLM credential.
        public static let noCredentials = Kind(name: "noCredentials")
        /// The ticket, or the password, has expired.
        public static let credentialsExpired = Kind(name: "credentialsExpired")
        /// The KDC does not know the service principal (`KDC_ERR_S_PRINCIPAL_UNKNOWN`).
        public static let servicePrincipalUnknown = Kind(name: "servicePrincipalUnknown")
        /// The KDC or the server refused the credentials: wrong password, unknown user, or (over HTTPS)
        /// channel bindings that do not match the server's certificate.
        public static let credentialsRejected = Kind(name: "credentialsRejected")
        /// The KDC could not be reached.
        public static let kdcUnreachable = Kind(name: "kdcUnreachable")
        /// NTLM was asked for but the server does not offer or accept it.
        public static let ntlmDisabled = Kind(name: "ntlmDisabled")
        /// The server requires sealed messages (AllowUnencrypted=false), or sealing is off without
        /// ``ConnectionOptions/allowsUnencrypted``.
        public static let encryptionRequired = Kind(name: "encryptionRequired")
        /// The server did not map the TLS client certificate to an account.
        public static let certificateNotMapped = Kind(name: "certificateNotMapped")
        /// Any other GSSAPI failure while establishing the security context.
        public static let securityContext = Kind(name: "securityContext")
        /// A sealed message could not be sealed or opened (corrupt, or the context is out of step).
        public static let sealing = Kind(name: "sealing")
    }

    /// The host the request was for.
    public let host: String
    /// The step that failed.
    public let phase: Phase
    /// What went wrong.
    public let kind: Kind
    /// libcurl's `CURLcode`, when libcurl reported the failure.
    public let curlCode: Int32?
    /// What happened, in libcurl's words or ours; never contains credentials.
    public let detail: String
    /// What the operator can do about it, naming the CLI flag where one applies.
    public let hint: String?
    /// For ``Kind/unauthorized``: the `WWW-Authenticate` challenges the server offered.
    public let offeredAuthSchemes: [String]

    init(
        host: String, phase: Phase, kind: Kind, curlCode: Int32? = nil, detail: String, hint: String?,
        offeredAuthSchemes: [String] = []
    ) {
        self.host = host
        self.phase = phase
        self.kind = kind
        self.curlCode = curlCode
        self.detail = detail
        self.hint = hint
        self.offeredAuthSchemes = offeredAuthSchemes
    }

    public var description: String {
        let what = phase == .timeout ? "timed out" : "\(phase.rawValue) failed"
        return "\(host): \(what): \(detail)" + (hint.map { ". \($0)" } ?? "")
    }

    /// The error for a 401 response, listing the schemes the server offered.
    ///
    /// - Parameters:
    ///   - host: The host that answered 401.
    ///   - offered: The challenges from ``HTTPResponseHead/offeredAuthSchemes``.
    public static func unauthorized(host: String, offered: [String]) -> TransportError {
        let schemes = offered.map { $0.split(separator: " ", maxSplits: 1).first.map(String.init) ?? $0 }
        let hint = schemes.isEmpty
            ? "The server offered no authentication scheme; check the WinRM service's auth settings"
            : "The server offers \(schemes.joined(separator: ", ")); pick one with --auth, and check the "
                + "credentials and that the account may use WinRM on the target"
        return TransportError(
            host: host, phase: .authenticate, kind: .unauthorized,
            detail: "the server answered 401 Unauthorized", hint: hint, offeredAuthSchemes: offered)
    }

    /// Options that cannot work together, refused before anything is sent (phase `configure`).
    public static func invalidConfiguration(host: String, detail: String, hint: String) -> TransportError {
        TransportError(host: host, phase: .configure, kind: .invalidOption, detail: detail, hint: hint)
    }

    static func shutDown(host: String) -> TransportError {
        TransportError(
            host: host, phase: .send, kind: .shutDown, detail: "the transport was shut down before the request completed",
            hint: "Keep requests inside the Transport.withTransport body")
    }
}
