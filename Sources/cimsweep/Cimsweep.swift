import ArgumentParser
import Foundation

/// The `cimsweep` command: agentless CIM inventory over WS-Management.
@main
struct Cimsweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cimsweep",
        abstract: "Agentless Windows (and OMI) inventory over WS-Management: collect, store, diff.",
        discussion: ExitCodes.helpText,
        version: "0.1.0",
        subcommands: [IdentifyCommand.self, GetCommand.self, ClassesCommand.self, CollectCommand.self, SnapshotsCommand.self,
                      PruneCommand.self, DemoCommand.self, SimCommand.self,
                      DiffCommand.self,
                      QueryCommand.self]
    )

    /// Runs the command, then leaves with `_exit`: `exit` would run C library destructors, and
    /// libkrb5's tear down its mutexes while a GSS mechanism's destructor still locks them
    /// ("k5_mutex_lock: Received error 22", an abort seen in CI after a sealed Kerberos `get`).
    /// Output is flushed first; the database needs nothing at exit (every write is committed).
    static func main() async {
        var status: Int32 = 0
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            }
            status = code.rawValue
        }
        fflush(nil)   // every output stream
        _exit(status)
    }
}
