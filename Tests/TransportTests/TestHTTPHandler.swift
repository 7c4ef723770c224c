import NIOCore
import NIOHTTP1
import NIOPosix

/// Serves one connection of ``TestHTTPServer`` according to its behaviour.
final class TestHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let behaviour: TestHTTPServer.Behaviour
    private let server: ServerBox
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(behaviour: TestHTTPServer.Behaviour, server: ServerBox) {
        self.behaviour = behaviour
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            let request = TestHTTPServer.Request(head: head, body: body)
            server.server?.record(request)
            answer(request, context: context)
        }
    }

    private func answer(_ request: TestHTTPServer.Request, context: ChannelHandlerContext) {
        switch behaviour {
        case .echo:
            respond(status: .ok, headers: [], body: request.body, context: context)
        case .fixed(let status, let headers, let body):
            respond(status: HTTPResponseStatus(statusCode: status), headers: headers, body: body, context: context)
        case .gated(let first, let rest, let gate):
            writeHead(status: .ok, headers: [("Transfer-Encoding", "chunked")], context: context)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: first)))), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            gate.whenOpen {
                bound.eventLoop.execute {
                    let context = bound.value
                    context.write(handler.value.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: rest)))), promise: nil)
                    context.writeAndFlush(handler.value.wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        case .endless:
            writeHead(status: .ok, headers: [("Transfer-Encoding", "chunked")], context: context)
            writeForever(chunk: ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 << 10), context: context)
        case .continueThenEcho:
            writeHead(status: .continue, headers: [], context: context)
            respond(status: .ok, headers: [("X-Final", "yes")], body: request.body, context: context)
        case .neverAnswer, .silentTCP:
            break
        case .resetMidBody(let announced, let sent):
            writeHead(status: .ok, headers: [("Content-Length", "\(announced)")], context: context)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: sent)))), promise: nil)
            let channel = context.channel
            // SO_LINGER 0 turns close into a TCP reset.
            guard let sockets = channel as? any SocketOptionProvider else {
                channel.close(promise: nil)
                return
            }
            sockets.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
        case .held(let gate):
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            gate.whenOpen {
                bound.eventLoop.execute {
                    handler.value.respond(status: .ok, headers: [], body: request.body, context: bound.value)
                }
            }
        }
    }

    private func writeHead(status: HTTPResponseStatus, headers: [(String, String)], context: ChannelHandlerContext) {
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders(headers)))),
            promise: nil)
    }

    private func respond(
        status: HTTPResponseStatus, headers: [(String, String)], body: [UInt8], context: ChannelHandlerContext
    ) {
        writeHead(status: status, headers: headers + [("Content-Length", "\(body.count)")], context: context)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Writes `chunk` again each time the previous write completed, until the connection fails.
    private func writeForever(chunk: ByteBuffer, context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk)))).whenSuccess {
            handler.value.writeForever(chunk: chunk, context: bound.value)
        }
    }
}
