/// Receives a response as it arrives, on the transport's loop thread.
///
/// The calls come in order: ``didReceiveHead(_:)`` once, then ``didReceive(_:)`` for each body chunk.
/// They run on the single thread that drives every transfer, so keep them short: parse, and hand the
/// results on (e.g. yield to an `AsyncStream` continuation). Never block in them.
public protocol HTTPResponseConsumer: AnyObject {
    /// The status line and headers, before any body bytes. Throwing aborts the transfer, and
    /// ``HTTPConnection/post(_:headers:timeout:consumer:)`` rethrows the error.
    func didReceiveHead(_ head: HTTPResponseHead) throws
    /// The next piece of the body. The buffer is valid only during the call. Throwing aborts the
    /// transfer, and ``HTTPConnection/post(_:headers:timeout:consumer:)`` rethrows the error.
    func didReceive(_ chunk: UnsafeRawBufferPointer) throws
}

/// A whole response held in memory: for small bodies such as WS-Man Identify or fault responses.
public struct HTTPResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: [UInt8]

    public init(head: HTTPResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}

/// Collects the body into one array; the size cap of the connection bounds it.
final class CollectingConsumer: HTTPResponseConsumer {
    private(set) var body: [UInt8] = []

    func didReceiveHead(_ head: HTTPResponseHead) {
        if let length = head.contentLength, length > 0 { body.reserveCapacity(min(length, 1 << 20)) }
    }

    func didReceive(_ chunk: UnsafeRawBufferPointer) {
        body.append(contentsOf: chunk)
    }
}
