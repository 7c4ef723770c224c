import Foundation

/// The real `cimsweep` binary run as a child process, as cron would run it.
final class ChildProcess: Sendable {
    struct Result: Sendable {
        var status: Int32
        var terminatedBySignal: Bool
        var stdout: String
        var stderr: String
    }

    private let process: Process
    private let outputs: (Pipe, Pipe)
    private let result: Task<Result, Never>

    /// Starts `cimsweep` with `arguments`; secrets go in `environment`, never in `arguments`.
    init(_ arguments: [String], environment: [String: String]) throws {
        let binary = try Self.cimsweepBinary()
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment.merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { a, _ in a }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let exited = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in
            exited.continuation.yield()
            exited.continuation.finish()
        }
        try process.run()
        self.process = process
        outputs = (stdout, stderr)
        // Drain both pipes as the child writes, so a chatty child never blocks on a full pipe.
        let out = Self.drain(stdout.fileHandleForReading), err = Self.drain(stderr.fileHandleForReading)
        result = Task {
            for await _ in exited.stream {}
            return Result(status: process.terminationStatus, terminatedBySignal: process.terminationReason == .uncaughtSignal,
                          stdout: await out.value, stderr: await err.value)
        }
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the child to exit and returns what it printed.
    func finished() async -> Result { await result.value }

    /// Reads a pipe to its end on a thread of its own: blocking reads never occupy the (two-thread)
    /// Swift concurrency pool that the simulator and the test itself need.
    private static func drain(_ handle: FileHandle) -> Task<String, Never> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        Thread {
            let data = (try? handle.readToEnd()) ?? Data()
            continuation.yield(String(decoding: data, as: UTF8.self))
            continuation.finish()
        }.start()
        return Task {
            for await text in stream { return text }
            return ""
        }
    }

    /// `cimsweep` built next to the test bundle.
    static func cimsweepBinary() throws -> URL {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.resolvingSymlinksInPath().deletingLastPathComponent() }
        for directory in candidates {
            for dir in [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()] {
                let url = dir.appendingPathComponent("cimsweep")
                if FileManager.default.isExecutableFile(atPath: url.path), !url.hasDirectoryPath { return url }
            }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the cimsweep binary is not built next to the tests"])
    }

    /// Runs `cimsweep` to completion.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> Result {
        try await ChildProcess(arguments, environment: environment).finished()
    }
}
