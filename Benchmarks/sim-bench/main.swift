// sim-bench: how fast the simulator serves Win32_Process enumerations (Enumerate + Pull until
// EndOfSequence, MaxEnvelopeSize 512000, MaxElements 32000), driven by a pure NIO keep-alive client
// in the same process. CPU is measured per thread from /proc, counting only the simulator's event-loop
// threads (NIO-ELT-*), so the client's own cost is excluded. Prints medians of several runs.
//
//   swift run -c release sim-bench [--hosts 50] [--connections 64] [--seconds 5] [--runs 5]
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Simulator

struct Options {
    var hosts = 50, connections = 64, seconds = 5.0, runs = 5
    init() {
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let flag = arguments.next() {
            guard let value = arguments.next() else { break }
            switch flag {
            case "--hosts": hosts = Int(value) ?? hosts
            case "--connections": connections = Int(value) ?? connections
            case "--seconds": seconds = Double(value) ?? seconds
            case "--runs": runs = Int(value) ?? runs
            default: FileHandle.standardError.write(Data("unknown flag \(flag)\n".utf8)); exit(64)
            }
        }
    }
}

/// CPU seconds used so far by this process's simulator event-loop threads.
func simulatorCPUSeconds() -> Double {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.reduce(0) { total, task in
        guard let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8), comm.hasPrefix("NIO-ELT"),
              let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return total }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return total + ((Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)) / ticks
    }
}

/// One keep-alive connection that runs enumerations back to back and counts them.
final class Driver: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: every field is touched only on the channel's event loop.
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let host: String
    let authorization: String
    var body: [UInt8] = []
    var enumerations = 0
    var bytes = 0
    var running = true

    init(host: String, authorization: String) { self.host = host; self.authorization = authorization }

    static let uri = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process"
    static func envelope(action: String, body: String) -> String {
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\" xmlns:w=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header><w:ResourceURI>\(uri)</w:ResourceURI><a:Action>http://schemas.xmlsoap.org/ws/2004/09/enumeration/\(action)</a:Action><w:MaxEnvelopeSize>512000</w:MaxEnvelopeSize><a:MessageID>uuid:00000000-0000-0000-0000-000000000001</a:MessageID><w:OperationTimeout>PT60S</w:OperationTimeout></s:Header><s:Body>\(body)</s:Body></s:Envelope>"
    }
    static let enumerate = Array(envelope(action: "Enumerate", body: "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements></n:Enumerate>").utf8)

    func send(_ payload: [UInt8], context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/wsman")
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Authorization", value: authorization)
        head.headers.add(name: "Content-Type", value: "application/soap+xml;charset=UTF-8")
        head.headers.add(name: "Content-Length", value: String(payload.count))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: payload)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelActive(context: ChannelHandlerContext) { send(Self.enumerate, context: context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: body.removeAll(keepingCapacity: true)
        case .body(var buffer): bytes += buffer.readableBytes; body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            let text = String(decoding: body, as: UTF8.self)
            if let start = text.range(of: "<n:EnumerationContext>"), let end = text.range(of: "</n:EnumerationContext>"),
               start.upperBound < end.lowerBound, !text.contains("EndOfSequence/>") {
                let context_ = String(text[start.upperBound..<end.lowerBound])
                send(Array(Self.envelope(action: "Pull", body: "<n:Pull><n:EnumerationContext>\(context_)</n:EnumerationContext><n:MaxElements>32000</n:MaxElements></n:Pull>").utf8), context: context)
            } else {
                enumerations += 1
                if running { send(Self.enumerate, context: context) }
            }
        }
    }
}

let options = Options()
var configuration = FleetConfiguration()
configuration.hostCount = options.hosts
configuration.port = 0
configuration.credentials = SimulatorCredentials(username: "bench", password: "bench")
let authorization = "Basic " + Data("bench:bench".utf8).base64EncodedString()
try await SimulatedFleet.run(configuration, logger: Logger(label: "sim-bench")) { fleet in
    let client = MultiThreadedEventLoopGroup.singleton
    var rates: [Double] = [], megabytes: [Double] = [], perCore: [Double] = [], cpuPerEnumeration: [Double] = []
    for run in 0..<options.runs {
        var drivers: [Driver] = [], channels: [any Channel] = []
        let cpuStart = simulatorCPUSeconds(), start = ContinuousClock.now
        for index in 0..<options.connections {
            let host = fleet.hosts[index % fleet.hosts.count]
            let driver = Driver(host: "\(host.address):\(host.port)", authorization: authorization)
            drivers.append(driver)
            channels.append(try await ClientBootstrap(group: client).channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(driver)
                }
            }.connect(host: host.address, port: host.port).get())
        }
        try await Task.sleep(for: .seconds(options.seconds))
        for (driver, channel) in zip(drivers, channels) { try await channel.eventLoop.submit { driver.running = false }.get() }
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        let cpu = simulatorCPUSeconds() - cpuStart
        var counts: [(Int, Int)] = []
        for (driver, channel) in zip(drivers, channels) {
            counts.append(try await channel.eventLoop.submit { (driver.enumerations, driver.bytes) }.get())
        }
        for channel in channels { try? await channel.close() }
        let total = counts.reduce(0) { $0 + $1.0 }, bytes = counts.reduce(0) { $0 + $1.1 }
        rates.append(Double(total) / elapsed)
        megabytes.append(Double(bytes) / elapsed / 1_000_000)
        perCore.append(Double(total) / max(cpu, 0.001))
        cpuPerEnumeration.append(cpu / Double(max(total, 1)) * 1_000)
        print("run \(run + 1): \(total) enumerations in \(String(format: "%.2f", elapsed)) s, simulator CPU \(String(format: "%.2f", cpu)) s")
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    let processes = fleet.instances(host: 0, className: "Win32_Process")?.count ?? 0
    print("""
    Win32_Process enumerations (~\(processes) instances each), \(options.hosts) hosts, \(options.connections) connections, \(System.coreCount) cores, median of \(options.runs):
      \(String(format: "%.0f", median(rates))) enumerations/s, \(String(format: "%.1f", median(megabytes))) MB/s
      \(String(format: "%.0f", median(perCore))) enumerations per simulator CPU-second, \(String(format: "%.0f", median(megabytes) / max(median(rates), 1) * median(perCore))) MB per CPU-second
      \(String(format: "%.2f", median(cpuPerEnumeration))) ms of simulator CPU per enumeration
    """)
}

