#!/bin/sh
# svlog against a hostile log directory and absurd scripts (issue 9): no
# entry of a log directory is followed if it is a symlink; sizes and ages
# never wrap; an unfinished line costs no CPU with an age; a failing or
# hanging processor never keeps svlog from leaving on TERM, is retried
# with a growing delay and is shown in DIR/trouble; a stray entry named
# like an old file is left alone; no script at all is multilog's
# "read and do nothing"; an empty action is named.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
# in_log DIR LINE: LINE is in one of DIR's files
in_log() { cat "$1"/@* "$1"/current 2>/dev/null | grep -qx "$2"; }
# unchanged FILE: the content and mode saved by keep are still there
keep() { printf '%s %s\n' "$(stat -c %a "$1")" "$(cksum <"$1")" >"$1.was"; }
unchanged() { [ "$(stat -c %a "$1") $(cksum <"$1")" = "$(cat "$1.was")" ]; }
# no_secret DIR: no file of DIR (symlinks not followed) holds a secret
no_secret() { ! find "$1" -type f -exec cat {} + | grep -q secret; }

mkdir outside
for f in current lock state ml previous processed eq; do
  printf 'secret %s\n' "$f" >outside/$f
  chmod 600 outside/$f
  keep outside/$f
done
chmod 700 outside/processed
keep outside/processed

# ---- symlinks in the log directory: refused with one warning, then
# ---- svlog goes on once the entry is gone, and nothing is lost
for name in current lock state; do
  mkdir "l$name"
  ln -s "$T/outside/$name" "l$name/$name"
  new_fifo
  from_fifo "$F" "$BIN/svlog" "./l$name"
  pid=$SPAWNED
  echo "to $name" >&3
  ok "a symlink at $name: svlog says it will not use it" \
    waitfor 5 grep -q "svlog: warning: unable to [a-z]* $name in ./l$name; pausing, will retry: file of the wrong type" "$F.err"
  ok "the file it points to is untouched (content and mode)" unchanged "outside/$name"
  ok "svlog keeps running" kill -0 "$pid"
  rm "l$name/$name"
  ok "once the symlink is gone, the line is logged" waitfor 5 in_log "l$name" "to $name"
  ok "and svlog says it resumed" grep -q "svlog: warning: resumed writing" "$F.err"
  ok "$name is now a file of svlog's own" test -f "l$name/$name" -a ! -L "l$name/$name"
  is "$(grep -c 'pausing, will retry' "$F.err")" 1 "the warning is given once"
  kill -TERM "$pid"
  waitfor 5 gone "$pid"
done

mkdir dangling
ln -s "$T/outside/created" dangling/current
new_fifo
from_fifo "$F" "$BIN/svlog" ./dangling
pid=$SPAWNED
echo dangling >&3
waitfor 5 grep -q "pausing, will retry" "$F.err"
ok "a dangling symlink at current creates no file where it points" test ! -e outside/created
kill -TERM "$pid"
waitfor 5 gone "$pid"

# crash recovery meets symlinks: previous (no processor), processed (u+x)
mkdir rec
ln -s "$T/outside/previous" rec/previous
new_fifo
from_fifo "$F" "$BIN/svlog" ./rec
pid=$SPAWNED
echo rec >&3
ok "a symlink at previous is not finished" \
  waitfor 5 grep -q "unable to finish previous in ./rec; pausing, will retry: file of the wrong type" "$F.err"
ok "what it points to keeps its mode" unchanged outside/previous
rm rec/previous
ok "once it is gone, svlog goes on" waitfor 5 in_log rec rec
ok "and the old files hold nothing from outside" no_secret rec
kill -TERM "$pid"
waitfor 5 gone "$pid"
mkdir rec2
ln -s "$T/outside/processed" rec2/processed
echo rec2 | "$BIN/svlog" ./rec2
ok "a symlink at processed (which looks complete) is not finished" unchanged outside/processed
ok "it is removed, not followed" test ! -e rec2/processed -a ! -L rec2/processed
ok "and the old files hold nothing from outside" no_secret rec2

# =file: refused at start, with the reason, and nothing written through it
ln -s "$T/outside/eq" eqlink
echo x | "$BIN/svlog" =eqlink ./eqd 2>err
is "$?:$(cat err)" "111:svlog: fatal: unable to open eqlink: file of the wrong type" \
  "a symlink as =file is refused (111), and said so"
ok "the file it points to is untouched" unchanged outside/eq

# the processor's files: planted while svlog runs, they are replaced, not
# written through; a symlink at previous is never given to the processor
mkdir proc
new_fifo
from_fifo "$F" "$BIN/svlog" '!cat; while [ ! -e ../go ]; do sleep 0.01; done; echo new >&5' ./proc
pid=$SPAWNED
echo one >&3
waitfor 5 in_log proc one
ln -s "$T/outside/processed" proc/processed
ln -s "$T/outside/state" proc/newstate
kill -ALRM "$pid"
ok "the processor runs" waitfor 5 test -f proc/previous
waitfor 5 sh -c 'test -f proc/newstate && ! test -L proc/newstate'
rm -f proc/newstate
ln -s "$T/outside/ml" proc/newstate
touch go
ok "the processor's output becomes an old file" \
  waitfor 5 sh -c 'cat proc/@*.s 2>/dev/null | grep -qx one'
ok "nothing was written through processed" unchanged outside/processed
ok "a symlink at newstate does not become state" test ! -L proc/state
ok "and what it points to is untouched" unchanged outside/ml
kill -TERM "$pid"
waitfor 5 gone "$pid"
rm -f go

mkdir prev
printf 'x\n' >prev/current
chmod 744 prev/current
ln -s "$T/outside/previous" prev/previous
new_fifo
from_fifo "$F" "$BIN/svlog" '!cat' ./prev
pid=$SPAWNED
ok "a processor is not run on a symlink at previous" \
  waitfor 5 grep -q "svlog: warning: unable to open ./prev/previous for the processor: file of the wrong type" "$F.err"
ok "the failure is reported" grep -q "processor of ./prev failed" "$F.err"
ok "nothing from outside reaches the log" no_secret prev
kill -TERM "$pid"
waitfor 5 gone "$pid"

# ---- a stray entry named like an old file (defect 11)
mkdir stray stray/@400000000000000000000000.s
seq 1 5000 >lines
timeout -s KILL 20 "$BIN/svlog" s4096 n3 ./stray <lines 2>err
is "$?" 0 "a directory named like an old file does not stall svlog"
is "$(grep -c 'leaving ./stray/@400000000000000000000000.s alone: not a regular file' err)" 1 \
  "it is left alone, with one warning"
ok "and is still there" test -d stray/@400000000000000000000000.s
is "$(find stray -name '@*' -type f | wc -l | tr -d ' ')" 2 "n3 keeps two old files of its own"
is "$(cat stray/current | tail -1)" 5000 "the newest lines are logged"

# ---- sizes and ages never wrap (defect 7)
seq 1 3000 | "$BIN/svlog" s17179869184G ./bigsize 2>err
is "$(ls bigsize | grep -c '^@')" 0 "s17179869184G does not rotate a small log"
is "$(wc -l <bigsize/current | tr -d ' ')" 3000 "and keeps every line"
is "$(cat err)" "svlog: warning: size too large, using 1 TB: s17179869184G" "the cap is said"
seq 1 3000 | "$BIN/svlog" s99999999999999999999999 ./bigsize2 2>err
is "$(ls bigsize2 | grep -c '^@'):$(cat err)" \
  "0:svlog: warning: size too large, using 1 TB: s99999999999999999999999" \
  "any number of digits is capped, never wrapped"
echo x | "$BIN/svlog" sk ./d 2>err
is "$?:$(cat err)" "100:svlog: fatal: invalid size in sk" "a size without digits is refused"

new_fifo
from_fifo "$F" "$BIN/svlog" a200000d n5 ./age
pid=$SPAWNED
for i in 1 2 3 4 5 6 7 8; do
  echo "line $i" >&3
  waitfor 5 in_log age "line $i"
done
kill -TERM "$pid"
waitfor 5 gone "$pid"
is "$(ls age | grep -c '^@')" 0 "a200000d (meant as never) does not rotate"
is "$(grep -c line age/current)" 8 "and no line is lost"
is "$(cat "$F.err")" "svlog: warning: age too large, using 36500 days: a200000d" \
  "the cap is said"
echo x | "$BIN/svlog" a36500d ./age2 2>err
is "$?:$(cat err)" "0:" "36500 days is the ceiling, not capped"
echo x | "$BIN/svlog" a ./age3 2>err
is "$?:$(cat err)" "100:svlog: fatal: invalid age in a" "an age without digits is refused"

# ---- an unfinished line with an age option costs no CPU (defect 8)
new_fifo
from_fifo "$F" "$BIN/svlog" a1 s1000000 ./spin
pid=$SPAWNED
echo first >&3
waitfor 5 in_log spin first
# longer than svlog's input buffer, whatever the pipe's size: its start is
# written in pieces, and the rest waits for its newline. How much is
# written depends on where the pieces were cut: at least 200000 bytes less
# svlog's largest buffer (SVLOG_OBUF, 196608), so more than 1000.
head -c 200000 /dev/zero | tr '\0' x >&3
ok "the start of a long line is written" \
  waitfor 5 sh -c '[ "$(wc -c <spin/current)" -gt 1006 ]'
sleep 1.1 # the age passes while the line is unfinished: a window to measure
# CPU time, and (whatever the load) how often svlog reads its copy of the pipe
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
r0=$(awk '/^syscr/ {print $2}' "/proc/$pid/io")
sleep 1
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
r1=$(awk '/^syscr/ {print $2}' "/proc/$pid/io")
ok "waiting for the end of the line costs no CPU ($((t1 - t0)) ticks in 1 s)" \
  test $((t1 - t0)) -le 3
ok "and svlog does not loop ($((r1 - r0)) reads in 1 s)" test $((r1 - r0)) -le 10
echo >&3
ok "when the line ends, current is rotated by age" \
  waitfor 5 sh -c 'ls spin | grep -q "^@.*\.s$"'
is "$(cat spin/@*.s | wc -c | tr -d ' ')" 200007 "with the whole line in it"
kill -TERM "$pid"
waitfor 5 gone "$pid"

# ---- a failing processor (defect 10): retried 1 s, 2 s, 4 s ... apart,
# ---- shown in DIR/trouble, and TERM still works
seq 1 3000 >lines
new_fifo
from_fifo "$F" "$BIN/svlog" s4096 '!typo-no-such-processor' ./fail
pid=$SPAWNED
spawn sh -c 'cat lines >&3'
ok "a failed processor is run again after 1 s, then 2 s, then 4 s" \
  waitfor 10 grep -q "svlog: warning: processor of ./fail failed; will run it again in 4 seconds: exit status 127" "$F.err"
is "$(grep -c 'processor of ./fail failed' "$F.err")" 3 "one warning per failure"
ok "DIR/trouble says what holds the log up" waitfor 5 grep -q \
  "^@[0-9a-f]\{24\} processor failed 3 times in a row; will run it again in 4 seconds: exit status 127$" fail/trouble
kill -TERM "$pid"
ok "TERM makes svlog leave within a second" waitfor 1 gone "$pid"
gone "$pid" && wait "$pid"
is "$?" 111 "with 111: the lines not written are still in the pipe"
from_fifo "$F" "$BIN/svlog" s4096 '!cat' ./fail
pid=$SPAWNED
ok "with a working processor, every line gets through" \
  waitfor 10 sh -c 'cat fail/@* fail/current 2>/dev/null | sort -n -u | cmp -s - lines'
ok "and DIR/trouble is gone" waitfor 5 test ! -e fail/trouble
kill -TERM "$pid"
waitfor 5 gone "$pid"

# a processor that hangs: TERM within a second, the processor stopped too
new_fifo
from_fifo "$F" "$BIN/svlog" s4096 '!cat; echo $$ >../hang.pid; exec sleep 1000' ./hang
pid=$SPAWNED
spawn sh -c 'cat lines >&3'
waitfor 5 test -s hang.pid
ok "the next rotation waits for the processor" \
  waitfor 5 sh -c '[ "$(wc -c <hang/current)" -ge 4090 ]'
kill -TERM "$pid"
ok "TERM makes svlog leave within a second" waitfor 1 gone "$pid"
ok "and the processor is stopped" waitfor 1 gone "$(cat hang.pid)"
ok "previous stays for the next svlog" test -f hang/previous
from_fifo "$F" "$BIN/svlog" s4096 '!cat' ./hang
pid=$SPAWNED
ok "which processes it, and nothing is lost" \
  waitfor 10 sh -c 'cat hang/@* hang/current 2>/dev/null | sort -n -u | cmp -s - lines'
kill -TERM "$pid"
waitfor 5 gone "$pid"

# input from a file: TERM while the rotation waits writes what was read
spawn sh -c 'exec "$0" s4096 "!exit 1" ./rd <lines 2>rd.err' "$BIN/svlog"
pid=$SPAWNED
waitfor 10 grep -q "in 2 seconds" rd.err
kill -TERM "$pid"
ok "input not a pipe: TERM makes svlog leave within a second" waitfor 1 gone "$pid"
gone "$pid" && wait "$pid"
is "$?" 0 "with 0"
ok "after writing every line it read" \
  sh -c 'cat rd/previous rd/current | sort -n -u | cmp -s - lines'
exec 3>&-

# ---- no script at all, and an empty action (defects 17 and 16)
printf 'a\nb' | "$BIN/svlog" >out 2>err
got="$?:$(cat out err)"
if [ -x /usr/bin/multilog ]; then
  printf 'a\nb' | /usr/bin/multilog >out 2>err
  is "$got" "$?:$(cat out err)" "no script: as multilog, read the input, print nothing, exit 0"
else
  is "$got" "0:" "no script: read the input, print nothing, exit 0 (as multilog)"
fi
{
  seq 1 100000
  echo $? >seq.rc
} | "$BIN/svlog"
is "$(cat seq.rc)" 0 "the whole input is read (the writer gets no SIGPIPE)"
echo x | "$BIN/svlog" ./e1 '' 2>err
is "$?:$(cat err)" "100:svlog: fatal: empty action in the script (argument 2)" \
  "an empty action is refused, and its place is named"
done_testing
