#!/bin/sh
# Any input is logged byte for byte in bounded memory: a 10 MB line, NUL
# bytes, random binary, no newline at all; an unfinished line costs no CPU.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
from_fifo() { spawn sh -c 'f=$1; shift; exec "$@" <"$f" 3>&-' sh "$@"; }

head -c 10000000 /dev/zero | tr '\0' x >line10m
echo >>line10m
cat line10m | "$BIN/svlog" s16777215 ./big
is "$?" 0 "a 10 MB line through a pipe is fine"
ok "and is logged whole" cmp -s big/current line10m
cat line10m | "$BIN/svlog" t s16777215 ./bigt
is "$(head -c 26 bigt/current | cut -c1,26)" "@ " "a stamped 10 MB line gets one stamp"
is "$(wc -c <bigt/current | tr -d ' ')" 10000027 "and nothing else is added"

head -c 3000000 /dev/urandom >random
(cat random; [ "$(tail -c 1 random | od -An -tx1 | tr -d ' ')" = 0a ] || echo) >random.want
cat random | "$BIN/svlog" s16777215 ./rnd
ok "random bytes with NULs pass through a pipe unchanged" cmp -s rnd/current random.want
"$BIN/svlog" s16777215 ./rndf <random
ok "and from a file" cmp -s rndf/current random.want

head -c 1000000 /dev/zero | "$BIN/svlog" s16777215 -'*' +'*' e ./zero 2>zero.err
is "$(wc -c <zero/current | tr -d ' ')" 1000001 "no newline at all: one line, then a newline"
is "$(wc -c <zero.err | tr -d ' ')" 204 "e shows such a line cut at 200 bytes"

# memory: a long line through a long-lived pipe
mkfifo fifo
exec 3<>fifo
from_fifo fifo "$BIN/svlog" s16777215 ./mem
pid=$SPAWNED
spawn sh -c 'cat line10m >&3' # in the background: a dead svlog must not hang the test
ok "the long line is written" waitfor 20 sh -c '[ "$(wc -c <mem/current)" -ge 10000001 ]'
if grep -q asan "/proc/$pid/maps" 2>/dev/null; then
  skip "memory is not measured under the sanitizer"
else
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  ok "peak memory stays under 1 MB (${hwm} kB)" test "$hwm" -lt 1024
fi

# an unfinished line waits in the pipe without spinning
printf 'abc' >&3
sleep 0.5 # a window for measuring CPU, not for synchronisation
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 0.5
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
ok "an unfinished line costs no CPU while it waits ($((t1 - t0)) ticks)" test $((t1 - t0)) -le 2
printf 'def\n' >&3
ok "the finished line is written whole" waitfor 5 sh -c 'tail -1 mem/current | grep -qx abcdef'
exec 3>&-
waitfor 5 gone "$pid"
done_testing
