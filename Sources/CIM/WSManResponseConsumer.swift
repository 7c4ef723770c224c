import Transport
import WSMan

/// Feeds an HTTP response body into a WS-Man parser as the bytes arrive (on the transport's loop
/// thread), so enumeration items reach their consumer while the response is still downloading.
///
/// 200 and 500 bodies are parsed (WinRM sends faults with 500); 401 and other statuses are
/// answered without parsing, since their bodies are empty or HTML.
final class WSManResponseConsumer: HTTPResponseConsumer {
    private let parser: WSManResponseParser
    private(set) var status = 0
    private(set) var bodyBytes = 0
    private var parsesBody = false

    init(parser: WSManResponseParser) { self.parser = parser }

    func didReceiveHead(_ head: HTTPResponseHead) throws {
        status = head.status
        parsesBody = head.status == 200 || head.status == 500
    }

    func didReceive(_ chunk: UnsafeRawBufferPointer) throws {
        bodyBytes += chunk.count
        if parsesBody { try parser.feed(chunk) }
    }

    /// Ends the parse; call once the transfer is complete.
    func finish() throws(WSManParseError) -> WSManResponse { try parser.finish() }
}

// The consumer is created, used by the loop thread, and read after `post` returns: never concurrently.
extension WSManResponseConsumer: @unchecked Sendable {}
