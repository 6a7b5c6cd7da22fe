#!/bin/sh
# svscan finds service directories: one supervise per directory with an
# executable run, dot-directories and run-less ones skipped, new ones
# picked up at once, removed ones stopped.
. "$(dirname "$0")/lib.sh"

gone() { ! alive "$1"; }

S=$T/s
mkdir -p "$S"
mkservice "$S/one" 'exec sleep 1000'
mkservice "$S/two" 'exec sleep 1000'
mkservice "$S/.hidden" 'exec sleep 1000'
mkdir "$S/empty"
echo not a dir >"$S/file"
mkservice "$T/elsewhere" 'exec sleep 1000'
ln -s "$T/elsewhere" "$S/linked"

spawn "$BIN/svscan" "$S" 2>"$T/err"
scan=$SPAWNED

ok "a supervise runs for each service directory" waitfor 5 sh -c "[ -s '$S/one/supervise/status' ] && [ -e '$S/two/supervise/status' ]"
waitfor 5 has_pid "$S/one"
waitfor 5 has_pid "$S/two"
ok "the service of each directory is started" has_pid "$S/two"
ok "a symlink to a service directory counts" waitfor 5 has_pid "$T/elsewhere"
is "$(ppid_of "$(svpid "$S/one")")" "$scan" "the supervise is svscan's child"
is "$(readlink "/proc/$(svpid "$S/one")/exe")" "$(cd "$BIN" && pwd -P)/supervise" \
  "svscan starts the supervise installed beside it"
ok "a dot-directory is skipped" test ! -e "$S/.hidden/supervise"
ok "a directory without run is skipped" test ! -e "$S/empty/supervise"
ok "the skipped directory gets a warning" grep -q "svscan: warning: ignoring empty: no executable run" "$T/err"
ok "a plain file is ignored silently" sh -c "! grep -q file '$T/err'"

# A new directory is found through inotify, without waiting for a rescan.
t0=$(date +%s%N)
mkservice "$S/three" 'exec sleep 1000'
ok "a new service directory is picked up at once" waitfor 1 has_pid "$S/three"
t1=$(date +%s%N)
echo "# picked up in $(((t1 - t0) / 1000000)) ms"

# mkdir first, run written later, then chmod: seen at the chmod.
mkdir "$S/four"
printf '#!/bin/sh\nexec sleep 1000\n' >"$S/four/run"
waitfor 2 grep -q "ignoring four" "$T/err"
ok "a run that is not executable starts nothing" sh -c "! test -e '$S/four/supervise/status'"
chmod +x "$S/four/run"
ok "a directory whose run becomes executable starts" waitfor 1 has_pid "$S/four"

# Renaming a service is not a new service: identity is device + inode.
pid_two=$(status_pid "$S/two")
sv_two=$(svpid "$S/two")
mv "$S/two" "$S/two-renamed"
kill -HUP "$scan"
mkservice "$S/five" 'exec sleep 1000'
waitfor 2 has_pid "$S/five"
is "$(status_pid "$S/two-renamed")" "$pid_two" "a renamed service keeps running untouched"
ok "and keeps its supervise" alive "$sv_two"

# A removed directory: its supervise stops the service and exits.
run_one=$(status_pid "$S/one")
sv_one=$(svpid "$S/one")
mv "$S/one" "$T/one-removed"
ok "a removed directory's service is stopped" waitfor 3 gone "$run_one"
ok "and its supervise exits" waitfor 3 gone "$sv_one"
ok "svscan itself keeps running" alive "$scan"

# log/ added to a running service is noticed at the next rescan (HUP).
mkservice "$S/three/log" 'exec cat >log.out'
kill -HUP "$scan"
ok "a log/ added later gets its logger after SIGHUP" waitfor 3 has_pid "$S/three/log"

# A supervise that dies is started again promptly.
sv_five=$(svpid "$S/five")
kill -KILL "$sv_five"
t0=$(date +%s%N)
ok "a killed supervise is started again within a second or so" waitfor 2 new_svpid "$S/five" "$sv_five"
t1=$(date +%s%N)
echo "# restarted in $(((t1 - t0) / 1000000)) ms"

# No supervise beside svscan: the one on the PATH.
kill -TERM "$scan"
wait "$scan"
mkdir "$T/lonely" "$T/s2"
cp "$BIN/svscan" "$T/lonely/svscan"
mkservice "$S/../s2/x" 'exec sleep 1000'
spawn "$T/lonely/svscan" "$T/s2" 2>"$T/err"
scan=$SPAWNED
waitfor 5 has_pid "$T/s2/x"
is "$(readlink "/proc/$(svpid "$T/s2/x")/exe")" "$(cd "$BIN" && pwd -P)/supervise" \
  "without a supervise beside it, svscan uses the one on the PATH"
kill -TERM "$scan"
wait "$scan"

# -r 1: a periodic rescan notices a log/ added later without a signal.
spawn "$BIN/svscan" -r 1 "$T/s2" 2>"$T/err"
scan=$SPAWNED
waitfor 5 has_pid "$T/s2/x"
mkservice "$T/s2/x/log" 'exec cat >/dev/null'
ok "with -r 1, a log/ added later is noticed by the periodic rescan" waitfor 3 has_pid "$T/s2/x/log"
kill -TERM "$scan"
wait "$scan"

done_testing
