import ChildProcessSupport
import Foundation
import Testing

@testable import Transport

extension AuthSuites {
    /// Kerberos time checks against the real KDC, with the client's clock shifted by libfaketime: a clock
    /// more than the realm's clockskew (5 minutes) off, and a ticket that has expired.
    @Suite(.enabled(if: AuthLab.hasFaketime)) struct ClockTests {
        /// The error `auth` meets against the acceptor; nil when it authenticates.
        static func failure(_ auth: NegotiateAuthentication, port: Int) async -> TransportError? {
            do {
                _ = try await NegotiateTests.post(NegotiateTests.body(10), port: port, .negotiate(auth))
                return nil
            } catch {
                return error as? TransportError
            }
        }

        /// kinit with a clock an hour fast records that offset in the cache; every later use of the cache asks
        /// the KDC with a time an hour behind its own, which it refuses (KRB_AP_ERR_SKEW).
        @Test func aClockAnHourOffIsReportedAsClockSkew() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm)
            let cache = "FILE:" + realm.path("skewed-ccache")
            try await realm.kinit(into: cache, clockOffset: 3_600)
            for mechanism in [NegotiateAuthentication.Mechanism.kerberos, .negotiate] {
                let error = try #require(await Self.failure(.init(mechanism: mechanism, credentials: .ticketCache(cache)),
                                                            port: acceptor.httpPort))
                #expect(error.kind == .clockSkew && error.phase == .authenticate && error.host == "localhost", "\(error)")
                #expect("\(error)".hasPrefix("localhost: authenticate failed: ") && "\(error)".contains("sync them"), "\(error)")
            }
            // The same realm and acceptor with the cache kinit wrote at the true time.
            #expect(await Self.failure(.init(mechanism: .kerberos, credentials: .ticketCache(realm.ticketCache)), port: acceptor.httpPort) == nil)
            #expect(acceptor.log.components(separatedBy: "] authenticated ").count - 1 == 1)
        }

        /// kinit eleven hours in the past for one hour: the KDC's ticket ended ten hours ago (the KDC takes
        /// the end time kinit asks for), so the client gives up before any traffic.
        @Test func anExpiredTicketIsReportedAsExpiredByTheLibraryAndTheCLI() async throws {
            let realm = try await AuthLab.Realm()
            let acceptor = try await AuthLab.Acceptor(realm: realm)
            let cache = "FILE:" + realm.path("expired-ccache")
            try await realm.kinit(into: cache, clockOffset: -11 * 3_600, lifetime: "1h")
            for mechanism in [NegotiateAuthentication.Mechanism.kerberos, .negotiate] {
                let error = try #require(await Self.failure(.init(mechanism: mechanism, credentials: .ticketCache(cache)),
                                                            port: acceptor.httpPort))
                #expect(error.kind == .credentialsExpired && error.phase == .authenticate && error.host == "localhost", "\(error)")
                #expect("\(error)".hasPrefix("localhost: authenticate failed: ") && "\(error)".contains("kinit"), "\(error)")
            }
            #expect(!acceptor.log.contains("authenticated"))

            let binary = try #require(SessionAuthTests.cimsweepBinary(), "the cimsweep binary is not built next to the tests")
            let result = try await SessionAuthTests.run(
                binary, ["get", "localhost", "Win32_BIOS", "--port", "\(acceptor.httpPort)", "--auth", "kerberos"],
                environment: ["KRB5_CONFIG": realm.krb5Config, "KRB5CCNAME": cache])
            #expect(result.status != 0)
            #expect(result.stderr.contains("localhost: authenticate failed") && result.stderr.contains("has expired"), "\(result.stderr)")
        }
    }
}
