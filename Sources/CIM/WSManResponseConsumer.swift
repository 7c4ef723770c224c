import Dispatch
import Synchronization
import Transport
import WSMan

/// Feeds an HTTP response body into a WS-Man parser as the bytes arrive, so enumeration items reach
/// their consumer while the response is still downloading.
///
/// Parsing runs on a serial queue of its own, not on the transport's loop thread: the one loop
/// thread then only moves bytes for every connection, and responses from many hosts are parsed
/// on all cores. Chunks wait on the queue when parsing falls behind, at most one response's bytes
/// (the connection's `maxResponseBytes`). A parse error aborts the transfer at the next chunk.
///
/// 200 and 500 bodies are parsed (WinRM sends faults with 500); 401 and other statuses are
/// answered without parsing, since their bodies are empty or HTML.
final class WSManResponseConsumer: HTTPResponseConsumer {
    private let parser: WSManResponseParser
    private let parsing = DispatchQueue(label: "cimsweep.parse", target: .global(qos: .userInitiated))
    /// Set on the parsing queue, read on the loop thread to stop the transfer.
    private let failure = Mutex<WSManParseError?>(nil)
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
        guard parsesBody else { return }
        if let failure = failure.withLock({ $0 }) { throw failure }
        let bytes = [UInt8](chunk)
        parsing.async { [self] in
            guard failure.withLock({ $0 == nil }) else { return }
            let error = bytes.withUnsafeBytes { chunk -> WSManParseError? in
                do throws(WSManParseError) { try parser.feed(chunk) } catch { return error }
                return nil
            }
            if let error { failure.withLock { $0 = error } }
        }
    }

    /// Ends the parse once every chunk is parsed; call once the transfer is complete.
    func finish() async throws(WSManParseError) -> WSManResponse {
        let result: Result<WSManResponse, WSManParseError> = await withCheckedContinuation { continuation in
            parsing.async { [self] in
                if let failure = failure.withLock({ $0 }) { return continuation.resume(returning: .failure(failure)) }
                do throws(WSManParseError) {
                    continuation.resume(returning: .success(try parser.finish()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

// `status`, `bodyBytes` and `parsesBody` are written by the loop thread during `post` and read after
// it returns, never concurrently; the parser is used only on `parsing`, one block at a time.
extension WSManResponseConsumer: @unchecked Sendable {}
