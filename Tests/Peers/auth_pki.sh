#!/usr/bin/env bash
# Throwaway test PKI for the AuthTests acceptor: CA, server cert, client certs (from reference/auth-lab;
# P-256 keys, which take milliseconds to make where RSA 2048 took a second per test).
# Usage: auth_pki.sh DIR   -> DIR/{ca,server,client,other-ca}.{pem,key}, client-other.pem,
#        client-expired.pem, server-expired.pem, client.p12
set -euo pipefail
D=$(realpath -m "${1:?dir}"); mkdir -p "$D"; cd "$D"
subj() { echo "/O=cimsweep test/CN=$1"; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout ca.key -out ca.pem \
    -subj "$(subj 'cimsweep test CA')" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
# a second, unrelated CA: for "untrusted issuer" tests
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout other-ca.key -out other-ca.pem \
    -subj "$(subj 'unrelated CA')" -addext basicConstraints=critical,CA:TRUE 2>/dev/null

# server: SANs must include every name/IP the client connects to (CN is ignored by curl/OpenSSL)
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "$(subj localhost)" 2>/dev/null
printf '%s\n' 'subjectAltName=DNS:localhost,DNS:wsman.cimsweep.test,IP:127.0.0.1,IP:::1' \
    'extendedKeyUsage=serverAuth' 'basicConstraints=CA:FALSE' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.pem 2>/dev/null

# client: WinRM maps a cert to a user by its UPN SAN (otherName 1.3.6.1.4.1.311.20.2.3)
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr -subj "$(subj alice)" 2>/dev/null
printf '%s\n' 'subjectAltName=otherName:1.3.6.1.4.1.311.20.2.3;UTF8:alice@CIMSWEEP.TEST' \
    'extendedKeyUsage=clientAuth' 'basicConstraints=CA:FALSE' >client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile client.ext -out client.pem 2>/dev/null
# same client identity signed by the unrelated CA (must be rejected)
openssl x509 -req -in client.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -days 2 \
    -extfile client.ext -out client-other.pem 2>/dev/null
# expired: notAfter a day before notBefore (openssl has no start date for x509 -req), so "certificate has
# expired" for every verifier, without faking the clock
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days -1 \
    -extfile client.ext -out client-expired.pem 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days -1 \
    -extfile server.ext -out server-expired.pem 2>/dev/null
# PKCS#12 bundle of the client cert (password "test"), if the client API wants one
openssl pkcs12 -export -in client.pem -inkey client.key -out client.p12 -passout pass:test 2>/dev/null
rm -f ./*.csr ./*.srl
echo "PKI in $D"
