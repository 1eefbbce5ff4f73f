#!/usr/bin/env bash
# bench/registry.sh CORPUS: `purser scan registry:` against a local registry (Debian's docker-registry on 127.0.0.1,
# started here, plain HTTP) side by side with `purser scan` of the same image from its oci-archive; the issue's bar is
# within 1.2x. CORPUS is the OUTDIR of ../shared/bench/make-rootfs-image.sh. Also checks both SBOMs hold the same
# components (purser diff --fail-on any). Prints a Markdown table.
# Env: PURSER (build/cmd/purser), RUNS (3, best of), WORK (a temp dir, removed at exit).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CORPUS=${1:?usage: bench/registry.sh CORPUS (the OUTDIR of make-rootfs-image.sh)}
PURSER=${PURSER:-$ROOT/build/cmd/purser}
RUNS=${RUNS:-3}
WORK=${WORK:-$(mktemp -d)}
command -v docker-registry >/dev/null || { echo "needs docker-registry (make deps)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HOST=127.0.0.1:$PORT
cat >"$WORK/config.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/storage
http:
  addr: $HOST
YML
docker-registry serve "$WORK/config.yml" >"$WORK/registry.log" 2>&1 &
REGISTRY=$!
trap 'kill $REGISTRY 2>/dev/null; wait $REGISTRY 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

# shellcheck source=measure.sh
. "$HERE/measure.sh"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; purser $("$PURSER" --version)"
echo
echo "| command | wall s | CPU s | peak RSS MiB |"
echo "|---|---:|---:|---:|"
for tag in app patched; do
  "$PURSER" --insecure-registry "$HOST" push "$CORPUS/$tag.oci-archive.tar" "registry:$HOST/bench/$tag:1" >/dev/null
  row "purser scan oci-archive ($tag.oci-archive.tar)" \
    "$(measure "$PURSER" scan "$CORPUS/$tag.oci-archive.tar" -o cyclonedx-json="$WORK/$tag.local.json")"
  row "purser scan registry: ($tag, local docker-registry over HTTP)" \
    "$(measure "$PURSER" --insecure-registry "$HOST" scan "registry:$HOST/bench/$tag:1" -o cyclonedx-json="$WORK/$tag.remote.json")"
  "$PURSER" diff "$WORK/$tag.local.json" "$WORK/$tag.remote.json" --fail-on any >/dev/null 2>&1 &&
    echo "| same components ($tag) | yes | | |" || echo "| same components ($tag) | NO | | |"
done
