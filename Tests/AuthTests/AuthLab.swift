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
    static let serviceHosts = ["localhost", "127.0.0.1"]

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

    static var isAvailable: Bool {
        if let missing { print("AuthTests skipped: \(missing)") }
        return missing == nil
    }

    /// A realm, keytabs, a ticket cache, a PKI and an NTLM user file in a fresh directory.
    final class Realm {
        let directory: URL
        let kdcPort: Int
        private let kdc = Process()

        var krb5Config: String { path("krb5.conf") }
        var serviceKeytab: String { path("http.keytab") }
        var userKeytab: String { path("user.keytab") }
        var ticketCache: String { "FILE:" + path("ccache") }
        var ntlmUsers: String { path("ntlm_users") }
        var pki: URL { directory.appendingPathComponent("pki") }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        /// - Parameter withPKI: also create the test CA and certificates (about half a second).
        init(withPKI: Bool = false) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("cimsweep-auth-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            kdcPort = try freeTCPPort()
            try writeConfiguration()
            setenv("KRB5_CONFIG", krb5Config, 1)
            let environment = ["KRB5_CONFIG": krb5Config, "KRB5_KDC_PROFILE": path("kdc.conf")]
            try run("/usr/sbin/kdb5_util", ["create", "-s", "-r", realm, "-P", "throwaway-master"], environment: environment)
            var script = "addprinc -pw \(password) \(user)\n"
            for host in serviceHosts {
                script += "addprinc -randkey HTTP/\(host)\nktadd -k \(serviceKeytab) HTTP/\(host)\n"
            }
            script += "ktadd -norandkey -k \(userKeytab) \(user)\n"
            try run("/usr/sbin/kadmin.local", [], environment: environment, input: script)
            try startKDC(environment: environment)
            try run("/usr/bin/kinit", ["-k", "-t", userKeytab, "-c", ticketCache, user], environment: environment)
            try "CIMSWEEP:\(user):\(password)\n:\(user):\(password)\n:\(user)@\(realm):\(password)\n\(realm):\(user):\(password)\n"
                .write(toFile: ntlmUsers, atomically: true, encoding: .utf8)
            if withPKI { try run("/bin/bash", [pkiScript.path, pki.path], environment: [:]) }
        }

        deinit {
            // SIGKILL: children spawned from a dispatch worker inherit its blocked-signal mask, so SIGTERM waits.
            if kdc.isRunning {
                kill(kdc.processIdentifier, SIGKILL)
                kdc.waitUntilExit()
            }
            try? FileManager.default.removeItem(at: directory)
        }

        /// krb5kdc in the foreground, logging to stderr; ready once it logs "commencing operation".
        private func startKDC(environment: [String: String]) throws {
            kdc.executableURL = URL(fileURLWithPath: "/usr/sbin/krb5kdc")
            kdc.arguments = ["-n", "-r", realm]
            kdc.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let errors = Pipe()
            kdc.standardError = errors
            kdc.standardOutput = FileHandle.nullDevice
            try kdc.run()
            var seen: [String] = []
            while true {
                let line = readLine(from: errors.fileHandleForReading)
                if line.contains("commencing operation") { break }
                guard !line.isEmpty || kdc.isRunning else { throw LabError("krb5kdc did not start: \(seen.joined(separator: "\n"))") }
                seen.append(line)
            }
            // Keep draining its log so a full pipe never blocks it.
            let handle = errors.fileHandleForReading
            Thread.detachNewThread { while !handle.availableData.isEmpty {} }
        }

        private func writeConfiguration() throws {
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
            FileManager.default.createFile(atPath: path("kadm5.acl"), contents: Data())
        }
    }

    /// pyspnego behind HTTP (and HTTPS), as a child process on free ports.
    final class Acceptor {
        let process = Process()
        let httpPort: Int
        let httpsPort: Int
        let logFile: URL

        struct Options {
            var tls = false
            /// With `tls`: ask clients for a certificate signed by the lab CA.
            var requestsClientCertificate = true
            var channelBindings = false
            var requireEncryption = false
            /// Close the connection after every N answered requests (0: never).
            var closeAfter = 0
            var schemes = "Negotiate,Kerberos,NTLM,Basic"
            /// WS-Man URL to forward unsealed bodies to, with Basic `user:password`.
            var upstream: (url: String, basic: String)?
        }

        init(realm: Realm, options: Options = Options()) throws {
            var arguments = [acceptorScript.path, "--port", "0", "--schemes", options.schemes]
            if options.tls {
                arguments += [
                    "--tls-port", "0", "--cert", realm.pki.appendingPathComponent("server.pem").path,
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
            logFile = realm.directory.appendingPathComponent("acceptor-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: logFile.path, contents: Data())
            process.executableURL = python
            process.arguments = arguments
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: logFile)
            try process.run()
            // Readiness: the one line it prints once both sockets listen.
            let line = readLine(from: output.fileHandleForReading)
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[0] == "READY", let http = Int(fields[1]), let https = Int(fields[2]) else {
                process.terminate()
                process.waitUntilExit()
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw LabError("the acceptor did not start: \(line) \(log)")
            }
            httpPort = http
            httpsPort = https
        }

        var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    struct LabError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a tool to completion; its output goes to the error on failure.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment: [String: String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        process.environment = merged
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LabError("\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
        }
        return text
    }

    /// Reads one line (blocking); empty at end of file.
    static func readLine(from handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while true {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A port nothing listens on right now (the KDC cannot bind port 0 and report it).
    static func freeTCPPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw LabError("no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
