#!/bin/sh
# DSSE interop with the openssl command line: the pre-authentication encoding is built here
# with printf and cat (DSSE protocol.md v1.0), base64 is decoded by `openssl base64`, and
# signatures are made and checked by `openssl dgst -sha256` (ECDSA, RSA PKCS#1 v1.5) or
# `openssl pkeyutl -rawin` (Ed25519), so nothing of purser is involved.
#
#   openssl_dsse.sh verify CASEDIR [CASEDIR ...]
#       Each CASEDIR holds pub.pem, type.txt (payloadType bytes), payload.b64 and sig.b64
#       (one line each, as in the envelope JSON). Prints "ok CASEDIR" or
#       "rejected CASEDIR: WHY" per case. Exit 0 unless the arguments are unusable.
#
#   openssl_dsse.sh sign KEY.pem TYPE_FILE PAYLOAD_FILE OUTDIR
#       Writes OUTDIR/pae.bin, OUTDIR/sig.bin, OUTDIR/sig.b64 and OUTDIR/payload.b64.
set -u

# pae TYPE_FILE PAYLOAD_FILE: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body.
pae() {
  printf 'DSSEv1 %d ' "$(wc -c <"$1")" && cat "$1" && printf ' %d ' "$(wc -c <"$2")" && cat "$2"
}

# is_ed25519 [-pubin] KEY.pem
is_ed25519() {
  openssl pkey "$@" -noout -text 2>/dev/null | head -n 1 | grep -q '^ED25519'
}

verify_case() {
  dir=$1
  openssl base64 -d -A -in "$dir/payload.b64" -out "$dir/payload.bin" 2>"$dir/err" || return 1
  openssl base64 -d -A -in "$dir/sig.b64" -out "$dir/sig.bin" 2>"$dir/err" || return 1
  pae "$dir/type.txt" "$dir/payload.bin" >"$dir/pae.bin" || return 1
  if is_ed25519 -pubin -in "$dir/pub.pem"; then
    openssl pkeyutl -verify -pubin -inkey "$dir/pub.pem" -rawin -in "$dir/pae.bin" \
      -sigfile "$dir/sig.bin" >"$dir/err" 2>&1
  else
    openssl dgst -sha256 -verify "$dir/pub.pem" -signature "$dir/sig.bin" "$dir/pae.bin" >"$dir/err" 2>&1
  fi
}

sign() {
  key=$1 type_file=$2 payload=$3 out=$4
  pae "$type_file" "$payload" >"$out/pae.bin" || return 1
  if is_ed25519 -in "$key"; then
    openssl pkeyutl -sign -inkey "$key" -rawin -in "$out/pae.bin" -out "$out/sig.bin" || return 1
  else
    openssl dgst -sha256 -sign "$key" -out "$out/sig.bin" "$out/pae.bin" || return 1
  fi
  openssl base64 -A -in "$out/sig.bin" -out "$out/sig.b64" && openssl base64 -A -in "$payload" -out "$out/payload.b64"
}

case "${1:-}" in
  verify)
    shift
    [ $# -gt 0 ] || { echo "usage: openssl_dsse.sh verify CASEDIR..." >&2; exit 2; }
    for dir in "$@"; do
      if verify_case "$dir"; then
        echo "ok $dir"
      else
        echo "rejected $dir: $(head -n 1 "$dir/err" 2>/dev/null)"
      fi
    done
    ;;
  sign)
    [ $# -eq 5 ] || { echo "usage: openssl_dsse.sh sign KEY.pem TYPE_FILE PAYLOAD_FILE OUTDIR" >&2; exit 2; }
    sign "$2" "$3" "$4" "$5" || exit 1
    ;;
  *)
    echo "usage: openssl_dsse.sh verify|sign ..." >&2
    exit 2
    ;;
esac
