import Logging
import NIOCore
import NIOHTTP1

/// The HTTP side of one simulated host: `POST /wsman` only, bodies capped (413 beyond the cap,
/// without buffering the rest), replies sent after their delay with Windows' HTTP headers.
final class WSManHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: HostService
    private let hub: EventHub
    private let maxBodySize: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var refused: HTTPResponseStatus?

    init(service: HostService, hub: EventHub, maxBodySize: Int) {
        self.service = service
        self.hub = hub
        self.maxBodySize = maxBodySize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.removeAll(keepingCapacity: true)
            refused = nil
            if head.uri.split(separator: "?").first.map(String.init)?.lowercased() != "/wsman" { refused = .notFound }
            else if head.method != .POST { refused = .methodNotAllowed }
            else if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBodySize {
                refused = .payloadTooLarge
            }
        case .body(var buffer):
            guard refused == nil else { return }
            if body.count + buffer.readableBytes > maxBodySize {
                refused = .payloadTooLarge
                body.removeAll()
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            self.head = nil
            if let refused {
                write(status: refused, headers: [("Content-Type", "text/plain")], body: ByteBuffer(string: "\(refused.reasonPhrase)\n"),
                      keepAlive: refused != .payloadTooLarge && head.isKeepAlive, context: context)
                return
            }
            let (reply, user, event) = service.handle(body: body, authorization: head.headers.first(name: "Authorization"),
                                                      identifyHeader: head.headers.first(name: "WSMANIDENTIFY"))
            body.removeAll(keepingCapacity: false)
            hub.publish(event)
            if reply.behaviour == .hang {
                service.finish(user: user)
                return
            }
            if reply.delay > .zero {
                let nanos = reply.delay.components.seconds * 1_000_000_000 + reply.delay.components.attoseconds / 1_000_000_000
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let keepAlive = head.isKeepAlive
                context.eventLoop.scheduleTask(in: .nanoseconds(nanos)) {
                    let (handler, context) = bound.value
                    handler.send(reply, keepAlive: keepAlive, context: context)
                    handler.service.finish(user: user)
                }
            } else {
                send(reply, keepAlive: head.isKeepAlive, context: context)
                service.finish(user: user)
            }
        }
    }

    private func send(_ reply: SimulatorReply, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let status = HTTPResponseStatus(statusCode: reply.status)
        if reply.behaviour == .resetMidBody {
            var headers = baseHeaders(reply.headers, length: reply.body.readableBytes)
            headers.replaceOrAdd(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            let half = reply.body.getSlice(at: reply.body.readerIndex, length: reply.body.readableBytes / 2) ?? ByteBuffer()
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(half))), promise: nil)
            context.close(promise: nil)
            return
        }
        write(status: status, headers: reply.headers, body: reply.body, keepAlive: keepAlive, context: context)
    }

    private func baseHeaders(_ extra: [(String, String)], length: Int) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Server", value: "Microsoft-HTTPAPI/2.0")
        for (name, value) in extra { headers.add(name: name, value: value) }
        headers.add(name: "Content-Length", value: String(length))
        return headers
    }

    private func write(status: HTTPResponseStatus, headers: [(String, String)], body: ByteBuffer, keepAlive: Bool,
                       context: ChannelHandlerContext) {
        var fields = baseHeaders(headers, length: body.readableBytes)
        if !keepAlive { fields.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: fields))), promise: nil)
        if body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
