import CGSSAPI

extension TransportError {
    /// Maps a GSSAPI failure to an error a user can act on, from the minor status (the Kerberos error code,
    /// RFC 4120 §7.5.9 as MIT numbers it in krb5.h) and then the major status (RFC 2744 §3.9.1).
    static func gss(_ failure: GSSFailure, host: String, spn: String, mechanism: NegotiateAuthentication.Mechanism) -> TransportError {
        let minor = Int(Int32(bitPattern: failure.minor))
        let kind: Kind
        let hint: String
        switch minor {
        case Int(KRB5KRB_AP_ERR_SKEW):
            kind = .clockSkew
            hint = "The clocks of this machine and the KDC or \(host) differ by more than 5 minutes; sync them (NTP)"
        case Int(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN):
            kind = .servicePrincipalUnknown
            hint = "The KDC has no service principal \(spn). Use the name the host is registered under (its FQDN, "
                + "not an IP address or alias), pass --spn, or try --include-port-in-spn"
        case Int(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN):
            kind = .credentialsRejected
            hint = "The KDC does not know this user; check the user name and realm"
        case Int(KRB5KDC_ERR_PREAUTH_FAILED), Int(KRB5KRB_AP_ERR_BAD_INTEGRITY):
            kind = .credentialsRejected
            hint = "The KDC refused the password; check it"
        case Int(KRB5KDC_ERR_KEY_EXP):
            kind = .credentialsExpired
            hint = "The password has expired; change it"
        case Int(KRB5KRB_AP_ERR_TKT_EXPIRED):
            kind = .credentialsExpired
            hint = ticketExpiredHint
        case Int(KRB5_FCC_NOFILE), Int(KRB5_CC_NOTFOUND):
            kind = .noCredentials
            hint = "No Kerberos ticket: run kinit (or point KRB5CCNAME at a cache), or use --keytab or a password"
        case Int(KRB5_KT_NOTFOUND):
            kind = .noCredentials
            hint = "The keytab has no key for that principal; check --keytab and the principal"
        case Int(KRB5_KDC_UNREACH):
            kind = .kdcUnreachable
            hint = "No KDC answered; check krb5.conf (KRB5_CONFIG) [realms] and that the KDC is reachable"
        default:
            switch failure.routineError {
            case cs_gss_s_no_cred():
                kind = .noCredentials
                hint = mechanism == .ntlm
                    ? "No NTLM credential: give a user and password (CIMSWEEP_USERNAME/CIMSWEEP_PASSWORD or --credential-file)"
                    : "No usable credential: run kinit, give --keytab, or a user and password"
            case cs_gss_s_credentials_expired():
                kind = .credentialsExpired
                hint = ticketExpiredHint
            case cs_gss_s_bad_mech() where mechanism == .ntlm:
                kind = .ntlmDisabled
                hint = "The NTLM GSSAPI mechanism is not installed here (Debian: gss-ntlmssp)"
            case cs_gss_s_bad_bindings():
                kind = .credentialsRejected
                hint = "The channel bindings do not match the server's TLS certificate (a TLS-intercepting proxy?)"
            default:
                kind = .securityContext
                hint = "Check the credential source, the SPN (\(spn)) and krb5.conf"
            }
        }
        return TransportError(
            host: host, phase: .authenticate, kind: kind, detail: "\(failure.call) failed: \(failure.message)", hint: hint)
    }

    private static let ticketExpiredHint = "The Kerberos ticket has expired; renew it (kinit), or use a keytab or password source"
}
