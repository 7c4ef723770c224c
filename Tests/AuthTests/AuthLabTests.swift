import Foundation
import Testing

extension AuthSuites {
    /// The lab itself: what keeps the other auth tests from failing for reasons of their own.
    @Suite struct AuthLabTests {
        /// krb5kdc's port is picked free and released before krb5kdc binds it; when another server took it
        /// meanwhile, the KDC comes up on another port instead of failing the test.
        @Test func aKDCWhosePortWasTakenStartsOnAnother() async throws {
            let (taken, port) = try AuthLab.listeningSocket()
            defer { close(taken) }
            let realm = try await AuthLab.Realm(kdcPort: port)
            #expect(realm.kdcPort != port)
            let configuration = try String(contentsOfFile: realm.krb5Config, encoding: .utf8)
            #expect(configuration.contains("kdc = 127.0.0.1:\(realm.kdcPort)"))
            // The realm's kinit went through the KDC on the new port; a keytab kinit into a new cache does again.
            try await AuthLab.run("/usr/bin/kinit", ["-k", "-t", realm.userKeytab, "-c", "FILE:" + realm.path("again"), AuthLab.user],
                                  environment: realm.environment)
            #expect(FileManager.default.fileExists(atPath: realm.path("again")))
        }
    }
}
