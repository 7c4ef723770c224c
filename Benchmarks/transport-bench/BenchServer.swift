import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The peer for the benchmark: answers every request with 200 and a small fixed body.
enum BenchServer {
    static let responseBody = ByteBuffer(repeating: UInt8(ascii: "r"), count: 512)

    /// Binds 127.0.0.1 on an ephemeral port, prints the port on stdout and serves until killed.
    static func serve() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 4096)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        print(channel.localAddress!.port!)
        fflush(nil)  // stdout is a pipe here, so fully buffered
        try await channel.closeFuture.get()
    }

    final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let head = HTTPResponseHead(
                version: .http1_1, status: .ok,
                headers: ["Content-Type": "application/soap+xml;charset=UTF-8", "Content-Length": "\(BenchServer.responseBody.readableBytes)"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(BenchServer.responseBody))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
