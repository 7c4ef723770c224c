import Foundation
import Logging
import Testing

@testable import Transport

extension AuthSuites {
    /// Negotiate with TLS channel bindings, and client certificates, over HTTPS against pyspnego.
    @Suite struct TLSAuthTests {
        static let password = Credential(username: "CIMSWEEP\\alice", secret: AuthLab.password)

        static func post(
            port: Int, _ authentication: ConnectionOptions.Authentication, caFile: String?
        ) async throws -> HTTPResponse {
            try await NegotiateTests.post(Array("<e/>".utf8), port: port, tls: true, caFile: caFile, authentication).replies[0]
        }

        @Test func channelBindingsSatisfyAnAcceptorThatRequiresThem() async throws {
            let realm = try await AuthLab.Realm(withPKI: true)
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(tls: true, channelBindings: true))
            let ca = realm.pki.appendingPathComponent("ca.pem").path
            let kerberos = NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache))
            let ntlm = NegotiateAuthentication(mechanism: .ntlm, credentials: .password(Self.password))
            let viaKerberos = try AcceptorReply(try await Self.post(port: acceptor.httpsPort, .negotiate(kerberos), caFile: ca).body)
            #expect(viaKerberos.how == "kerberos/kerberos" && !viaKerberos.encrypted)
            let viaNTLM = try AcceptorReply(try await Self.post(port: acceptor.httpsPort, .negotiate(ntlm), caFile: ca).body)
            #expect(viaNTLM.how == "negotiate/ntlm" && !viaNTLM.encrypted)
        }

        /// The MIT acceptor accepts Kerberos without bindings, so the mismatch shows with NTLM (auth-lab pitfall 9).
        @Test func missingChannelBindingsAreRejected() async throws {
            let realm = try await AuthLab.Realm(withPKI: true)
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(tls: true, channelBindings: true))
            var ntlm = NegotiateAuthentication(mechanism: .ntlm, credentials: .password(Self.password))
            ntlm.sendsChannelBindings = false
            await #expect {
                _ = try await Self.post(port: acceptor.httpsPort, .negotiate(ntlm), caFile: realm.pki.appendingPathComponent("ca.pem").path)
            } throws: { error in
                let error = error as? TransportError
                return error?.kind == .credentialsRejected && error?.phase == .authenticate && error?.host == "localhost"
            }
        }

        @Test(arguments: ["pem", "p12"])
        func aClientCertificateAuthenticates(format: String) async throws {
            let realm = try await AuthLab.Realm(withPKI: true)
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(tls: true))
            let pki = realm.pki
            let certificate = format == "pem"
                ? ClientCertificate(certificateFile: pki.appendingPathComponent("client.pem").path,
                                    keyFile: pki.appendingPathComponent("client.key").path)
                : ClientCertificate(certificateFile: pki.appendingPathComponent("client.p12").path,
                                    keyPassword: Credential(username: "", secret: "test"))
            let reply = try await Self.post(port: acceptor.httpsPort, .certificate(certificate), caFile: pki.appendingPathComponent("ca.pem").path)
            let seen = try AcceptorReply(reply.body)
            #expect(seen.how == "certificate")
            #expect(seen.user == "alice")
        }

        @Test func untrustedCertificatesFailInTheTLSPhase() async throws {
            let realm = try await AuthLab.Realm(withPKI: true)
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(tls: true))
            let pki = realm.pki
            // A client certificate from a CA the server does not trust: the handshake fails.
            let foreign = ClientCertificate(certificateFile: pki.appendingPathComponent("client-other.pem").path,
                                            keyFile: pki.appendingPathComponent("client.key").path)
            await #expect {
                _ = try await Self.post(port: acceptor.httpsPort, .certificate(foreign), caFile: pki.appendingPathComponent("ca.pem").path)
            } throws: { ($0 as? TransportError)?.phase == .tls }
            // The server's certificate from a CA we do not trust: refused before any credential is sent.
            let kerberos = NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache))
            await #expect {
                _ = try await Self.post(port: acceptor.httpsPort, .negotiate(kerberos), caFile: pki.appendingPathComponent("other-ca.pem").path)
            } throws: { ($0 as? TransportError)?.phase == .tls }
            #expect(!acceptor.log.contains("authenticated"))
        }

        /// An expired client certificate fails the server's verification, an expired server certificate ours;
        /// both in the TLS phase, before any credential is sent.
        @Test func expiredCertificatesFailInTheTLSPhase() async throws {
            let realm = try await AuthLab.Realm(withPKI: true)
            let pki = realm.pki
            let ca = pki.appendingPathComponent("ca.pem").path
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(tls: true))
            let expired = ClientCertificate(certificateFile: pki.appendingPathComponent("client-expired.pem").path,
                                            keyFile: pki.appendingPathComponent("client.key").path)
            await #expect {
                _ = try await Self.post(port: acceptor.httpsPort, .certificate(expired), caFile: ca)
            } throws: { error in
                let error = error as? TransportError
                return error?.phase == .tls && error?.host == "localhost" && "\(error!)".hasPrefix("localhost: tls failed: ")
                    && "\(error!)".contains("expired")
            }
            #expect(!acceptor.log.contains("authenticated"))

            let expiredServer = try await AuthLab.Acceptor(realm: realm, options: .init(tls: true, serverCertificate: "server-expired.pem"))
            let kerberos = NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache))
            await #expect {
                _ = try await Self.post(port: expiredServer.httpsPort, .negotiate(kerberos), caFile: ca)
            } throws: { error in
                let error = error as? TransportError
                return error?.phase == .tls && error?.host == "localhost" && "\(error!)".hasPrefix("localhost: tls failed: ")
                    && "\(error!)".contains("certificate has expired")
            }
            #expect(!expiredServer.log.contains("authenticated"))
        }

        @Test func aCertificateTheServerDoesNotMapIsReportedAsSuch() async throws {
            let realm = try await AuthLab.Realm(withPKI: true)
            // Without a client CA the acceptor never asks for a certificate, so it maps none and answers 401.
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(tls: true, requestsClientCertificate: false))
            let certificate = ClientCertificate(certificateFile: realm.pki.appendingPathComponent("client.pem").path,
                                                keyFile: realm.pki.appendingPathComponent("client.key").path)
            await #expect {
                _ = try await Self.post(port: acceptor.httpsPort, .certificate(certificate), caFile: realm.pki.appendingPathComponent("ca.pem").path)
            } throws: { error in
                let error = error as? TransportError
                return error?.kind == .certificateNotMapped && error?.phase == .authenticate && error?.host == "localhost"
            }
        }
    }
}
