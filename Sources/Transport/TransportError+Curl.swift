import CCurl

extension TransportError {
    /// What a finished transfer knew when libcurl reported `code`.
    struct CurlFailure {
        var code: CURLcode
        var errorBuffer: String
        var endpoint: Endpoint
        var timeouts: ConnectionOptions.Timeouts
        var requestTimeout: Duration
        /// Whether TCP (and TLS, for HTTPS) was up when the transfer failed.
        var wasConnected: Bool
    }

    /// Maps a libcurl failure to a phase, a detail and an actionable hint.
    init(_ failure: CurlFailure, credential: Credential?) {
        let code = failure.code
        let host = failure.endpoint.host
        var detail = failure.errorBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : failure.errorBuffer
        if let credential { detail = credential.redacting(detail) }
        let port = failure.endpoint.port
        let phase: Phase
        var kind = Kind.curl
        let hint: String?
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST:
            phase = .resolve
            hint = "Check the name: it does not resolve here (DNS, hosts file, or a typo)"
        case CURLE_COULDNT_RESOLVE_PROXY:
            phase = .resolve
            hint = "Check the proxy name given with --proxy"
        case CURLE_COULDNT_CONNECT:
            phase = .connect
            hint = "Is WinRM listening on port \(port)? (winrm quickconfig / firewall)"
        case CURLE_OPERATION_TIMEDOUT where !failure.wasConnected:
            phase = .timeout
            kind = .connectTimeout
            hint = "No connection within the connect timeout (\(failure.timeouts.connect)); check that the host is up "
                + "and port \(port) is reachable, or raise --connect-timeout"
        case CURLE_OPERATION_TIMEDOUT:
            phase = .timeout
            kind = .requestTimeout
            hint = "No complete response within the request timeout (\(failure.requestTimeout)); "
                + "raise --operation-timeout, or check the server's load"
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE:
            phase = .tls
            hint = code == CURLE_SSL_INVALIDCERTSTATUS
                ? "The server stapled no good OCSP response; --skip-revocation-check turns that check off"
                : "Pass the issuing CA with --ca-file; --skip-ca-check disables verification entirely, "
                    + "--skip-cn-check the host name check"
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            phase = .authenticate
            hint = "Check the credentials, and that the account may use WinRM on the target"
        case CURLE_SEND_ERROR:
            phase = .send
            hint = "The connection broke while sending; the server or a middlebox closed it"
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY,
            CURLE_BAD_CONTENT_ENCODING:
            phase = .receive
            hint = "The server closed or reset the connection mid-response; retry, and check the server's event log"
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            phase = .configure
            hint = nil
        default:
            phase = failure.wasConnected ? .receive : .connect
            hint = nil
        }
        self.init(
            host: host, phase: phase, kind: kind, curlCode: Int32(code.rawValue), detail: detail, hint: hint)
    }
}
