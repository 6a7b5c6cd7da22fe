#!/bin/sh
# fghack: a program that puts itself in the background is kept in the
# foreground until the daemon is gone.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
daemonize=$HELPERS/chain_daemonize
[ -x "$daemonize" ] || skip_all "no $daemonize (make test builds it)"

state() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }
is_zombie() { [ "$(state "$1")" = Z ]; }

mkfifo gate
spawn sh -c '"$1" "$2" pids gate 7; echo $? >fghack.rc' sh "$BIN/fghack" "$daemonize"
ok "the daemon detaches (double fork, new session)" waitfor 5 test -s pids
set -- $(cat pids)
first=$1 daemon=$2
ok "the program fghack started has exited" waitfor 5 is_zombie "$first"
is "$(test -e fghack.rc && echo exited || echo running)" running \
  "fghack stays in the foreground while the daemon runs"
ok "the daemon is still running" kill -0 "$daemon"
# opening the fifo waits for the daemon to read it; bounded in case it died
timeout $((5 * SCALE)) sh -c ': >gate'
ok "fghack exits once the daemon is gone" waitfor 5 test -s fghack.rc
is "$(cat fghack.rc)" 7 "with the exit code of the program it started"

is "$("$BIN/fghack" sh -c 'exit 3'; echo $?)" 3 "a program that stays in the foreground: its exit code"
is "$("$BIN/fghack" sh -c 'for a; do echo "[$a]"; done' sh -x 'a b')" "[-x]
[a b]" "the rest of the command line is passed on verbatim"
# the most descriptors that share one pipe, in the program fghack runs
copies='for f in /proc/$$/fd/*; do readlink "$f"; done | grep "^pipe:" |
  sort | uniq -c | sort -rn | awk "NR == 1 {print \$1}"'
is "$("$BIN/fghack" sh -c "$copies")" 31 \
  "the program holds the pipe's writing end 31 times, as with daemontools"

out=$("$BIN/fghack" sh -c 'kill -9 $$' 2>&1)
is "$?:$out" "111:fghack: fatal: child crashed" "a program killed by a signal: exit 111"
out=$("$BIN/fghack" 2>&1)
is "$?:$out" "100:fghack: usage: fghack child" "no program: usage, exit 100"
out=$("$BIN/fghack" "$T/nonexistent" 2>&1)
is "$?:$out" "111:fghack: fatal: unable to run $T/nonexistent: file does not exist" \
  "a program that cannot be run is named, exit 111"

if [ -x /usr/bin/fghack ]; then
  for args in "" "$T/nonexistent" "sh -c exit\ 5" "-x true"; do
    eval "same_as_daemontools fghack $args"
  done
  same_as_daemontools fghack sh -c 'kill -9 $$' 
else
  skip "daemontools' fghack is not installed"
fi

done_testing
