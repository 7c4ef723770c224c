import Foundation
import Glibc
import InMemoryLogging
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import Transport

/// A logger that keeps every entry, at every level, for assertions.
struct CapturedLog {
    let handler = { var handler = InMemoryLogHandler(); handler.logLevel = .trace; return handler }()
    var logger: Logger {
        let handler = self.handler
        return Logger(label: "transport-tests") { _ in handler }
    }

    /// Every message and metadata value, as text.
    var allText: [String] {
        handler.entries.map { entry in
            "\(entry.message) \(entry.metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
        }
    }
}

/// Keeps what the transport handed over, and on which thread.
final class RecordingConsumer: HTTPResponseConsumer {
    private(set) var head: HTTPResponseHead?
    private(set) var body: [UInt8] = []
    private(set) var chunkCount = 0
    private(set) var threads: Set<pthread_t> = []
    private let onFirstChunk: (() -> Void)?

    init(onFirstChunk: (() -> Void)? = nil) {
        self.onFirstChunk = onFirstChunk
    }

    /// Whether the calls came out of order (a second head, or a head after body bytes).
    private(set) var isOutOfOrder = false

    func didReceiveHead(_ head: HTTPResponseHead) {
        if self.head != nil || !body.isEmpty { isOutOfOrder = true }
        self.head = head
        threads.insert(pthread_self())
    }

    func didReceive(_ chunk: UnsafeRawBufferPointer) {
        if head == nil { isOutOfOrder = true }
        body.append(contentsOf: chunk)
        chunkCount += 1
        threads.insert(pthread_self())
        if chunkCount == 1 { onFirstChunk?() }
    }
}

/// A port on 127.0.0.1 that refuses connections.
func deadPort() async throws -> Int {
    // Bound but never listening: connections are refused, and since the socket stays open (for the
    // rest of the test process, deliberately) no other test's server can take the port meanwhile.
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
        }
    }
    guard bound else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Runs `operation` and returns the `TransportError` it threw; records an issue if it threw none or another.
func transportError(_ operation: () async throws -> Void) async -> TransportError? {
    do {
        try await operation()
        Issue.record("expected a TransportError, but the request succeeded")
    } catch let error as TransportError {
        return error
    } catch {
        Issue.record("expected a TransportError, got \(error)")
    }
    return nil
}

let soapHeaders = [HTTPHeader("Content-Type", "application/soap+xml;charset=UTF-8")]

extension Endpoint {
    static func local(_ port: Int, tls: Bool = false, host: String = "127.0.0.1") -> Endpoint {
        Endpoint(host: host, port: port, usesTLS: tls, path: "/wsman")
    }
}
