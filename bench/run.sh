#!/usr/bin/env bash
# bench/run.sh: whole-process wall time and peak RSS of `purser scan`, side by side with
# cdxgen on the same inputs, in one run. Results go to stdout as a Markdown table.
#
# Inputs (never copied into the repository):
#   ../shared/bench/lockfiles                 the real-world seed lockfiles (6.6 MB)
#   $BENCH_DATA/tree                          the 117k-file tree from ../shared/bench/make-source-corpus.sh
# Env: BENCH_DATA (/tmp/bench-data), PURSER (build/cmd/purser), CDXGEN (auto: /tmp/bench-tools/node_modules/.bin/cdxgen),
#      RUNS (3: best of N for purser), SKIP_CDXGEN=1, SKIP_TREE=1.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
BENCH_DATA=${BENCH_DATA:-/tmp/bench-data}
PURSER=${PURSER:-$ROOT/build/cmd/purser}
RUNS=${RUNS:-3}
TOOLS=${TOOLS:-/tmp/bench-tools}
CDXGEN=${CDXGEN:-$TOOLS/node_modules/.bin/cdxgen}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

[ -x "$PURSER" ] || { echo "build purser first (make build)" >&2; exit 1; }
[ -d "$SHARED/bench/lockfiles" ] || { echo "missing $SHARED/bench/lockfiles" >&2; exit 1; }

if [ "${SKIP_TREE:-0}" != 1 ] && [ ! -d "$BENCH_DATA/tree" ]; then
  echo "generating the source corpus in $BENCH_DATA (about a minute)" >&2
  SKIP_NPM=1 bash "$SHARED/bench/make-source-corpus.sh" "$BENCH_DATA" >&2
fi
if [ "${SKIP_CDXGEN:-0}" != 1 ] && [ ! -x "$CDXGEN" ]; then
  echo "installing cdxgen into $TOOLS (npm)" >&2
  mkdir -p "$TOOLS" && (cd "$TOOLS" && npm install --no-audit --no-fund @cyclonedx/cdxgen@12 >&2)
fi

# measure NAME CMD...: prints "wall_s rss_mib" of one run (GNU time), exit status ignored.
measure() {
  local log="$OUT/time.log"
  /usr/bin/time -f '%e %M' -o "$log" "$@" >/dev/null 2>"$OUT/stderr" || true
  awk '{printf "%.2f %.0f\n", $1, $2/1024}' "$log"
}
best_of() {
  local best="" line
  for _ in $(seq "$RUNS"); do
    line=$(measure "$@")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  echo "$best"
}
count_components() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("components",[])))' "$1" 2>/dev/null || echo "?"; }

echo "| input | tool | wall s | peak RSS MiB | components |"
echo "|---|---|---:|---:|---:|"
row() { echo "| $1 | $2 | ${3%% *} | ${3##* } | $4 |"; }

LOCKS="$SHARED/bench/lockfiles"
CDXGEN_VERSION=$(node -p "require('$TOOLS/node_modules/@cyclonedx/cdxgen/package.json').version" 2>/dev/null || echo "?")
r=$(best_of "$PURSER" scan "$LOCKS" -o cyclonedx-json="$OUT/p.json")
row "lockfiles (6.6 MB, $(find "$LOCKS" -type f | wc -l) files)" "purser $("$PURSER" --version)" "$r" "$(count_components "$OUT/p.json")"
if [ "${SKIP_CDXGEN:-0}" != 1 ]; then
  for eco in npm pnpm yarn python go cargo; do
    r=$(measure timeout 300 "$CDXGEN" -r -t "$([ $eco = cargo ] && echo rust || echo $eco)" --no-install-deps --no-recurse-deps -o "$OUT/c-$eco.json" "$LOCKS/$([ $eco = cargo ] && echo cargo || echo $eco)" 2>/dev/null || true)
    row "lockfiles/$eco" "cdxgen $CDXGEN_VERSION" "$r" "$(count_components "$OUT/c-$eco.json")"
    r=$(best_of "$PURSER" scan "$LOCKS/$eco" -o cyclonedx-json="$OUT/p-$eco.json")
    row "lockfiles/$eco" "purser" "$r" "$(count_components "$OUT/p-$eco.json")"
  done
fi
if [ "${SKIP_TREE:-0}" != 1 ]; then
  files=$(find "$BENCH_DATA/tree" -type f | wc -l)
  r=$(best_of "$PURSER" scan "$BENCH_DATA/tree" -o cyclonedx-json="$OUT/t.json")
  row "tree ($files files)" "purser" "$r" "$(count_components "$OUT/t.json")"
  r=$(best_of "$PURSER" scan "$BENCH_DATA/tree" -j 1 -o cyclonedx-json="$OUT/t1.json")
  row "tree ($files files)" "purser -j 1" "$r" "$(count_components "$OUT/t1.json")"
fi
if [ "${SKIP_HUGE:-0}" != 1 ]; then
  [ -f "$BENCH_DATA/huge/package-lock.json" ] || python3 "$HERE/make-large-lockfile.py" "$BENCH_DATA/huge" 200 2>/dev/null
  size=$(( $(stat -c %s "$BENCH_DATA/huge/package-lock.json") / 1048576 ))
  r=$(best_of "$PURSER" scan "$BENCH_DATA/huge" -o cyclonedx-json="$OUT/h.json")
  row "synthetic package-lock.json (${size} MB)" "purser" "$r" "$(count_components "$OUT/h.json")"
  r=$(measure python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$BENCH_DATA/huge/package-lock.json")
  row "synthetic package-lock.json (${size} MB)" "python3 json.load (reading only)" "$r" "-"
fi
