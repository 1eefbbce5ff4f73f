#!/usr/bin/env bash
# bench/image.sh CORPUS: whole-process wall time and peak RSS of `purser scan` on the Debian bookworm image corpus
# that ../shared/bench/make-rootfs-image.sh builds (run it first, as root: `make-rootfs-image.sh /tmp/bench-data/rootfs`),
# side by side with the floor the issue sets: inflating every layer (`gzip -dc` of each layer blob, one after the other,
# and two at a time as purser uses both cores). Then checks accuracy against the package managers' own view of the
# unpacked `patched` rootfs (`dpkg-query -W` with its admindir, `npm ls --all --json` in /app) when umoci is present.
# Prints Markdown tables. Env: PURSER (build/cmd/purser), RUNS (3, best of), WORK (a temp dir, removed at exit).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CORPUS=${1:?usage: bench/image.sh CORPUS (the OUTDIR of make-rootfs-image.sh)}
PURSER=${PURSER:-$ROOT/build/cmd/purser}
RUNS=${RUNS:-3}
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
[ -x "$PURSER" ] || { echo "build purser first (make build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
[ -d "$CORPUS/oci" ] || { echo "$CORPUS: no oci/ layout; run make-rootfs-image.sh first" >&2; exit 1; }

# shellcheck source=measure.sh
. "$HERE/measure.sh"

# The layer blobs of one tag in the OCI layout, bottom first.
layers_of() {
  local tag=$1 manifest
  manifest=$(jq -r --arg t "$tag" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
    "$CORPUS/oci/index.json")
  jq -r '.layers[].digest' "$CORPUS/oci/blobs/sha256/${manifest#sha256:}" | sed "s#^sha256:#$CORPUS/oci/blobs/sha256/#"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; purser $("$PURSER" --version)"
echo
echo "| command | wall s | CPU s | peak RSS MiB |"
echo "|---|---:|---:|---:|"
for tag in app patched; do
  mapfile -t layers < <(layers_of "$tag")
  row "gzip -dc of the $tag layers, one after the other (${#layers[@]} layers)" \
    "$(measure sh -c 'for l in "$@"; do gzip -dc "$l" >/dev/null; done' sh "${layers[@]}")"
  row "gzip -dc of the $tag layers, two at a time" \
    "$(measure sh -c 'printf "%s\n" "$@" | xargs -P 2 -I{} sh -c "gzip -dc {} >/dev/null"' sh "${layers[@]}")"
  row "purser scan oci-archive ($tag.oci-archive.tar, gzip layers)" \
    "$(measure "$PURSER" scan "$CORPUS/$tag.oci-archive.tar" -o cyclonedx-json="$WORK/$tag.cdx.json")"
  row "purser scan docker-archive ($tag.docker-archive.tar, uncompressed layers)" \
    "$(measure "$PURSER" scan "$CORPUS/$tag.docker-archive.tar" -o cyclonedx-json="$WORK/$tag.docker.cdx.json")"
done
row "purser scan --scope all-layers (patched.oci-archive.tar)" \
  "$(measure "$PURSER" scan --scope all-layers "$CORPUS/patched.oci-archive.tar" -o cyclonedx-json="$WORK/all.cdx.json")"

command -v umoci >/dev/null || { echo; echo "(umoci not installed: accuracy check skipped)"; exit 0; }
echo
umoci unpack --image "$CORPUS/oci:patched" "$WORK/unpacked" >/dev/null 2>&1
rootfs=$WORK/unpacked/rootfs
dpkg-query --admindir="$rootfs/var/lib/dpkg" -W -f '${db:Status-Abbrev} ${Package} ${Version} ${Architecture}\n' |
  awk '$1 == "ii" {print $2, $3, $4}' | sort >"$WORK/dpkg.truth"
(cd "$rootfs/app" && npm ls --all --json 2>/dev/null || true) >"$WORK/npm.json"
"$PURSER" scan "dir:$rootfs" -o cyclonedx-json="$WORK/dir.cdx.json"
python3 - "$WORK" <<'EOF'
import json, sys
work = sys.argv[1]
def comps(name):
    return json.load(open(f"{work}/{name}"))["components"]
def quals(purl):
    return dict(q.split("=", 1) for q in purl.split("?", 1)[1].split("&")) if "?" in purl else {}
image = comps("patched.cdx.json")
deb = {f"{c['name']} {c['version']} {quals(c['purl'])['arch']}" for c in image if c.get("purl", "").startswith("pkg:deb/")}
truth = {l.strip() for l in open(f"{work}/dpkg.truth") if l.strip()}
npm_truth = set()
def walk(node):
    for key, dep in (node.get("dependencies") or {}).items():
        if "version" in dep:
            npm_truth.add((dep.get("name", key), dep["version"]))
        walk(dep)
walk(json.load(open(f"{work}/npm.json")))
npm = {(((c.get("group") + "/") if c.get("group") else "") + c["name"], c["version"])
       for c in image if c.get("purl", "").startswith("pkg:npm/")}
refs = lambda cs: {c.get("purl") or c["bom-ref"] for c in cs}
print("| check | purser | ground truth | missing | extra |")
print("|---|---:|---:|---:|---:|")
print(f"| dpkg packages (name, version, arch) vs dpkg-query -W | {len(deb)} | {len(truth)} | {len(truth - deb)} | {len(deb - truth)} |")
print(f"| npm packages (name, version) vs npm ls --all in /app | {len(npm)} | {len(npm_truth)} | {len(npm_truth - npm)} | {len(npm - npm_truth)} |")
# Python: what importlib.metadata lists in the app's venv (the distro's own dist-packages are deb-owned: reported as debs).
import glob, importlib.metadata, re
site = glob.glob(f"{work}/unpacked/rootfs/app/venv/lib/python3*/site-packages")
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
py_truth = {(norm(d.metadata["Name"]), d.version) for d in importlib.metadata.distributions(path=site)} if site else set()
py = {(c["name"], c["version"]) for c in image if c.get("purl", "").startswith("pkg:pypi/")}
print(f"| Python packages vs importlib.metadata in /app/venv | {len(py)} | {len(py_truth)} | {len(py_truth - py)} | {len(py - py_truth)} |")
d = refs(comps("dir.cdx.json"))
i = refs(image)
print(f"| dir: scan of the unpacked rootfs vs the image scan (components) | {len(d)} | {len(i)} | {len(i - d)} | {len(d - i)} |")
EOF
