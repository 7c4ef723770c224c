/// The Enumerate → Pull … → EndOfSequence protocol as a value that returns what to do next;
/// no I/O, no clock, so every transition is unit-tested without a socket.
///
/// Enumerate follows [DMTF-DSP0226] 8.2 unchanged on Windows ([MS-WSMV] 3.1.4.8), with the first
/// batch in the EnumerateResponse when optimized ([MS-WSMV] 3.1.4.1.16, [DMTF-DSP0226] 8.2.3).
///
/// - Items arrive through the parser's `onItem`; the machine sees only each batch's context and
///   EndOfSequence. Batches may be empty or smaller than MaxElements without being the end
///   (Windows and OMI both do this), so it keeps pulling until EndOfSequence.
/// - The context of the latest response is used for the next Pull.
/// - An EncodingLimit or MaxEnvelopeSize fault halves MaxElements (floor 1) and re-sends.
/// - An OperationTimeout fault on a Pull re-sends the Pull (the context stays valid), up to
///   `maxTimeoutRetries` times in a row.
/// - An expired or unknown context is a terminal failure: the caller restarts from scratch.
/// - Cancelling with an open context sends Release; after EndOfSequence nothing is released.
///
/// ```swift
/// var machine = EnumerationStateMachine(builder: builder, resource: .wmiQuery(namespace: "root/cimv2"),
///                                       filter: .wql("SELECT * FROM Win32_Service"), maxElements: 100)
/// var action = machine.start()
/// while case .send(let request) = action { action = machine.received(try await exchange(request)) }
/// ```
public struct EnumerationStateMachine: Sendable {
    /// What the caller does next.
    public enum Action: Sendable, Hashable {
        /// Send this request and feed its parsed response to `received(_:)`.
        case send(WSManRequest)
        /// The enumeration is complete (or released after a cancel).
        case finish
        /// The enumeration failed; if `release` is set, send it (best effort) to free the context.
        /// Its response may be fed back to `received(_:)`, which then answers `.finish`.
        case fail(EnumerationFailure, release: WSManRequest?)
    }

    /// Where the machine is.
    public enum State: Sendable, Hashable {
        case idle
        case enumerating
        case pulling(context: String)
        case releasing
        case finished
        case failed
    }

    public private(set) var state: State = .idle
    /// The items per batch currently asked for (lowered by envelope-size faults).
    public private(set) var maxElements: Int
    /// The open enumeration context, if any.
    public private(set) var context: String?
    /// Consecutive OperationTimeout retries allowed on a Pull.
    public var maxTimeoutRetries = 2

    private let builder: WSManRequestBuilder
    private let resource: ResourceURI
    private let filter: WSManFilter?
    private let mode: EnumerationMode
    private var timeoutRetries = 0

    public init(builder: WSManRequestBuilder, resource: ResourceURI, filter: WSManFilter? = nil,
                mode: EnumerationMode = .objects, maxElements: Int = 100) {
        self.builder = builder
        self.resource = resource
        self.filter = filter
        self.mode = mode
        self.maxElements = max(1, maxElements)
    }

    /// Starts: the optimized Enumerate.
    public mutating func start() -> Action {
        state = .enumerating
        return .send(enumerateRequest())
    }

    /// Advances on a parsed response to the last request sent.
    public mutating func received(_ response: WSManResponse) -> Action {
        switch (state, response) {
        case (.enumerating, .enumeration(let batch)), (.pulling, .enumeration(let batch)):
            timeoutRetries = 0
            if batch.isEndOfSequence {
                context = nil
                state = .finished
                return .finish
            }
            guard let next = batch.context, !next.isEmpty else {
                return failed(.protocolViolation("a batch without EndOfSequence carried no enumeration context"))
            }
            context = next
            state = .pulling(context: next)
            return .send(builder.pull(resource, context: next, maxElements: maxElements))
        case (.enumerating, .fault(let fault)), (.pulling, .fault(let fault)):
            return receivedFault(fault)
        case (.releasing, _):
            context = nil
            state = .finished
            return .finish
        case (.failed, .release), (.failed, .fault):
            // The answer to the best-effort Release that came with a failure.
            return .finish
        case (.finished, _), (.failed, _), (.idle, _):
            return failed(.protocolViolation("a response arrived when none was expected (state \(state))"))
        default:
            return failed(.protocolViolation("expected an enumeration response, got \(Self.describe(response))"))
        }
    }

    /// The consumer stopped early (or was cancelled): Release an open context, else finish.
    public mutating func cancelled() -> Action {
        switch state {
        case .enumerating, .pulling:
            guard let context else {
                state = .finished
                return .finish
            }
            state = .releasing
            return .send(builder.release(resource, context: context))
        case .idle, .releasing, .finished, .failed:
            if state == .idle { state = .finished }
            return .finish
        }
    }

    private mutating func receivedFault(_ fault: WSManFault) -> Action {
        if fault.isEncodingLimit, maxElements > 1 {
            maxElements = max(1, maxElements / 2)
            return .send(repeatRequest())
        }
        if fault.isEnumerationContextInvalid || (isPulling && fault.subcode?.localName == "DestinationUnreachable"
                                                 && fault.code == nil) {
            // OMI reports a lost context as DestinationUnreachable without detail (captures 25, 26, 28).
            context = nil
            return failed(.contextExpired(fault))
        }
        if isPulling, fault.code == .operationTimedOut || fault.code == .pullTimedOut, timeoutRetries < maxTimeoutRetries {
            timeoutRetries += 1
            return .send(repeatRequest())
        }
        return failed(.fault(fault))
    }

    private var isPulling: Bool {
        if case .pulling = state { return true }
        return false
    }

    private func enumerateRequest() -> WSManRequest {
        builder.enumerate(resource, filter: filter, mode: mode, maxElements: maxElements)
    }

    private func repeatRequest() -> WSManRequest {
        if case .pulling(let context) = state { return builder.pull(resource, context: context, maxElements: maxElements) }
        return enumerateRequest()
    }

    private mutating func failed(_ failure: EnumerationFailure) -> Action {
        let release = context.map { builder.release(resource, context: $0) }
        context = nil
        state = .failed
        return .fail(failure, release: release)
    }

    private static func describe(_ response: WSManResponse) -> String {
        switch response {
        case .identify: "an IdentifyResponse"
        case .get: "a GetResponse"
        case .enumeration: "an enumeration response"
        case .release: "a ReleaseResponse"
        case .fault(let fault): "a fault (\(fault))"
        }
    }
}

/// Why an enumeration stopped early.
public enum EnumerationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server faulted.
    case fault(WSManFault)
    /// The context expired or is unknown: restart the enumeration (results may repeat).
    case contextExpired(WSManFault)
    /// The server broke the protocol (e.g. a batch with neither context nor EndOfSequence).
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .fault(let fault): "\(fault)"
        case .contextExpired(let fault):
            "enumeration context expired or unknown; restart the enumeration and pull promptly (\(fault))"
        case .protocolViolation(let what): "WS-Enumeration protocol violation: \(what)"
        }
    }
}
