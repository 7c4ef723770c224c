import ArgumentParser
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
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ValidationError("credential file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ValidationError(String(format: "credential file %@ has mode %o; it must be readable by its owner only (chmod 600 %@)",
                                         path, Int(info.st_mode & 0o777), path))
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = String(line[line.index(after: equals)...])
        }
        guard let user = fields["username"], let password = fields["password"] else {
            throw ValidationError("credential file \(path) needs 'username=' and 'password=' lines")
        }
        return Credential(username: user, secret: password)
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
