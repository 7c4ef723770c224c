import CGSSAPI
#if canImport(Glibc)
import Glibc
#endif

/// A GSSAPI call failed: which call, its major and minor status, and GSSAPI's own words for both.
struct GSSFailure: Error, Sendable {
    let call: String
    let major: OM_uint32
    let minor: OM_uint32
    let message: String

    init(_ call: String, major: OM_uint32, minor: OM_uint32) {
        self.call = call
        self.major = major
        self.minor = minor
        message = Self.display(major: major, minor: minor)
    }

    /// The routine error (GSS_S_NO_CRED, GSS_S_BAD_BINDINGS, …) without calling errors or supplementary bits.
    var routineError: OM_uint32 { cs_gss_routine_error(major) }

    /// `gss_display_status` for the major code, then the minor code, joined with "; ".
    private static func display(major: OM_uint32, minor: OM_uint32) -> String {
        var parts: [String] = []
        for (code, type) in [(major, cs_gss_code_gss()), (minor, cs_gss_code_mech())] where code != 0 {
            var more: OM_uint32 = 0
            repeat {
                var ignored: OM_uint32 = 0
                var text = gss_buffer_desc()
                guard gss_display_status(&ignored, code, Int32(type), nil, &more, &text) == 0 else { break }
                if let value = text.value, text.length > 0 {
                    let message = String(decoding: UnsafeRawBufferPointer(start: value, count: text.length), as: UTF8.self)
                    if !parts.contains(message) { parts.append(message) }
                }
                gss_release_buffer(&ignored, &text)
            } while more != 0
        }
        return parts.joined(separator: "; ")
    }
}

/// One client security context: credential, target name, the token exchange, and WinRM wrap/unwrap.
///
/// Not thread-safe; ``SecureChannel`` uses it under its lock only. Creating it and the first ``step(_:)`` may wait
/// on a KDC round trip, so ``SecureChannel`` makes both on a ``GSSThread``.
final class GSSInitiator {
    let mechanism: NegotiateAuthentication.Mechanism
    private var credential: gss_cred_id_t?
    private var target: gss_name_t?
    private var context: gss_ctx_id_t?
    /// RFC 5929 application data (`tls-server-end-point:` + hash), or nil for no channel bindings.
    private let channelBindings: [UInt8]?
    /// Where the credential came from, to learn the Kerberos error behind a failed Negotiate call.
    private let source: NegotiateAuthentication.CredentialSource
    private(set) var isComplete = false
    /// Whether the server must still confirm (a mutual-auth token in the final 200).
    private(set) var needsFinalToken = false

    init(authentication: NegotiateAuthentication, endpoint: Endpoint, channelBindings: [UInt8]?) throws(GSSFailure) {
        mechanism = authentication.mechanism
        self.channelBindings = channelBindings
        source = authentication.credentials
        do { credential = try Self.acquire(source, mechanism: mechanism) } catch {
            throw Self.revealingKerberosStatus(of: error, mechanism: mechanism, source: source, target: nil)
        }
        target = try Self.importTarget(spn: authentication.spn(for: endpoint), host: endpoint.host, mechanism: mechanism,
                                       custom: authentication.servicePrincipal != nil || authentication.includesPortInSPN)
    }

    deinit {
        var minor: OM_uint32 = 0
        if context != nil { gss_delete_sec_context(&minor, &context, nil) }
        if target != nil { gss_release_name(&minor, &target) }
        if credential != nil { gss_release_cred(&minor, &credential) }
    }

    /// The OID for `mechanism`, passed to every call.
    private static func oid(_ mechanism: NegotiateAuthentication.Mechanism) -> gss_OID {
        switch mechanism {
        case .negotiate: cs_gss_oid_spnego()
        case .kerberos: cs_gss_oid_krb5()
        case .ntlm: cs_gss_oid_ntlm()
        }
    }

    /// Forgets the context (the server dropped the connection); the next ``step(_:)`` starts over.
    func reset() {
        var minor: OM_uint32 = 0
        if context != nil { gss_delete_sec_context(&minor, &context, nil) }
        context = nil
        isComplete = false
        needsFinalToken = false
    }

    /// Feeds the server's token (nil on the first call) and returns the token to send (maybe empty).
    func step(_ input: [UInt8]?) throws(GSSFailure) -> [UInt8] {
        var minor: OM_uint32 = 0
        var output = gss_buffer_desc()
        var inputBytes = input ?? []
        var bindingBytes = channelBindings ?? []
        let major = inputBytes.withUnsafeMutableBytes { inputBuffer in
            bindingBytes.withUnsafeMutableBytes { bindingBuffer in
                var token = gss_buffer_desc(length: inputBuffer.count, value: inputBuffer.baseAddress)
                var bindings = gss_channel_bindings_struct()
                bindings.application_data = gss_buffer_desc(length: bindingBuffer.count, value: bindingBuffer.baseAddress)
                return withUnsafeMutablePointer(to: &bindings) { bindingsPointer in
                    withUnsafeMutablePointer(to: &token) { tokenPointer in
                        gss_init_sec_context(
                            &minor, credential, &context, target, Self.oid(mechanism), cs_gss_req_flags(), 0,
                            channelBindings == nil ? nil : bindingsPointer, input == nil ? nil : tokenPointer, nil,
                            &output, nil, nil)
                    }
                }
            }
        }
        defer { gss_release_buffer(&minor, &output) }
        if cs_gss_is_error(major) != 0 {
            let failure = GSSFailure("gss_init_sec_context", major: major, minor: minor)
            // Only the first step asks the KDC; later ones check the server's token.
            throw input == nil ? Self.revealingKerberosStatus(of: failure, mechanism: mechanism, source: source, target: target) : failure
        }
        isComplete = cs_gss_continue_needed(major) == 0
        needsFinalToken = !isComplete
        guard let value = output.value, output.length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: value, count: output.length))
    }

    /// Seals `plain` for WinRM: the signature (the GSS header) and the encrypted data, kept apart because
    /// MS-WSMV puts the signature's length in front of it. Kerberos uses `gss_wrap_iov`; gss-ntlmssp has no
    /// IOV support, and its `gss_wrap` output is the 16-byte signature followed by the data.
    func wrap(_ plain: [UInt8]) throws(GSSFailure) -> (header: [UInt8], data: [UInt8]) {
        var minor: OM_uint32 = 0
        var data = plain
        var iov = [
            gss_iov_buffer_desc(type: cs_gss_iov_header_alloc(), buffer: gss_buffer_desc()),
            gss_iov_buffer_desc(type: cs_gss_iov_data(), buffer: gss_buffer_desc()),
            gss_iov_buffer_desc(type: cs_gss_iov_padding_alloc(), buffer: gss_buffer_desc()),
        ]
        let major = data.withUnsafeMutableBytes { bytes in
            iov[1].buffer = gss_buffer_desc(length: bytes.count, value: bytes.baseAddress)
            return gss_wrap_iov(&minor, context, 1, 0, nil, &iov, Int32(iov.count))
        }
        if cs_gss_routine_error(major) == cs_gss_s_unavailable() { return try wrapWhole(plain) }
        guard cs_gss_is_error(major) == 0 else { throw GSSFailure("gss_wrap_iov", major: major, minor: minor) }
        defer { gss_release_iov_buffer(&minor, &iov, Int32(iov.count)) }
        let header = Self.bytes(iov[0].buffer)
        return (header, data + Self.bytes(iov[2].buffer))
    }

    private func wrapWhole(_ plain: [UInt8]) throws(GSSFailure) -> (header: [UInt8], data: [UInt8]) {
        var minor: OM_uint32 = 0
        var input = plain
        var output = gss_buffer_desc()
        let major = input.withUnsafeMutableBytes { bytes in
            var buffer = gss_buffer_desc(length: bytes.count, value: bytes.baseAddress)
            return gss_wrap(&minor, context, 1, 0, &buffer, nil, &output)
        }
        guard cs_gss_is_error(major) == 0 else { throw GSSFailure("gss_wrap", major: major, minor: minor) }
        defer { gss_release_buffer(&minor, &output) }
        let token = Self.bytes(output)
        let signatureLength = 16  // MS-NLMP 2.2.2.9: NTLMSSP_MESSAGE_SIGNATURE
        guard token.count >= signatureLength else {
            throw GSSFailure("gss_wrap", major: cs_gss_s_unavailable(), minor: 0)
        }
        return (Array(token[..<signatureLength]), Array(token[signatureLength...]))
    }

    /// Opens a sealed WinRM message: `header` is the signature, `data` the encrypted body.
    func unwrap(header: [UInt8], data: [UInt8]) throws(GSSFailure) -> [UInt8] {
        var minor: OM_uint32 = 0
        var headerBytes = header
        var dataBytes = data
        let major = headerBytes.withUnsafeMutableBytes { headerBuffer in
            dataBytes.withUnsafeMutableBytes { dataBuffer in
                var iov = [
                    gss_iov_buffer_desc(
                        type: cs_gss_iov_header(),
                        buffer: gss_buffer_desc(length: headerBuffer.count, value: headerBuffer.baseAddress)),
                    gss_iov_buffer_desc(
                        type: cs_gss_iov_data(), buffer: gss_buffer_desc(length: dataBuffer.count, value: dataBuffer.baseAddress)),
                ]
                return gss_unwrap_iov(&minor, context, nil, nil, &iov, Int32(iov.count))
            }
        }
        if cs_gss_routine_error(major) == cs_gss_s_unavailable() {
            return try unwrapWhole(header + data)
        }
        guard cs_gss_is_error(major) == 0 else { throw GSSFailure("gss_unwrap_iov", major: major, minor: minor) }
        return dataBytes  // decrypted in place
    }

    private func unwrapWhole(_ token: [UInt8]) throws(GSSFailure) -> [UInt8] {
        var minor: OM_uint32 = 0
        var input = token
        var output = gss_buffer_desc()
        let major = input.withUnsafeMutableBytes { bytes in
            var buffer = gss_buffer_desc(length: bytes.count, value: bytes.baseAddress)
            return gss_unwrap(&minor, context, &buffer, &output, nil, nil)
        }
        guard cs_gss_is_error(major) == 0 else { throw GSSFailure("gss_unwrap", major: major, minor: minor) }
        defer { gss_release_buffer(&minor, &output) }
        return Self.bytes(output)
    }

    private static func bytes(_ buffer: gss_buffer_desc) -> [UInt8] {
        guard let value = buffer.value, buffer.length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: value, count: buffer.length))
    }

    // MARK: - Names and credentials

    private static func importName(_ text: String, type: gss_OID) throws(GSSFailure) -> gss_name_t? {
        var minor: OM_uint32 = 0
        var name: gss_name_t?
        var bytes = Array(text.utf8)
        let major = bytes.withUnsafeMutableBytes { raw in
            var buffer = gss_buffer_desc(length: raw.count, value: raw.baseAddress)
            return gss_import_name(&minor, &buffer, type, &name)
        }
        guard cs_gss_is_error(major) == 0 else { throw GSSFailure("gss_import_name", major: major, minor: minor) }
        return name
    }

    /// `HTTP/host` as the host-based service `HTTP@host` (realm from krb5.conf's domain_realm); a custom SPN
    /// or one with a port as a Kerberos principal name. NTLM ignores the target, so it always gets the
    /// host-based form, which gss-ntlmssp can import.
    private static func importTarget(spn: String, host: String, mechanism: NegotiateAuthentication.Mechanism, custom: Bool)
        throws(GSSFailure) -> gss_name_t?
    {
        if mechanism == .ntlm || !custom {
            let service = spn.split(separator: "/", maxSplits: 1).first.map(String.init) ?? "HTTP"
            return try importName("\(service)@\(host)", type: cs_gss_nt_hostbased_service())
        }
        return try importName(spn, type: cs_gss_nt_krb5_principal())
    }

    static func acquire(_ source: NegotiateAuthentication.CredentialSource, mechanism: NegotiateAuthentication.Mechanism)
        throws(GSSFailure) -> gss_cred_id_t?
    {
        var minor: OM_uint32 = 0
        var credential: gss_cred_id_t?
        var mechanisms = gss_OID_set_desc(count: 1, elements: oid(mechanism))
        let initiate = gss_cred_usage_t(GSS_C_INITIATE)
        switch source {
        case .ambient:
            return nil
        case .password(let secret):
            var name = try importName(secret.username, type: cs_gss_nt_user_name())
            defer { gss_release_name(&minor, &name) }
            let major = secret.secret.withCString { pointer in
                var password = gss_buffer_desc(length: secret.secret.count, value: UnsafeMutableRawPointer(mutating: pointer))
                return gss_acquire_cred_with_password(
                    &minor, name, &password, 0, &mechanisms, initiate, &credential, nil, nil)
            }
            guard cs_gss_is_error(major) == 0 else {
                throw GSSFailure("gss_acquire_cred_with_password", major: major, minor: minor)
            }
            return credential
        case .ticketCache(let path):
            credential = try acquireFrom(store: [("ccache", path)], name: nil, mechanisms: &mechanisms)
        case .keytab(let path, let principal):
            var name: gss_name_t?
            if let principal { name = try importName(principal, type: cs_gss_nt_krb5_principal()) }
            defer { if name != nil { gss_release_name(&minor, &name) } }
            // A private cache: tickets from the keytab never land in the user's default cache.
            let cache = "MEMORY:cimsweep-\(UInt64.random(in: 1...UInt64.max))"
            credential = try acquireFrom(
                store: [("client_keytab", path), ("ccache", cache)], name: name, mechanisms: &mechanisms)
        }
        // Ticket caches and keytabs are Kerberos credentials: keep SPNEGO from falling back to NTLM.
        if mechanism == .negotiate {
            var kerberosOnly = gss_OID_set_desc(count: 1, elements: cs_gss_oid_krb5())
            let major = gss_set_neg_mechs(&minor, credential, &kerberosOnly)
            guard cs_gss_is_error(major) == 0 else {
                gss_release_cred(&minor, &credential)
                throw GSSFailure("gss_set_neg_mechs", major: major, minor: minor)
            }
        }
        return credential
    }

    private static func acquireFrom(store pairs: [(String, String)], name: gss_name_t?, mechanisms: inout gss_OID_set_desc)
        throws(GSSFailure) -> gss_cred_id_t?
    {
        var minor: OM_uint32 = 0
        var credential: gss_cred_id_t?
        let keys = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        var elements = zip(keys, values).map { gss_key_value_element_desc(key: $0!, value: $1!) }
        let major = elements.withUnsafeMutableBufferPointer { buffer in
            var store = gss_key_value_set_desc(count: OM_uint32(buffer.count), elements: buffer.baseAddress)
            return gss_acquire_cred_from(
                &minor, name, 0, &mechanisms, gss_cred_usage_t(GSS_C_INITIATE), &store, &credential, nil, nil)
        }
        guard cs_gss_is_error(major) == 0 else { throw GSSFailure("gss_acquire_cred_from", major: major, minor: minor) }
        return credential
    }
}
