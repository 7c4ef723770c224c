/// Kerberos, NTLM or Negotiate (SPNEGO) authentication through GSSAPI, with WinRM message sealing.
///
/// The connection runs the HTTP authentication exchange itself (RFC 4559 headers, empty bodies) on its one
/// TCP connection and keeps the security context, because libcurl's own Negotiate hides the context and
/// cannot seal. Over plain HTTP every request is then sealed (MS-WSMV 2.2.9.1, `multipart/encrypted`),
/// unless ``sealsMessages`` is off and ``ConnectionOptions/allowsUnencrypted`` is on. Over HTTPS the body
/// goes in clear inside TLS, and the context carries TLS channel bindings (RFC 5929 `tls-server-end-point`).
public struct NegotiateAuthentication: Sendable, CustomStringConvertible {
    /// The GSSAPI mechanism, and the HTTP scheme that carries its tokens.
    public enum Mechanism: String, Sendable, CaseIterable {
        /// SPNEGO: Kerberos when a ticket (or a password for the realm) works, otherwise NTLM. `Negotiate`.
        case negotiate
        /// Kerberos only (the krb5 mechanism OID, so no silent NTLM fallback). `Kerberos` header, sealed as
        /// `application/HTTP-Kerberos-session-encrypted`.
        case kerberos
        /// NTLM only, through the gss-ntlmssp GSSAPI plugin. Tokens travel in the `Negotiate` header.
        case ntlm
    }

    /// Where the client's credential comes from. No source writes to the user's default ticket cache.
    public enum CredentialSource: Sendable, CustomStringConvertible {
        /// GSSAPI's defaults: the ticket cache named by `KRB5CCNAME` (or krb5.conf), and for NTLM the
        /// gss-ntlmssp user file named by `NTLM_USER_FILE`.
        case ambient
        /// A Kerberos ticket cache, e.g. `FILE:/tmp/krb5cc_1000` or `KCM:`; read per call, not via the environment.
        case ticketCache(String)
        /// A client keytab; tickets are fetched into a private in-memory cache. `principal` nil takes the
        /// keytab's first entry.
        case keytab(path: String, principal: String?)
        /// A user and password; no kinit needed. Kerberos takes `alice` or `alice@REALM`; NTLM takes
        /// `DOMAIN\alice` or `alice@domain`.
        case password(Credential)

        public var description: String {
            switch self {
            case .ambient: "ambient"
            case .ticketCache(let path): "ticketCache(\(path))"
            case .keytab(let path, let principal): "keytab(\(path), principal: \(principal ?? "first"))"
            case .password(let credential): "password(\(credential))"
            }
        }
    }

    public var mechanism: Mechanism
    public var credentials: CredentialSource
    /// The service principal, e.g. `HTTP/srv01.contoso.com` or `WSMAN/srv01`; nil uses `HTTP/<host>`.
    public var servicePrincipal: String?
    /// Append `:<port>` to the default SPN (`--include-port-in-spn`), for hosts registered that way.
    public var includesPortInSPN = false
    /// Seal messages over plain HTTP (the default, and what Windows requires unless AllowUnencrypted).
    /// Turning it off needs ``ConnectionOptions/allowsUnencrypted``.
    public var sealsMessages = true
    /// Send TLS channel bindings over HTTPS (Windows' CbtHardeningLevel). Off only to test a server.
    public var sendsChannelBindings = true

    public init(mechanism: Mechanism, credentials: CredentialSource = .ambient, servicePrincipal: String? = nil) {
        self.mechanism = mechanism
        self.credentials = credentials
        self.servicePrincipal = servicePrincipal
    }

    public var description: String {
        "\(mechanism.rawValue)(credentials: \(credentials), spn: \(servicePrincipal ?? "HTTP/<host>"), "
            + "portInSPN: \(includesPortInSPN), seal: \(sealsMessages), cbt: \(sendsChannelBindings))"
    }

    /// The `Authorization` scheme name.
    var httpScheme: String { mechanism == .kerberos ? "Kerberos" : "Negotiate" }

    /// The MIME protocol of a sealed body (MS-WSMV 2.2.9.1.1).
    var sealedProtocol: String {
        mechanism == .kerberos
            ? "application/HTTP-Kerberos-session-encrypted" : "application/HTTP-SPNEGO-session-encrypted"
    }

    /// The SPN for `endpoint` in `SERVICE/host[:port]` form.
    func spn(for endpoint: Endpoint) -> String {
        if let servicePrincipal { return servicePrincipal }
        return includesPortInSPN ? "HTTP/\(endpoint.host):\(endpoint.port)" : "HTTP/\(endpoint.host)"
    }
}

/// A TLS client certificate for WinRM's certificate authentication over HTTPS (the `--cert`, `--key` flags).
///
/// The connection sends `Authorization: http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual`
/// so the server maps the certificate to a local account.
public struct ClientCertificate: Sendable, CustomStringConvertible {
    /// The file format.
    public enum Format: String, Sendable {
        /// PEM certificate, with the key in the same file or in ``ClientCertificate/keyFile``.
        case pem = "PEM"
        /// A PKCS#12 bundle (`.p12`/`.pfx`) holding certificate and key.
        case pkcs12 = "P12"
    }

    public var certificateFile: String
    public var keyFile: String?
    public var format: Format
    /// The password of an encrypted key or PKCS#12 bundle; the username is ignored.
    public var keyPassword: Credential?

    /// Creates a client certificate; `format` nil guesses from the extension (`.p12`, `.pfx` → PKCS#12).
    public init(certificateFile: String, keyFile: String? = nil, format: Format? = nil, keyPassword: Credential? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        let lower = certificateFile.lowercased()
        self.format = format ?? (lower.hasSuffix(".p12") || lower.hasSuffix(".pfx") ? .pkcs12 : .pem)
        self.keyPassword = keyPassword
    }

    public var description: String {
        "ClientCertificate(\(certificateFile), key: \(keyFile ?? "in certificate file"), format: \(format.rawValue)"
            + (keyPassword == nil ? ")" : ", password: ‹redacted›)")
    }

    /// The `Authorization` value that asks WinRM to map the client certificate (MS-WSMV 2.2.9.2).
    static let authorizationValue = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"
}
