import Dispatch
import Synchronization
import Transport
import WSMan

/// Feeds an HTTP response body into a WS-Man parser as the bytes arrive, so enumeration items reach
/// their consumer while the response is still downloading.
///
/// Parsing runs on a serial queue of its own, not on the transport's loop thread: the one loop
/// thread then only moves bytes for every connection, and responses from many hosts are parsed
/// on all cores. The loop thread appends each chunk to an inbox and schedules a parse only when
/// none is pending; the parse takes everything in the inbox at once, handing back its emptied
/// buffer, so chunks that arrive while parsing runs cost one copy and no allocation. The inbox
/// holds at most one response's bytes (the connection's `maxResponseBytes`). A parse error aborts
/// the transfer at the next chunk.
///
/// 200 and 500 bodies are parsed (WinRM sends faults with 500); 401 and other statuses are
/// answered without parsing, since their bodies are empty or HTML.
final class WSManResponseConsumer: HTTPResponseConsumer {
    private let parser: WSManResponseParser
    private let parsing = DispatchQueue(label: "cimsweep.parse", target: .global(qos: .userInitiated))
    private let inbox = Mutex(Inbox())
    /// The buffer the last parse emptied, for the next one; touched on `parsing` only.
    private var spare: [UInt8] = []
    private(set) var status = 0
    private(set) var bodyBytes = 0
    private var parsesBody = false
    /// The body's announced length (0 when not announced), capped at `maxInboxReservation`.
    private var expectedBytes = 0
    /// No announced length makes the inbox reserve more than this at once (a sanity bound; the
    /// transport refuses bodies past the connection's `maxResponseBytes` anyway).
    private static let maxInboxReservation = 16 << 20

    private struct Inbox {
        var bytes: [UInt8] = []
        /// A parse is queued or running, and will look at the inbox again before it ends.
        var isScheduled = false
        /// Set by a parse, read by the loop thread to stop the transfer.
        var failure: WSManParseError?
    }

    init(parser: WSManResponseParser) { self.parser = parser }

    func didReceiveHead(_ head: HTTPResponseHead) throws {
        status = head.status
        parsesBody = head.status == 200 || head.status == 500
        expectedBytes = min(head.contentLength ?? 0, Self.maxInboxReservation)
    }

    func didReceive(_ chunk: UnsafeRawBufferPointer) throws {
        bodyBytes += chunk.count
        guard parsesBody else { return }
        let scheduling: Result<Bool, WSManParseError> = inbox.withLock { inbox in
            if let failure = inbox.failure { return .failure(failure) }
            // A chunk that does not fit makes room for the rest of the announced body at once, in
            // case the parser falls behind and all of it lands here: growing by doubling instead
            // copies, and makes buffers large enough to be mapped afresh. Past the announced
            // length (or with none), `append` grows the inbox geometrically as usual.
            let stillToCome = expectedBytes - (bodyBytes - chunk.count)   // this chunk included
            if inbox.bytes.count + chunk.count > inbox.bytes.capacity, stillToCome > chunk.count {
                inbox.bytes.reserveCapacity(inbox.bytes.count + stillToCome)
            }
            inbox.bytes.append(contentsOf: chunk)
            defer { inbox.isScheduled = true }
            return .success(!inbox.isScheduled)
        }
        if try scheduling.get() { parsing.async { [self] in parsePending() } }
    }

    /// Parses whatever is in the inbox until it stays empty (on `parsing`).
    private func parsePending() {
        while true {
            var batch = spare
            let taken = inbox.withLock { inbox -> Bool in
                guard !inbox.bytes.isEmpty, inbox.failure == nil else {
                    inbox.isScheduled = false
                    return false
                }
                swap(&inbox.bytes, &batch)
                return true
            }
            guard taken else { return }
            let error = batch.withUnsafeBytes { bytes -> WSManParseError? in
                do throws(WSManParseError) { try parser.feed(bytes) } catch { return error }
                return nil
            }
            if let error { inbox.withLock { $0.failure = error } }
            batch.removeAll(keepingCapacity: true)
            spare = batch
        }
    }

    /// Ends the parse once every chunk is parsed; call once the transfer is complete.
    func finish() async throws(WSManParseError) -> WSManResponse {
        let result: Result<WSManResponse, WSManParseError> = await withCheckedContinuation { continuation in
            parsing.async { [self] in
                parsePending()
                if let failure = inbox.withLock({ $0.failure }) { return continuation.resume(returning: .failure(failure)) }
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
// it returns, never concurrently; the parser and `spare` are used only on `parsing`, one block at a
// time; the inbox is behind its lock.
extension WSManResponseConsumer: @unchecked Sendable {}
