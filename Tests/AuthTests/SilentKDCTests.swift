import Foundation
import Synchronization
import Testing

@testable import Transport

extension AuthSuites {
    /// GSSAPI calls that wait on the KDC run on threads of their own (`GSSThread`), not on Swift's cooperative
    /// pool, whose one thread per core every other task needs.
    @Suite struct SilentKDCTests {
        /// A "KDC" that takes connections and never answers: MIT waits 25 s on it. More Kerberos attempts than
        /// the pool has threads wait on it while an NTLM request (no KDC) completes; closing the silent KDC
        /// then fails them at once, as `kdcUnreachable`.
        @Test func kerberosWaitingOnASilentKDCDoesNotStallOtherRequests() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm)
            let waiting = ProcessInfo.processInfo.activeProcessorCount + 1
            let (silent, silentPort) = try AuthLab.listeningSocket(backlog: Int32(waiting * 2))
            let configuration = try String(contentsOfFile: realm.krb5Config, encoding: .utf8)
                .replacingOccurrences(of: "kdc = 127.0.0.1:\(realm.kdcPort)", with: "kdc = 127.0.0.1:\(silentPort)")
            try configuration.write(toFile: realm.path("silent-krb5.conf"), atomically: true, encoding: .utf8)
            setenv("KRB5_CONFIG", realm.path("silent-krb5.conf"), 1)
            defer { setenv("KRB5_CONFIG", realm.krb5Config, 1) }

            let kerberosDone = Counter()
            let port = acceptor.httpPort
            try await withThrowingTaskGroup(of: TransportError.Kind?.self) { group in
                for _ in 0..<waiting {
                    group.addTask {
                        let password = Credential(username: "alice", secret: AuthLab.password)
                        defer { kerberosDone.value.add(1, ordering: .sequentiallyConsistent) }
                        do {
                            _ = try await NegotiateTests.post(
                                NegotiateTests.body(10), port: port,
                                .negotiate(.init(mechanism: .kerberos, credentials: .password(password))))
                            return nil
                        } catch {
                            return (error as? TransportError)?.kind
                        }
                    }
                }
                // Every attempt has connected to the silent KDC and waits for its answer.
                let connections = await Self.accept(waiting, on: silent)
                let ntlm = NegotiateAuthentication(
                    mechanism: .ntlm, credentials: .password(Credential(username: "CIMSWEEP\\alice", secret: AuthLab.password)))
                let (replies, _) = try await NegotiateTests.post(NegotiateTests.body(10), port: acceptor.httpPort, .negotiate(ntlm))
                #expect(try AcceptorReply(replies[0].body).how == "negotiate/ntlm")
                #expect(kerberosDone.value.load(ordering: .sequentiallyConsistent) == 0, "a Kerberos attempt ended before the NTLM request")

                (connections + [silent]).forEach { close($0) }
                for try await kind in group {
                    #expect(kind == .kdcUnreachable)
                }
            }
        }

        final class Counter: Sendable {
            let value = Atomic(0)
        }

        /// Accepts `count` connections on a thread (accept blocks); returns their descriptors.
        static func accept(_ count: Int, on listener: Int32) async -> [Int32] {
            await withCheckedContinuation { continuation in
                Thread {
                    var accepted: [Int32] = []
                    while accepted.count < count {
                        let descriptor = Glibc.accept(listener, nil, nil)
                        if descriptor >= 0 { accepted.append(descriptor) } else if errno != EINTR { break }
                    }
                    continuation.resume(returning: accepted)
                }.start()
            }
        }
    }
}
