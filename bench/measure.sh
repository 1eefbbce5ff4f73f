# Sourced by the bench scripts: whole-process wall time, CPU time and peak RSS with GNU time.
# Needs RUNS (best of) and WORK (a scratch directory) set by the caller.

measure() {  # measure CMD...: prints "wall_s cpu_s rss_mib", the best wall time of RUNS runs; a failing CMD aborts
  local best="" line
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$@" >"$WORK/out" 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    line=$(awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4/1024}' "$WORK/t")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  echo "$best"
}

row() {  # row LABEL "wall cpu rss": one Markdown table row
  local wall cpu rss
  read -r wall cpu rss <<<"$2"
  echo "| $1 | $wall | $cpu | $rss |"
}
