#!/usr/bin/env python3
"""Loopback WS-Man auth acceptor for cimsweep's AuthTests (adapted from reference/auth-lab).

Accepts Negotiate (Kerberos or NTLM inside SPNEGO), Kerberos, NTLM, Basic and
(on the TLS port) client certificates, and MS-WSMV message encryption
(multipart/encrypted, "Encrypted Boundary") once a Negotiate/Kerberos/NTLM
context is established on the connection.  It does not speak WS-Man: the
response body is a tiny XML document that reports what the server saw, so a
test can assert on it.

With --upstream URL, an authenticated request body (after unsealing) is forwarded to that WS-Man
server (the simulator) with Basic credentials from the env UPSTREAM_BASIC ("user:password"), and its
answer goes back, sealed when the request was. Ports 0 pick free ports; once listening it prints one
line "READY <http port> <https port or 0>" on stdout.

Env:  KRB5_KTNAME / KRB5_CONFIG   -> Kerberos acceptor (keytab with HTTP/<host>)
      NTLM_USER_FILE              -> NTLM acceptor, lines "DOMAIN:user:password"
Needs: python venv with `pip install pyspnego[kerberos]` (gssapi wheel builds
       against libkrb5-dev).
"""
import argparse
import base64
import hashlib
import http.server
import re
import ssl
import struct
import sys
import os
import threading
import urllib.error
import urllib.request

import spnego
from spnego.channel_bindings import GssChannelBindings

BOUNDARY = b"Encrypted Boundary"
PROTOCOLS = {
    "negotiate": "application/HTTP-SPNEGO-session-encrypted",
    "ntlm": "application/HTTP-SPNEGO-session-encrypted",
    "kerberos": "application/HTTP-Kerberos-session-encrypted",
}
CERT_AUTH = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual"


def log(*a):
    print("[authlab]", *a, file=sys.stderr, flush=True)


def encrypt(ctx, protocol, body: bytes) -> bytes:
    w = ctx.wrap_winrm(body)
    return (b"--" + BOUNDARY + b"\r\n"
            b"\tContent-Type: " + protocol.encode() + b"\r\n"
            b"\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length="
            + str(len(body)).encode() + b"\r\n"
            b"--" + BOUNDARY + b"\r\n"
            b"\tContent-Type: application/octet-stream\r\n"
            + struct.pack("<I", len(w.header)) + w.header + w.data
            + b"--" + BOUNDARY + b"--\r\n")


def decrypt(ctx, body: bytes) -> bytes:
    parts = [p for p in re.split(rb"--\s*" + re.escape(BOUNDARY) + rb"\r\n", body) if p]
    if len(parts) != 2:
        raise ValueError("expected 2 MIME parts, got %d" % len(parts))
    m = re.search(rb"Length=(\d+)", parts[0])
    if not m:
        raise ValueError("no OriginalContent Length")
    length = int(m.group(1))
    payload = parts[1].split(b"application/octet-stream\r\n", 1)[1]
    end = b"--" + BOUNDARY + b"--\r\n"
    if payload.endswith(end):
        payload = payload[: -len(end)]
    (hlen,) = struct.unpack("<I", payload[:4])
    header, data = payload[4:4 + hlen], payload[4 + hlen:]
    plain = ctx.unwrap_winrm(header, data)
    if len(plain) != length:
        raise ValueError("Length mismatch: %d != %d" % (len(plain), length))
    return plain


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"      # keep-alive: the auth context lives on the connection
    server_version = "authlab/1"

    def setup(self):
        super().setup()
        self.ctx = None          # spnego context (per TCP connection)
        self.scheme = None       # "negotiate" | "kerberos" | "ntlm"
        self.user = None         # authenticated principal
        self.how = None

    def log_message(self, fmt, *args):
        log("%s %s" % (self.address_string(), fmt % args))

    def do_GET(self):
        self._handle(b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self._handle(self.rfile.read(n) if n else b"")

    def _send(self, code, body=b"", ctype="application/soap+xml;charset=UTF-8", hdrs=()):
        self.send_response(code)
        for k, v in hdrs:
            self.send_header(k, v)
        if body:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _challenge(self, extra=()):
        opts = self.server.opts
        hdrs = list(extra)
        if not extra:
            for s in opts.schemes.split(","):
                hdrs.append(("WWW-Authenticate", 'Basic realm="WSMAN"' if s == "Basic" else s))
        self._send(401, hdrs=hdrs)

    def _cb(self):
        # tls-server-end-point channel binding (RFC 5929) for Negotiate over HTTPS
        if not self.server.opts.cbt or not isinstance(self.connection, ssl.SSLSocket):
            return None
        der = self.server.server_cert_der
        return GssChannelBindings(application_data=b"tls-server-end-point:" + hashlib.sha256(der).digest())

    def _handle(self, body):
        opts = self.server.opts
        auth = self.headers.get("Authorization", "")
        scheme, _, tok = auth.partition(" ")
        low = scheme.lower()
        out_hdrs = []

        if low in ("negotiate", "kerberos", "ntlm"):
            if self.ctx is None or self.ctx.complete:
                self.ctx = spnego.server(service="HTTP", protocol=low, channel_bindings=self._cb())
                self.scheme, self.user = low, None
            try:
                out = self.ctx.step(base64.b64decode(tok))
            except Exception as e:  # bad token / no credentials
                log("auth failure:", type(e).__name__, e)
                self.ctx = None
                return self._challenge()
            if not self.ctx.complete:
                return self._challenge([("WWW-Authenticate", "%s %s" % (scheme, base64.b64encode(out).decode()))])
            self.user = self.ctx.client_principal
            self.how = "%s/%s" % (low, self.ctx.negotiated_protocol)
            log("authenticated", self.user, "via", self.how)
            if out:
                out_hdrs.append(("WWW-Authenticate", "%s %s" % (scheme, base64.b64encode(out).decode())))
        elif low == "basic":
            u, _, p = base64.b64decode(tok).decode().partition(":")
            if opts.basic and (u, p) == tuple(opts.basic.split(":", 1)):
                self.user, self.how, self.ctx = u, "basic", None
            else:
                return self._challenge()
        elif auth == CERT_AUTH or (auth == "" and opts.cert_implicit):
            if isinstance(self.connection, ssl.SSLSocket) and self.connection.getpeercert():
                subj = dict(x[0] for x in self.connection.getpeercert()["subject"])
                self.user, self.how, self.ctx = subj.get("commonName"), "certificate", None
        elif auth:
            return self._challenge()

        if self.user is None:
            return self._challenge()

        ctype = self.headers.get("Content-Type", "")
        encrypted = ctype.startswith("multipart/encrypted")
        if encrypted:
            if self.ctx is None or not self.ctx.complete:
                return self._send(400, b"encrypted body without a security context\n", "text/plain")
            try:
                body = decrypt(self.ctx, body)
            except Exception as e:
                log("decrypt failure:", type(e).__name__, e)
                return self._send(400, b"decrypt failed\n", "text/plain")
        elif body and opts.require_encryption and not isinstance(self.connection, ssl.SSLSocket):
            return self._send(500, b"unencrypted body refused\n", "text/plain")

        status = 200
        reply = ('<authlab user="%s" how="%s" encrypted="%s" len="%d" sha256="%s"/>\n' % (
            self.user, self.how, "true" if encrypted else "false", len(body),
            hashlib.sha256(body).hexdigest())).encode()
        if opts.upstream and body:
            status, reply = forward(opts.upstream, body)
        if body and opts.close_after:
            self.server.answered += 1
            if self.server.answered % opts.close_after == 0:
                out_hdrs.append(("Connection", "close"))   # the next request needs a new connection
                self.close_connection = True
        if encrypted:
            proto = PROTOCOLS[self.scheme]
            ct = 'multipart/encrypted;protocol="%s";boundary="%s"' % (proto, BOUNDARY.decode())
            return self._send(status, encrypt(self.ctx, proto, reply), ct, out_hdrs)
        self._send(status, reply, hdrs=out_hdrs)


def forward(url, body):
    """POSTs a SOAP body to the upstream WS-Man server with Basic auth; returns (status, body)."""
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/soap+xml;charset=UTF-8",
        "Authorization": "Basic " + base64.b64encode(os.environ["UPSTREAM_BASIC"].encode()).decode(),
        "User-Agent": "Microsoft WinRM Client"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def make_server(opts, port, tls):
    srv = http.server.ThreadingHTTPServer((opts.bind, port), Handler)
    srv.opts = opts
    srv.answered = 0
    srv.daemon_threads = True
    if tls:
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        c.load_cert_chain(opts.cert, opts.key)
        if opts.client_ca:
            c.load_verify_locations(opts.client_ca)
            c.verify_mode = ssl.CERT_OPTIONAL
        srv.socket = c.wrap_socket(srv.socket, server_side=True)
        pem = open(opts.cert).read()
        srv.server_cert_der = ssl.PEM_cert_to_DER_cert(pem)
    log("listening on %s:%d%s" % (opts.bind, srv.server_address[1], " (TLS)" if tls else ""))
    return srv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls-port", type=int)
    ap.add_argument("--cert"), ap.add_argument("--key"), ap.add_argument("--client-ca")
    ap.add_argument("--schemes", default="Negotiate,Kerberos,NTLM,Basic",
                    help="WWW-Authenticate schemes offered in a 401")
    ap.add_argument("--basic", default="alice:Passw0rd!alice", help="user:password for Basic")
    ap.add_argument("--require-encryption", action="store_true", help="refuse plain bodies over HTTP")
    ap.add_argument("--cbt", action="store_true", help="require TLS channel binding for Negotiate on HTTPS")
    ap.add_argument("--cert-implicit", action="store_true", help="a client cert alone authenticates")
    ap.add_argument("--close-after", type=int, default=0,
                    help="close the connection after every N answered requests with a body")
    ap.add_argument("--upstream", help="WS-Man URL to forward authenticated bodies to (Basic from UPSTREAM_BASIC)")
    ap.add_argument("--log", help="append the log (otherwise on stderr) to this file, line-buffered")
    opts = ap.parse_args()
    if opts.log:
        sys.stderr = open(opts.log, "a", buffering=1)
    plain = make_server(opts, opts.port, False)
    secure = make_server(opts, opts.tls_port, True) if opts.tls_port is not None else None
    if secure:
        threading.Thread(target=secure.serve_forever, daemon=True).start()
    print("READY %d %d" % (plain.server_address[1], secure.server_address[1] if secure else 0), flush=True)
    plain.serve_forever()


if __name__ == "__main__":
    main()
