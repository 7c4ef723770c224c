import CIM
import Foundation
import Transport

/// A named way to obtain a credential, as a profile's `[credentials.NAME]` table gives it. The
/// secret itself is never in the configuration: it comes from the environment or a 0600 file.
public struct CredentialSet: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// `username` + the password in an environment variable.
        case environment(username: String, passwordVariable: String)
        /// A file of `username=` and `password=` lines, readable by its owner only.
        case file(path: String)
        /// A Kerberos ticket cache (`FILE:/var/lib/cimsweep/krb5cc`), kept fresh by k5start or a cron kinit.
        case ticketCache(String)
        /// A Kerberos client keytab; `principal` nil takes its first entry.
        case keytab(path: String, principal: String?)
        /// A TLS client certificate (PEM with `key`, or PKCS#12 whose password is in `CIMSWEEP_CERT_PASSWORD`).
        case certificate(path: String, key: String?)
    }

    public var name: String
    public var source: Source

    public init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    /// Reads the credential now (at sweep start, so a missing secret fails before any traffic).
    /// - Throws: `CollectorConfigurationError` naming the set and what is missing.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(CollectorConfigurationError) -> CimCredentials {
        switch source {
        case .environment(let username, let variable):
            guard let password = environment[variable], !password.isEmpty else {
                throw CollectorConfigurationError("credential set '\(name)': environment variable \(variable) is not set")
            }
            return .password(Credential(username: username, secret: password))
        case .file(let path):
            do { return .password(try CredentialFile.read(path)) } catch {
                throw CollectorConfigurationError("credential set '\(name)': \(error.message)")
            }
        case .ticketCache(let cache):
            return .ticketCache(cache)
        case .keytab(let path, let principal):
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CollectorConfigurationError("credential set '\(name)': keytab \(path) is not readable")
            }
            return .keytab(path: path, principal: principal)
        case .certificate(let path, let key):
            let password = environment["CIMSWEEP_CERT_PASSWORD"].map { Credential(username: "", secret: $0) }
            return .certificate(ClientCertificate(certificateFile: path, keyFile: key, keyPassword: password))
        }
    }
}

/// A credential file: `username=…` and `password=…` lines (`#` comments); refused unless only its
/// owner can read it, so a secret never sits in a world-readable file.
public enum CredentialFile {
    public static func read(_ path: String) throws(CollectorConfigurationError) -> Credential {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CollectorConfigurationError("credential file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw CollectorConfigurationError(String(format: "credential file %@ has mode %o; it must be readable by its owner only (chmod 600 %@)",
                                                     path, Int(info.st_mode & 0o777), path))
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CollectorConfigurationError("credential file \(path) is not readable UTF-8 text")
        }
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = String(line[line.index(after: equals)...])
        }
        guard let user = fields["username"], let password = fields["password"] else {
            throw CollectorConfigurationError("credential file \(path) needs 'username=' and 'password=' lines")
        }
        return Credential(username: user, secret: password)
    }
}

/// A configuration the collector cannot use: a hosts file, profile or credential problem, said
/// plainly with what to fix. Never contains a secret.
public struct CollectorConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
