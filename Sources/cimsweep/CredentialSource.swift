import ArgumentParser
import Collector
import Foundation
import Transport

/// Where the CLI finds credentials: the environment, a 0600 file, or a prompt on the terminal —
/// never a command-line flag, so secrets stay out of `ps`, shell history and logs.
enum CredentialSource {
    static let usernameVariable = "CIMSWEEP_USERNAME"
    static let passwordVariable = "CIMSWEEP_PASSWORD"
    /// The password of an encrypted client key or PKCS#12 bundle (`--cert`).
    static let certificatePasswordVariable = "CIMSWEEP_CERT_PASSWORD"

    /// Reads credentials in order: `--credential-file`, the environment, then a TTY prompt.
    /// - Returns: nil when none are configured and stdin is not a terminal.
    static func resolve(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                        prompt: Bool) throws -> Credential? {
        if let file { return try read(file: file) }
        if let user = environment[usernameVariable], !user.isEmpty {
            guard let password = environment[passwordVariable] else {
                throw ValidationError("\(usernameVariable) is set but \(passwordVariable) is not; set both, or use --credential-file")
            }
            return Credential(username: user, secret: password)
        }
        guard prompt, isatty(STDIN_FILENO) == 1 else { return nil }
        return try promptOnTerminal()
    }

    /// A credential file: `username=…` and `password=…` lines; refused unless only its owner can read it.
    static func read(file path: String) throws -> Credential {
        do { return try CredentialFile.read(path) } catch { throw ValidationError(error.message) }
    }

    private static func promptOnTerminal() throws -> Credential {
        FileHandle.standardError.write(Data("Username: ".utf8))
        guard let user = readLine(), !user.isEmpty else { throw ValidationError("no username given") }
        guard let raw = getpass("Password for \(user): ") else { throw ValidationError("no password given") }
        // getpass returns its static buffer: copy the bytes into the credential, then wipe the buffer.
        let length = strlen(raw)
        let credential = Credential(username: user, secretBytes: UnsafeRawBufferPointer(start: raw, count: length))
        explicit_bzero(raw, length)
        return credential
    }
}
