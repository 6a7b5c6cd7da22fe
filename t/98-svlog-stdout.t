#!/bin/sh
# svlog's 1 action: each selected line copied to standard output with the
# prefix set by p, for container logs; whole lines in one write each, and
# a standard output that is full or closed never holds the log up.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

printf 'one\ntwo\n\nthree' | "$BIN/svlog" ./main 'pweb: ' 1 -'*' +'t*' 'perr: ' 1 >out
is "$(cat out)" "web: one
web: two
err: two
web: 
web: three
err: three" "1 copies each selected line with the prefix p set before it"
is "$(cat main/current)" "one
two

three" "and the log directory gets every line as before"

printf 'a\nb\n' | "$BIN/svlog" t 1 p 1 >plain
is "$(cat plain)" "a
a
b
b" "no p: no prefix, and p alone clears it; the stamp is not copied"

"$BIN/svlog" "p$(head -c 201 /dev/zero | tr '\0' a)" 1 </dev/null 2>long.err
is "$?" 100 "a prefix over 200 bytes is refused"
like "$(cat long.err)" "svlog: fatal: prefix longer than 200 bytes in p*" "with a message"
"$BIN/svlog" 1x </dev/null 2>/dev/null
is "$?" 100 "1 with something after it is an unknown action"

# A line longer than PIPE_BUF (4096) goes out in pieces of at most 4096
# bytes, each a line with the prefix.
head -c 10000 /dev/zero | tr '\0' x >long
echo >>long
"$BIN/svlog" ./lg 'plong: ' 1 <long >long.out
ok "a long line is logged whole in the directory" cmp -s lg/current long
is "$(awk '{ if (length($0) + 1 > 4096 || $1 != "long:") bad++ } END { print (NR >= 3), bad + 0 }' long.out)" "1 0" \
  "and copied in prefixed lines of at most 4096 bytes"
is "$(sed 's/^long: //' long.out | tr -d '\n' | wc -c | tr -d ' ')" 10000 "nothing of it is lost on stdout"

# Two loggers on one stdout (as under svscan in a container): lines of
# 3000 bytes never mix.
awk 'BEGIN { s = sprintf("%3000s", ""); gsub(/ /, "a", s); for (i = 0; i < 300; i++) print s }' >in.a
tr a b <in.a >in.b
mkfifo shared
spawn sh -c 'exec cat shared >mixed'
exec 4>shared
"$BIN/svlog" ./a 'pa: ' 1 <in.a >&4 &
pa=$!
"$BIN/svlog" ./b 'pb: ' 1 <in.b >&4 &
pb=$!
wait $pa $pb
exec 4>&-
ok "the reader sees the end" waitfor 10 sh -c '[ "$(wc -l <mixed)" -ge 600 ]'
is "$(awk -v a="a: $(head -n 1 in.a)" -v b="b: $(head -n 1 in.b)" '$0 == a || $0 == b { n++ } END { print n + 0 }' mixed)" 600 "two loggers' copies on one pipe never mix"

# A full stdout (a pipe nobody reads): the directory gets everything and
# svlog does not wait for stdout.
mkfifo stuck
exec 6<>stuck # held open, never read: fills at 64 KB
spawn sh -c 'exec sleep 600' >&6 # another writer of the same description
sharer=$SPAWNED
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "line %05d of a log that nobody reads on stdout\n", i }' >many
"$BIN/svlog" s16777215 ./full 'pfull: ' 1 <many >&6 2>full.err &
pf=$!
ok "a full stdout does not hold the log up" waitfor 10 gone $pf
ok "the directory has every line" cmp -s full/current many
like "$(cat full.err)" "*standard output is full*" "svlog says it stopped copying"
flags=$(awk '/^flags:/ { print $2 }' "/proc/$sharer/fdinfo/1")
is "$(((0$flags & 04000) != 0))" 0 "the shared stdout is left blocking for its other writers"
exec 6>&-

# stdout closed: svlog is not killed by SIGPIPE and goes on logging.
mkfifo closed
spawn sh -c 'exec head -n 1 closed >/dev/null'
"$BIN/svlog" s16777215 ./cl 1 <many >closed 2>closed.err
is "$?" 0 "a stdout whose reader left does not stop svlog"
ok "the directory has every line" cmp -s cl/current many
like "$(cat closed.err)" "*no more copies to standard output*" "and svlog says so once"

# Under svscan: the logger's stdout is svscan's (the container's log).
S=$T/s
mkservice "$S/web" 'echo hello from web; exec sleep 600'
mkservice "$S/web/log" "exec $BIN/svlog ./main 'pweb: ' 1"
spawn "$BIN/svscan" "$S" >scan.out 2>scan.err
ok "svscan's stdout shows the service's line with its prefix" \
  waitfor 10 grep -qx 'web: hello from web' scan.out
ok "and the log directory has it" grep -qx 'hello from web' "$S/web/log/main/current"

done_testing
