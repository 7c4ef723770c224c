import ArgumentParser
import Logging

/// Log verbosity: logs go to stderr; stdout carries data only.
struct LoggingFlags: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Show debug logs (per-host progress).")
    var verbose = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    @Option(help: "Log format on stderr: text, or json (one object per line).")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func makeLogger(label: String = "cimsweep") -> Logger {
        var logger = switch logFormat {
        case .text: Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        case .json: Logger(label: label) { JSONLogHandler(label: $0) }
        }
        logger.logLevel = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? (verbose ? .debug : .notice)
        return logger
    }

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }
}
