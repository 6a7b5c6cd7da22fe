#!/bin/sh
# bench/svscan.sh: tend's svscan against daemontools' svscan, runit's
# runsvdir and s6's s6-svscan, side by side in one run.
#
# Each round, one scanner of each kind in turn (the order rotates from
# round to round) is started on its own directory of BENCH_SERVICES
# services whose ./run is a tiny static program that writes one byte into
# a FIFO and then pauses:
#   up:      time from starting the scanner to the last ./run's byte
#            (every scanner of the round before it keeps running).
#   idle:    once all are up, and after a settling second, the context
#            switches (voluntary + involuntary, /proc/PID/status) of each
#            scanner and all its supervisors over BENCH_IDLE_S seconds,
#            all kinds watched at the same time, scaled to one minute.
#   memory:  Private_Clean + Private_Dirty of the scanner and of all its
#            supervisors, divided by the number of services.
# Printed: medians over the rounds and each one's ratio to the best peer.
# Knobs: BENCH_SERVICES (500), BENCH_ROUNDS (3), BENCH_IDLE_S (10).
. "$(dirname "$0")/lib.sh"

N=${BENCH_SERVICES:-500}
ROUNDS=${BENCH_ROUNDS:-3}
IDLE=${BENCH_IDLE_S:-10}
: "${TEND_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"

if [ ! -x "$TEND_BIN/svscan" ] || [ ! -x "$TEND_BIN/supervise" ]; then
  echo "svscan.sh: $TEND_BIN/svscan or supervise missing: run make first" >&2
  exit 111
fi

FIFO=$BENCH_TMP/fifo
mkfifo "$FIFO"
UP=$BENCH_TMP/up
cat >"$UP.c" <<EOF
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  int fd = open("$FIFO", O_WRONLY);
  if (fd >= 0 && write(fd, "x", 1) == 1) close(fd);
  for (;;) pause();
}
EOF
if ! bench_cc "$UP" "$UP.c"; then
  echo "svscan.sh: unable to compile the service program" >&2
  exit 111
fi

bench_kinds svscan.sh "$TEND_BIN/svscan" daemontools:/usr/bin/svscan \
  runit:/usr/bin/runsvdir s6:/usr/bin/s6-svscan

children() { cat "/proc/$1/task/$1/children" 2>/dev/null; }

# Everything started here is killed by pid: the scanners and their
# supervisors are stopped first (so that nothing restarts anything), then
# they and the services they had get KILL.
SCANNERS=
teardown() {
  [ -n "$SCANNERS" ] || return 0
  sups=
  for p in $SCANNERS; do sups="$sups $(children "$p")"; done
  # shellcheck disable=SC2086
  kill -STOP $SCANNERS $sups 2>/dev/null
  svcs=
  for p in $sups; do svcs="$svcs $(children "$p")"; done
  # shellcheck disable=SC2086
  kill -KILL $SCANNERS $sups $svcs 2>/dev/null
  # shellcheck disable=SC2086
  kill -CONT $SCANNERS $sups 2>/dev/null
  wait 2>/dev/null
  SCANNERS=
}
trap 'teardown; exec 3>&-; bench_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The FIFO stays open here, so that no ./run's byte is lost between reads.
exec 3<>"$FIFO"

switches_of() {
  p=$1
  # shellcheck disable=SC2046
  awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' \
    "/proc/$p/status" $(children "$p" | sed 's|[0-9][0-9]*|/proc/&/status|g') 2>/dev/null
}

round() {
  cur=$BENCH_TMP/round.$1
  shift
  for k in "$@"; do
    name=${k%%:*}
    i=1
    while [ "$i" -le "$N" ]; do
      mkdir -p "$cur/$name/s$i"
      ln -s "$UP" "$cur/$name/s$i/run"
      i=$((i + 1))
    done
  done
  for k in "$@"; do
    name=${k%%:*}
    t0=$(now_us)
    "${k#*:}" "$cur/$name" </dev/null >/dev/null 2>>"$cur/log" 3>&- &
    pid=$!
    SCANNERS="$SCANNERS $pid"
    eval "pid_$name=$pid"
    head -c "$N" <&3 >/dev/null
    t1=$(now_us)
    echo $((t1 - t0)) >>"$BENCH_TMP/$name.up"
  done
  sleep 1
  for k in "$@"; do
    name=${k%%:*}
    eval "pid=\$pid_$name"
    eval "sw0_$name=$(switches_of "$pid")"
  done
  sleep "$IDLE"
  for k in "$@"; do
    name=${k%%:*}
    eval "pid=\$pid_$name sw0=\$sw0_$name"
    sw1=$(switches_of "$pid")
    echo $(((sw1 - sw0) * 60 / IDLE)) >>"$BENCH_TMP/$name.wake"
    # shellcheck disable=SC2046
    awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s / n }' n="$N" \
      "/proc/$pid/smaps_rollup" $(children "$pid" | sed 's|[0-9][0-9]*|/proc/&/smaps_rollup|g') \
      >>"$BENCH_TMP/$name.mem"
  done
  teardown
  rm -rf "$cur"
}

bench_rounds "$ROUNDS" round

lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
best_up= best_wake= best_mem=
for k in $KINDS; do
  name=${k%%:*}
  # shellcheck disable=SC2046
  up=$(median $(cat "$BENCH_TMP/$name.up"))
  # shellcheck disable=SC2046
  wake=$(median $(cat "$BENCH_TMP/$name.wake"))
  # shellcheck disable=SC2046
  mem=$(median $(cat "$BENCH_TMP/$name.mem"))
  eval "up_$name=\$up wake_$name=\$wake mem_$name=\$mem"
  [ "$name" = tend ] && continue
  if [ -z "$best_up" ] || lt "$up" "$best_up"; then best_up=$up; fi
  if [ -z "$best_wake" ] || lt "$wake" "$best_wake"; then best_wake=$wake; fi
  if [ -z "$best_mem" ] || lt "$mem" "$best_mem"; then best_mem=$mem; fi
done

echo "svscan: $N services per scanner, $ROUNDS rounds, idle window ${IDLE} s"
printf '%-12s %9s %6s %12s %6s %12s %6s\n' scanner "up ms" ratio "wakeups/min" ratio "KB/service" ratio
for k in $KINDS; do
  name=${k%%:*}
  eval "up=\$up_$name wake=\$wake_$name mem=\$mem_$name"
  ur=n/a wr=n/a mr=n/a
  [ -z "$best_up" ] || ur=$(ratio "$up" "$best_up")
  [ -z "$best_wake" ] || wr=$(ratio "$wake" "$best_wake")
  [ -z "$best_mem" ] || mr=$(ratio "$mem" "$best_mem")
  printf '%-12s %9s %6s %12s %6s %12s %6s\n' "$name" \
    "$(awk -v u="$up" 'BEGIN { printf "%.1f", u / 1000 }')" "$ur" \
    "$wake" "$wr" "$(awk -v m="$mem" 'BEGIN { printf "%.1f", m }')" "$mr"
done
if [ -n "$best_up" ]; then
  echo "tend/best peer: up $(ratio "$up_tend" "$best_up") (target <= 0.80), wake-ups $wake_tend/min (target 0), memory $(ratio "$mem_tend" "$best_mem") (target <= 0.60)"
fi
