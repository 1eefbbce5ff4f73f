#!/usr/bin/env bash
# bench/verify.sh: whole-process wall time and peak RSS of `purser verify` on an attestation whose predicate is a
# ~50 MB CycloneDX SBOM, side by side with the floor the issue sets: `openssl dgst -sha256` over the same bytes plus
# one JSON parse of them (python3 json.load). Prints a Markdown table.
# Env: PURSER (build/cmd/purser), RUNS (3, best of), COMPONENTS (45000 ≈ 50 MB), WORK (a temp dir).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PURSER=${PURSER:-$ROOT/build/cmd/purser}
RUNS=${RUNS:-3}
COMPONENTS=${COMPONENTS:-45000}
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
[ -x "$PURSER" ] || { echo "build purser first (make build)" >&2; exit 1; }

python3 "$HERE/make-large-sbom.py" "$WORK/sbom.cdx.json" --components "$COMPONENTS"
printf 'release artifact\n' >"$WORK/artifact.bin"
"$PURSER" -q keygen --no-password --out "$WORK/k"
"$PURSER" attest --key "$WORK/k.key" --type cyclonedx --predicate "$WORK/sbom.cdx.json" \
  --subject "$WORK/artifact.bin" --out "$WORK/sbom.att.json"
cat >"$WORK/policy.yaml" <<'POLICY'
apiVersion: purser.dev/policy/v1
rules:
  - type: requirePredicates
    predicateTypes: [https://cyclonedx.org/bom]
  - type: denyComponents
    components:
      - purl: pkg:npm/event-stream
  - type: licenses
    deny: [AGPL-3.0-only]
    unknown: pass
POLICY

measure() {  # prints "wall_s rss_mib", best wall time of RUNS
  local best="" line
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; }
    line=$(awk '{printf "%.2f %.0f\n", $1, $2/1024}' "$WORK/t")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  echo "$best"
}
size_mb=$(du -m "$WORK/sbom.cdx.json" | cut -f1)
env_mb=$(du -m "$WORK/sbom.att.json" | cut -f1)
echo "predicate: ${size_mb} MB CycloneDX ($COMPONENTS components); envelope ${env_mb} MB; best of $RUNS; $(nproc) cores"
echo
echo "| command | wall s | peak RSS MiB |"
echo "|---|---|---|"
row() { local name=$1; shift; read -r w m < <(measure "$@"); echo "| $name | $w | $m |"; }
row "openssl dgst -sha256 (predicate)" openssl dgst -sha256 "$WORK/sbom.cdx.json"
row "python3 json.load (predicate)" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/sbom.cdx.json"
row "purser verify --type --artifact" "$PURSER" verify --key "$WORK/k.pub" --type cyclonedx \
  --artifact "$WORK/artifact.bin" "$WORK/sbom.att.json"
if "$PURSER" verify --key "$WORK/k.pub" --policy "$WORK/policy.yaml" "$WORK/sbom.att.json" >/dev/null 2>&1; then
  row "purser verify --policy (reads the SBOM)" "$PURSER" verify --key "$WORK/k.pub" --policy "$WORK/policy.yaml" \
    "$WORK/sbom.att.json"
fi
