import ArgumentParser
import CIM
import Transport

/// `cimsweep identify HOST`: WS-Man Identify, unauthenticated unless asked.
struct IdentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Ask a host which WS-Management stack it runs (no credentials needed on Windows).")

    @Argument(help: "Host name or address.")
    var host: String

    @Flag(help: "Authenticate (Windows then shows its OS version; OMI requires it).")
    var authenticated = false

    @OptionGroup var session: SessionFlags
    @OptionGroup var logging: LoggingFlags

    func run() async throws {
        let logger = logging.makeLogger()
        var options = session.sessionOptions
        let credentials = authenticated ? try session.credentials() : CimCredentials.ambient
        if !authenticated { options.authentication = .none }
        let identity = try await CLIErrors.reporting {
            try await Transport.withTransport(logger: logger) { transport in
                let cim = try CimSession(host: host, options: options, credentials: credentials, transport: transport, logger: logger)
                return try await cim.identify(authenticated: authenticated)
            }
        }
        print("ProtocolVersion  : \(identity.protocolVersion)")
        print("ProductVendor    : \(identity.productVendor)")
        print("ProductVersion   : \(identity.productVersion)")
        if !identity.securityProfiles.isEmpty {
            print("SecurityProfiles : \(identity.securityProfiles.joined(separator: ", "))")
        }
    }
}
