import ArgumentParser
import CIM
import Foundation
import Transport

/// Session options shared by every command that talks to hosts, named as PowerShell names them.
struct SessionFlags: ParsableArguments {
    @Option(help: "TCP port (default 5985, or 5986 with --ssl).")
    var port: Int?

    @Flag(help: "Use HTTPS.")
    var ssl = false

    @Option(help: "Authentication: basic, or none (Identify only). Negotiate, Kerberos, NTLM and certificates arrive with the [auth] work.")
    var auth: CimSessionOptions.AuthenticationMechanism = .basic

    @Flag(help: "Allow Basic authentication over plain HTTP (the password crosses the network readable).")
    var allowUnencrypted = false

    @Flag(help: "Do not verify the server certificate's issuer (TLS stays on, unauthenticated).")
    var skipCACheck = false

    @Flag(help: "Do not check that the server certificate names the host.")
    var skipCNCheck = false

    @Flag(help: "Do not check certificate revocation (the default with OpenSSL libcurl; accepted for PowerShell parity).")
    var skipRevocationCheck = false

    @Option(help: "A PEM file of CA certificates to trust for HTTPS.")
    var caFile: String?

    @Option(help: "HTTP proxy URL, e.g. http://proxy:3128. The environment's proxy variables are not used.")
    var proxy: String?

    @Option(help: "Hosts that bypass --proxy, comma-separated.")
    var noProxy: String?

    @Option(help: "WS-Man OperationTimeout in seconds (the HTTP limit adds 10 s).")
    var operationTimeout: Int = 60

    @Option(help: "TCP/TLS connect timeout in seconds.")
    var connectTimeout: Int = 10

    @Option(help: "Largest response accepted, in KB (w:MaxEnvelopeSize).")
    var maxEnvelopeSizeKB: Int = 150

    @Option(help: "Items asked for per Enumerate/Pull.")
    var maxElements: Int = 200

    @Option(help: "w:Locale for fault messages.")
    var locale = "en-US"

    @Flag(help: "Send the __cimnamespace selector with every request (OMI servers need it).")
    var omi = false

    @Option(help: "A file with 'username=' and 'password=' lines, mode 0600. Otherwise CIMSWEEP_USERNAME/CIMSWEEP_PASSWORD or a prompt.")
    var credentialFile: String?

    func validate() throws {
        guard (1...65_535).contains(port ?? 1) else { throw ValidationError("--port must be 1–65535") }
        guard operationTimeout > 0, connectTimeout > 0 else { throw ValidationError("timeouts must be positive") }
        guard maxEnvelopeSizeKB >= 8 else { throw ValidationError("--max-envelope-size-kb must be at least 8 (WinRM refuses less)") }
        guard maxElements > 0 else { throw ValidationError("--max-elements must be positive") }
    }

    var sessionOptions: CimSessionOptions {
        var options = CimSessionOptions()
        options.port = port
        options.useSSL = ssl
        options.authentication = auth
        options.allowUnencrypted = allowUnencrypted
        options.tls.verifiesPeer = !skipCACheck
        options.tls.verifiesHost = !skipCNCheck
        options.tls.checksRevocation = false
        options.tls.caFile = caFile
        options.proxy.url = proxy
        options.proxy.noProxy = noProxy
        options.operationTimeout = .seconds(operationTimeout)
        options.connectTimeout = .seconds(connectTimeout)
        options.maxEnvelopeSize = maxEnvelopeSizeKB * 1024
        options.maxElements = maxElements
        options.locale = locale
        options.sendsNamespaceSelector = omi
        return options
    }

    /// The credential for this run, or nil for `--auth none`.
    func credential() throws -> Credential? {
        guard auth != .none else { return nil }
        guard let credential = try CredentialSource.resolve(file: credentialFile, prompt: true) else {
            throw ValidationError("no credentials: set CIMSWEEP_USERNAME and CIMSWEEP_PASSWORD, pass --credential-file, or run on a terminal to be prompted")
        }
        return credential
    }
}

extension CimSessionOptions.AuthenticationMechanism: ExpressibleByArgument {}
