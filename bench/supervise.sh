#!/bin/sh
# bench/supervise.sh: tend's supervise against daemontools' supervise,
# runit's runsv and s6's s6-supervise, side by side in one run.
#
# Each round starts BENCH_SERVICES supervisors of every kind at once (the
# start order rotates from round to round), one per service directory, all
# with the same ./run: a tiny static program that reports "PID NAME" into a
# FIFO and then waits for its SIGKILL like `exec sleep 1000000` would
# (bench/supervise-restart.c).
#   restart: a waiter SIGKILLs one service at a time, going round the kinds
#            sample by sample (so load from elsewhere hits all alike), each
#            service after it has been up for more than a second (so no
#            supervisor's 1-second throttle is measured), and times the kill
#            to the new ./run's report in the FIFO. One sample per service
#            per round.
#   memory:  then Private_Clean + Private_Dirty of every supervisor process
#            (smaps_rollup, as private_kb in bench/lib.sh).
# The filesystem matters: on ext4, replacing supervise/status by rename
# pushes the new file's data out (auto_da_alloc), a few hundred us that
# daemontools and runit spend before they fork and tend after; on tmpfs it
# costs ~20 us and every supervisor is close to the floor.
# Printed: medians over all supervisors / samples of all rounds, the p90 of
# the restart time, and each one's ratio to the best peer.
# s6-supervise waits a second after every death, so its sampling stops after
# BENCH_BUDGET_MS and it has fewer samples (column "samples").
# Knobs: BENCH_SERVICES (200), BENCH_ROUNDS (3), BENCH_MINAGE_MS (1200),
# BENCH_BUDGET_MS (4000), BENCH_SUPERVISE_EXTRA ("name:/path/prog ..." more
# supervisors to compare, e.g. experimental builds; names of letters, digits
# and _ only; not counted as peers).
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

N=${BENCH_SERVICES:-200}
ROUNDS=${BENCH_ROUNDS:-3}
MINAGE=${BENCH_MINAGE_MS:-1200}
BUDGET=${BENCH_BUDGET_MS:-4000}
: "${TEND_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"

if [ ! -x "$TEND_BIN/supervise" ]; then
  echo "supervise.sh: $TEND_BIN/supervise missing: run make first" >&2
  exit 111
fi
WAITER=$BENCH_TMP/supervise-restart
if ! bench_cc "$WAITER" "$(dirname "$0")/supervise-restart.c"; then
  echo "supervise.sh: unable to compile supervise-restart.c" >&2
  exit 111
fi

bench_kinds supervise.sh "$TEND_BIN/supervise" daemontools:/usr/bin/supervise \
  runit:/usr/bin/runsv s6:/usr/bin/s6-supervise
# tend twice: "tend" gives each service a cgroup where cgroup2 is writable
# (supervise(8), CGROUPS), "tend_nocg" has a no-cgroup file in each
# service directory (the process group and the subreaper only)
KINDS="$KINDS tend_nocg:$TEND_BIN/supervise"
# the reference: a bare fork/exec/waitpid loop, what no supervisor can beat
ln -s "$WAITER" "$BENCH_TMP/supervise-floor"
KINDS="$KINDS floor:$BENCH_TMP/supervise-floor"
# more candidates, e.g. experimental builds: "name:/path/to/prog ..."
KINDS="$KINDS ${BENCH_SUPERVISE_EXTRA:-}"

# Everything started here is killed by pid, and only that: the supervisors
# (our children, SIGSTOPped first so that none restarts anything), their
# children, and whatever runs with its working directory in this round's
# directory, which is every service (they run in their own sessions and
# outlive their supervisor; the waiter also lists the last pids it saw in
# svc.pids), even one whose supervisor died on its own.
CUR=
WPID=
in_round() {
  # shellcheck disable=SC2012
  ls -l /proc/[0-9]*/cwd 2>/dev/null | awk -v d="$CUR/" '
    index($NF, d) == 1 { split($(NF - 2), p, "/"); print p[3] }'
}
teardown() {
  [ -n "$CUR" ] || return 0
  if [ -n "$WPID" ]; then
    kill -TERM "$WPID" 2>/dev/null # on TERM it writes svc.pids and exits
    wait "$WPID" 2>/dev/null
  fi
  sups=$(cat "$CUR/sup.pids" 2>/dev/null)
  # the last one started, if a signal came before it was written down
  if [ -n "${!:-}" ] &&
    [ "$(sed 's/.*) //' "/proc/$!/stat" 2>/dev/null | cut -d' ' -f2)" = $$ ]; then
    sups="$sups $!"
  fi
  if [ -n "$sups" ]; then
    # shellcheck disable=SC2086
    kill -STOP $sups 2>/dev/null
    kids=$(for p in $sups; do cat "/proc/$p/task/$p/children" 2>/dev/null; done)
    # shellcheck disable=SC2086
    kill -KILL $sups $kids 2>/dev/null
  fi
  # shellcheck disable=SC2046
  kill -KILL $(in_round) 2>/dev/null
  wait 2>/dev/null
  # the services' cgroups, emptied first (supervise removes its own only
  # when it exits by itself)
  for f in "$CUR"/*/supervise/cgroup; do
    cg=$(cat "$f" 2>/dev/null) || continue
    echo 1 >"$cg/cgroup.kill" 2>/dev/null
    t=0
    until rmdir "$cg" 2>/dev/null || [ ! -d "$cg" ] || [ $t -ge 500 ]; do
      sleep 0.01
      t=$((t + 1))
    done
  done
  CUR=
  WPID=
}
trap 'teardown; bench_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# round R KIND:PROG...: one round, all kinds at once, in the order given.
round() {
  CUR=$BENCH_TMP/round.$1
  shift
  mkdir -p "$CUR"
  mkfifo "$CUR/fifo"
  for k in "$@"; do
    i=1
    while [ "$i" -le "$N" ]; do
      mkdir "$CUR/${k%%:*}-s$i"
      ln -s "$WAITER" "$CUR/${k%%:*}-s$i/run"
      [ "${k%%:*}" != tend_nocg ] || : >"$CUR/${k%%:*}-s$i/no-cgroup"
      i=$((i + 1))
    done
  done
  # hold the FIFO open so no early report is lost before the waiter opens it
  exec 3<>"$CUR/fifo"
  "$WAITER" "$CUR/fifo" $((N * $#)) "$N" "$MINAGE" "$BUDGET" "$CUR/lat" \
    "$CUR/svc.pids" </dev/null 3>&- &
  WPID=$!
  : >"$CUR/sup.pids"
  for k in "$@"; do
    i=1
    while [ "$i" -le "$N" ]; do
      "${k#*:}" "$CUR/${k%%:*}-s$i" </dev/null >/dev/null 2>>"$CUR/log" 3>&- &
      echo $! >>"$CUR/sup.pids"
      echo $! >>"$CUR/${k%%:*}.pids"
      i=$((i + 1))
    done
  done
  exec 3>&-
  if ! wait "$WPID"; then
    echo "supervise.sh: round failed; its stderr:" >&2
    head -5 "$CUR/log" >&2
    WPID=
    teardown
    return 1
  fi
  WPID=
  [ ! -e "$CUR/tend-s1/supervise/cgroup" ] || : >"$BENCH_TMP/tend.cgroup"
  for k in "$@"; do
    name=${k%%:*}
    awk -v k="$name" '$1 == k { print $2 }' "$CUR/lat" >>"$BENCH_TMP/$name.lat"
    # the same sum as private_kb, in one awk for all the supervisors of a kind
    # shellcheck disable=SC2046
    awk 'FNR == 1 && NR > 1 { print s; s = 0 }
         /^Private_(Clean|Dirty):/ { s += $2 }
         END { print s }' $(sed 's|.*|/proc/&/smaps_rollup|' "$CUR/$name.pids") \
      >>"$BENCH_TMP/$name.mem"
  done
  dir=$CUR
  teardown
  rm -rf "$dir"
}

fail=0
bench_rounds "$ROUNDS" round || fail=1

# stats FILE: "median p90" of the numbers in FILE
stats() {
  sort -n "$1" | awk '{ a[NR] = $1 }
    END {
      if (!NR) { print "n/a n/a"; exit }
      m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
      p = int(NR * 0.9); if (p < NR * 0.9) p++
      print m, a[p]
    }'
}

lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
best_mem=
best_lat=
for k in $KINDS; do
  name=${k%%:*}
  [ -s "$BENCH_TMP/$name.lat" ] || continue
  mem=$(stats "$BENCH_TMP/$name.mem" | cut -d' ' -f1)
  lat=$(stats "$BENCH_TMP/$name.lat")
  p90=${lat#* } lat=${lat%% *}
  eval "mem_$name=\$mem lat_$name=\$lat p90_$name=\$p90"
  eval "n_$name=$(wc -l <"$BENCH_TMP/$name.lat")"
  case $name in daemontools | runit | s6) ;; *) continue ;; esac
  if [ -z "$best_mem" ] || lt "$mem" "$best_mem"; then best_mem=$mem; fi
  if [ -z "$best_lat" ] || lt "$lat" "$best_lat"; then best_lat=$lat; fi
done

echo "supervise: $N services per supervisor, $ROUNDS rounds; restart = from the SIGKILL of a service up > ${MINAGE} ms to its new ./run reporting"
echo "service directories on $(stat -f -c %T "$BENCH_TMP" 2>/dev/null || echo '?') (${TMPDIR:-/tmp}; set TMPDIR to move them)"
fmt='%-12s %7s %6s %11s %8s %6s %10s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" supervisor "mem KB" ratio "restart ms" "p90 ms" ratio "over floor" samples
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
for k in $KINDS; do
  name=${k%%:*}
  n=0
  eval "mem=\${mem_$name:-} lat=\${lat_$name:-} p90=\${p90_$name:-0} n=\${n_$name:-0}"
  if [ -z "$lat" ]; then
    printf '%-12s %7s\n' "$name" failed
    continue
  fi
  mr=n/a lr=n/a over=n/a
  [ -z "$best_mem" ] || mr=$(ratio "$mem" "$best_mem")
  [ -z "$best_lat" ] || lr=$(ratio "$lat" "$best_lat")
  [ -z "${lat_floor:-}" ] || over=$(awk -v a="$lat" -v b="$lat_floor" 'BEGIN { printf "%.3f", (a - b) / 1000 }')
  # shellcheck disable=SC2059
  printf "$fmt" "$name" "$mem" "$mr" "$(ms "$lat")" "$(ms "$p90")" "$lr" "$over" "$n"
done
if [ -e "$BENCH_TMP/tend.cgroup" ]; then
  echo "(tend: a cgroup v2 per service; tend_nocg: the same with a no-cgroup file, process group and subreaper only)"
else
  echo "(tend: no writable cgroup2 here, so tend and tend_nocg both track the process group)"
fi
echo "(ratio: to the best of daemontools, runit, s6; floor: a bare fork/exec/waitpid loop, the part of the time that is not the supervisor's)"
case $KINDS in *s6:*)
  echo "(s6-supervise waits a second after every death before it starts ./run again, however long the service ran: it gets fewer samples)" ;;
esac
if [ -n "$best_mem" ] && [ -n "${lat_tend:-}" ]; then
  echo "tend/best peer: memory $(ratio "${mem_tend:-}" "$best_mem") (target < 0.60), restart $(ratio "$lat_tend" "$best_lat") (target < 0.50)"
fi
exit $fail
