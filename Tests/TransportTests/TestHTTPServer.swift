import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A small real HTTP/1.1 server on 127.0.0.1 for the transport tests; each test picks its behaviour.
final class TestHTTPServer: Sendable {
    enum Behaviour: Sendable {
        /// 200 with the request body as the response body.
        case echo
        /// A fixed status, headers and body.
        case fixed(status: Int, headers: [(String, String)], body: [UInt8])
        /// Sends the head and `first` (chunked), then the rest only after `gate` opens.
        case gated(first: [UInt8], rest: [UInt8], gate: Gate)
        /// A chunked body that never ends, written as fast as the client reads.
        case endless
        /// Reads the request and never answers.
        case neverAnswer
        /// Announces `announced` bytes, sends `sent`, then resets the connection (RST).
        case resetMidBody(announced: Int, sent: [UInt8])
        /// Sends an interim `100 Continue`, then echoes with an `X-Final` header.
        case continueThenEcho
        /// Echoes, but only once `gate` opens.
        case held(gate: Gate)
        /// Accepts TCP connections and never reads or writes (no HTTP, no TLS handshake).
        case silentTCP
    }

    struct Request: Sendable {
        var head: HTTPRequestHead
        var body: [UInt8]
    }

    let port: Int
    /// TCP connections accepted so far.
    var acceptedConnections: Int { accepted.load(ordering: .relaxed) }
    /// Requests fully received so far, in arrival order.
    var requests: [Request] { received.withLock { $0 } }

    /// One element per request fully received, as it arrives.
    let arrivals: AsyncStream<Void>

    private let accepted = Atomic<Int>(0)
    private let received = Mutex<[Request]>([])
    private let arrivalsContinuation: AsyncStream<Void>.Continuation
    private let channel: any Channel

    private init(behaviour: Behaviour, tls: NIOSSLContext?) async throws {
        (arrivals, arrivalsContinuation) = AsyncStream.makeStream()
        let box = ServerBox()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .childChannelInitializer { channel in
                box.server?.accepted.add(1, ordering: .relaxed)
                if case .silentTCP = behaviour { return channel.eventLoop.makeSucceededVoidFuture() }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(TestHTTPHandler(behaviour: behaviour, server: box))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
        box.server = self
    }

    /// Runs `body` with a server listening on an ephemeral port, and closes the server afterwards.
    static func run<R>(
        _ behaviour: Behaviour, tls: NIOSSLContext? = nil, _ body: (TestHTTPServer) async throws -> R
    ) async throws -> R {
        let server = try await TestHTTPServer(behaviour: behaviour, tls: tls)
        do {
            let result = try await body(server)
            try? await server.channel.close()
            server.arrivalsContinuation.finish()
            return result
        } catch {
            try? await server.channel.close()
            server.arrivalsContinuation.finish()
            throw error
        }
    }

    func record(_ request: Request) {
        received.withLock { $0.append(request) }
        arrivalsContinuation.yield()
    }
}

/// Lets a handler created before the server finished binding find the server.
final class ServerBox: Sendable {
    private let storage = Mutex<TestHTTPServer?>(nil)
    var server: TestHTTPServer? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

/// A one-shot signal from the test to the server.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [@Sendable () -> Void])>((false, []))

    /// Runs `action` when the gate opens (at once if it is open already).
    func whenOpen(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state in
            if state.isOpen { return true }
            state.waiters.append(action)
            return false
        }
        if runNow { action() }
    }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter() }
    }
}
