import Transport

/// How a `CimSession` reaches its host: port, TLS, authentication, timeouts and envelope limits.
///
/// A value with safe defaults that can be printed, hashed and stored with a snapshot: credentials
/// travel apart, as a `Credential`. Names follow PowerShell's `New-CimSessionOption`.
public struct CimSessionOptions: Sendable, CustomStringConvertible {
    /// The port; nil means 5985, or 5986 with `useSSL`.
    public var port: Int? = nil
    /// HTTPS (`-UseSSL`).
    public var useSSL = false
    /// How to authenticate. The library default stays Basic for the loopback simulator; the CLI defaults
    /// to `.negotiate`, as PowerShell does.
    public var authentication: AuthenticationMechanism = .basic
    /// Allow Basic credentials, or Negotiate without sealing, over plain HTTP (`--allow-unencrypted`), as
    /// WinRM's AllowUnencrypted.
    public var allowUnencrypted = false
    /// Seal Negotiate/Kerberos/NTLM messages over plain HTTP (MS-WSMV message encryption). Off is
    /// PowerShell's `-NoEncryption` and needs `allowUnencrypted`.
    public var sealMessages = true
    /// The Kerberos service principal, e.g. `HTTP/srv01.contoso.com`; nil uses `HTTP/<host>` (`--spn`).
    public var servicePrincipal: String? = nil
    /// Append the port to the default SPN (`--include-port-in-spn`, PowerShell's `-IncludePortInSPN`).
    public var includePortInSPN = false
    /// Send TLS channel bindings with Negotiate over HTTPS (RFC 5929 tls-server-end-point).
    public var channelBinding = true
    /// TLS verification; on unless switched off by name (`--skip-ca-check`, `--skip-cn-check`).
    public var tls = ConnectionOptions.TLSOptions()
    /// An explicit proxy; none by default (the environment is read by the CLI, never here).
    public var proxy = ConnectionOptions.ProxyOptions()
    /// TCP + TLS connect limit (`OpenTimeout`).
    public var connectTimeout: Duration = .seconds(10)
    /// Sent as `w:OperationTimeout`; the HTTP limit is this plus `httpTimeoutMargin`, so a slow but
    /// valid WMI provider is never cut off by the client first (wsman.md §7).
    public var operationTimeout: Duration = .seconds(60)
    /// Added to `operationTimeout` for the HTTP request limit.
    public var httpTimeoutMargin: Duration = .seconds(10)
    /// Largest response accepted, in bytes (`w:MaxEnvelopeSize`). 500 KB, as Windows' own WinRM
    /// client asks: a server whose MaxEnvelopeSizekb is lower (150 on 2008 R2) answers within its
    /// own limit instead ([MS-WSMV] 3.1.4.1.7), and larger batches mean fewer round trips.
    public var maxEnvelopeSize = 512_000
    /// Items asked for per Enumerate/Pull (`MaxElements`); lowered on EncodingLimit faults.
    public var maxElements = 200
    /// `w:Locale` (fault text language).
    public var locale = "en-US"
    /// Send `__cimnamespace` with every request: OMI ignores the namespace inside resource URIs.
    public var sendsNamespaceSelector = false

    public init() {}

    /// The TCP port used.
    public var effectivePort: Int { port ?? (useSSL ? 5986 : 5985) }

    public var description: String {
        "CimSessionOptions(port: \(effectivePort), ssl: \(useSSL), auth: \(authentication), tls: \(tls), "
            + "operationTimeout: \(operationTimeout), maxEnvelopeSize: \(maxEnvelopeSize), maxElements: \(maxElements))"
    }

    /// Authentication mechanisms, named as PowerShell names them.
    public enum AuthenticationMechanism: String, Sendable, CaseIterable, CustomStringConvertible {
        /// SPNEGO: Kerberos, falling back to NTLM (PowerShell's default).
        case negotiate
        /// Kerberos only; no NTLM fallback.
        case kerberos
        /// NTLM only (gss-ntlmssp).
        case ntlm
        /// HTTP Basic; over plain HTTP only with `allowUnencrypted`.
        case basic
        /// A TLS client certificate mapped to an account (HTTPS only).
        case certificate
        /// No credentials: only unauthenticated Identify works against Windows.
        case none
        public var description: String { rawValue }

        /// Whether the mechanism runs through GSSAPI (and seals over HTTP).
        public var usesGSSAPI: Bool { self == .negotiate || self == .kerberos || self == .ntlm }
    }
}
