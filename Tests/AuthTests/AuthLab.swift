import ChildProcessSupport
import Foundation
import Testing

/// The real components the auth tests run against: a throwaway MIT Kerberos realm on loopback (krb5kdc),
/// a test PKI (openssl), and pyspnego as an independent acceptor (Tests/Peers/auth_acceptor.py).
///
/// Everything lives in one temporary directory and is torn down after the test. Nothing in /etc is read:
/// `KRB5_CONFIG` points at the lab's krb5.conf (this is process-global, so the auth suites are serialized).
enum AuthLab {
    static let realm = "CIMSWEEP.TEST"
    static let user = "alice"
    static let password = "Ph0enix-kdc!auth-7731"
    /// Host names that get an `HTTP/<name>` service principal in the realm.
    static let serviceHosts = ["localhost", "127.0.0.1", "127.0.0.2"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = root.appendingPathComponent(".venv-test/bin/python")
    static let acceptorScript = root.appendingPathComponent("Tests/Peers/auth_acceptor.py")
    static let pkiScript = root.appendingPathComponent("Tests/Peers/auth_pki.sh")

    /// Why the lab cannot run here, or nil. Only a truly missing binary is a reason; CI installs them all
    /// (scripts/setup, scripts/test).
    static let missing: String? = {
        for tool in ["/usr/sbin/krb5kdc", "/usr/sbin/kdb5_util", "/usr/sbin/kadmin.local", "/usr/bin/openssl"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (scripts/setup installs krb5-kdc, krb5-admin-server, openssl)"
        }
        if !FileManager.default.isExecutableFile(atPath: python.path) {
            return "\(python.path) is missing (scripts/test creates it with pyspnego)"
        }
        return nil
    }()

    static let faketime = "/usr/bin/faketime"

    /// Whether libfaketime's `faketime` is here (scripts/setup installs it), printing why not.
    static var hasFaketime: Bool {
        let present = FileManager.default.isExecutableFile(atPath: faketime)
        if !present { print("AuthTests with a shifted clock skipped: \(faketime) is missing (scripts/setup installs faketime)") }
        return present
    }

    static var isAvailable: Bool {
        if let missing { print("AuthTests skipped: \(missing)") }
        return missing == nil
    }

    /// A realm, keytabs, a ticket cache, a PKI and an NTLM user file in a fresh directory.
    final class Realm {
        let directory: URL
        private(set) var kdcPort = 0
        private var kdc: ChildProcess?

        var krb5Config: String { path("krb5.conf") }
        var serviceKeytab: String { path("http.keytab") }
        var userKeytab: String { path("user.keytab") }
        var ticketCache: String { "FILE:" + path("ccache") }
        var ntlmUsers: String { path("ntlm_users") }
        var pki: URL { directory.appendingPathComponent("pki") }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        /// What the MIT tools need to find this realm.
        var environment: [String: String] { ["KRB5_CONFIG": krb5Config, "KRB5_KDC_PROFILE": path("kdc.conf")] }

        /// - Parameters:
        ///   - withPKI: also create the test CA and certificates (about half a second).
        ///   - kdcPort: the port krb5kdc tries first; nil picks a free one.
        init(withPKI: Bool = false, kdcPort firstPort: Int? = nil) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("cimsweep-auth-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try writeConfiguration(kdcPort: try firstPort ?? freeTCPPort())
            setenv("KRB5_CONFIG", krb5Config, 1)
            try await run("/usr/sbin/kdb5_util", ["create", "-s", "-r", realm, "-P", "throwaway-master"], environment: environment)
            var script = "addprinc -pw \(password) \(user)\n"
            for host in serviceHosts {
                script += "addprinc -randkey HTTP/\(host)\nktadd -k \(serviceKeytab) HTTP/\(host)\n"
            }
            script += "ktadd -norandkey -k \(userKeytab) \(user)\n"
            try await run("/usr/sbin/kadmin.local", [], environment: environment, input: script)
            try await startKDC()
            try await run("/usr/bin/kinit", ["-k", "-t", userKeytab, "-c", ticketCache, user], environment: environment)
            try "CIMSWEEP:\(user):\(password)\n:\(user):\(password)\n:\(user)@\(realm):\(password)\n\(realm):\(user):\(password)\n"
                .write(toFile: ntlmUsers, atomically: true, encoding: .utf8)
            if withPKI { try await run("/bin/bash", [pkiScript.path, pki.path], environment: [:]) }
        }

        deinit {
            // SIGKILL: children spawned from a dispatch worker inherit its blocked-signal mask, so SIGTERM waits.
            // ChildProcess reaps it on its own thread.
            kdc?.signal(SIGKILL)
            try? FileManager.default.removeItem(at: directory)
        }

        /// kinit from the user keytab into `cache`, run with its clock `clockOffset` seconds off (libfaketime).
        /// The KDC keeps the true time: it stamps the ticket's times, and kinit records its clock's offset
        /// from the KDC in the cache, which every later client of that cache applies.
        func kinit(into cache: String, clockOffset: Int, lifetime: String? = nil) async throws {
            let offset = clockOffset < 0 ? "\(clockOffset)" : "+\(clockOffset)"
            try await run(faketime, ["-f", offset, "/usr/bin/kinit"] + (lifetime.map { ["-l", $0] } ?? [])
                              + ["-k", "-t", userKeytab, "-c", cache, user], environment: environment)
        }

        /// krb5kdc in the foreground, its log (stderr) merged into stdout; ready once it logs "commencing operation".
        ///
        /// krb5kdc cannot bind port 0 and report it, so the port comes from `freeTCPPort`, which releases it
        /// before krb5kdc binds it (TCP and UDP): another server may take it in between. krb5kdc then logs
        /// "Address already in use" and exits, and the KDC is started again on a new port.
        private func startKDC(attempts: Int = 5) async throws {
            var merged = ProcessInfo.processInfo.environment
            merged.merge(environment) { $1 }
            for attempt in 1...attempts {
                if attempt > 1 { try writeConfiguration(kdcPort: try freeTCPPort()) }
                let child = try ChildProcess("/bin/sh", ["-c", "exec /usr/sbin/krb5kdc -n -r \"$0\" 2>&1", realm], environment: merged)
                var seen: [String] = []
                while let line = await child.nextStdoutLine() {
                    if line.contains("commencing operation") {
                        kdc = child
                        return
                    }
                    seen.append(line)
                }
                // Its output ended before it was ready: it exited.
                let result = await child.finished()
                let log = seen.joined(separator: "\n")
                guard log.contains("Address already in use"), attempt < attempts else {
                    throw LabError("krb5kdc did not start (status \(result.status)): \(log)")
                }
            }
        }

        private func writeConfiguration(kdcPort: Int) throws {
            self.kdcPort = kdcPort
            try """
                [libdefaults]
                    default_realm = \(realm)
                    dns_lookup_realm = false
                    dns_lookup_kdc = false
                    rdns = false
                    dns_canonicalize_hostname = false
                    udp_preference_limit = 1
                    default_ccache_name = FILE:\(path("default-ccache"))
                [realms]
                    \(realm) = {
                        kdc = 127.0.0.1:\(kdcPort)
                    }
                [domain_realm]
                    localhost = \(realm)
                    127.0.0.1 = \(realm)
                    127.0.0.2 = \(realm)
                """.write(toFile: krb5Config, atomically: true, encoding: .utf8)
            try """
                [kdcdefaults]
                    kdc_listen = 127.0.0.1:\(kdcPort)
                    kdc_tcp_listen = 127.0.0.1:\(kdcPort)
                [realms]
                    \(realm) = {
                        database_name = \(path("principal"))
                        key_stash_file = \(path("stash"))
                        acl_file = \(path("kadm5.acl"))
                        max_life = 10h
                        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
                    }
                [logging]
                    kdc = STDERR
                """.write(toFile: path("kdc.conf"), atomically: true, encoding: .utf8)
            if !FileManager.default.fileExists(atPath: path("kadm5.acl")) {
                _ = FileManager.default.createFile(atPath: path("kadm5.acl"), contents: Data())
            }
        }
    }

    /// pyspnego behind HTTP (and HTTPS), as a child process on free ports.
    final class Acceptor {
        let process: ChildProcess
        let httpPort: Int
        let httpsPort: Int
        let logFile: URL

        struct Options {
            /// The loopback address it listens on (127/8 routes to lo on Linux).
            var bind = "127.0.0.1"
            var tls = false
            /// With `tls`: ask clients for a certificate signed by the lab CA.
            var requestsClientCertificate = true
            /// With `tls`: the server certificate, a PEM in the lab's PKI (auth_pki.sh), keyed by server.key.
            var serverCertificate = "server.pem"
            var channelBindings = false
            var requireEncryption = false
            /// Close the connection after every N answered requests (0: never).
            var closeAfter = 0
            var schemes = "Negotiate,Kerberos,NTLM,Basic"
            /// WS-Man URL to forward unsealed bodies to, with Basic `user:password`.
            var upstream: (url: String, basic: String)?
        }

        init(realm: Realm, options: Options = Options()) async throws {
            logFile = realm.directory.appendingPathComponent("acceptor-\(UUID().uuidString).log")
            var arguments = [acceptorScript.path, "--bind", options.bind, "--port", "0", "--schemes", options.schemes,
                             "--log", logFile.path]
            if options.tls {
                arguments += [
                    "--tls-port", "0", "--cert", realm.pki.appendingPathComponent(options.serverCertificate).path,
                    "--key", realm.pki.appendingPathComponent("server.key").path,
                ]
                if options.requestsClientCertificate {
                    arguments += ["--client-ca", realm.pki.appendingPathComponent("ca.pem").path]
                }
            }
            if options.channelBindings { arguments.append("--cbt") }
            if options.requireEncryption { arguments.append("--require-encryption") }
            if options.closeAfter > 0 { arguments += ["--close-after", "\(options.closeAfter)"] }
            var environment = ProcessInfo.processInfo.environment
            environment["KRB5_CONFIG"] = realm.krb5Config
            environment["KRB5_KTNAME"] = "FILE:" + realm.serviceKeytab
            environment["KRB5RCACHETYPE"] = "none"
            environment["NTLM_USER_FILE"] = realm.ntlmUsers
            if let upstream = options.upstream {
                arguments += ["--upstream", upstream.url]
                environment["UPSTREAM_BASIC"] = upstream.basic
            }
            process = try ChildProcess(python.path, arguments, environment: environment)
            // Readiness: the one line it prints once both sockets listen.
            let line = await process.nextStdoutLine() ?? ""
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[0] == "READY", let http = Int(fields[1]), let https = Int(fields[2]) else {
                process.signal(SIGKILL)
                let result = await process.finished()
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw LabError("the acceptor did not start: \(line) \(result.stderr) \(log)")
            }
            httpPort = http
            httpsPort = https
        }

        var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

        deinit {
            process.signal(SIGKILL)
        }
    }

    struct LabError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a tool to completion (with `input` on its stdin); its output goes to the error on failure.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment: [String: String], input: String? = nil) async throws -> String {
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let child = try ChildProcess(tool, arguments, environment: merged, keepsStdinOpen: input != nil)
        if let input { child.writeStdin(input) }
        let result = await child.finished()
        let text = result.stdout + result.stderr
        guard result.status == 0, !result.terminatedBySignal else {
            throw LabError("\(tool) \(arguments.joined(separator: " ")) exited \(result.status): \(text)")
        }
        return text
    }

    /// A port nothing listens on right now (the KDC cannot bind port 0 and report it).
    static func freeTCPPort() throws -> Int {
        let (descriptor, port) = try listeningSocket()
        close(descriptor)
        return port
    }

    /// A TCP socket listening on a free loopback port: its descriptor (the caller closes it) and port.
    /// - Parameter backlog: connections the kernel completes before anyone accepts them.
    static func listeningSocket(backlog: Int32 = 1) throws -> (descriptor: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw LabError("no free port: \(reason)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
