# bench/lib.sh: shared by bench/*.sh.
#   median N...          the median of the numbers
#   ratio A B            A/B with two decimals
#   private_kb PID       Private_Clean + Private_Dirty of PID, in KB
#   now_us               a monotonic-enough clock in microseconds
set -u
median() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
private_kb() {
  awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' "/proc/$1/smaps_rollup" 2>/dev/null
}
now_us() { echo $(($(date +%s%N) / 1000)); }
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tend-bench.XXXXXX")
bench_cleanup() { rm -rf "$BENCH_TMP"; }
trap bench_cleanup EXIT
