#!/usr/bin/env bash
# bench/diff.sh: whole-process wall time and peak RSS of `purser diff` on two ~50,000-component CycloneDX JSON
# SBOMs (~100 MB together, bench/make-sbom-pair.py), next to what merely parsing the same two files costs in Python
# (`json.load`, one file after the other, as the issue asks). Target: purser diff under 2 s and 1 GiB.
# Prints a Markdown table, then the diff's summary line and the changes planted by the generator.
# Env: PURSER (build/cmd/purser), RUNS (3, best of), COMPONENTS (50000), WORK (a temp dir, removed at exit).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PURSER=${PURSER:-$ROOT/build/cmd/purser}
RUNS=${RUNS:-3}
COMPONENTS=${COMPONENTS:-50000}
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
[ -x "$PURSER" ] || { echo "build purser first (make build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

planted=$(python3 "$HERE/make-sbom-pair.py" "$WORK/old.cdx.json" "$WORK/new.cdx.json" --components "$COMPONENTS")
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN{printf "%.1f", b/1048576}'; }

# CPU time (user + system) is reported next to wall time: on a shared machine it is the steadier of the two.
measure() {  # prints "wall_s cpu_s rss_mib", best wall time of RUNS; exit status 1 (--fail-on) is not an error
  local best="" line
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$@" >"$WORK/out" 2>"$WORK/err" || [ $? -eq 1 ] || { cat "$WORK/err" >&2; exit 1; }
    line=$(awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4/1024}' "$WORK/t")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  echo "$best"
}
row() {  # row LABEL "wall cpu rss"
  local wall cpu rss
  read -r wall cpu rss <<<"$2"
  echo "| $1 | $wall | $cpu | $rss |"
}

echo "inputs: old.cdx.json $(mib "$WORK/old.cdx.json") MiB, new.cdx.json $(mib "$WORK/new.cdx.json") MiB, $COMPONENTS components each"
echo
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo
echo "| command | wall s | CPU s | peak RSS MiB |"
echo "|---|---:|---:|---:|"
row "purser diff (table)" "$(measure "$PURSER" diff "$WORK/old.cdx.json" "$WORK/new.cdx.json")"
row "purser diff -o json" "$(measure "$PURSER" diff "$WORK/old.cdx.json" "$WORK/new.cdx.json" -o json)"
row "purser diff -j 1 (one thread)" "$(measure "$PURSER" diff -j 1 "$WORK/old.cdx.json" "$WORK/new.cdx.json")"
row "python3 json.load both files" \
  "$(measure python3 -c 'import json,sys; [json.load(open(p)) for p in sys.argv[1:]]' "$WORK/old.cdx.json" "$WORK/new.cdx.json")"
row "python3 json.load old.cdx.json" \
  "$(measure python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/old.cdx.json")"
echo
"$PURSER" diff "$WORK/old.cdx.json" "$WORK/new.cdx.json" | tail -n 1
echo "planted: $planted"
