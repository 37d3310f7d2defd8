#!/bin/sh
# Creates a self-signed certificate for localhost at $NGINX_SSL_CERTIFICATE and
# $NGINX_SSL_CERTIFICATE_KEY when either is missing, so the HTTPS listener works on first start.
# Never overwrites existing files: put a real certificate there and it is used as is.
# One recipe for both worlds: the official image's entrypoint runs it from /docker-entrypoint.d/,
# and tooling/nginx.ts (ensureCertificate) runs it locally.
set -eu

cert="${NGINX_SSL_CERTIFICATE:?NGINX_SSL_CERTIFICATE is not set}"
key="${NGINX_SSL_CERTIFICATE_KEY:?NGINX_SSL_CERTIFICATE_KEY is not set}"

have_pair() { [ -s "$cert" ] && [ -s "$key" ]; }
have_pair && exit 0

if ! command -v openssl >/dev/null 2>&1; then
    echo "$0: ERROR: openssl is needed to create $cert (Debian: apt-get install openssl)" >&2
    exit 1
fi

cert_dir=$(dirname "$cert")
mkdir -p "$cert_dir" "$(dirname "$key")"

# Several starts at once (parallel tests, replicas sharing a volume) must not mix one run's key
# with another's certificate: mkdir is atomic, so it serves as a lock. A lock older than a minute
# is left over from a killed run.
lock="$cert_dir/.selfsigned.lock"
waited=0
until mkdir "$lock" 2>/dev/null; do
    if [ "$waited" -ge 60 ]; then rmdir "$lock" 2>/dev/null || true; waited=0; continue; fi
    sleep 1
    waited=$((waited + 1))
done
work=$(mktemp -d "$cert_dir/.selfsigned.XXXXXX")
trap 'rm -rf "$work"; rmdir "$lock" 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM

have_pair && exit 0 # another run made them while we waited

umask 077
# EC P-256: small and fast. CA:FALSE and serverAuth so browsers accept it as a leaf once trusted.
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
    -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >"$work/openssl.log" 2>&1; then
    cat "$work/openssl.log" >&2
    exit 1
fi
chmod 644 "$work/cert.pem"
mv "$work/key.pem" "$key"
mv "$work/cert.pem" "$cert"
echo "$0: created a self-signed certificate for localhost (825 days): $cert"
