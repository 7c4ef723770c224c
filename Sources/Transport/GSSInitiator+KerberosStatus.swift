import CGSSAPI

extension GSSFailure {
    /// Whether the minor status is a Kerberos error code (MIT's krb5 com_err table, krb5.h), which
    /// ``TransportError/gss(_:host:spn:mechanism:)`` can read.
    var isKerberosStatus: Bool {
        let code = Int(Int32(bitPattern: minor))
        return code >= Int(ERROR_TABLE_BASE_krb5) && code < Int(ERROR_TABLE_BASE_krb5) + 256
    }
}

extension GSSInitiator {
    /// The failure of a Negotiate call with the Kerberos error code behind it.
    ///
    /// MIT's mechanism glue gives each (mechanism, minor status) pair a number of its own: the Kerberos
    /// mechanism keeps the krb5 code, but the same code handed up by SPNEGO is renumbered (100001, …), so
    /// clock skew, an expired ticket or an unknown SPN would all read as an unknown failure with
    /// `--auth negotiate`. When a Negotiate call fails with such a number, the same work is done once more
    /// with the Kerberos mechanism alone: a credential from the same source and, for a context step, the
    /// first token for the same target. Its krb5 code replaces the minor status; anything else (NTLM's
    /// failures, or the retry succeeding) leaves the failure as it was. One more KDC round trip, on failure only.
    static func revealingKerberosStatus(
        of failure: GSSFailure, mechanism: NegotiateAuthentication.Mechanism, source: NegotiateAuthentication.CredentialSource,
        target: gss_name_t?
    ) -> GSSFailure {
        guard mechanism == .negotiate, !failure.isKerberosStatus else { return failure }
        var ignored: OM_uint32 = 0
        var credential: gss_cred_id_t?
        do { credential = try acquire(source, mechanism: .kerberos) } catch {
            return error.isKerberosStatus ? GSSFailure(failure.call, major: failure.major, minor: error.minor) : failure
        }
        defer { if credential != nil { gss_release_cred(&ignored, &credential) } }
        guard let target else { return failure }
        var minor: OM_uint32 = 0
        var context: gss_ctx_id_t?
        var output = gss_buffer_desc()
        let major = gss_init_sec_context(
            &minor, credential, &context, target, cs_gss_oid_krb5(), cs_gss_req_flags(), 0, nil, nil, nil, &output, nil, nil)
        gss_release_buffer(&ignored, &output)
        if context != nil { gss_delete_sec_context(&ignored, &context, nil) }
        let retry = GSSFailure(failure.call, major: failure.major, minor: minor)
        return cs_gss_is_error(major) != 0 && retry.isKerberosStatus ? retry : failure
    }
}
