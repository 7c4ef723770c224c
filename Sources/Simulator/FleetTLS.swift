import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A throwaway CA and one server certificate per host (SAN: the host's IP and hostname), written as
/// PEM files to a directory so clients can trust `ca.pem`.
struct FleetTLS: Sendable {
    let caPath: String
    private let contexts: [NIOSSLContext]

    init(setup: TLSSetup, hosts: [SimulatedHostInfo]) throws {
        let directory = setup.directory
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw SimulatorError("cannot create TLS directory \(directory.path): \(error.localizedDescription)")
        }
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("cimsweep simulator CA"); OrganizationName("cimsweep") }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3_600, notValidAfter: now + 30 * 86_400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let caPEM = try ca.serializeAsPEM().pemString
        caPath = directory.appendingPathComponent("ca.pem").path
        try Self.write(caPEM, to: caPath, mode: 0o644)
        var contexts: [NIOSSLContext] = []
        for host in hosts {
            let key = P256.Signing.PrivateKey()
            let octets = host.address.split(separator: ".").compactMap { UInt8($0) }
            let subject = try DistinguishedName { CommonName(host.hostname) }
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
                notValidBefore: now - 3_600, notValidAfter: now + 30 * 86_400, issuer: caName, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames([.dnsName(host.hostname), .dnsName(host.hostname.lowercased()),
                                             .ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets)))])
                },
                issuerPrivateKey: .init(caKey))
            let leafPEM = try leaf.serializeAsPEM().pemString
            let base = directory.appendingPathComponent(host.hostname).path
            try Self.write(leafPEM, to: base + ".pem", mode: 0o644)
            try Self.write(key.pemRepresentation, to: base + ".key", mode: 0o600)
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(leafPEM.utf8), format: .pem))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)))
            contexts.append(try NIOSSLContext(configuration: configuration))
        }
        self.contexts = contexts
    }

    func serverContext(forHost index: Int) throws -> NIOSSLContext { contexts[index] }

    private static func write(_ text: String, to path: String, mode: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw SimulatorError("cannot write \(path)")
        }
    }
}
