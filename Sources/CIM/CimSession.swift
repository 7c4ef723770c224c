import CIMModel
import Logging
import Transport
import WSMan

/// A WS-Management session with one host: a persistent connection reused for every operation.
///
/// ```swift
/// try await Transport.withTransport(logger: logger) { transport in
///     let session = try CimSession(host: "srv01", options: options, credential: credential,
///                                  transport: transport, logger: logger)
///     for try await process in session.enumerate(className: "Win32_Process") {
///         print(process["Name"] ?? .null)
///     }
/// }
/// ```
/// Operations on one session run one at a time on its connection (NTLM and message sealing tie the
/// security context to the TCP connection); run sessions for many hosts concurrently instead.
public final class CimSession: Sendable {
    /// The host as given (name or address).
    public let host: String
    public let options: CimSessionOptions
    let schemas: CimSchemaRegistry
    let connection: HTTPConnection
    let builder: WSManRequestBuilder
    let logger: Logger

    /// Opens a session with a user and password, or none (no network traffic until the first operation).
    /// - Throws: `CimSessionError` when the options are refused, e.g. Basic over HTTP without
    ///   `allowUnencrypted`.
    public convenience init(host: String, options: CimSessionOptions, credential: Credential?, transport: Transport,
                            schemas: CimSchemaRegistry = .builtin, logger: Logger) throws(CimSessionError) {
        try self.init(host: host, options: options, credentials: credential.map { .password($0) } ?? .ambient,
                      transport: transport, schemas: schemas, logger: logger)
    }

    /// Opens a session with any credential source (ticket cache, keytab, password, certificate).
    /// - Throws: `CimSessionError` when the options are refused, e.g. Basic over HTTP without
    ///   `allowUnencrypted`, or a credential that does not fit the mechanism.
    public init(host: String, options: CimSessionOptions, credentials: CimCredentials, transport: Transport,
                schemas: CimSchemaRegistry = .builtin, logger: Logger) throws(CimSessionError) {
        self.host = host
        self.options = options
        self.schemas = schemas
        var sessionLogger = logger
        sessionLogger[metadataKey: "host"] = "\(host)"
        self.logger = sessionLogger

        let endpoint = Endpoint(host: host, port: options.effectivePort, usesTLS: options.useSSL)
        var connectionOptions = ConnectionOptions()
        connectionOptions.authentication = try credentials.connectionAuthentication(for: options, host: host)
        connectionOptions.allowsUnencrypted = options.allowUnencrypted
        connectionOptions.tls = options.tls
        connectionOptions.proxy = options.proxy
        connectionOptions.timeouts.connect = options.connectTimeout
        connectionOptions.timeouts.request = options.operationTimeout + options.httpTimeoutMargin
        connectionOptions.maxResponseBytes = max(options.maxEnvelopeSize * 2, 1 << 20)
        do {
            connection = try transport.connection(to: endpoint, options: connectionOptions)
        } catch {
            throw CimSessionError(host: host, operation: .identify, reason: .transport(error))
        }
        var requestOptions = WSManRequestOptions(to: endpoint.url)
        requestOptions.maxEnvelopeSize = options.maxEnvelopeSize
        requestOptions.operationTimeout = options.operationTimeout
        requestOptions.locale = options.locale
        requestOptions.sendsNamespaceSelector = options.sendsNamespaceSelector
        builder = WSManRequestBuilder(options: requestOptions)
    }

    /// WS-Man Identify (MS-WSMV 3.1.4.1.23): protocol version, vendor and product version.
    /// - Parameter authenticated: false sends `WSMANIDENTIFY: unauthenticated`, which Windows
    ///   answers without credentials (hiding the OS version); OMI requires credentials either way.
    /// - Throws: `CimSessionError`.
    public func identify(authenticated: Bool = false) async throws(CimSessionError) -> IdentifyResponse {
        let extra = authenticated ? [] : [HTTPHeader("WSMANIDENTIFY", "unauthenticated")]
        let response = try await exchange(builder.identify(), operation: .identify, extraHeaders: extra)
        guard case .identify(let identity) = response else {
            throw unexpected(response, operation: .identify)
        }
        return identity
    }

    /// WS-Transfer Get of one instance by its key selectors.
    /// - Parameters:
    ///   - keys: every key property with its value (`Name=Spooler`); a singleton takes none.
    /// - Returns: the instance, typed by its schema when cimsweep has one, with any schema issues.
    /// - Throws: `CimSessionError` (`.fault` with InvalidSelectors when the instance does not exist).
    public func get(className: String, namespace: String = "root/cimv2",
                    keys: [(name: String, value: String)]) async throws(CimSessionError) -> EnumerationItem {
        let selectors = SelectorSet(keys.map { CimReference.Selector(name: $0.name, value: $0.value) })
        let request = builder.get(.wmi(namespace: namespace, className: className), selectors: selectors)
        let response = try await exchange(request, operation: .get, className: className, namespace: namespace)
        guard case .get(let item) = response else { throw unexpected(response, operation: .get) }
        return item
    }

    /// Sends one request and parses its response, handing enumeration items to `onItem` as they arrive.
    func exchange(_ request: WSManRequest, operation: CimSessionError.Operation, className: String? = nil,
                  namespace: String? = nil, extraHeaders: [HTTPHeader] = [], itemForm: EnumerationItemForm = .instance,
                  onItem: @escaping @Sendable (EnumerationItem) -> Void = { _ in })
        async throws(CimSessionError) -> WSManResponse {
        let context = WSManResponseContext(expecting: request.expectedResponse, relatesTo: request.messageID,
                                           schemas: schemas, host: host, defaultClassName: className,
                                           defaultNamespace: namespace, itemForm: itemForm)
        let consumer = WSManResponseConsumer(parser: WSManResponseParser(context, onItem: onItem))
        let headers = [HTTPHeader("Content-Type", "application/soap+xml;charset=UTF-8")] + extraHeaders
        let start = ContinuousClock.now
        let head: HTTPResponseHead
        do {
            head = try await connection.post(request.body, headers: headers, consumer: consumer)
        } catch let error as TransportError {
            throw CimSessionError(host: host, operation: operation, reason: .transport(error))
        } catch let error as WSManParseError {
            throw CimSessionError(host: host, operation: operation, reason: .malformedResponse(error))
        } catch {
            throw CimSessionError(host: host, operation: operation,
                                  reason: .protocolViolation("request aborted: \(error)"))
        }
        logger.trace("wsman exchange", metadata: [
            "wsman.action": "\(request.action.map { "\($0)" } ?? "Identify")", "http.status": "\(head.status)",
            "bytes": "\(consumer.bodyBytes)", "duration_ms": "\((ContinuousClock.now - start).milliseconds)",
        ])
        switch head.status {
        case 200,
             500 where consumer.bodyBytes > 0:
            do { return try await consumer.finish() } catch {
                throw CimSessionError(host: host, operation: operation, reason: .malformedResponse(error))
            }
        case 401:
            throw CimSessionError(host: host, operation: operation, reason: .unauthorized(offered: head.offeredAuthSchemes))
        case 500:
            throw CimSessionError(host: host, operation: operation, reason: .unexpectedHTTPStatus(
                500, detail: "empty body (OMI answers this way to a request it cannot parse, or when too many enumerations are open)"))
        default:
            throw CimSessionError(host: host, operation: operation, reason: .unexpectedHTTPStatus(head.status, detail: head.reason))
        }
    }

    func unexpected(_ response: WSManResponse, operation: CimSessionError.Operation) -> CimSessionError {
        if case .fault(let fault) = response {
            return CimSessionError(host: host, operation: operation, reason: .fault(fault))
        }
        return CimSessionError(host: host, operation: operation,
                               reason: .protocolViolation("unexpected response \(response)"))
    }
}

extension Duration {
    /// Whole milliseconds, for log metadata and stored durations.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
