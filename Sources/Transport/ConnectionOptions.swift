/// How an ``HTTPConnection`` talks to its host. Every default is the safe one (STYLE §4):
/// TLS verification on, no proxy, no clear-text Basic authentication.
public struct ConnectionOptions: Sendable, CustomStringConvertible {
    /// The HTTP authentication to use.
    public var authentication: Authentication = .none
    /// Allows Basic authentication, or Negotiate without message sealing, over plain HTTP (the CLI's
    /// `--allow-unencrypted`). Off by default, because the password or the messages cross the network readable.
    public var allowsUnencrypted = false
    /// Certificate checks for HTTPS.
    public var tls = TLSOptions()
    /// The HTTP proxy; none unless given.
    public var proxy = ProxyOptions()
    /// Connect and per-request time limits.
    public var timeouts = Timeouts()
    /// The largest response body accepted; a longer body aborts the request with a receive error.
    /// 64 MiB is far above WinRM's largest envelope (`MaxEnvelopeSizekb` defaults to 500 KB).
    public var maxResponseBytes = 64 << 20
    /// The `User-Agent` header. OMI wraps datetimes in `cim:Datetime`/`cim:Interval` only when it sees
    /// exactly `Microsoft WinRM Client` (reference/wsman.md §5.3, OMI `Unix/wsman/wsman.c`), so with this
    /// default OMI and Windows both send typed datetimes and the parser sees one shape.
    public var userAgent = "Microsoft WinRM Client"
    /// Headers sent with every request, before the request's own headers.
    public var headers: [HTTPHeader] = []

    public init() {}

    public var description: String {
        "ConnectionOptions(authentication: \(authentication), allowsUnencrypted: \(allowsUnencrypted), tls: \(tls), "
            + "proxy: \(proxy), timeouts: \(timeouts), maxResponseBytes: \(maxResponseBytes), userAgent: \(userAgent))"
    }

    /// The HTTP authentication scheme and its credential.
    public enum Authentication: Sendable, CustomStringConvertible {
        /// No `Authorization` header.
        case none
        /// HTTP Basic (RFC 7617): sent with the first request. Refused over plain HTTP unless
        /// ``ConnectionOptions/allowsUnencrypted`` is set.
        case basic(Credential)
        /// Negotiate, Kerberos or NTLM through GSSAPI, run by the connection itself, with message sealing
        /// over HTTP and channel bindings over HTTPS (``NegotiateAuthentication``).
        case negotiate(NegotiateAuthentication)
        /// A TLS client certificate (HTTPS only).
        case certificate(ClientCertificate)

        public var description: String {
            switch self {
            case .none: "none"
            case .basic(let credential): "basic(\(credential))"
            case .negotiate(let negotiate): "\(negotiate)"
            case .certificate(let certificate): "\(certificate)"
            }
        }
    }

    /// Certificate verification for HTTPS. Each check is on unless switched off by name.
    public struct TLSOptions: Sendable, Hashable, CustomStringConvertible {
        /// Verify the server's certificate chain against the trusted CAs; `false` is `--skip-ca-check`.
        public var verifiesPeer = true
        /// Verify that the certificate names the host we connected to; `false` is `--skip-cn-check`.
        /// Independent of ``verifiesPeer``, as in PowerShell: skipping the CA check still checks the name.
        public var verifiesHost = true
        /// Require a good OCSP response stapled by the server (`CURLOPT_SSL_VERIFYSTATUS`).
        ///
        /// libcurl built with OpenSSL (Debian's) checks revocation only when asked, unlike Windows'
        /// Schannel, which checks by default. So this is off by default and `--skip-revocation-check`
        /// (which sets it to false) changes nothing unless revocation checking was requested. Turn it on
        /// only for servers known to staple OCSP; others then fail the TLS handshake.
        public var checksRevocation = false
        /// A PEM file of CAs to trust instead of the system store (`--ca-file`).
        public var caFile: String? = nil

        public init() {}

        public var description: String {
            "TLSOptions(verifiesPeer: \(verifiesPeer), verifiesHost: \(verifiesHost), "
                + "checksRevocation: \(checksRevocation), caFile: \(caFile ?? "system"))"
        }
    }

    /// An explicit proxy. The library never reads `http_proxy`/`no_proxy` from the environment:
    /// with ``url`` nil, libcurl's own environment lookup is switched off too.
    public struct ProxyOptions: Sendable, Hashable, CustomStringConvertible {
        /// The proxy URL, e.g. `http://proxy.example:3128`; nil for a direct connection.
        public var url: String? = nil
        /// Comma-separated hosts that bypass the proxy (libcurl `CURLOPT_NOPROXY` syntax).
        public var noProxy: String? = nil

        public init() {}

        public var description: String { "ProxyOptions(url: \(url ?? "none"), noProxy: \(noProxy ?? "none"))" }
    }

    /// Time limits. There is no per-host total here: the caller (the collector) owns deadlines and
    /// cancels the task, which aborts the transfer.
    public struct Timeouts: Sendable, Hashable, CustomStringConvertible {
        /// Time to establish TCP and TLS (`CURLOPT_CONNECTTIMEOUT_MS`).
        public var connect: Duration = .seconds(10)
        /// Time for one whole request, connect included (`CURLOPT_TIMEOUT_MS`). Callers pass the WS-Man
        /// operation timeout plus a margin, so the server's own timeout fault arrives first.
        public var request: Duration = .seconds(90)

        public init() {}

        public var description: String { "Timeouts(connect: \(connect), request: \(request))" }
    }
}

extension Duration {
    /// Whole milliseconds as libcurl's `_MS` options take them: at least 1 (0 would mean "no limit"),
    /// and at most a year, so an absurd value cannot overflow.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let year: Int64 = 365 * 86_400
        guard seconds < year else { return Int(year) * 1000 }
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
