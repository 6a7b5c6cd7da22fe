#!/bin/sh
# !processor: on rotation, sh -c PROCESSOR runs in the log directory with
# the finished file on fd 0, the new .s file on fd 1, state on fd 4 and
# newstate on fd 5; a failed processor runs again.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
from_fifo() { spawn sh -c 'f=$1; shift; exec "$@" <"$f" 3>&-' sh "$@"; }

seq 1 2000 | sed 's/^/line /' >lines
"$BIN/svlog" s4096 n100 '!tr a-z A-Z' ./up <lines
n=$(ls up | grep -c '^@.*\.s$')
ok "each rotation leaves a processed .s file" test "$n" -gt 2
cat up/@*.s up/current >joined
is "$(grep -c '^LINE' joined)" "$(grep -c '^LINE' up/@*.s | awk -F: '{s+=$2} END {print s}')" \
  "the .s files hold the processor's output"
is "$(sed 's/^LINE/line/' joined | cmp -s - lines && echo same)" same \
  "every line went through the processor once, in order"
ok "previous is gone once processed" test ! -e up/previous
ok "processed is gone once renamed" test ! -e up/processed
mode=0
for f in up/@*.s; do [ "$(stat -c %a "$f")" = 744 ] || mode=1; done
is "$mode" 0 "processed files are 0744"

# state and newstate: count the rotations
"$BIN/svlog" s4096 n100 \
  '!cat >/dev/null; n=$(cat <&4); echo $((${n:-0} + 1)) >&5; pwd' ./st <lines
is "$(cat st/state)" "$(ls st | grep -c '^@.*\.s$')" "newstate becomes state after each run"
is "$(cat "$(ls -d st/@*.s | head -1)")" "$T/st" "the processor runs in the log directory"
ok "newstate is gone once renamed" test ! -e st/newstate

# a failing processor runs again (after a second)
"$BIN/svlog" s4096 n100 \
  '!if [ -e ../failed ]; then cat; else touch ../failed; exit 1; fi' ./re \
  <lines 2>err
ok "a failing processor is run again until it succeeds" test -e failed
like "$(cat err)" "*svlog: warning: processor of ./re failed; will run it again*" \
  "and the failure is reported"
cat re/@*.s re/current >rejoined
ok "after the retry nothing is lost or doubled" cmp -s rejoined lines

# svlog killed while the processor runs: the next svlog runs it again
mkfifo fifo
exec 3<>fifo
from_fifo fifo "$BIN/svlog" s4096 n100 '!cat >/dev/null; exec sleep 100' ./kp
pid=$SPAWNED
head -1000 lines >&3
ok "the processor started" waitfor 5 test -e kp/previous
kill -KILL "$pid"
ok "previous is still there after the crash" test -e kp/previous
from_fifo fifo "$BIN/svlog" s4096 n100 '!cat' ./kp
pid=$SPAWNED
ok "the next svlog runs the processor on previous" \
  waitfor 5 sh -c 'test ! -e kp/previous && ls kp | grep -q "^@.*\.s$"'
exec 3>&-
waitfor 5 sh -c "! kill -0 $pid 2>/dev/null"
# lines written but not yet taken from the pipe are written again: allowed
cat kp/@* kp/current | sort -u >kpjoined
head -1000 lines | sort -u >kpwant
ok "no line lost across the crash" cmp -s kpjoined kpwant
done_testing
