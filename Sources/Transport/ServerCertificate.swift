import CCurl
import Crypto
import Foundation

/// The server's leaf certificate as libcurl reports it (`CURLINFO_CERTINFO`), for TLS channel bindings.
struct ServerCertificate: Sendable, Equatable {
    /// DER bytes.
    var der: [UInt8]
    /// The signature algorithm's name, e.g. `sha256WithRSAEncryption`.
    var signatureAlgorithm: String

    /// Reads the first certificate of the last handshake on `easy`; nil when libcurl has none.
    init?(easy: UnsafeMutableRawPointer) {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard cs_curl_getinfo_ptr(easy, CURLINFO_CERTINFO, &info) == CURLE_OK, let info,
            info.pointee.num_of_certs > 0, let first = info.pointee.certinfo?[0]
        else { return nil }
        var pem: String?
        var algorithm = ""
        var node: UnsafeMutablePointer<curl_slist>? = first
        while let current = node {
            if let data = current.pointee.data {
                let line = String(cString: data)
                if line.hasPrefix("Cert:") { pem = String(line.dropFirst(5)) }
                if line.hasPrefix("Signature Algorithm:") { algorithm = String(line.dropFirst(20)) }
            }
            node = current.pointee.next
        }
        guard let pem, let der = Self.der(fromPEM: pem) else { return nil }
        self.der = der
        signatureAlgorithm = algorithm
    }

    init(der: [UInt8], signatureAlgorithm: String) {
        self.der = der
        self.signatureAlgorithm = signatureAlgorithm
    }

    /// RFC 5929 §4.1 `tls-server-end-point` application data for GSSAPI channel bindings: the prefix and
    /// the certificate hashed with its signature's hash, where MD5 and SHA-1 become SHA-256.
    var channelBindingData: [UInt8] {
        let lower = signatureAlgorithm.lowercased()
        let digest: [UInt8]
        if lower.contains("sha512") {
            digest = Array(SHA512.hash(data: der))
        } else if lower.contains("sha384") {
            digest = Array(SHA384.hash(data: der))
        } else {
            digest = Array(SHA256.hash(data: der))
        }
        return Array("tls-server-end-point:".utf8) + digest
    }

    private static func der(fromPEM pem: String) -> [UInt8]? {
        let body = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        return Data(base64Encoded: body).map { Array($0) }
    }
}
