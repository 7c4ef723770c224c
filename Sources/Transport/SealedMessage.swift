/// The MIME framing of a sealed WinRM message over HTTP (MS-WSMV 2.2.9.1.1, "Encrypted Boundary").
///
/// ```text
/// --Encrypted Boundary\r\n
/// \tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n
/// \tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=<plaintext bytes>\r\n
/// --Encrypted Boundary\r\n
/// \tContent-Type: application/octet-stream\r\n
/// <signature length, 4 bytes little-endian><signature><sealed data>--Encrypted Boundary--\r\n
/// ```
/// The HTTP `Content-Type` is `multipart/encrypted;protocol="<protocol>";boundary="Encrypted Boundary"`.
enum SealedMessage {
    static let boundary = "Encrypted Boundary"
    /// A signature longer than this is not a GSS header (Kerberos AES: 60 bytes, NTLM: 16).
    static let maxSignatureLength = 1024

    /// The request's `Content-Type`.
    static func contentType(protocol: String) -> String {
        "multipart/encrypted;protocol=\"\(`protocol`)\";boundary=\"\(boundary)\""
    }

    /// The whole body for a sealed request.
    static func encode(protocol: String, originalType: String, plainLength: Int, signature: [UInt8], sealed: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(sealed.count + signature.count + 256)
        out += Array("--\(boundary)\r\n\tContent-Type: \(`protocol`)\r\n".utf8)
        out += Array("\tOriginalContent: type=\(originalType);Length=\(plainLength)\r\n".utf8)
        out += Array("--\(boundary)\r\n\tContent-Type: application/octet-stream\r\n".utf8)
        let length = UInt32(signature.count)
        out += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        out += signature
        out += sealed
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// What a sealed response carries.
    struct Parts: Equatable {
        /// From `OriginalContent`, e.g. `application/soap+xml;charset=UTF-8`.
        var originalType: String
        /// The plaintext length announced in `OriginalContent`.
        var plainLength: Int
        var signature: [UInt8]
        var sealed: [UInt8]
    }

    /// Why a sealed body could not be taken apart.
    struct FormatError: Error, Equatable {
        let detail: String
    }

    /// Splits a sealed response body. Never trusts a length without checking it against the body.
    static func decode(_ body: [UInt8]) throws(FormatError) -> Parts {
        let opening = Array("--\(boundary)\r\n".utf8)
        let octetMarker = Array("application/octet-stream\r\n".utf8)
        let closing = Array("--\(boundary)--".utf8)
        guard let first = body.firstRange(of: opening) else { throw FormatError(detail: "no MIME boundary") }
        guard let second = body[first.upperBound...].firstRange(of: opening) else {
            throw FormatError(detail: "only one MIME part")
        }
        let headerText = String(decoding: body[first.upperBound..<second.lowerBound], as: UTF8.self)
        guard let (originalType, plainLength) = parseOriginalContent(headerText) else {
            throw FormatError(detail: "no OriginalContent type and Length in the first part")
        }
        guard let marker = body[second.upperBound...].firstRange(of: octetMarker) else {
            throw FormatError(detail: "no application/octet-stream part")
        }
        guard let end = body[marker.upperBound...].lastRange(of: closing) else {
            throw FormatError(detail: "no closing boundary")
        }
        let payload = body[marker.upperBound..<end.lowerBound]
        guard payload.count >= 4 else { throw FormatError(detail: "payload shorter than its length field") }
        let start = payload.startIndex
        let signatureLength = Int(payload[start]) | Int(payload[start + 1]) << 8 | Int(payload[start + 2]) << 16
            | Int(payload[start + 3]) << 24
        guard signatureLength <= maxSignatureLength, signatureLength <= payload.count - 4 else {
            throw FormatError(detail: "signature length \(signatureLength) does not fit the \(payload.count)-byte payload")
        }
        let signatureEnd = start + 4 + signatureLength
        return Parts(
            originalType: originalType, plainLength: plainLength, signature: Array(payload[(start + 4)..<signatureEnd]),
            sealed: Array(payload[signatureEnd...]))
    }

    /// `type=<mime>;Length=<n>` from the `OriginalContent` line.
    private static func parseOriginalContent(_ text: String) -> (String, Int)? {
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = String(line).trimmingWhitespace()
            guard trimmed.lowercased().hasPrefix("originalcontent:") else { continue }
            let value = trimmed.dropFirst("originalcontent:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            var type: [Substring] = []
            var length: Int?
            for field in value.split(separator: ";") {
                let part = field.trimmingPrefix(while: { $0 == " " })
                if part.lowercased().hasPrefix("length=") {
                    length = Int(part.dropFirst("length=".count))
                } else if part.lowercased().hasPrefix("type=") {
                    type.append(part.dropFirst("type=".count))
                } else {
                    type.append(part)
                }
            }
            guard let length, length >= 0, !type.isEmpty else { return nil }
            return (type.joined(separator: ";"), length)
        }
        return nil
    }
}

extension Collection where Element == UInt8, Index == Int {
    /// The last occurrence of `pattern`.
    fileprivate func lastRange(of pattern: [UInt8]) -> Range<Int>? {
        guard pattern.count <= count else { return nil }
        var index = endIndex - pattern.count
        while index >= startIndex {
            if self[index..<(index + pattern.count)].elementsEqual(pattern) { return index..<(index + pattern.count) }
            index -= 1
        }
        return nil
    }
}
