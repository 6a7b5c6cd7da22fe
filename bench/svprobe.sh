#!/bin/sh
# bench/svprobe.sh: what one probe costs, svprobe against curl -sf (and
# wget, if installed), side by side in one run, against a tiny local HTTP
# server on 127.0.0.1 (bench/svprobe-helper.c serve: a 200 with a 3-byte
# body, then close).
#
# Each of BENCH_ROUNDS rounds (default 5) runs every kind BENCH_PROBES times
# in a row (default 200), in an order that rotates from round to round:
#   svprobe-http   svprobe -T 2000 http://127.0.0.1:PORT/health
#   svprobe-tcp    svprobe -T 2000 tcp 127.0.0.1:PORT
#   curl           curl -sf -o /dev/null --max-time 2 http://127.0.0.1:PORT/health
#   wget           wget -q -O /dev/null -T 2 http://127.0.0.1:PORT/health
#   floor-static   a static program that exits at once (the least any
#                  probe can cost: fork, exec, exit, wait)
#   floor-dynamic  the same, linked dynamically (as curl and wget are):
#                  what the dynamic loader alone costs, and why svprobe is
#                  static (src/svprobe/build.mk)
# CPU per probe is the user + system time of the runs (getrusage of the
# children) divided by their number; wall is from spawn to reaped.
# Printed: medians over the rounds, the ratio to curl, and the CPU above
# the static floor (the probe's own work).
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

N=${BENCH_PROBES:-200}
ROUNDS=${BENCH_ROUNDS:-5}
: "${TEND_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"

if [ ! -x "$TEND_BIN/svprobe" ]; then
  echo "svprobe.sh: $TEND_BIN/svprobe missing: run make first" >&2
  exit 111
fi
H=$BENCH_TMP/svprobe-helper
if ! bench_cc "$H" "$(dirname "$0")/svprobe-helper.c" ||
  ! ${CC:-cc} -O2 -o "$H-dynamic" "$(dirname "$0")/svprobe-helper.c"; then
  echo "svprobe.sh: unable to compile svprobe-helper.c" >&2
  exit 111
fi

"$H" serve >"$BENCH_TMP/port" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; bench_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
i=0
while [ ! -s "$BENCH_TMP/port" ] && [ $i -lt 500 ]; do
  sleep 0.01
  i=$((i + 1))
done
PORT=$(cat "$BENCH_TMP/port")
if [ -z "$PORT" ]; then
  echo "svprobe.sh: the HTTP server did not start" >&2
  exit 111
fi
URL=http://127.0.0.1:$PORT/health

bench_kinds svprobe.sh "$TEND_BIN/svprobe" curl:/usr/bin/curl wget:/usr/bin/wget
peers=${KINDS#"tend:$TEND_BIN/svprobe"}
KINDS="svprobe-http:$TEND_BIN/svprobe svprobe-tcp:$TEND_BIN/svprobe$peers"
KINDS="$KINDS floor-static:$H floor-dynamic:$H-dynamic"

# command KIND:PROG: the probe's command line
command_of() {
  case ${1%%:*} in
  svprobe-http) echo "${1#*:} -T 2000 $URL" ;;
  svprobe-tcp) echo "${1#*:} -T 2000 tcp 127.0.0.1:$PORT" ;;
  curl) echo "${1#*:} -sf -o /dev/null --max-time 2 $URL" ;;
  wget) echo "${1#*:} -q -O /dev/null -T 2 $URL" ;;
  floor-*) echo "${1#*:} floor" ;;
  esac
}

fail=0
bench_rounds "$ROUNDS" loop_round || fail=1

loop_medians

echo "svprobe: $N probes of each kind per round, $ROUNDS rounds, against a local HTTP server (127.0.0.1); medians"
fmt='%-14s %11s %9s %9s %12s\n'
# shellcheck disable=SC2059
printf "$fmt" probe "CPU us/probe" "wall us" "CPU ratio" "CPU over floor"
for k in $KINDS; do
  name=${k%%:*}
  v=$(echo "$name" | tr - _)
  eval "cpu=\${cpu_$v:-} wall=\${wall_$v:-}"
  if [ -z "$cpu" ]; then
    printf '%-14s %11s\n' "$name" failed
    continue
  fi
  r=n/a
  [ -z "${cpu_curl:-}" ] || r=$(ratio "$cpu" "$cpu_curl")
  over=$(awk -v a="$cpu" -v b="${cpu_floor_static:-0}" 'BEGIN { printf "%.0f", a - b }')
  # shellcheck disable=SC2059
  printf "$fmt" "$name" "$cpu" "$wall" "$r" "$over"
done
echo "(CPU ratio: to curl -sf; CPU over floor: minus a static program that exits at once)"
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
if [ -n "${cpu_svprobe_http:-}" ]; then
  line="svprobe http: $(ms "$cpu_svprobe_http") ms CPU per probe"
  [ -z "${cpu_curl:-}" ] || line="$line, $(ratio "$cpu_svprobe_http" "$cpu_curl") of curl's"
  echo "$line"
  if [ -n "${cpu_floor_static:-}" ]; then
    echo "  above starting a static program that exits at once: $(ms "$(awk -v a="$cpu_svprobe_http" -v b="$cpu_floor_static" 'BEGIN { print a - b }')") ms (target: well under 1 ms)"
  fi
fi
exit $fail
