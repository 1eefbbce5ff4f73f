#!/usr/bin/env bash
# The registry part of `make demo`: a throwaway local registry (Debian's docker-registry on 127.0.0.1, plain HTTP,
# storage in the demo directory), then push, scan, attach a signed SBOM, verify it there, and verify-before-pull.
# Usage: registry-demo.sh PURSER DEMO_DIR (DEMO_DIR holds image/ and demo-key.{key,pub} from the earlier steps).
set -euo pipefail
PURSER=$1
DEMO=$2
command -v docker-registry >/dev/null || { echo "registry demo skipped: docker-registry not installed (make deps)"; exit 0; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HOST=127.0.0.1:$PORT
rm -rf "$DEMO/registry" "$DEMO/pulled"
mkdir -p "$DEMO/registry"
cat >"$DEMO/registry/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $DEMO/registry/storage
http:
  addr: $HOST
YML
docker-registry serve "$DEMO/registry/config.yml" >"$DEMO/registry/log" 2>&1 &
REGISTRY=$!
trap 'kill $REGISTRY 2>/dev/null; wait $REGISTRY 2>/dev/null || true' EXIT
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done
p() { echo "+ purser $*" >&2; "$PURSER" --insecure-registry "$HOST" "$@"; }
REF=registry:$HOST/demo/app:1.0
p push "oci-dir:$DEMO/image" "$REF"
p scan "$REF" -o cyclonedx-json="$DEMO/registry-image.cdx.json"
p diff demo-image.cdx.json "$DEMO/registry-image.cdx.json" --fail-on any
p attest --predicate "$DEMO/registry-image.cdx.json" --type cyclonedx --subject "$REF" --key "$DEMO/demo-key.key" \
  --push --out "$DEMO/registry-image.att.json"
p verify "$REF" --key "$DEMO/demo-key.pub" --type cyclonedx
p pull "$REF" --key "$DEMO/demo-key.pub" --type cyclonedx -o "oci-dir:$DEMO/pulled"
