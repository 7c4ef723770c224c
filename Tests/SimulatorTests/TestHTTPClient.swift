import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client over NIO for tests: one request per connection, whole response in memory.
enum TestHTTPClient {
    struct ClosedEarly: Error, CustomStringConvertible {
        var description: String { "the server closed the connection before the response was complete" }
    }
    struct TimedOut: Error {}

    static func post(_ url: String, body: [UInt8], headers: [String: String], timeout: TimeInterval) async throws -> Fixture.Response {
        guard let parsed = URLComponents(string: url), let host = parsed.host, let port = parsed.port else {
            throw FixtureError("bad URL \(url)")
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: Fixture.Response.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(Collector(promise: promise))
                }
            }
            .connect(host: host, port: port).get()
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: parsed.path.isEmpty ? "/" : parsed.path)
        head.headers.add(name: "Host", value: "\(host):\(port)")
        head.headers.add(name: "Content-Length", value: String(body.count))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let deadline = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            promise.fail(TimedOut())
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            promise.fail(CancellationError())
            channel.close(promise: nil)
        }
    }

    final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let promise: EventLoopPromise<Fixture.Response>
        var head: HTTPResponseHead?
        var body = Data()

        init(promise: EventLoopPromise<Fixture.Response>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): self.head = head
            case .body(var buffer): body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head else { return }
                var fields: [String: String] = [:]
                for (name, value) in head.headers {
                    let key = name.lowercased()
                    fields[key] = fields[key].map { $0 + ", " + value } ?? value
                }
                promise.succeed(Fixture.Response(status: Int(head.status.code), headers: fields, body: body))
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) { promise.fail(ClosedEarly()) }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(error)
            context.close(promise: nil)
        }
    }
}
