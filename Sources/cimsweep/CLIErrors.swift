import ArgumentParser
import Foundation

/// Turns library errors into one clear line on stderr and the documented exit status.
enum CLIErrors {
    /// Runs `body`; an error other than a usage error is printed as `cimsweep: <description>` and
    /// becomes exit status 2.
    static func reporting<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("\(error)")
            throw ExitCodes.failure
        }
    }

    /// Prints `cimsweep: <message>` on stderr.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("cimsweep: \(message)\n".utf8))
    }
}
