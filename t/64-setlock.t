#!/bin/sh
# setlock: flock() contention, -n -N -x -X, and daemontools compatibility.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
[ -r /proc/locks ] || skip_all "no /proc/locks"

# holder LOCKFILE GATE: spawn setlock holding LOCKFILE until GATE (a fifo)
# gets a line; waits until the lock is taken.
holder() {
  mkfifo "$2"
  spawn "$BIN/setlock" "$1" sh -c 'read x <"$1"' sh "$2"
  holder_pid=$SPAWNED
  waitfor 5 lock_held_by "$holder_pid" "$1"
}
# release GATE: let the holder go (bounded: a broken holder never reads).
release() { timeout $((5 * SCALE)) sh -c 'echo go >"$1"' sh "$1"; }
inode() { stat -c %i "$1"; }
# bounded CMD...: CMD, killed after 5 s (a broken -n would wait forever).
bounded() { timeout $((5 * SCALE)) "$@"; }
# lock_held_by PID FILE: PID holds a flock on FILE.
lock_held_by() {
  grep -v -- '->' /proc/locks | grep -q " FLOCK .* $1 [0-9a-f:]*:$(inode "$2") "
}
# someone_waits FILE: a flock request on FILE is blocked.
someone_waits() { grep -- '-> FLOCK' /proc/locks | grep -q ":$(inode "$1") "; }

"$BIN/setlock" lk true
is "$(stat -c %a lk)" 600 "the lock file is created, mode 0600"
is "$("$BIN/setlock" lk sh -c 'echo ran')" ran "the program runs while holding the lock"
is "$("$BIN/setlock" lk sh -c 'for a; do echo "[$a]"; done' sh -n 'a b')" "[-n]
[a b]" "the rest of the command line is passed on verbatim"

ok "the lock is held by the program itself" holder lk gate1
out=$(bounded "$BIN/setlock" -n lk true 2>&1)
is "$?:$out" "111:setlock: fatal: unable to lock lk: temporary failure" \
  "-n: a held lock fails at once, naming the file, exit 111"
out=$(bounded "$BIN/setlock" -nx lk echo ran 2>&1)
is "$?:$out" "0:" "-n -x: a held lock exits 0 quietly without running the program"
out=$(bounded "$BIN/setlock" -n -x -X lk true 2>&1)
is "$?" 111 "-X undoes -x"

spawn sh -c '"$1" lk touch waited; echo $? >waited.rc' sh "$BIN/setlock"
ok "without -n setlock waits for the lock" waitfor 5 someone_waits lk
is "$(test -e waited && echo ran || echo waiting)" waiting \
  "the waiting program has not run yet"
release gate1
ok "once the lock is released the waiting program runs" waitfor 5 test -e waited.rc
is "$(cat waited.rc)" 0 "and setlock exits with its status"

spawn "$BIN/setlock" -N -n -N lk touch waited2
ok "-N undoes -n" waitfor 5 test -e waited2

holder lk gate2
spawn "$BIN/setlock" lk sh -c 'echo $$ >pid2; read x <gate3'
waitfor 5 someone_waits lk
mkfifo gate3
release gate2
ok "the lock passes to the next waiter" waitfor 5 test -s pid2
ok "which holds it in turn" lock_held_by "$(cat pid2)" lk
release gate3

out=$("$BIN/setlock" "$T/no/such/dir/lk" true 2>&1)
is "$?:$out" "111:setlock: fatal: unable to open $T/no/such/dir/lk: file does not exist" \
  "a lock file that cannot be opened is named, exit 111"
out=$("$BIN/setlock" -x "$T/no/such/dir/lk" true 2>&1)
is "$?:$out" "0:" "-x: an unopenable lock file exits 0 quietly"
out=$("$BIN/setlock" lk "$T/nonexistent" 2>&1)
is "$?:$out" "111:setlock: fatal: unable to run $T/nonexistent: file does not exist" \
  "a program that cannot be run is named"
usage="setlock: usage: setlock [ -nNxX ] file program [ arg ... ]"
out=$("$BIN/setlock" lk 2>&1)
is "$?:$out" "100:$usage" "no program: usage, exit 100"
out=$("$BIN/setlock" -q lk true 2>&1)
is "$?:$out" "100:setlock: illegal option -- q
$usage" "an unknown option is named, then the usage"

if [ -x /usr/bin/setlock ]; then
  holder lk gate4
  out=$(bounded /usr/bin/setlock -n lk true 2>&1)
  is "$?" 111 "daemontools' setlock sees our lock"
  release gate4
  mkfifo gate5
  spawn /usr/bin/setlock lk sh -c 'read x <"$1"' sh gate5
  waitfor 5 lock_held_by "$SPAWNED" lk
  out=$(bounded "$BIN/setlock" -n lk true 2>&1)
  is "$?:$out" "111:setlock: fatal: unable to lock lk: temporary failure" \
    "we see daemontools' lock"
  release gate5
  for args in "" "lk" "-q lk true" "$T/no/such/dir/lk true" \
    "-x $T/no/such/dir/lk true" "lk $T/nonexistent" "-- lk echo hi" "-nxX lk true"; do
    same_as_daemontools setlock $args
  done
else
  skip "daemontools' setlock is not installed"
fi

done_testing
