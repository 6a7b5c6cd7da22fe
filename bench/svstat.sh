#!/bin/sh
# bench/svstat.sh: reading many services' status at once. tend's svstat
# (the plain line, -j and -P) against daemontools' svstat and runit's
# `sv status`, side by side in one run, on the same directories.
#
# bench/svstat-fake.c makes BENCH_SERVICES service directories as a running
# supervise leaves them (an 80-byte tend status, ok and control FIFOs) and
# holds the read end of every ok FIFO, as a supervise does, so every client
# takes them for supervised and reads their status: what a monitoring job
# meets, without thousands of supervise processes. One in ten is down with
# a restart pending. With BENCH_SVSTAT_LOG=1 each also has a log/ that is
# supervised the same way (tend -j/-P and runit's sv read it; daemontools'
# svstat does not).
# Each round runs every kind once over all the directories (the order
# rotates from round to round), output to /dev/null, through
# bench/cputime.c, which measures its wall time and the CPU time (user +
# system) the kernel charged to it.
# Printed: the median of each, each one's ratio to the faster peer, and
# tend -j's and -P's per 10 000 services against the target of 0.3 s. On a
# machine busy with other work the wall times mostly measure the load
# (the load average is printed); the CPU times stay close to the truth.
# Knobs: BENCH_SERVICES (10000), BENCH_ROUNDS (7), BENCH_SVSTAT_LOG (0).
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

N=${BENCH_SERVICES:-10000}
ROUNDS=${BENCH_ROUNDS:-7}
LOG=${BENCH_SVSTAT_LOG:-0}
: "${TEND_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"

if [ ! -x "$TEND_BIN/svstat" ]; then
  echo "svstat.sh: $TEND_BIN/svstat missing: run make first" >&2
  exit 111
fi
FAKE=$BENCH_TMP/svstat-fake
CPUTIME=$BENCH_TMP/cputime
for h in svstat-fake cputime; do
  if ! bench_cc "$BENCH_TMP/$h" "$(dirname "$0")/$h.c"; then
    echo "svstat.sh: unable to compile $h.c" >&2
    exit 111
  fi
done
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

SV=$BENCH_TMP/sv
mkdir "$SV"
# runit's sv finds a name without a slash in $SVDIR
SVDIR=$SV
export SVDIR
FPID=
teardown() {
  if [ -n "$FPID" ]; then
    kill -TERM "$FPID" 2>/dev/null
    wait "$FPID" 2>/dev/null
    FPID=
  fi
}
trap 'teardown; bench_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$FAKE" "$SV" "$N" "$LOG" </dev/null &
FPID=$!
while [ ! -e "$SV/.ready" ]; do
  if ! kill -0 "$FPID" 2>/dev/null; then
    echo "svstat.sh: svstat-fake failed" >&2
    FPID=
    exit 111
  fi
  sleep 0.05
done

KINDS="plain:$TEND_BIN/svstat json:$TEND_BIN/svstat prom:$TEND_BIN/svstat"
for k in daemontools:/usr/bin/svstat runit:/usr/bin/sv; do
  if [ -x "${k#*:}" ]; then
    KINDS="$KINDS $k"
  else
    echo "svstat.sh: ${k#*:} not installed: ${k%%:*} skipped" >&2
  fi
done

# kind NAME PROG: runs it once over every directory through cputime,
# which prints "WALL CPU" in microseconds
kind() {
  cd "$SV" || return 1
  case $1 in
  plain | daemontools) "$CPUTIME" "$2" s[0-9]* ;;
  json) "$CPUTIME" "$2" -j s[0-9]* ;;
  prom) "$CPUTIME" "$2" -P s[0-9]* ;;
  runit) "$CPUTIME" "$2" status s[0-9]* ;;
  esac 2>"$BENCH_TMP/$1.err"
}

# check: every kind sees the services as supervised, and tend's outputs
# have a line or a sample per service
check() {
  cd "$SV" || return 1
  got=$("$TEND_BIN/svstat" -j s[0-9]* | grep -c '^{"name":"s[0-9]*","path":"[^"]*","state":"up"')
  want=$((N - N / 10))
  if [ "$got" != "$want" ]; then
    echo "svstat.sh: tend -j sees $got services up, not $want" >&2
    return 1
  fi
  got=$("$TEND_BIN/svstat" -P s[0-9]* | grep -c '^tend_service_status_ok{.*} 1$')
  if [ "$got" != $((N * (LOG + 1))) ]; then
    echo "svstat.sh: tend -P reads $got services, not $((N * (LOG + 1)))" >&2
    return 1
  fi
  case $KINDS in *daemontools:*)
    got=$(/usr/bin/svstat s[0-9]* | grep -c ': up (pid')
    if [ "$got" != "$want" ]; then
      echo "svstat.sh: daemontools' svstat sees $got services up, not $want" >&2
      return 1
    fi ;;
  esac
  case $KINDS in *runit:*)
    got=$(/usr/bin/sv status s[0-9]* | grep -c "^run: ")
    if [ "$got" != "$want" ]; then
      echo "svstat.sh: runit's sv sees $got services up, not $want" >&2
      return 1
    fi ;;
  esac
}
check || exit 1

round() {
  shift
  for k; do
    name=${k%%:*}
    t=$(kind "$name" "${k#*:}") || {
      echo "svstat.sh: $name failed: $(head -n 3 "$BENCH_TMP/$name.err")" >&2
      return 1
    }
    echo "${t% *}" >>"$BENCH_TMP/$name.wall"
    echo "${t#* }" >>"$BENCH_TMP/$name.cpu"
  done
}
fail=0
bench_rounds "$ROUNDS" round || fail=1
teardown

lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
best_wall=
best_cpu=
for k in $KINDS; do
  name=${k%%:*}
  # shellcheck disable=SC2046
  w=$(median $(cat "$BENCH_TMP/$name.wall" 2>/dev/null))
  # shellcheck disable=SC2046
  c=$(median $(cat "$BENCH_TMP/$name.cpu" 2>/dev/null))
  eval "w_$name=\$w c_$name=\$c"
  case $name in daemontools | runit) ;; *) continue ;; esac
  if [ -z "$best_wall" ] || lt "$w" "$best_wall"; then best_wall=$w; fi
  if [ -z "$best_cpu" ] || lt "$c" "$best_cpu"; then best_cpu=$c; fi
done
ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
logs=no
[ "$LOG" = 1 ] && logs="yes (read by tend -j/-P and runit's sv)"
echo "svstat: $N supervised services (log/ each: $logs), $ROUNDS rounds, output to /dev/null"
echo "service directories on $(stat -f -c %T "$SV" 2>/dev/null || echo '?') (${TMPDIR:-/tmp}; set TMPDIR to move them); load average before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
fmt='%-20s %9s %6s %9s %6s\n'
# shellcheck disable=SC2059
printf "$fmt" reader "wall ms" ratio "CPU ms" ratio
for k in $KINDS; do
  name=${k%%:*}
  eval "w=\${w_$name:-} c=\${c_$name:-}"
  case $name in
  plain) label="tend svstat" ;;
  json) label="tend svstat -j" ;;
  prom) label="tend svstat -P" ;;
  daemontools) label="daemontools svstat" ;;
  runit) label="runit sv status" ;;
  esac
  rw=n/a rc=n/a
  [ -z "$best_wall" ] || rw=$(ratio "$w" "$best_wall")
  [ -z "$best_cpu" ] || rc=$(ratio "$c" "$best_cpu")
  # shellcheck disable=SC2059
  printf "$fmt" "$label" "$(ms "$w")" "$rw" "$(ms "$c")" "$rc"
done
echo "(medians; ratio: to the faster of daemontools' svstat and runit's sv status; CPU: user + system time of the reader, which load from elsewhere inflates far less than the wall time)"
scaled() { awk -v t="$1" -v n="$N" 'BEGIN { printf "%.0f", t / 1000 * 10000 / n }'; }
echo "per 10 000 services: tend -j $(scaled "${w_json:-0}") ms wall, $(scaled "${c_json:-0}") ms CPU; -P $(scaled "${w_prom:-0}") ms wall, $(scaled "${c_prom:-0}") ms CPU (target < 300 ms)"
exit $fail
