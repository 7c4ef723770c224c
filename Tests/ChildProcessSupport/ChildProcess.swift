import Foundation
import Glibc
import Synchronization

/// A child process for tests, started with `posix_spawn`.
///
/// Not `Foundation.Process`: on Linux its `run()` intermittently crashes with a buffer over-read in
/// `findMaximumOpenFromProcSelfFD` (swift-corelibs-foundation PR #5472, not in the 6.3 toolchain
/// here), about one suite run in five once many tests spawn children. Pipes are read and the child
/// is reaped on threads of their own, never on the two-thread Swift concurrency pool.
public final class ChildProcess: Sendable {
    public struct Result: Sendable {
        /// The exit status, or the signal number when `terminatedBySignal`.
        public var status: Int32
        public var terminatedBySignal: Bool
        public var stdout: String
        public var stderr: String
    }

    public let pid: pid_t
    private let stdinDescriptor: Mutex<Int32?>
    private let stdoutLines: AsyncStream<String>
    private let stderrLines: AsyncStream<String>
    private let result: Task<Result, Never>

    /// Starts `executable` (an absolute path). Secrets belong in `environment`, never in `arguments`.
    /// - Parameters:
    ///   - environment: the child's whole environment; nil inherits this process's.
    ///   - keepsStdinOpen: give the child a pipe on stdin (see `writeStdin`); otherwise /dev/null.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                keepsStdinOpen: Bool = false) throws {
        var spawned: (pid_t, Int32?, Int32, Int32) = (0, nil, -1, -1)
        // Pipes are made and the child spawned under one lock: a child spawned by another thread
        // between pipe() and FD_CLOEXEC would inherit a write end and keep that pipe from ending.
        try Self.spawnLock.withLock { _ throws in
            let input = keepsStdinOpen ? try Self.pipe() : nil
            let output = try Self.pipe(), errors = try Self.pipe()
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            if let input { posix_spawn_file_actions_adddup2(&actions, input.read, 0) } else {
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            }
            posix_spawn_file_actions_adddup2(&actions, output.write, 1)
            posix_spawn_file_actions_adddup2(&actions, errors.write, 2)

            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
            defer {
                argv.forEach { free($0) }
                envp?.forEach { free($0) }
            }
            var child = pid_t()
            let status = envp.map { posix_spawn(&child, executable, &actions, nil, argv, $0) }
                ?? posix_spawn(&child, executable, &actions, nil, argv, environ)
            [input?.read, output.write, errors.write].compactMap { $0 }.forEach { close($0) }
            guard status == 0 else {
                [input?.write, output.read, errors.read].compactMap { $0 }.forEach { close($0) }
                throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO, userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable)"])
            }
            spawned = (child, input?.write, output.read, errors.read)
        }
        let (child, stdinWrite, outputRead, errorsRead) = spawned
        pid = child
        stdinDescriptor = Mutex(stdinWrite)
        let (lines, lineSink) = AsyncStream.makeStream(of: String.self)
        let (errorLines, errorLineSink) = AsyncStream.makeStream(of: String.self)
        stdoutLines = lines
        stderrLines = errorLines
        let out = Self.drain(outputRead, lines: lineSink), err = Self.drain(errorsRead, lines: errorLineSink)
        let exit = Self.reap(child)
        result = Task {
            let (status, bySignal) = await exit.value
            return Result(status: status, terminatedBySignal: bySignal, stdout: await out.value, stderr: await err.value)
        }
    }

    /// Runs a child to completion.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> Result {
        try await ChildProcess(executable, arguments, environment: environment).finished()
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// Writes to the child's stdin (when started with `keepsStdinOpen`).
    public func writeStdin(_ text: String) {
        stdinDescriptor.withLock { descriptor in
            guard let descriptor else { return }
            _ = text.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
        }
    }

    /// Closes the child's stdin: it reads end of file.
    public func closeStdin() {
        stdinDescriptor.withLock { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
    }

    /// The next line the child writes on stdout, or nil once stdout is closed.
    public func nextStdoutLine() async -> String? {
        for await line in stdoutLines { return line }
        return nil
    }

    /// The next line the child writes on stderr, or nil once stderr is closed.
    public func nextStderrLine() async -> String? {
        for await line in stderrLines { return line }
        return nil
    }

    /// Waits for the child to exit and its output to end.
    public func finished() async -> Result {
        closeStdin()
        return await result.value
    }

    private static let spawnLock = Mutex(())

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard Glibc.pipe(&descriptors) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // Close-on-exec, so other children started meanwhile do not hold this pipe open.
        descriptors.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    /// Reads a pipe to its end on a thread, handing out complete lines as they arrive.
    private static func drain(_ descriptor: Int32, lines: AsyncStream<String>.Continuation?) -> Task<String, Never> {
        let (done, finish) = AsyncStream.makeStream(of: String.self)
        Thread {
            var all: [UInt8] = [], pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                all += buffer[..<count]
                guard let lines else { continue }
                pending += buffer[..<count]
                while let newline = pending.firstIndex(of: 0x0A) {
                    lines.yield(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            close(descriptor)
            if let lines {
                if !pending.isEmpty { lines.yield(String(decoding: pending, as: UTF8.self)) }
                lines.finish()
            }
            finish.yield(String(decoding: all, as: UTF8.self))
            finish.finish()
        }.start()
        return Task {
            for await text in done { return text }
            return ""
        }
    }

    /// Waits for the child on a thread: (exit status or signal, whether it was a signal).
    private static func reap(_ child: pid_t) -> Task<(Int32, Bool), Never> {
        let (done, finish) = AsyncStream.makeStream(of: (Int32, Bool).self)
        Thread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0, errno == EINTR {}
            let signalled = (status & 0x7F) != 0 && (status & 0x7F) != 0x7F
            finish.yield(signalled ? (status & 0x7F, true) : ((status >> 8) & 0xFF, false))
            finish.finish()
        }.start()
        return Task {
            for await value in done { return value }
            return (-1, false)
        }
    }
}
