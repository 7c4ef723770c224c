import Foundation
import Logging
import Transport

/// `swift run -c release transport-bench [runs]`: requests/s and client CPU per request for small POSTs
/// over keep-alive, with 1, 32 and 1,000 concurrent connections, against a NIO server in a child
/// process (so the CPU figures are the client's alone). Prints the median of `runs` runs (default 5).
@main
enum TransportBench {
    static func main() async throws {
        if CommandLine.arguments.dropFirst().first == "serve" {
            try await BenchServer.serve()
            return
        }
        let runs = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5
        let (server, port) = try startServer()
        defer { server.terminate() }
        let body = Array(repeating: UInt8(ascii: "q"), count: 1024)
        print("concurrency  requests/run  median req/s  median CPU µs/req  (\(runs) runs)")
        for (concurrency, requests) in [(1, 5_000), (32, 20_000), (1_000, 20_000)] {
            var rates: [Double] = []
            var cpu: [Double] = []
            for _ in 0..<runs {
                let figures = try await measure(port: port, concurrency: concurrency, requests: requests, body: body)
                rates.append(figures.rate)
                cpu.append(figures.cpuMicroseconds)
            }
            print(String(format: "%11d  %12d  %12.0f  %17.1f", concurrency, requests, median(rates), median(cpu)))
        }
    }

    static func measure(port: Int, concurrency: Int, requests: Int, body: [UInt8]) async throws
        -> (rate: Double, cpuMicroseconds: Double)
    {
        try await Transport.withTransport(logger: Logger(label: "bench")) { transport in
            let endpoint = Endpoint(host: "127.0.0.1", port: port)
            let connections = try (0..<concurrency).map { _ in try transport.connection(to: endpoint) }
            let headers = [HTTPHeader("Content-Type", "application/soap+xml;charset=UTF-8")]
            // One warm-up request per connection, so TCP setup is not measured.
            try await run(connections, perConnection: 1, body: body, headers: headers)
            let perConnection = max(1, requests / concurrency)
            let cpuBefore = processCPUSeconds()
            let start = ContinuousClock.now
            try await run(connections, perConnection: perConnection, body: body, headers: headers)
            let elapsed = ContinuousClock.now - start
            let cpuUsed = processCPUSeconds() - cpuBefore
            let total = Double(perConnection * concurrency)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return (total / seconds, cpuUsed / total * 1e6)
        }
    }

    static func run(_ connections: [HTTPConnection], perConnection: Int, body: [UInt8], headers: [HTTPHeader]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask {
                    for _ in 0..<perConnection {
                        let response = try await connection.post(body, headers: headers)
                        guard response.head.status == 200 else { throw BenchError.status(response.head.status) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    enum BenchError: Error { case status(Int), noPort }

    static func startServer() throws -> (Process, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["serve"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = [UInt8]()
        while let byte = try pipe.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw BenchError.noPort }
        return (process, port)
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
