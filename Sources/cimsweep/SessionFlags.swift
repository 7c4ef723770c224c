import ArgumentParser
import CIM
import Collector
import Foundation
import Transport

/// Session options shared by every command that talks to hosts, named as PowerShell names them.
/// Options left out keep their defaults here; `explicitSettings` are the ones given, which win over
/// a `collect` profile's settings.
struct SessionFlags: ParsableArguments {
    @Option(help: "TCP port (default 5985, or 5986 with --ssl).")
    var port: Int?

    @Flag(help: "Use HTTPS.")
    var ssl = false

    @Option(name: .customLong("auth"),
            help: "Authentication: negotiate (Kerberos, else NTLM; the default), kerberos, ntlm, basic, certificate, or none (Identify only).")
    var authChoice: CimSessionOptions.AuthenticationMechanism?

    var auth: CimSessionOptions.AuthenticationMechanism { authChoice ?? .negotiate }

    @Flag(help: "Allow Basic, or --no-encryption, over plain HTTP (passwords or messages cross the network readable).")
    var allowUnencrypted = false

    @Flag(help: "Do not seal Negotiate/Kerberos/NTLM messages over HTTP (needs --allow-unencrypted and a host with AllowUnencrypted).")
    var noEncryption = false

    @Option(help: "Kerberos service principal, e.g. HTTP/srv01.contoso.com (default HTTP/<host>).")
    var spn: String?

    @Flag(help: "Append :<port> to the default SPN (hosts registered as HTTP/host:port).")
    var includePortInSPN = false

    @Option(help: "Kerberos client keytab (else KRB5_CLIENT_KTNAME); tickets stay in memory, no kinit needed.")
    var keytab: String?

    @Option(help: "Principal to take from --keytab, e.g. svc-inventory@CONTOSO.COM (default: its first entry).")
    var principal: String?

    @Option(help: "Client certificate for --auth certificate: PEM (with --key) or PKCS#12 (.p12/.pfx). A key or bundle password comes from CIMSWEEP_CERT_PASSWORD.")
    var cert: String?

    @Option(name: .customLong("cert-key"), help: "Private key (PEM) for --cert (`get` already uses --key for key selectors).")
    var key: String?

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

    @Option(help: "WS-Man OperationTimeout in seconds (default 60; the HTTP limit adds 10 s).")
    var operationTimeout: Int?

    @Option(help: "TCP/TLS connect timeout in seconds (default 10).")
    var connectTimeout: Int?

    @Option(help: "Largest response accepted, in KB (w:MaxEnvelopeSize; default 500, as Windows asks; servers with a lower limit answer within it).")
    var maxEnvelopeSizeKB: Int?

    @Option(help: "Items asked for per Enumerate/Pull (default 200).")
    var maxElements: Int?

    @Option(help: "w:Locale for fault messages (default en-US).")
    var locale: String?

    @Flag(help: "Send the __cimnamespace selector with every request (OMI servers need it).")
    var omi = false

    @Option(help: "A file with 'username=' and 'password=' lines, mode 0600. Otherwise CIMSWEEP_USERNAME/CIMSWEEP_PASSWORD or a prompt.")
    var credentialFile: String?

    func validate() throws {
        guard (1...65_535).contains(port ?? 1) else { throw ValidationError("--port must be 1–65535") }
        guard operationTimeout ?? 1 > 0, connectTimeout ?? 1 > 0 else { throw ValidationError("timeouts must be positive") }
        guard maxEnvelopeSizeKB ?? 8 >= 8 else { throw ValidationError("--max-envelope-size-kb must be at least 8 (WinRM refuses less)") }
        guard maxElements ?? 1 > 0 else { throw ValidationError("--max-elements must be positive") }
        if noEncryption, !allowUnencrypted { throw ValidationError("--no-encryption needs --allow-unencrypted") }
        if cert != nil, auth != .certificate { throw ValidationError("--cert needs --auth certificate") }
        if auth == .certificate, cert == nil { throw ValidationError("--auth certificate needs --cert") }
        if auth == .certificate, !ssl { throw ValidationError("--auth certificate needs --ssl") }
        if keytab != nil, !auth.usesGSSAPI || auth == .ntlm {
            throw ValidationError("--keytab needs --auth negotiate or kerberos")
        }
    }

    var sessionOptions: CimSessionOptions {
        var options = CimSessionOptions()   // its defaults are the ones the help texts give
        options.authentication = auth        // the CLI's default is Negotiate, the library's Basic
        explicitSettings.apply(to: &options)
        options.sealMessages = !noEncryption
        options.servicePrincipal = spn
        options.includePortInSPN = includePortInSPN
        options.proxy.url = proxy
        options.proxy.noProxy = noProxy
        return options
    }

    /// The session settings given on the command line (a flag that is on counts as given).
    var explicitSettings: SessionSettings {
        var settings = SessionSettings()
        settings.port = port
        settings.useSSL = ssl ? true : nil
        settings.authentication = authChoice
        settings.allowUnencrypted = allowUnencrypted ? true : nil
        settings.skipCACheck = skipCACheck ? true : nil
        settings.skipCNCheck = skipCNCheck ? true : nil
        settings.caFile = caFile
        settings.connectTimeout = connectTimeout.map { .seconds($0) }
        settings.operationTimeout = operationTimeout.map { .seconds($0) }
        settings.maxElements = maxElements
        settings.maxEnvelopeSize = maxEnvelopeSizeKB.map { $0 * 1024 }
        settings.locale = locale
        settings.omi = omi ? true : nil
        return settings
    }

    /// The credential for this run, after warning on stderr about anything that crosses HTTP readable.
    ///
    /// Basic needs a user and password (environment, 0600 file or prompt). Negotiate and Kerberos take, in
    /// order: `--keytab` (or `KRB5_CLIENT_KTNAME`), a user and password from the environment or
    /// `--credential-file`, then the ticket cache (`KRB5CCNAME`). NTLM needs a user and password.
    func credentials(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CimCredentials {
        warnAboutUnencryptedUse()
        switch auth {
        case .none:
            return .ambient
        case .certificate:
            guard let cert else { throw ValidationError("--auth certificate needs --cert") }
            let password = environment[CredentialSource.certificatePasswordVariable].map {
                Credential(username: "", secret: $0)
            }
            return .certificate(ClientCertificate(certificateFile: cert, keyFile: key, keyPassword: password))
        case .negotiate, .kerberos:
            if let keytab = keytab ?? environment["KRB5_CLIENT_KTNAME"] {
                return .keytab(path: keytab, principal: principal)
            }
            if let credential = try CredentialSource.resolve(file: credentialFile, environment: environment, prompt: false) {
                return .password(credential)
            }
            return environment["KRB5CCNAME"].map { .ticketCache($0) } ?? .ambient
        case .ntlm, .basic:
            guard let credential = try CredentialSource.resolve(file: credentialFile, environment: environment, prompt: true) else {
                throw ValidationError("no credentials: set CIMSWEEP_USERNAME and CIMSWEEP_PASSWORD, pass --credential-file, or run on a terminal to be prompted")
            }
            return .password(credential)
        }
    }

    /// `--allow-unencrypted` is a risk the operator takes by name; say what it exposes.
    private func warnAboutUnencryptedUse() {
        guard !ssl, allowUnencrypted else { return }
        if auth == .basic {
            FileHandle.standardError.write(Data(
                "warning: --auth basic over plain HTTP sends the password readable to anyone on the path; use --ssl or --auth negotiate\n".utf8))
        } else if noEncryption {
            FileHandle.standardError.write(Data(
                "warning: --no-encryption sends every message (and the inventory) readable over plain HTTP; use sealing or --ssl\n".utf8))
        }
    }
}

extension CimSessionOptions.AuthenticationMechanism: ExpressibleByArgument {}
