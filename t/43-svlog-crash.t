#!/bin/sh
# A crashed svlog leaves current as a .u file; the lock keeps a second
# logger out; a SIGKILL of svlog under a pipe loses no line.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
from_fifo() { spawn sh -c 'f=$1; shift; exec "$@" <"$f" 3>&-' sh "$@"; }

mkfifo fifo
exec 3<>fifo
from_fifo fifo "$BIN/svlog" ./c
pid=$SPAWNED
echo before-crash >&3
waitfor 5 test -s c/current
ok "while svlog runs, the lock is held (flock)" sh -c '! flock -n c/lock true'
mkfifo fifo2
exec 4<>fifo2
spawn sh -c 'exec "$0" ./c <fifo2 3>&- 4>&- 2>err2' "$BIN/svlog"
second=$SPAWNED
ok "a second svlog on the same directory waits for the lock" \
  waitfor 5 grep -q "svlog: warning: waiting for the lock on ./c/lock" err2
ok "and does not go on" kill -0 "$second"
kill -TERM "$second"
ok "TERM ends the wait" waitfor 5 gone "$second"
if gone "$second"; then
  wait "$second"
  is "$?:$(tail -1 err2)" "111:svlog: fatal: leaving on TERM with unwritten lines left in the pipe" \
    "exit 111: nothing was read, the lines stay in the pipe"
else
  kill -KILL "$second"
  ok "exit 111: nothing was read, the lines stay in the pipe" false
fi
kill -KILL "$pid"
waitfor 5 gone "$pid"
is "$(stat -c %a c/current)" 644 "after a crash current is still 0644"
from_fifo fifo "$BIN/svlog" ./c
pid=$SPAWNED
echo after-crash >&3
waitfor 5 grep -q after-crash c/current
is "$(ls c | grep -c '^@[0-9a-f]\{24\}\.u$')" 1 "the next svlog keeps the crashed current as @....u"
is "$(cat c/@*.u)" before-crash "the .u file holds what was written before"
is "$(cat c/current)" after-crash "and current starts afresh"
kill -TERM "$pid"
waitfor 5 gone "$pid"

# a cut line in a crashed current is completed
printf 'whole\ncut in ha' >c/current
chmod 644 c/current
echo next | "$BIN/svlog" ./c
is "$(tail -c 3 "$(ls -d c/@*.u | tail -1)" | od -An -c | tr -d ' ')" 'ha\n' \
  "a line cut by the crash gets a newline in the .u file"

# multilog's files: a complete current (0744) is appended to
if [ -x /usr/bin/multilog ]; then
  echo from-multilog | /usr/bin/multilog ./m
  echo from-svlog | "$BIN/svlog" ./m
  is "$(cat m/current | tr '\n' ,)" "from-multilog,from-svlog," \
    "svlog appends to a current that multilog finished"
  echo from-multilog-again | /usr/bin/multilog ./m
  is "$(tail -1 m/current)" from-multilog-again "and multilog appends to ours"
else
  skip "/usr/bin/multilog is not installed"
  skip "/usr/bin/multilog is not installed"
fi

# SIGKILL mid-stream under a pipe: every line is in the log at least once.
# The writer sends 100000 numbered lines in 1000-byte writes (cutting lines
# anywhere) every 2 ms: about 1.2 s of steady input.
n=100000
from_fifo fifo "$BIN/svlog" s65536 n1000 ./k
pid=$SPAWNED
spawn sh -c "exec \"$HELPERS/svlog_writer\" $n 1000 2000 >&3"
writer=$SPAWNED
kills=0
for round in 1 2 3 4; do
  before=$(cat k/* 2>/dev/null | wc -l)
  waitfor 10 sh -c "[ \$(cat k/* 2>/dev/null | wc -l) -gt $((before + 2000)) ]" || break
  kill -0 "$writer" 2>/dev/null || break
  kill -KILL "$pid"
  kills=$((kills + 1))
  waitfor 5 gone "$pid"
  from_fifo fifo "$BIN/svlog" s65536 n1000 ./k
  pid=$SPAWNED
done
ok "svlog was killed while the writer was still writing ($kills times)" test "$kills" -ge 2
ok "the writer finished" waitfor 30 gone "$writer"
exec 3>&-
ok "the last svlog sees the end of input" waitfor 30 gone "$pid"
ok "there were crashes to recover from" sh -c 'ls k | grep -q "\.u$"'
awk 1 k/@* k/current | sort -n -u >got
seq 1 $n >want
missing=$(comm -13 got want | wc -l)
is "$missing" 0 "no line is missing after the SIGKILLs mid-stream"
done_testing
