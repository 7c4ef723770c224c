import ArgumentParser

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
}
