#!/bin/sh
# svlog rotates current at line boundaries before it exceeds the size,
# keeps n-1 old files, rotates on ALRM and by age, and exits cleanly on TERM.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
# from_fifo FIFO CMD...: spawn CMD reading FIFO (a background job started
# by a function would read /dev/null)
from_fifo() { spawn sh -c 'f=$1; shift; exec "$@" <"$f" 3>&-' sh "$@"; }

seq 1 5000 >lines
"$BIN/svlog" s4096 n1000 ./d <lines
all_ok=0
for f in d/@*.s; do
  s=$(wc -c <"$f")
  [ "$s" -le 4096 ] || all_ok=1
  [ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || all_ok=1
done
is "$all_ok" 0 "no finished file exceeds the size, each ends with a newline"
ok "the files were rotated" test "$(ls d | grep -c '^@')" -gt 3
cat d/@*.s d/current >joined
ok "nothing lost or reordered across rotations" cmp -s lines joined
tight=0
prev=""
for f in d/@*.s d/current; do
  if [ -n "$prev" ]; then
    first=$(head -1 "$f" | wc -c)
    [ $(($(wc -c <"$prev") + first)) -gt 4096 ] || tight=1
  fi
  prev=$f
done
is "$tight" 0 "a file is rotated only when the next line would not fit"
for f in d/@*.s; do [ "$(stat -c %a "$f")" = 744 ] || tight=2; done
is "$tight" 0 "finished files are 0744"

"$BIN/svlog" s4096 n3 ./n3 <lines
is "$(ls n3 | grep -c '^@')" 2 "n3 keeps two old files"
cat n3/@*.s n3/current >n3joined
is "$(tail -1 n3joined)" 5000 "the newest lines are the ones kept"
if [ -x /usr/bin/multilog ]; then
  /usr/bin/multilog s4096 n3 ./ml <lines
  is "$(ls n3 | grep -c '^@')" "$(ls ml | grep -c '^@')" "as many old files as multilog keeps"
else
  skip "/usr/bin/multilog is not installed"
fi

"$BIN/svlog" s100 n1000 ./small <lines
ok "sizes below 4096 count as 4096" test "$(wc -c <"$(ls small/@*.s | head -1)")" -gt 4000

printf '%s\n' "$(printf '%010000d' 7)" | "$BIN/svlog" s4096 n100 ./long
big=0
for f in long/@*.s long/current; do [ "$(wc -c <"$f")" -le 4096 ] || big=1; done
is "$big" 0 "a line longer than the size is cut where the file is full"
is "$(cat long/@*.s long/current | tr -d '\n' | wc -c | tr -d ' ')" 10000 \
  "and no byte of it is lost"

echo x | "$BIN/svlog" s5000000000 ./huge
is "$?" 0 "sizes beyond 2 GB are accepted"
seq 1 3000 | "$BIN/svlog" s3G ./huge2
is "$(ls huge2 | grep -c '^@')" 0 "a size with a G suffix does not rotate a small log"

# ALRM and TERM with a long-lived pipe
mkfifo fifo
exec 3<>fifo
from_fifo fifo "$BIN/svlog" ./al
pid=$SPAWNED
echo hello >&3
waitfor 5 test -s al/current
kill -ALRM "$pid"
ok "ALRM rotates current now" waitfor 5 sh -c 'ls al | grep -q "^@.*\.s$"'
ok "and leaves an empty current" test ! -s al/current
is "$(cat al/@*.s)" hello "the rotated file holds the line"
# svlog may still be finishing the first rotation (fsync) when the test
# sees its files: let it get back to its wait before the next ALRM.
idle() {
  case $(cut -d' ' -f1 /proc/$pid/syscall 2>/dev/null) in
  232 | 281 | 441) return 0 ;; # epoll_wait, epoll_pwait, epoll_pwait2 (x86-64)
  esac
  return 1
}
waitfor 5 idle || true
kill -ALRM "$pid"
waitfor 5 idle || true
echo again >&3
waitfor 5 test -s al/current
is "$(ls al | grep -c '^@')" 1 "ALRM with an empty current makes no empty file"
printf 'unfini' >&3
kill -TERM "$pid"
ok "TERM makes svlog exit" waitfor 5 sh -c "! kill -0 $pid 2>/dev/null"
wait "$pid"
is "$?" 0 "with status 0"
is "$(stat -c %a al/current)" 744 "current is marked complete (0744)"
is "$(cat al/current)" again "a line not finished yet is not written..."
from_fifo fifo "$BIN/svlog" ./al
pid=$SPAWNED
printf 'shed\n' >&3
ok "...it stays in the pipe for the next svlog" waitfor 5 grep -qx unfinished al/current
is "$(ls al | grep -c '\.u$')" 0 "a clean exit leaves no .u file"
kill -TERM "$pid"
waitfor 5 sh -c "! kill -0 $pid 2>/dev/null"

# rotation by age
from_fifo fifo "$BIN/svlog" a1 ./age
pid=$SPAWNED
echo old >&3
ok "a1 rotates a non-empty current after a second" waitfor 5 sh -c 'ls age | grep -q "^@.*\.s$"'
is "$(cat age/@*.s)" old "the aged file holds the line"
exec 3>&-
ok "svlog exits at the end of input" waitfor 5 sh -c "! kill -0 $pid 2>/dev/null"
is "$(ls age | grep -c '^@')" 1 "an empty current is never rotated by age"
done_testing
