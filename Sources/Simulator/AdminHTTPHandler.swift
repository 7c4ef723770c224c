import Foundation
import NIOCore
import NIOHTTP1

/// The admin endpoint on its own loopback port: `POST /tick` advances the fleet and returns the
/// ``DriftTruth`` as JSON; `GET /hosts` lists the hosts.
final class AdminHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let fleet: FleetBox
    private var head: HTTPRequestHead?

    init(fleet: FleetBox) { self.fleet = fleet }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let (status, body) = answer(head)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: status == .ok ? "application/json" : "text/plain")
            headers.add(name: "Content-Length", value: String(body.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    private func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, [UInt8]) {
        guard let fleet = fleet.fleet.withLock({ $0 }) else { return (.serviceUnavailable, Array("starting\n".utf8)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        switch (head.method, head.uri) {
        case (.POST, "/tick"):
            return (.ok, Array((try? encoder.encode(fleet.tick())) ?? Data()))
        case (.GET, "/hosts"):
            let list = fleet.hosts.map { ["address": $0.address, "port": String($0.port), "hostname": $0.hostname,
                                          "url": $0.url, "role": $0.role.rawValue, "os": $0.os.version] }
            return (.ok, Array((try? encoder.encode(list)) ?? Data()))
        default:
            return (.notFound, Array("use POST /tick or GET /hosts\n".utf8))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
