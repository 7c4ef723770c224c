import Crypto
import Foundation
import Logging
import Testing

@testable import Transport

/// What the acceptor saw, from its reply `<authlab user= how= encrypted= len= sha256=/>`.
struct AcceptorReply {
    var user = ""
    var how = ""
    var encrypted = false
    var length = -1
    var sha256 = ""

    init(_ body: [UInt8]) throws {
        let text = String(decoding: body, as: UTF8.self)
        guard text.hasPrefix("<authlab ") else { throw AuthLab.LabError("not an acceptor reply: \(text.prefix(200))") }
        for match in text.matches(of: /(\w+)="([^"]*)"/) {
            let value = String(match.output.2)
            switch match.output.1 {
            case "user": user = value
            case "how": how = value
            case "encrypted": encrypted = value == "true"
            case "len": length = Int(value) ?? -1
            case "sha256": sha256 = value
            default: break
            }
        }
    }
}

extension AuthSuites {
    /// Kerberos and NTLM through GSSAPI against pyspnego, with WinRM sealing over HTTP, at the transport level.
    @Suite struct NegotiateTests {
        static let soap = [HTTPHeader("Content-Type", "application/soap+xml;charset=UTF-8")]

        /// Posts `body` once over a fresh connection with `authentication`; returns the reply and the connection stats.
        static func post(
            _ body: [UInt8], host: String = "localhost", port: Int, tls: Bool = false, caFile: String? = nil,
            _ authentication: ConnectionOptions.Authentication, allowUnencrypted: Bool = false, requests: Int = 1
        ) async throws -> (replies: [HTTPResponse], stats: HTTPConnection.Statistics) {
            try await Transport.withTransport(logger: Logger(label: "auth-tests")) { transport in
                var options = ConnectionOptions()
                options.authentication = authentication
                options.allowsUnencrypted = allowUnencrypted
                options.tls.caFile = caFile
                let connection = try transport.connection(to: Endpoint(host: host, port: port, usesTLS: tls), options: options)
                var replies: [HTTPResponse] = []
                for _ in 0..<requests { replies.append(try await connection.post(body, headers: soap)) }
                return (replies, connection.statistics)
            }
        }

        static func body(_ size: Int) -> [UInt8] {
            let envelope = Array("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>".utf8)
            return envelope + (0..<max(0, size - envelope.count)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        }

        static func sha256Hex(_ bytes: [UInt8]) -> String {
            SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        }

        @Test func kerberosFromATicketCacheSealsBothWays() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(requireEncryption: true))
            let body = Self.body(4_000)
            var auth = NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache))
            auth.sealsMessages = true
            let (replies, stats) = try await Self.post(body, port: acceptor.httpPort, .negotiate(auth), requests: 3)
            for reply in replies {
                #expect(reply.head.status == 200)
                let seen = try AcceptorReply(reply.body)
                #expect(seen.user == "alice@CIMSWEEP.TEST")
                #expect(seen.how == "kerberos/kerberos")
                #expect(seen.encrypted)
                #expect(seen.length == body.count)
                #expect(seen.sha256 == Self.sha256Hex(body))
            }
            // One handshake, three sealed requests, one TCP connection.
            #expect(stats.connectionsOpened == 1)
            #expect(stats.requestsSent == 4)
        }

        @Test func negotiateWithAKeytabUsesKerberos() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(requireEncryption: true))
            let auth = NegotiateAuthentication(mechanism: .negotiate, credentials: .keytab(path: realm.userKeytab, principal: "alice@CIMSWEEP.TEST"))
            let (replies, _) = try await Self.post(Self.body(900), port: acceptor.httpPort, .negotiate(auth))
            let seen = try AcceptorReply(replies[0].body)
            #expect(seen.user == "alice@CIMSWEEP.TEST")
            #expect(seen.how == "negotiate/kerberos")
            #expect(seen.encrypted)
        }

        @Test func kerberosWithAPasswordNeedsNoKinit() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(requireEncryption: true))
            let credential = Credential(username: "alice", secret: AuthLab.password)
            let auth = NegotiateAuthentication(mechanism: .negotiate, credentials: .password(credential))
            let (replies, _) = try await Self.post(Self.body(2_000), host: "127.0.0.1", port: acceptor.httpPort, .negotiate(auth))
            let seen = try AcceptorReply(replies[0].body)
            #expect(seen.user == "alice@CIMSWEEP.TEST")
            #expect(seen.how == "negotiate/kerberos")
            #expect(seen.encrypted)
        }

        @Test func kerberosFromTheAmbientCacheNamedByKRB5CCNAME() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm)
            setenv("KRB5CCNAME", realm.ticketCache, 1)
            defer { unsetenv("KRB5CCNAME") }
            let (replies, _) = try await Self.post(Self.body(100), port: acceptor.httpPort, .negotiate(.init(mechanism: .kerberos)))
            #expect(try AcceptorReply(replies[0].body).how == "kerberos/kerberos")
        }

        @Test(arguments: ["CIMSWEEP\\alice", "alice@CIMSWEEP.TEST"])
        func ntlmWithAPasswordSealsBothWays(user: String) async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(requireEncryption: true))
            let body = Self.body(70_000)
            let auth = NegotiateAuthentication(mechanism: .ntlm, credentials: .password(Credential(username: user, secret: AuthLab.password)))
            let (replies, stats) = try await Self.post(body, port: acceptor.httpPort, .negotiate(auth), requests: 2)
            for reply in replies {
                let seen = try AcceptorReply(reply.body)
                #expect(seen.how == "negotiate/ntlm")
                #expect(seen.user.lowercased().contains("alice"))
                #expect(seen.encrypted)
                #expect(seen.sha256 == Self.sha256Hex(body))
            }
            #expect(stats.connectionsOpened == 1)
        }

        @Test func aSealedHalfMegabyteRoundTrip() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: .init(requireEncryption: true))
            let body = Self.body(512_000)
            for auth in [
                NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache)),
                NegotiateAuthentication(mechanism: .ntlm, credentials: .password(Credential(username: "CIMSWEEP\\alice", secret: AuthLab.password))),
            ] {
                let (replies, _) = try await Self.post(body, port: acceptor.httpPort, .negotiate(auth))
                let seen = try AcceptorReply(replies[0].body)
                #expect(seen.encrypted)
                #expect(seen.length == 512_000)
                #expect(seen.sha256 == Self.sha256Hex(body))
            }
        }

        /// NTLM binds the context to the TCP connection: when the server closes it, the next request runs on a
        /// new connection, gets refused, and the channel authenticates again and resends.
        @Test(arguments: [NegotiateAuthentication.Mechanism.ntlm, .kerberos])
        func aClosedConnectionIsReauthenticated(mechanism: NegotiateAuthentication.Mechanism) async throws {
            let realm = try await AuthLab.Realm()
            var options = AuthLab.Acceptor.Options()
            options.requireEncryption = true
            options.closeAfter = 2
            let acceptor = try await AuthLab.Acceptor(realm: realm, options: options)
            let auth = mechanism == .ntlm
                ? NegotiateAuthentication(mechanism: .ntlm, credentials: .password(Credential(username: "CIMSWEEP\\alice", secret: AuthLab.password)))
                : NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache))
            let body = Self.body(3_000)
            let (replies, stats) = try await Self.post(body, port: acceptor.httpPort, .negotiate(auth), requests: 5)
            for reply in replies {
                let seen = try AcceptorReply(reply.body)
                #expect(seen.encrypted && seen.sha256 == Self.sha256Hex(body))
            }
            #expect(stats.connectionsOpened == 3)
            #expect(acceptor.log.components(separatedBy: "] authenticated ").count - 1 == 3)
        }

        @Test func noTicketFailsWithoutFallingBackToNTLM() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm)
            let missing = "FILE:" + realm.path("no-such-ccache")
            for mechanism in [NegotiateAuthentication.Mechanism.kerberos, .negotiate] {
                let auth = NegotiateAuthentication(mechanism: mechanism, credentials: .ticketCache(missing))
                await #expect {
                    _ = try await Self.post(Self.body(10), port: acceptor.httpPort, .negotiate(auth))
                } throws: { error in
                    let error = error as? TransportError
                    return error?.kind == .noCredentials && error?.phase == .authenticate && error?.host == "localhost"
                }
            }
            #expect(!acceptor.log.contains("authenticated"))
        }

        @Test func aWrongPasswordIsRejectedByTheKDCAndByTheNTLMAcceptor() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm)
            let kerberos = NegotiateAuthentication(mechanism: .kerberos, credentials: .password(Credential(username: "alice", secret: "wrong-password")))
            let negotiate = NegotiateAuthentication(mechanism: .negotiate, credentials: .password(Credential(username: "alice", secret: "wrong-password")))
            let ntlm = NegotiateAuthentication(mechanism: .ntlm, credentials: .password(Credential(username: "CIMSWEEP\\alice", secret: "wrong-password")))
            for auth in [kerberos, negotiate, ntlm] {
                await #expect {
                    _ = try await Self.post(Self.body(10), port: acceptor.httpPort, .negotiate(auth))
                } throws: { error in
                    let error = error as? TransportError
                    return error?.kind == .credentialsRejected && error?.phase == .authenticate
                        && !"\(error!)".contains("wrong-password")
                }
            }
        }

        @Test func anUnknownServicePrincipalNamesTheSPN() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm)
            // Through SPNEGO too, whose copy of the Kerberos error code MIT renumbers.
            for mechanism in [NegotiateAuthentication.Mechanism.kerberos, .negotiate] {
                var auth = NegotiateAuthentication(mechanism: mechanism, credentials: .ticketCache(realm.ticketCache))
                auth.includesPortInSPN = true
                await #expect {
                    _ = try await Self.post(Self.body(10), port: acceptor.httpPort, .negotiate(auth))
                } throws: { error in
                    let error = error as? TransportError
                    return error?.kind == .servicePrincipalUnknown && "\(error!)".contains("HTTP/localhost:\(acceptor.httpPort)")
                }
            }
            var auth = NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache))
            auth.includesPortInSPN = false
            auth.servicePrincipal = "HTTP/localhost"
            let (replies, _) = try await Self.post(Self.body(10), port: acceptor.httpPort, .negotiate(auth))
            #expect(try AcceptorReply(replies[0].body).user == "alice@CIMSWEEP.TEST")
        }

        @Test func unsealedMessagesNeedAllowUnencryptedAndAServerThatTakesThem() async throws {
            let realm = try await AuthLab.Realm()
            var auth = NegotiateAuthentication(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache))
            auth.sealsMessages = false
            let strict = try await AuthLab.Acceptor(realm: realm, options: .init(requireEncryption: true))
            await #expect {
                _ = try await Self.post(Self.body(10), port: strict.httpPort, .negotiate(auth))
            } throws: { ($0 as? TransportError)?.kind == .encryptionRequired && ($0 as? TransportError)?.phase == .authenticate }
            await #expect {
                _ = try await Self.post(Self.body(10), port: strict.httpPort, .negotiate(auth), allowUnencrypted: true)
            } throws: { ($0 as? TransportError)?.kind == .encryptionRequired && ($0 as? TransportError)?.phase == .send }
            let lax = try await AuthLab.Acceptor(realm: realm)
            let (replies, _) = try await Self.post(Self.body(10), port: lax.httpPort, .negotiate(auth), allowUnencrypted: true)
            let seen = try AcceptorReply(replies[0].body)
            #expect(!seen.encrypted)
            #expect(seen.user == "alice@CIMSWEEP.TEST")
        }
    }
}
