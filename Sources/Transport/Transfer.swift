import CCurl

/// One request on its way through the loop: what to send, where the response goes, and how it is going.
// @unchecked Sendable: a Transfer is built on the caller's task and handed to the loop thread through
// CurlMultiLoop's `inbox` Mutex, which orders the handover. From then on its mutable fields are touched
// only on the loop thread, and the caller reads nothing until `continuation` resumes.
final class Transfer: @unchecked Sendable {
    let connection: ConnectionState
    var body: [UInt8]
    let requestBytes: Int
    let headers: [HTTPHeader]
    let timeout: Duration
    let consumer: any HTTPResponseConsumer
    var continuation: CheckedContinuation<HTTPResponseHead, any Error>?

    /// A cancel arrived before the start; the start then fails at once.
    var isCancelRequested = false
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// The head being received; a new status line (after `100 Continue`) starts over.
    var head: HTTPResponseHead?
    var headerBytes = 0
    var isHeadDelivered = false
    var bodyBytes = 0
    /// Set by libcurl's pre-request callback once TCP (and TLS) is up, new or reused.
    var isConnected = false
    /// Why a callback stopped the transfer: the consumer's error or a size limit.
    var abortError: (any Error)?

    /// Response headers beyond this many bytes abort the request (a hostile server could send endless headers).
    static let maxHeaderBytes = 256 << 10

    init(
        connection: ConnectionState, body: [UInt8], headers: [HTTPHeader], timeout: Duration,
        consumer: any HTTPResponseConsumer
    ) {
        self.connection = connection
        self.body = body
        self.requestBytes = body.count
        self.headers = headers
        self.timeout = timeout
        self.consumer = consumer
    }

    /// Resumes the caller once; later calls do nothing.
    func resume(_ result: Result<HTTPResponseHead, any Error>) {
        continuation?.resume(with: result)
        continuation = nil
    }

    /// Handles one raw header line from libcurl; false aborts the transfer. Obsolete line folding
    /// (RFC 9112 §5.2) is not joined: a continuation line has no colon and is dropped.
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Bool {
        headerBytes += line.count
        guard headerBytes <= Self.maxHeaderBytes else {
            abortError = TransportError(
                host: connection.endpoint.host, phase: .receive, kind: .responseTooLarge,
                detail: "the response headers exceeded \(Self.maxHeaderBytes) bytes",
                hint: "The server sent an unreasonable response; check what is listening on port \(connection.endpoint.port)")
            return false
        }
        // Trailers after the body are not part of the head the consumer already has.
        guard !isHeadDelivered else { return true }
        let text = String(decoding: line, as: UTF8.self)
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("HTTP/") {
            let parts = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            let status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            head = HTTPResponseHead(status: status, reason: parts.count > 2 ? String(parts[2]) : "")
        } else if trimmed.isEmpty {
            return true
        } else if let colon = trimmed.firstIndex(of: ":") {
            let name = String(trimmed[..<colon]).trimmingWhitespace()
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace()
            head?.headers.append(HTTPHeader(name, value))
        }
        return true
    }

    /// Handles one piece of the body; false aborts the transfer.
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard deliverHeadIfNeeded() else { return false }
        bodyBytes += chunk.count
        guard bodyBytes <= connection.options.maxResponseBytes else {
            abortError = tooLarge()
            return false
        }
        do {
            try consumer.didReceive(chunk)
            return true
        } catch {
            abortError = error
            return false
        }
    }

    /// Gives the consumer the head before the first body byte, or at the end for a bodiless response;
    /// false when the consumer threw or the announced length is over the cap.
    func deliverHeadIfNeeded() -> Bool {
        guard !isHeadDelivered else { return abortError == nil }
        isHeadDelivered = true
        let delivered = head ?? HTTPResponseHead(status: 0)
        head = delivered
        if let length = delivered.contentLength, length > connection.options.maxResponseBytes {
            abortError = tooLarge()
            return false
        }
        do {
            try consumer.didReceiveHead(delivered)
            return true
        } catch {
            abortError = error
            return false
        }
    }

    private func tooLarge() -> TransportError {
        TransportError(
            host: connection.endpoint.host, phase: .receive, kind: .responseTooLarge,
            detail: "the response body exceeded the limit of \(connection.options.maxResponseBytes) bytes (maxResponseBytes)",
            hint: "Ask for less per request (a smaller MaxElements or MaxEnvelopeSize), or raise maxResponseBytes")
    }
}

// MARK: - libcurl callbacks (C function pointers; the user data is the unretained Transfer)

let transferWriteCallback: cs_curl_data_callback = { data, size, count, userData in
    let transfer = Unmanaged<Transfer>.fromOpaque(userData!).takeUnretainedValue()
    let length = size * count
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

let transferHeaderCallback: cs_curl_data_callback = { data, size, count, userData in
    let transfer = Unmanaged<Transfer>.fromOpaque(userData!).takeUnretainedValue()
    let length = size * count
    return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// Called once the connection (new or reused) is ready, just before the request goes out.
let transferPrereqCallback: cs_curl_prereq_callback = { userData, _, _, _, _ in
    Unmanaged<Transfer>.fromOpaque(userData!).takeUnretainedValue().isConnected = true
    return 0  // CURL_PREREQFUNC_OK
}
