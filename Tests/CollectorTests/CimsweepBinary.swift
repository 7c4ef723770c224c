import ChildProcessSupport
import Foundation

/// The real `cimsweep` binary, built next to the test bundle, run as cron would run it.
enum CimsweepBinary {
    static let path: String = {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: CommandLine.arguments[0])]
            .compactMap { $0?.resolvingSymlinksInPath().deletingLastPathComponent() }
        for directory in candidates {
            for dir in [directory, directory.deletingLastPathComponent(), directory.deletingLastPathComponent().deletingLastPathComponent()] {
                let url = dir.appendingPathComponent("cimsweep")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
            }
        }
        return "cimsweep-is-not-built-next-to-the-tests"
    }()

    static func start(_ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        try ChildProcess(path, arguments, environment: environment)
    }

    static func run(_ arguments: [String], environment: [String: String]) async throws -> ChildProcess.Result {
        try await ChildProcess.run(path, arguments, environment: environment)
    }
}
