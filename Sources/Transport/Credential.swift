#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A user name and a secret (password) for HTTP authentication.
///
/// `description` never shows the secret: `Credential(user: alice, secret: ‹redacted›)`.
/// `Credential` is deliberately not `Codable`, so it cannot end up in a snapshot or a config file by accident.
///
/// What is and is not guaranteed about the secret in memory:
/// - The bytes live in one heap buffer owned by this value (shared by copies) and are overwritten with
///   zeros (`explicit_bzero`, which the optimiser may not drop) when the last copy goes away.
/// - A `String` or array you passed to the initialiser is yours; Swift strings are immutable and may have
///   been copied, so zeroing them is not possible from here. Prefer ``init(username:secretBytes:)`` with a
///   buffer you wipe yourself.
/// - libcurl keeps its own copy (`CURLOPT_PASSWORD` is duplicated with `strdup`) and builds the
///   `Authorization` header in its own buffers; those are freed but not zeroed by libcurl.
public struct Credential: Sendable, CustomStringConvertible {
    /// The user name, for example `alice` or `CONTOSO\alice`.
    public let username: String
    let secret: SecretBuffer

    /// Creates a credential from a user name and a password string.
    public init(username: String, secret: String) {
        self.username = username
        self.secret = SecretBuffer(Array(secret.utf8))
    }

    /// Creates a credential from a user name and the password's UTF-8 bytes.
    public init(username: String, secretBytes: some Collection<UInt8>) {
        self.username = username
        self.secret = SecretBuffer(secretBytes)
    }

    public var description: String { "Credential(user: \(username), secret: ‹redacted›)" }

    /// `text` with every occurrence of the secret replaced; used to scrub text that came back from libcurl.
    func redacting(_ text: String) -> String {
        let plain = secret.withCString { String(cString: $0) }
        return plain.isEmpty ? text : text.replacing(plain, with: "‹redacted›")
    }
}

/// A NUL-terminated copy of a secret that is zeroed when freed.
// @unchecked Sendable: the bytes are written once in `init` and only read afterwards, then wiped and freed
// in `deinit` when no reference is left; no lock is needed for immutable data.
final class SecretBuffer: @unchecked Sendable {
    private let bytes: UnsafeMutableBufferPointer<CChar>
    /// The secret's length in bytes, without the terminating NUL.
    let count: Int

    init(_ source: some Collection<UInt8>) {
        count = source.count
        bytes = .allocate(capacity: count + 1)
        var index = 0
        for byte in source {
            bytes[index] = CChar(bitPattern: byte)
            index += 1
        }
        bytes[count] = 0
    }

    /// Calls `body` with the secret as a C string; the pointer must not escape.
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try body(bytes.baseAddress!)
    }

    deinit {
        explicit_bzero(bytes.baseAddress!, bytes.count)
        bytes.deallocate()
    }
}
