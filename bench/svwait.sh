#!/bin/sh
# bench/svwait.sh: a command that waits for its effect (svc -w), tend's
# against s6's and runit's, side by side in one run. For each kind one
# service runs under its own supervisor, with the same ./run (a shell that
# execs sleep); the bench stops it and starts it again, BENCH_CYCLES times
# per round (default 20), each command returning only once it took
# effect:
#   tend         tend's supervise;  svc -d -wD DIR,  then svc -u -wu DIR
#   s6           s6-supervise;      s6-svc -d -wD DIR, s6-svc -u -wu DIR
#   runit        runsv;             sv -w 10 down DIR, sv -w 10 up DIR
#   daemontools  daemontools' supervise, which has no waiting client:
#                tend's svc -d -wD and -u -wu against it (svc(8))
# Printed, medians over BENCH_ROUNDS rounds (default 3; the order of the
# kinds rotates): the wall time of the stop and of the start (from the
# client's spawn to its exit: the command, the supervisor's work and the
# client's wake-up), the clients' CPU per cycle, and each one's ratio to
# the best of s6 and runit (the peers that wait natively). There is no
# floor: the kernel's part (a kill, an exit, a fork and an exec) is in
# bench/supervise.sh's.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

N=${BENCH_CYCLES:-20}
ROUNDS=${BENCH_ROUNDS:-3}
: "${TEND_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"

if [ ! -x "$TEND_BIN/supervise" ] || [ ! -x "$TEND_BIN/svc" ]; then
  echo "svwait.sh: $TEND_BIN/supervise or svc missing: run make first" >&2
  exit 111
fi
H=$BENCH_TMP/svprobe-helper
if ! bench_cc "$H" "$(dirname "$0")/svprobe-helper.c"; then
  echo "svwait.sh: unable to compile svprobe-helper.c" >&2
  exit 111
fi

bench_kinds svwait.sh "$TEND_BIN/supervise" s6:/usr/bin/s6-supervise \
  runit:/usr/bin/runsv daemontools:/usr/bin/supervise

PIDS=
# the supervisors first (KILL: runsv leaves on TERM only once its service
# is down), then the services, in sessions of their own, by their command
stop_all() {
  for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
  pkill -KILL -f "^sleep $SLEEP\$"
  bench_cleanup
}
SLEEP=987654321
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# one service directory and supervisor per kind, up before the rounds
for k in $KINDS; do
  name=${k%%:*}
  d=$BENCH_TMP/$name
  mkdir "$d" || exit 111
  printf '#!/bin/sh\nexec sleep %s\n' "$SLEEP" >"$d/run" && chmod +x "$d/run" ||
    exit 111
  [ "$name" != tend ] || : >"$d/no-cgroup" # as the peers: no cgroup each
  "${k#*:}" "$d" </dev/null >/dev/null 2>&1 &
  PIDS="$PIDS $!"
done
# commands KIND DIR: the stop, "--", the start
commands() {
  case $1 in
  tend | daemontools) echo "$TEND_BIN/svc -d -wD $2 -- $TEND_BIN/svc -u -wu $2" ;;
  s6) echo "/usr/bin/s6-svc -d -wD $2 -- /usr/bin/s6-svc -u -wu $2" ;;
  runit) echo "/usr/bin/sv -w 10 down $2 -- /usr/bin/sv -w 10 up $2" ;;
  esac
}

# every service up (its start command, once its supervisor answers)
for k in $KINDS; do
  name=${k%%:*}
  start=$(commands "$name" "$BENCH_TMP/$name")
  i=0
  until ${start#* -- } >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -ge 100 ]; then
      echo "svwait.sh: $name: the service did not come up" >&2
      exit 111
    fi
    sleep 0.05
  done
done

# round R KIND:PROG...: N cycles of every kind, in the order given
round() {
  shift
  for k in "$@"; do
    name=${k%%:*}
    # shellcheck disable=SC2046 # the command lines are words
    out=$("$H" loop "$N" $(commands "$name" "$BENCH_TMP/$name")) || {
      echo "svwait.sh: $name failed" >&2
      return 1
    }
    # shellcheck disable=SC2086 # three numbers
    set -- $out
    echo "$1" >>"$BENCH_TMP/$name.cpu"
    echo "$2" >>"$BENCH_TMP/$name.down"
    echo "$3" >>"$BENCH_TMP/$name.up"
  done
}

fail=0
bench_rounds "$ROUNDS" round || fail=1

best=
for k in $KINDS; do
  name=${k%%:*}
  [ -s "$BENCH_TMP/$name.cpu" ] || continue
  for m in cpu down up; do
    # shellcheck disable=SC2046
    eval "${m}_$name=$(median $(cat "$BENCH_TMP/$name.$m"))"
  done
  case $name in
  s6 | runit)
    eval "c=\$((down_$name + up_$name))"
    if [ -z "$best" ] || [ "$c" -lt "$best" ]; then best=$c best_name=$name; fi
    ;;
  esac
done

echo "svwait: one service per supervisor, $N stop/start cycles per round, $ROUNDS rounds; medians"
fmt='%-12s %9s %9s %9s %6s %13s\n'
# shellcheck disable=SC2059
printf "$fmt" kind "down us" "up us" "cycle us" ratio "client CPU us"
for k in $KINDS; do
  name=${k%%:*}
  eval "cpu=\${cpu_$name:-} down=\${down_$name:-} up=\${up_$name:-}"
  if [ -z "$cpu" ]; then
    printf '%-12s %9s\n' "$name" failed
    continue
  fi
  r=n/a
  [ -z "$best" ] || r=$(ratio $((down + up)) "$best")
  # shellcheck disable=SC2059
  printf "$fmt" "$name" "$down" "$up" $((down + up)) "$r" "$cpu"
done
echo "(down: stop and wait until down; up: start and wait until up; ratio: cycle to the faster of s6 and runit; daemontools: tend's svc against daemontools' supervise; its down time is that supervise's own delay before it writes the status)"
if [ -n "${down_tend:-}" ] && [ -n "$best" ]; then
  echo "tend/best peer ($best_name): cycle $(ratio $((down_tend + up_tend)) "$best")"
fi
exit $fail
