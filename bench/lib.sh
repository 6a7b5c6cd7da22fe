# bench/lib.sh: shared by bench/*.sh.
#   median N...          the median of the numbers
#   ratio A B            A/B with two decimals
#   private_kb PID       Private_Clean + Private_Dirty of PID, in KB
#   now_us               a monotonic-enough clock in microseconds
#   bench_cc OUT SRC     compile a helper program, static where possible
#   bench_rounds N FN    runs FN R KIND... for rounds R = 1..N, the kinds in
#                        $KINDS rotated each round so none always goes
#                        first; fails if any round failed
#   loop_round R KIND:PROG...
#                        a round for bench_rounds: each kind $N times in a
#                        row, through svprobe-helper.c's loop ("$H" loop $N
#                        and the words of command_of KIND:PROG); its CPU and
#                        wall times are appended to $BENCH_TMP/KIND.cpu and
#                        .wall
#   loop_medians         then sets cpu_KIND and wall_KIND (a - in KIND
#                        as _) to the medians of those files
#   bench_kinds NAME TEND_PROG PEER...
#                        sets KINDS to "tend:TEND_PROG" and each installed
#                        peer (kind:path), and says which are skipped
set -u
median() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
private_kb() {
  awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' "/proc/$1/smaps_rollup" 2>/dev/null
}
now_us() { echo $(($(date +%s%N) / 1000)); }
bench_cc() {
  ${CC:-cc} -O2 -static -o "$1" "$2" 2>/dev/null || ${CC:-cc} -O2 -o "$1" "$2"
}
bench_kinds() {
  _name=$1
  KINDS="tend:$2"
  shift 2
  for _k; do
    if [ -x "${_k#*:}" ]; then
      KINDS="$KINDS $_k"
    else
      echo "$_name: ${_k#*:} not installed: ${_k%%:*} skipped" >&2
    fi
  done
}
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tend-bench.XXXXXX")
bench_cleanup() { rm -rf "$BENCH_TMP"; }
trap bench_cleanup EXIT
bench_rounds() {
  _rounds=$1
  _fn=$2
  # shellcheck disable=SC2086 # KINDS is a list of words
  _nkinds=$(echo $KINDS | wc -w)
  _r=1
  _fail=0
  while [ "$_r" -le "$_rounds" ]; do
    # shellcheck disable=SC2086
    set -- $KINDS
    _s=$(((_r - 1) % _nkinds))
    while [ "$_s" -gt 0 ]; do
      _k=$1
      shift
      set -- "$@" "$_k"
      _s=$((_s - 1))
    done
    "$_fn" "$_r" "$@" || _fail=1
    _r=$((_r + 1))
  done
  return $_fail
}
loop_round() {
  shift
  for _k in "$@"; do
    # shellcheck disable=SC2046 # the command line is words
    _out=$("$H" loop "$N" $(command_of "$_k")) || {
      echo "$(basename "$0"): ${_k%%:*} failed" >&2
      return 1
    }
    echo "${_out% *}" >>"$BENCH_TMP/${_k%%:*}.cpu"
    echo "${_out#* }" >>"$BENCH_TMP/${_k%%:*}.wall"
  done
}
loop_medians() {
  for _k in $KINDS; do
    _n=${_k%%:*}
    [ -s "$BENCH_TMP/$_n.cpu" ] || continue
    _v=$(echo "$_n" | tr - _)
    # shellcheck disable=SC2046
    eval "cpu_$_v=$(median $(cat "$BENCH_TMP/$_n.cpu"))"
    # shellcheck disable=SC2046
    eval "wall_$_v=$(median $(cat "$BENCH_TMP/$_n.wall"))"
  done
}
