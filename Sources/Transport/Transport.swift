import Logging

/// HTTP(S) for thousands of hosts at once over libcurl's multi interface, on one thread.
///
/// A `Transport` owns one event-loop thread and one libcurl multi handle. Callers `await` requests on
/// ``HTTPConnection``s; the loop drives all transfers and streams bodies to consumers. The transport
/// knows nothing of SOAP.
///
/// ```swift
/// try await Transport.withTransport(logger: logger) { transport in
///     var options = ConnectionOptions()
///     options.authentication = .basic(credential)
///     let connection = try transport.connection(to: Endpoint(host: "srv1", usesTLS: true), options: options)
///     let response = try await connection.post(envelope, headers: [HTTPHeader("Content-Type", soapType)])
/// }
/// ```
public final class Transport: Sendable {
    /// Transport-wide limits.
    public struct Configuration: Sendable, Hashable {
        /// Idle connections libcurl keeps for reuse (`CURLMOPT_MAXCONNECTS`). libcurl's default (4 per
        /// added handle) would drop keep-alive connections between requests when sweeping thousands of
        /// hosts, so this is sized for a large sweep.
        public var maxCachedConnections = 10_000
        /// A cap on simultaneously open connections (`CURLMOPT_MAX_TOTAL_CONNECTIONS`); transfers over it
        /// wait inside libcurl. nil: no cap; the caller's throttle (and the file descriptor limit) bounds it.
        public var maxTotalConnections: Int? = nil

        public init() {}
    }

    /// Live counters, for tests and benchmarks.
    public struct Statistics: Sendable, Hashable {
        /// Transfers inside libcurl right now (connecting, sending or receiving).
        public var transfersInFlight: Int
        /// Transfers waiting for their connection's previous request to finish.
        public var transfersQueued: Int
        /// ``HTTPConnection``s not yet released.
        public var openConnections: Int
    }

    private let loop: CurlMultiLoop
    private let logger: Logger

    private init(configuration: Configuration, logger: Logger) throws(TransportError) {
        self.logger = logger
        loop = try CurlMultiLoop(configuration: configuration, logger: logger)
        loop.start()
    }

    /// Runs `body` with a new transport and shuts the transport down afterwards, on every path:
    /// return, error or cancellation. Requests still running then fail with a ``TransportError``.
    ///
    /// - Parameters:
    ///   - configuration: Transport-wide limits.
    ///   - logger: Receives `trace` sizes and `debug` per-request outcomes; never bodies or credentials.
    ///   - body: Uses the transport; it must not let the transport escape.
    /// - Returns: What `body` returns.
    /// - Throws: ``TransportError`` when libcurl cannot start; whatever `body` throws.
    nonisolated(nonsending)
    public static func withTransport<Result>(
        _ configuration: Configuration = Configuration(), logger: Logger,
        _ body: (Transport) async throws -> Result
    ) async throws -> Result {
        let transport = try Transport(configuration: configuration, logger: logger)
        let result: Result
        do {
            result = try await body(transport)
        } catch {
            await transport.shutDown()
            throw error
        }
        await transport.shutDown()
        return result
    }

    /// Makes a persistent connection to `endpoint`.
    ///
    /// - Throws: ``TransportError`` when the endpoint or options are refused before anything is sent:
    ///   an invalid host, port or header (phase `configure`), Basic authentication over plain HTTP without
    ///   ``ConnectionOptions/allowsUnencrypted`` (phase `authenticate`), or a transport already shut down.
    public func connection(to endpoint: Endpoint, options: ConnectionOptions = ConnectionOptions()) throws(TransportError)
        -> HTTPConnection
    {
        var connectionLogger = logger
        connectionLogger[metadataKey: "host"] = "\(endpoint.host)"
        let state = try ConnectionState(endpoint: endpoint, options: options, logger: connectionLogger)
        guard loop.submit(.register(state)) else { throw TransportError.shutDown(host: endpoint.host) }
        return HTTPConnection(state: state, loop: loop)
    }

    /// Counters for the whole transport.
    public var statistics: Statistics {
        Statistics(
            transfersInFlight: loop.transfersInFlight.load(ordering: .relaxed),
            transfersQueued: loop.transfersQueued.load(ordering: .relaxed),
            openConnections: loop.openConnections.load(ordering: .relaxed))
    }

    private func shutDown() async {
        await withCheckedContinuation { continuation in
            loop.submit(.shutdown(continuation))
        }
    }
}
