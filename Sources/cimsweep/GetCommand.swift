import ArgumentParser
import CIM
import CIMModel
import Transport
import WSMan

/// `cimsweep get HOST CLASS`: instances of one class from one host, like `Get-CimInstance`.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Get instances of a CIM class from one host.",
        discussion: """
        Enumerates the class (Enumerate + Pull), or runs WQL with --filter/--query, or fetches one
        instance by its keys with --key (WS-Transfer Get). Examples:
          cimsweep get srv01 Win32_Service --filter "State='Running'" --property Name,StartMode
          cimsweep get srv01 Win32_Service --key Name=Spooler -o json
          cimsweep get srv01 MSFT_NetAdapter -n root/StandardCimv2 -o csv
        """)

    @Argument(help: "Host name or address.")
    var host: String

    @Argument(help: "CIM class, e.g. Win32_Process.")
    var className: String

    @Option(name: [.customShort("n"), .long], help: "CIM namespace.")
    var namespace = "root/cimv2"

    @Option(help: "WQL WHERE clause, e.g. \"Name='svchost.exe'\".")
    var filter: String?

    @Option(help: "A whole WQL statement (wins over CLASS and --filter for what is sent).")
    var query: String?

    @Option(help: "Properties to return, comma-separated (WQL projection).")
    var property: String?

    @Flag(help: "Return only key properties (WS-Man EnumerateEPR).")
    var keyOnly = false

    @Option(name: .customLong("key"), help: "A key property as NAME=VALUE; repeat for compound keys. Uses WS-Transfer Get.")
    var keys: [String] = []

    @Option(name: [.customShort("o"), .long], help: "Output format: table, json, ndjson or csv.")
    var output: OutputFormat = .table

    @Flag(help: "Report properties the host sends that the schema lacks, and type mismatches (on stderr).")
    var checkSchema = false

    @OptionGroup var session: SessionFlags
    @OptionGroup var logging: LoggingFlags

    func validate() throws {
        if !keys.isEmpty, filter != nil || query != nil || keyOnly {
            throw ValidationError("--key fetches one instance; it cannot be combined with --filter, --query or --key-only")
        }
        for key in keys where !key.contains("=") {
            throw ValidationError("--key takes NAME=VALUE, got '\(key)'")
        }
        if keyOnly, property != nil { throw ValidationError("--key-only and --property cannot be combined") }
    }

    func run() async throws {
        let logger = logging.makeLogger()
        let options = session.sessionOptions
        let credentials = try session.credentials()
        var printer = InstancePrinter(format: output)
        var report = SchemaReport()
        let keyPairs = keys.map { pair in
            let equals = pair.firstIndex(of: "=")!
            return (name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
        }
        let cimQuery = CimQuery(className: className, namespace: namespace, whereClause: filter, wql: query,
                                properties: property.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                                mode: keyOnly ? .references : .objects)
        try await CLIErrors.reporting {
            try await Transport.withTransport(logger: logger) { transport in
                let cim = try CimSession(host: host, options: options, credentials: credentials, transport: transport,
                                         logger: logger)
                if !keyPairs.isEmpty {
                    let item = try await cim.get(className: className, namespace: namespace, keys: keyPairs)
                    report.add(item)
                    if let instance = item.instance { printer.print(instance) }
                } else {
                    for try await item in cim.enumerate(cimQuery) {
                        report.add(item)
                        if let instance = item.instance ?? item.endpointReference.map({ $0.keyInstance(host: host, namespace: namespace) }) {
                            printer.print(instance)
                        }
                    }
                }
            }
        }
        printer.finish()
        if checkSchema { report.print(registry: .builtin, className: className, namespace: namespace) }
    }
}

extension CimReference {
    /// An instance holding only the key properties an EPR names (for `--key-only`).
    func keyInstance(host: String, namespace: String) -> CimInstance {
        let keys = selectors.filter { $0.name != "__cimnamespace" }
        return CimInstance(className: className, namespace: namespace, host: host,
                           properties: keys.map { CimProperty(name: $0.name, value: .string($0.value)) },
                           keyNames: keys.map(\.name))
    }
}
