#!/bin/sh
# bench/chainload.sh: what a run script's chain of loaders costs, tend's
# against daemontools', s6's and runit's, side by side in one run. The
# chain is the common one, an environment directory, then another account,
# then a limit, then the server (here a static program that exits at once):
#   tend         envdir E setuidgid nobody softlimit -d 1000000000 FLOOR
#   daemontools  the same three programs from /usr/bin
#   s6           s6-envdir E s6-setuidgid nobody s6-softlimit -d ... FLOOR
#   runit        chpst -e E -u nobody -d 1000000000 FLOOR (one program:
#                two or three execs fewer than the others)
#   floor        FLOOR alone: fork, exec, exit, wait; what no chain avoids
# As another user than root, setuidgid is left out of every chain.
#
# Each of BENCH_ROUNDS rounds (default 5) runs every kind BENCH_CHAINS
# times in a row (default 300), the order rotating from round to round.
# CPU per chain is the user + system time of the runs (getrusage of the
# children: the chain is one process through its execs) divided by their
# number; wall is from spawn to reaped (svprobe-helper.c loop). Printed:
# medians over the rounds, the ratio to daemontools' chain (the same
# programs, one for one), and the CPU above the floor (the loaders' own
# work); then what each of tend's loaders costs, against the floor.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

N=${BENCH_CHAINS:-300}
ROUNDS=${BENCH_ROUNDS:-5}
: "${TEND_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"

for p in envdir setuidgid softlimit; do
  if [ ! -x "$TEND_BIN/$p" ]; then
    echo "chainload.sh: $TEND_BIN/$p missing: run make first" >&2
    exit 111
  fi
done
# the account of setuidgid must reach the floor program
chmod 0755 "$BENCH_TMP"
H=$BENCH_TMP/svprobe-helper
if ! bench_cc "$H" "$(dirname "$0")/svprobe-helper.c"; then
  echo "chainload.sh: unable to compile svprobe-helper.c" >&2
  exit 111
fi
E=$BENCH_TMP/env
mkdir "$E" && echo production >"$E/APP_ENV" && echo 4 >"$E/WORKERS" &&
  : >"$E/UNSET_ME" || exit 111
user=
[ "$(id -u)" != 0 ] || user=nobody

bench_kinds chainload.sh "$TEND_BIN/envdir" daemontools:/usr/bin/envdir \
  s6:/usr/bin/s6-envdir runit:/usr/bin/chpst
KINDS="$KINDS floor:$H"

# command KIND:PROG: the chain's command line
command_of() {
  d=${1#*:}
  d=${d%/*}
  case ${1%%:*} in
  tend | daemontools)
    echo "$d/envdir $E ${user:+$d/setuidgid $user} $d/softlimit -d 1000000000 $H floor"
    ;;
  s6) echo "$d/s6-envdir $E ${user:+$d/s6-setuidgid $user} $d/s6-softlimit -d 1000000000 $H floor" ;;
  runit) echo "$d/chpst -e $E ${user:+-u $user} -d 1000000000 $H floor" ;;
  floor) echo "$H floor" ;;
  esac
}

fail=0
bench_rounds "$ROUNDS" loop_round || fail=1

loop_medians

echo "chainload: envdir, ${user:+setuidgid, }softlimit, then a static program that exits at once; $N chains per kind per round, $ROUNDS rounds; medians"
fmt='%-12s %11s %9s %6s %14s\n'
# shellcheck disable=SC2059
printf "$fmt" chain "CPU us" "wall us" ratio "CPU over floor"
for k in $KINDS; do
  name=${k%%:*}
  eval "cpu=\${cpu_$name:-} wall=\${wall_$name:-}"
  if [ -z "$cpu" ]; then
    printf '%-12s %11s\n' "$name" failed
    continue
  fi
  r=n/a
  [ -z "${cpu_daemontools:-}" ] || r=$(ratio "$cpu" "$cpu_daemontools")
  over=$(awk -v a="$cpu" -v b="${cpu_floor:-0}" 'BEGIN { printf "%.0f", a - b }')
  # shellcheck disable=SC2059
  printf "$fmt" "$name" "$cpu" "$wall" "$r" "$over"
done
echo "(ratio: CPU to daemontools' chain, program for program; CPU over floor: minus the program alone)"
execs=2
[ -z "$user" ] || execs=3
if [ -n "${cpu_tend:-}" ] && [ -n "${cpu_floor:-}" ]; then
  echo "tend: $execs loaders, $(awk -v a="$cpu_tend" -v b="$cpu_floor" -v n="$execs" 'BEGIN { printf "%.0f", (a - b) / n }') us CPU each; starting the program alone costs $cpu_floor us"
fi
if [ -n "${cpu_tend:-}" ] && [ -n "${cpu_runit:-}" ]; then
  echo "tend/runit: $(ratio "$cpu_tend" "$cpu_runit") (chpst does all in one program: $((execs - 1)) execs fewer)"
fi
exit $fail
