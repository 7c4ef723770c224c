import Logging

/// A persistent HTTP(S) connection to one endpoint, made by ``Transport/connection(to:options:)``.
///
/// It owns one libcurl easy handle that every request reuses, so the TCP and TLS connection stays open
/// between requests (HTTP keep-alive). Requests run one at a time, in the order posted: concurrent
/// `post` calls queue. That keeps connection-bound authentication (NTLM, Negotiate) and WinRM message
/// sealing possible. Use one connection per host, or several for parallel requests to the same host.
///
/// Dropping the last reference closes the handle; libcurl may keep the idle TCP connection in the
/// transport's cache for reuse by another connection to the same host.
public final class HTTPConnection: Sendable {
    /// Request counters, for tests and benchmarks.
    public struct Statistics: Sendable, Hashable {
        /// Requests handed to libcurl on this connection.
        public var requestsSent: Int
        /// New TCP connections libcurl opened for them (`CURLINFO_NUM_CONNECTS`, summed); equal to 1
        /// after any number of requests when keep-alive worked.
        public var connectionsOpened: Int

        public init(requestsSent: Int, connectionsOpened: Int) {
            self.requestsSent = requestsSent
            self.connectionsOpened = connectionsOpened
        }
    }

    /// Where the requests go.
    public let endpoint: Endpoint
    /// The options the connection was made with.
    public let options: ConnectionOptions
    private let state: ConnectionState
    private let loop: CurlMultiLoop
    /// Runs Negotiate/Kerberos/NTLM and sealing for ``ConnectionOptions/Authentication/negotiate(_:)``.
    private let secureChannel: SecureChannel?

    init(state: ConnectionState, loop: CurlMultiLoop) {
        self.endpoint = state.endpoint
        self.options = state.options
        self.state = state
        self.loop = loop
        if case .negotiate(let negotiate) = state.options.authentication {
            secureChannel = SecureChannel(authentication: negotiate, endpoint: state.endpoint)
        } else {
            secureChannel = nil
        }
    }

    var logger: Logger { state.logger }

    /// The server certificate of the last TLS handshake, when channel bindings asked libcurl for it.
    var serverCertificate: ServerCertificate? { state.serverCertificate.withLock { $0 } }

    /// Whether requests are sealed (Negotiate over plain HTTP with sealing on).
    public var sealsMessages: Bool { secureChannel?.seals ?? false }

    deinit {
        loop.submit(.close(state))
    }

    /// Request counters so far.
    public var statistics: Statistics {
        Statistics(
            requestsSent: state.requestsSent.load(ordering: .relaxed),
            connectionsOpened: state.connectionsOpened.load(ordering: .relaxed))
    }

    /// Sends a POST and streams the response to `consumer` as it arrives.
    ///
    /// The consumer's methods run on the transport's loop thread while the transfer runs; don't use the
    /// consumer elsewhere until this returns.
    ///
    /// - Parameters:
    ///   - body: The request body.
    ///   - headers: Request headers, e.g. `Content-Type: application/soap+xml;charset=UTF-8`; sent after
    ///     ``ConnectionOptions/headers``.
    ///   - timeout: The limit for this request, connect included; nil uses
    ///     ``ConnectionOptions/Timeouts/request``.
    ///   - consumer: Receives the head and the body chunks.
    /// - Returns: The response head, for any HTTP status (a WS-Man fault is a 500 with a SOAP body).
    /// - Throws: ``TransportError`` when no complete response arrived (resolve, connect, TLS, send, receive,
    ///   timeout, size limit, shutdown), or when Negotiate authentication or sealing failed (phase
    ///   `authenticate`, with a kind such as ``TransportError/Kind/servicePrincipalUnknown``), or a client
    ///   certificate was not mapped; the consumer's own error when it threw; `CancellationError` when the
    ///   task was cancelled, which aborts the transfer at once.
    ///
    /// With Negotiate authentication the response is held until it is complete (and unsealed over HTTP), so
    /// the consumer gets it in one piece; it is bounded by ``ConnectionOptions/maxResponseBytes``.
    nonisolated(nonsending)
    public func post(
        _ body: [UInt8], headers: [HTTPHeader], timeout: Duration? = nil, consumer: some HTTPResponseConsumer
    ) async throws -> HTTPResponseHead {
        if let bad = headers.first(where: \.isMalformed) {
            throw TransportError(
                host: endpoint.host, phase: .configure, kind: .invalidOption,
                detail: "malformed header \(bad.name.debugDescription)",
                hint: "Header names are tokens without ':' or spaces; names and values contain no CR, LF or NUL")
        }
        let limit = timeout ?? options.timeouts.request
        if let secureChannel {
            return try await secureChannel.send(on: self, body: body, headers: headers, timeout: limit, consumer: consumer)
        }
        if case .certificate = options.authentication {
            let gate = CertificateGate(consumer: consumer)
            let before = statistics.connectionsOpened
            let head: HTTPResponseHead
            do {
                head = try await transmit(body, headers: headers, timeout: limit, consumer: gate)
            } catch let error as TransportError where (error.phase == .send || error.phase == .receive)
                && statistics.connectionsOpened > before
            {
                // TLS 1.3 verifies the client certificate after the client considers the handshake done, so
                // the server's refusal arrives as a broken connection on the first request.
                throw TransportError(
                    host: endpoint.host, phase: .tls, kind: error.kind, curlCode: error.curlCode,
                    detail: "the server closed a new connection right after the TLS handshake (\(error.detail))",
                    hint: "The server most likely refused the client certificate: check that its issuer is trusted "
                        + "on the target, that it has not expired, and that it has the clientAuth usage")
            }
            if head.status == 401 {
                throw TransportError(
                    host: endpoint.host, phase: .authenticate, kind: .certificateNotMapped,
                    detail: "the server did not accept the client certificate (HTTP 401)",
                    hint: "Map the certificate to a local account on the target (winrm create "
                        + "winrm/config/service/certmapping), and check that its issuer is trusted there",
                    offeredAuthSchemes: head.offeredAuthSchemes)
            }
            return head
        }
        return try await transmit(body, headers: headers, timeout: limit, consumer: consumer)
    }

    /// Sends one POST as given, with no authentication exchange of ours.
    nonisolated(nonsending)
    func transmit(_ body: [UInt8], headers: [HTTPHeader], timeout: Duration) async throws -> HTTPResponse {
        let collector = CollectingConsumer()
        let head = try await transmit(body, headers: headers, timeout: timeout, consumer: collector)
        return HTTPResponse(head: head, body: collector.body)
    }

    nonisolated(nonsending)
    func transmit(
        _ body: [UInt8], headers: [HTTPHeader], timeout: Duration, consumer: some HTTPResponseConsumer
    ) async throws -> HTTPResponseHead {
        try Task.checkCancellation()
        let transfer = Transfer(connection: state, body: body, headers: headers, timeout: timeout, consumer: consumer)
        let loop = self.loop
        let host = endpoint.host
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                if !loop.submit(.start(transfer)) {
                    transfer.resume(.failure(TransportError.shutDown(host: host)))
                }
            }
        } onCancel: {
            loop.submit(.cancel(transfer))
        }
    }

    /// Sends a POST and collects the whole response body (at most ``ConnectionOptions/maxResponseBytes``).
    ///
    /// - Returns: The head and body, for any HTTP status.
    /// - Throws: As ``post(_:headers:timeout:consumer:)``.
    nonisolated(nonsending)
    public func post(_ body: [UInt8], headers: [HTTPHeader], timeout: Duration? = nil) async throws -> HTTPResponse {
        let collector = CollectingConsumer()
        let head = try await post(body, headers: headers, timeout: timeout, consumer: collector)
        return HTTPResponse(head: head, body: collector.body)
    }
}

/// Passes a response through unless it is a 401, which certificate authentication turns into an error.
private final class CertificateGate<Wrapped: HTTPResponseConsumer>: HTTPResponseConsumer {
    let consumer: Wrapped
    private var isRefused = false

    init(consumer: Wrapped) { self.consumer = consumer }

    func didReceiveHead(_ head: HTTPResponseHead) throws {
        isRefused = head.status == 401
        if !isRefused { try consumer.didReceiveHead(head) }
    }

    func didReceive(_ chunk: UnsafeRawBufferPointer) throws {
        if !isRefused { try consumer.didReceive(chunk) }
    }
}
