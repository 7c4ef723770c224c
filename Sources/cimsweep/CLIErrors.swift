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
            FileHandle.standardError.write(Data("cimsweep: \(error)\n".utf8))
            throw ExitCodes.failure
        }
    }
}
