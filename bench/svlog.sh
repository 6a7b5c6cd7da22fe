#!/bin/sh
# bench/svlog.sh: tend's svlog against s6-log, multilog and svlogd, with
# `cat` as the floor, side by side in one run.
#
# Input: BENCH_MB (default 100) MB of 100-byte lines, through a pipe
# (`cat FILE | LOGGER`), every logger stamping with TAI64N and rotating at
# 16777215 bytes, keeping 20 files:
#   svlog t s16777215 n20 DIR       s6-log t s16777215 n20 DIR
#   multilog t s16777215 n20 DIR    svlogd -t DIR (config: s16777215, n20)
#   cat >FILE                       (the floor: no stamps, no rotation, no fsync)
# Each of BENCH_ROUNDS rounds (default 5) runs all of them, in an order that
# rotates from round to round; the time is wall clock from the first byte
# to the logger's exit. Memory: the logger's peak resident set (VmHWM)
# after the whole input has gone through a long-lived pipe.
# Printed: median milliseconds, ratio to cat, ratio to the best peer, peak
# RSS in kB.
. "$(dirname "$0")/lib.sh"
BIN=${TEND_BIN:-$(cd "$(dirname "$0")/.." && pwd)/bin}
MB=${BENCH_MB:-100}
ROUNDS=${BENCH_ROUNDS:-5}
cd "$BENCH_TMP" || exit 1

lines=$((MB * 1048576 / 100))
awk -v n="$lines" 'BEGIN { s = sprintf("%099d", 0); for (i = 0; i < n; i++) print s }' >in
sync

kinds="cat svlog"
[ -x /usr/bin/s6-log ] && kinds="$kinds s6-log" || echo "# s6-log not installed: skipped"
[ -x /usr/bin/multilog ] && kinds="$kinds multilog" || echo "# multilog not installed: skipped"
[ -x /usr/bin/svlogd ] && kinds="$kinds svlogd" || echo "# svlogd not installed: skipped"

# logger KIND DIR: run KIND on stdin into DIR
logger() {
  case $1 in
  cat) exec cat >"$2.out" ;;
  svlog) exec "$BIN/svlog" t s16777215 n20 "./$2" ;;
  s6-log) exec /usr/bin/s6-log t s16777215 n20 "./$2" ;;
  multilog) exec /usr/bin/multilog t s16777215 n20 "./$2" ;;
  svlogd)
    mkdir -p "$2"
    printf 's16777215\nn20\n' >"$2/config"
    exec /usr/bin/svlogd -t "$2"
    ;;
  esac
}

fresh() { rm -rf "$1" "$1.out"; }

for k in $kinds; do eval "times_$(echo "$k" | tr -- - _)=''"; done
round=0
while [ $round -lt "$ROUNDS" ]; do
  round=$((round + 1))
  # rotate the order so that a slow moment of the machine hits all alike
  order=$(echo $kinds | tr ' ' '\n' | awk -v r="$round" '{a[NR]=$0} END {for (i = 0; i < NR; i++) print a[(i + r) % NR + 1]}')
  for k in $order; do
    fresh "$k"
    sync
    t0=$(now_us)
    cat in | (logger "$k" "$k")
    t1=$(now_us)
    v=$(echo "$k" | tr -- - _)
    eval "times_$v=\"\$times_$v $(((t1 - t0) / 1000))\""
    [ -n "${BENCH_VERBOSE:-}" ] && echo "# round $round $k $(((t1 - t0) / 1000)) ms"
    fresh "$k"
  done
done

# peak memory through a long-lived pipe
peak_kb() {
  fresh "$1"
  rm -f fifo
  mkfifo fifo
  exec 3<>fifo
  (logger "$1" "$1") <fifo 3>&- &
  pid=$!
  cat in >&3
  # wait until the output stops growing
  last=-1
  tries=0
  while [ $tries -lt 600 ]; do
    size=$(du -sb "$1" "$1.out" 2>/dev/null | awk '{s += $1} END {print s + 0}')
    [ "$size" = "$last" ] && break
    last=$size
    sleep 0.2
    tries=$((tries + 1))
  done
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  exec 3>&-
  wait "$pid" 2>/dev/null
  fresh "$1"
  echo "${hwm:-n/a}"
}

cat_ms=$(median $times_cat)
best=""
for k in $kinds; do
  case $k in cat | svlog) continue ;; esac
  m=$(median $(eval "echo \$times_$(echo "$k" | tr -- - _)"))
  if [ -z "$best" ] || [ "$(awk -v a="$m" -v b="$best" 'BEGIN {print (a < b)}')" = 1 ]; then best=$m; fi
done

echo "svlog: $MB MB of 100-byte lines through a pipe, t s16777215 n20, $ROUNDS rounds"
printf '%-10s %10s %10s %14s %10s\n' logger "ms (med)" "x cat" "x best peer" "peak kB"
for k in $kinds; do
  m=$(median $(eval "echo \$times_$(echo "$k" | tr -- - _)"))
  if [ "$k" = cat ]; then peak=-; else peak=$(peak_kb "$k"); fi
  printf '%-10s %10s %10s %14s %10s\n' "$k" "$m" "$(ratio "$m" "$cat_ms")" \
    "$( [ -n "$best" ] && ratio "$m" "$best" || echo n/a)" "$peak"
done
