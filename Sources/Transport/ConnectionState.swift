import CCurl
import Logging
import Synchronization

/// The loop's side of an ``HTTPConnection``: one libcurl easy handle, reused for every request, and the
/// requests waiting for it (one at a time per connection).
// @unchecked Sendable: `easy`, `active` and `pending` are set up on the creating thread before the state
// is registered with the loop (CurlMultiLoop's `inbox` Mutex orders that handover) and are touched only on
// the loop thread afterwards. The counters are atomics; the rest is immutable.
final class ConnectionState: @unchecked Sendable {
    let endpoint: Endpoint
    let options: ConnectionOptions
    let logger: Logger
    private(set) var easy: UnsafeMutableRawPointer?
    /// libcurl's CURLOPT_ERRORBUFFER: CURL_ERROR_SIZE bytes, alive as long as the easy handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    var active: Transfer?
    var pending: [Transfer] = []
    let requestsSent = Atomic<Int>(0)
    let connectionsOpened = Atomic<Int>(0)
    /// The server's leaf certificate from the last TLS handshake, when channel bindings need it.
    let serverCertificate = Mutex<ServerCertificate?>(nil)
    /// Whether libcurl collects the server certificate (`CURLOPT_CERTINFO`), for channel bindings.
    private var collectsCertificate = false

    private static let errorBufferSize = Int(CURL_ERROR_SIZE)

    init(endpoint: Endpoint, options: ConnectionOptions, logger: Logger) throws(TransportError) {
        try endpoint.validate()
        if case .basic = options.authentication, !endpoint.usesTLS, !options.allowsUnencrypted {
            throw TransportError(
                host: endpoint.host, phase: .authenticate, kind: .unencryptedBasicRefused,
                detail: "Basic authentication over plain HTTP would send the password in clear text",
                hint: "Use HTTPS (--ssl), or pass --allow-unencrypted to accept the risk")
        }
        if case .negotiate(let negotiate) = options.authentication, !negotiate.sealsMessages, !endpoint.usesTLS,
            !options.allowsUnencrypted
        {
            throw TransportError(
                host: endpoint.host, phase: .authenticate, kind: .encryptionRequired,
                detail: "message sealing is off over plain HTTP, so every message would cross the network readable",
                hint: "Keep sealing on, use HTTPS (--ssl), or pass --allow-unencrypted to accept the risk")
        }
        if case .certificate = options.authentication, !endpoint.usesTLS {
            throw TransportError(
                host: endpoint.host, phase: .configure, kind: .invalidOption,
                detail: "certificate authentication needs HTTPS", hint: "Add --ssl (WinRM's HTTPS listener, port 5986)")
        }
        if let bad = options.headers.first(where: \.isMalformed) {
            throw TransportError(
                host: endpoint.host, phase: .configure, kind: .invalidOption,
                detail: "malformed header \(bad.name.debugDescription)",
                hint: "Header names are tokens without ':' or spaces; names and values contain no CR, LF or NUL")
        }
        self.endpoint = endpoint
        self.options = options
        self.logger = logger
        errorBuffer = .allocate(capacity: Self.errorBufferSize)
        errorBuffer.initialize(repeating: 0, count: Self.errorBufferSize)
        guard let handle = curl_easy_init() else {
            throw TransportError(
                host: endpoint.host, phase: .configure, kind: .invalidOption, detail: "curl_easy_init failed",
                hint: "The process is out of memory")
        }
        easy = handle
        try configure(handle)
    }

    deinit {
        // Reached with a handle only when the loop never took the state over; otherwise it closed it.
        if let easy { curl_easy_cleanup(easy) }
        errorBuffer.deallocate()
    }

    /// Options that stay the same for every request on this connection.
    private func configure(_ handle: UnsafeMutableRawPointer) throws(TransportError) {
        try set(CURLOPT_URL, endpoint.url)
        try set(CURLOPT_POST, 1)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        // WinRM speaks HTTP/1.1; message sealing (later) needs one request per connection at a time.
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        // Enumeration responses run to hundreds of kB: a 64 kB receive buffer (default 16 kB) means
        // a quarter of the reads and parser calls, for 48 kB more per connection in flight.
        try set(CURLOPT_BUFFERSIZE, 64 << 10)
        try check(cs_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
        try check(cs_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, transferWriteCallback), CURLOPT_WRITEFUNCTION)
        try check(cs_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, transferHeaderCallback), CURLOPT_HEADERFUNCTION)
        try check(cs_curl_setopt_prereq_callback(handle, CURLOPT_PREREQFUNCTION, transferPrereqCallback), CURLOPT_PREREQFUNCTION)
        try set(CURLOPT_CONNECTTIMEOUT_MS, options.timeouts.connect.curlMilliseconds)
        try set(CURLOPT_USERAGENT, options.userAgent)
        try set(CURLOPT_SSL_VERIFYPEER, options.tls.verifiesPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, options.tls.verifiesHost ? 2 : 0)
        if options.tls.checksRevocation { try set(CURLOPT_SSL_VERIFYSTATUS, 1) }
        if let caFile = options.tls.caFile { try set(CURLOPT_CAINFO, caFile) }
        // "" switches a proxy off, and with it libcurl's own reading of http_proxy/no_proxy.
        try set(CURLOPT_PROXY, options.proxy.url ?? "")
        try set(CURLOPT_NOPROXY, options.proxy.noProxy ?? "")
        switch options.authentication {
        case .none:
            break
        case .basic(let credential):
            try set(CURLOPT_HTTPAUTH, cs_curlauth_basic())
            try set(CURLOPT_USERNAME, credential.username)
            let code = credential.secret.withCString { cs_curl_setopt_ptr(handle, CURLOPT_PASSWORD, $0) }
            try check(code, CURLOPT_PASSWORD)
        case .negotiate(let negotiate):
            // The Authorization headers are ours (SecureChannel); libcurl only needs the server certificate.
            if endpoint.usesTLS, negotiate.sendsChannelBindings {
                collectsCertificate = true
                try set(CURLOPT_CERTINFO, 1)
            }
        case .certificate(let certificate):
            try set(CURLOPT_SSLCERT, certificate.certificateFile)
            try set(CURLOPT_SSLCERTTYPE, certificate.format.rawValue)
            if let keyFile = certificate.keyFile {
                try set(CURLOPT_SSLKEY, keyFile)
                try set(CURLOPT_SSLKEYTYPE, "PEM")
            }
            if let password = certificate.keyPassword {
                try check(password.secret.withCString { cs_curl_setopt_ptr(handle, CURLOPT_KEYPASSWD, $0) }, CURLOPT_KEYPASSWD)
            }
        }
    }

    /// Options for one request; runs on the loop thread just before the handle joins the multi.
    func prepare(_ transfer: Transfer) throws(TransportError) {
        guard let easy else { throw TransportError.shutDown(host: endpoint.host) }
        errorBuffer[0] = 0
        let userData = Unmanaged.passUnretained(transfer).toOpaque()
        try check(cs_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, userData), CURLOPT_WRITEDATA)
        try check(cs_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, userData), CURLOPT_HEADERDATA)
        try check(cs_curl_setopt_ptr(easy, CURLOPT_PREREQDATA, userData), CURLOPT_PREREQDATA)
        try set(CURLOPT_TIMEOUT_MS, transfer.timeout.curlMilliseconds)
        // An empty `Expect:` stops libcurl's `Expect: 100-continue`, a round trip WinRM does not need.
        var list: UnsafeMutablePointer<curl_slist>?
        var extra = [HTTPHeader("Expect", "")]
        if case .certificate = options.authentication {
            extra.append(HTTPHeader("Authorization", ClientCertificate.authorizationValue))
        }
        for header in options.headers + transfer.headers + extra {
            let line = header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)"
            list = curl_slist_append(list, line)
        }
        transfer.headerList = list
        try check(cs_curl_setopt_ptr(easy, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        try check(cs_curl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(transfer.body.count)), CURLOPT_POSTFIELDSIZE_LARGE)
        // COPYPOSTFIELDS copies, so the body array can go now; libcurl can resend it (auth rounds).
        let copied = transfer.body.withUnsafeBytes { bytes in
            cs_curl_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(errorBuffer))
        }
        try check(copied, CURLOPT_COPYPOSTFIELDS)
        transfer.body = []
    }

    /// Releases what `prepare` set up; runs on the loop thread after the handle left the multi.
    func finish(_ transfer: Transfer) {
        guard let easy else { return }
        _ = cs_curl_setopt_ptr(easy, CURLOPT_HTTPHEADER, nil)
        curl_slist_free_all(transfer.headerList)
        transfer.headerList = nil
        var connects = 0
        _ = cs_curl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        connectionsOpened.add(connects, ordering: .relaxed)
        if collectsCertificate, let certificate = ServerCertificate(easy: easy) {
            serverCertificate.withLock { $0 = certificate }
        }
    }

    /// libcurl's words for the last failure on this handle.
    var lastErrorText: String { String(cString: errorBuffer) }

    /// The whole transfer's duration in microseconds, as libcurl measured it.
    var lastTotalMicroseconds: Int {
        var value: curl_off_t = 0
        if let easy { _ = cs_curl_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &value) }
        return Int(value)
    }

    /// Frees the easy handle; on the loop thread (or before the loop ever saw this state).
    func close() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
    }

    // MARK: setopt with errors that name the option

    private func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(cs_curl_setopt_long(easy, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(value.withCString { cs_curl_setopt_ptr(easy, option, $0) }, option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(TransportError) {
        guard code != CURLE_OK else { return }
        throw TransportError(
            host: endpoint.host, phase: .configure, kind: .invalidOption, curlCode: Int32(code.rawValue),
            detail: "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))",
            hint: "This libcurl lacks a needed feature; install a libcurl with OpenSSL and HTTP/1.1 support")
    }
}
