import Transport

/// Where a session's credential comes from: one entry of a profile's ordered credential sets.
///
/// A value the collector's TOML profiles map onto (`kind = "keytab"`, `path = …`), resolved per session
/// into what the transport needs with ``connectionAuthentication(for:host:)``. Secrets are never held as
/// text here: a password is a `Credential` (zeroed when freed), read by the caller from the environment or
/// a 0600 file; the other sources name files.
public enum CimCredentials: Sendable, CustomStringConvertible {
    /// No credential (`--auth none`), or GSSAPI's ambient ones for Negotiate/Kerberos/NTLM: the ticket cache
    /// named by `KRB5CCNAME`, the gss-ntlmssp user file named by `NTLM_USER_FILE`.
    case ambient
    /// A user and password: Basic, or Kerberos/NTLM without kinit (`DOMAIN\user`, `user@REALM`).
    case password(Credential)
    /// A Kerberos ticket cache (`FILE:/tmp/krb5cc_1000`, `KCM:`), read per session.
    case ticketCache(String)
    /// A Kerberos client keytab; `principal` nil takes its first entry.
    case keytab(path: String, principal: String?)
    /// A TLS client certificate (PEM with key, or PKCS#12).
    case certificate(ClientCertificate)

    public var description: String {
        switch self {
        case .ambient: "ambient"
        case .password(let credential): "password(\(credential))"
        case .ticketCache(let path): "ticketCache(\(path))"
        case .keytab(let path, let principal): "keytab(\(path), principal: \(principal ?? "first"))"
        case .certificate(let certificate): "\(certificate)"
        }
    }

    /// What the transport needs for `options.authentication` with this credential.
    /// - Throws: `CimSessionError` wrapping a `configure` ``TransportError`` when this credential cannot serve
    ///   the mechanism, e.g. a keytab with Basic or NTLM.
    public func connectionAuthentication(for options: CimSessionOptions, host: String) throws(CimSessionError)
        -> ConnectionOptions.Authentication
    {
        let mechanism = options.authentication
        func refuse(_ needs: String) -> CimSessionError {
            let error = TransportError.invalidConfiguration(
                host: host, detail: "--auth \(mechanism) cannot use the credential \(self)", hint: needs)
            return CimSessionError(host: host, operation: .identify, reason: .transport(error))
        }
        switch (mechanism, self) {
        case (.none, _), (.basic, .ambient):
            return .none
        case (.basic, .password(let credential)):
            return .basic(credential)
        case (.basic, _):
            throw refuse("Basic needs a user and password (CIMSWEEP_USERNAME/CIMSWEEP_PASSWORD or --credential-file)")
        case (.certificate, .certificate(let certificate)):
            return .certificate(certificate)
        case (.certificate, _):
            throw refuse("Certificate authentication needs --cert (and --key)")
        case (.ntlm, .ticketCache), (.ntlm, .keytab):
            throw refuse("NTLM needs a user and password; tickets and keytabs are Kerberos credentials")
        case (.negotiate, _), (.kerberos, _), (.ntlm, _):
            guard let source = gssSource else { throw refuse("A client certificate needs --auth certificate") }
            let gssMechanism: NegotiateAuthentication.Mechanism =
                mechanism == .kerberos ? .kerberos : mechanism == .ntlm ? .ntlm : .negotiate
            var negotiate = NegotiateAuthentication(
                mechanism: gssMechanism, credentials: source, servicePrincipal: options.servicePrincipal)
            negotiate.includesPortInSPN = options.includePortInSPN
            negotiate.sealsMessages = options.sealMessages
            negotiate.sendsChannelBindings = options.channelBinding
            return .negotiate(negotiate)
        }
    }

    /// The GSSAPI credential source; nil for a certificate.
    private var gssSource: NegotiateAuthentication.CredentialSource? {
        switch self {
        case .ambient: .ambient
        case .password(let credential): .password(credential)
        case .ticketCache(let path): .ticketCache(path)
        case .keytab(let path, let principal): .keytab(path: path, principal: principal)
        case .certificate: nil
        }
    }
}
