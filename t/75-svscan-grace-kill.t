#!/bin/sh
# svscan's KILL at the end of the grace time reaches only what is proven
# to be the service's: the children of its supervise (and their process
# groups), read while that supervise is stopped so that none can be
# reaped and its pid reused. A pid that supervise/status names is never
# taken on trust: a stale or forged status, or 0xFFFFFFFF (which kill()
# would read as -1, every process), kills nothing.
. "$(dirname "$0")/lib.sh"

gone() { ! alive "$1"; }
# forge DIR PID: DIR/supervise/status names PID (written as supervise
# writes it: a new file renamed over the old one).
forge() {
  cp "$1/supervise/status" "$1/supervise/forged" || return 1
  o=$(printf '\\%o\\%o\\%o\\%o' $(($2 & 255)) $(($2 >> 8 & 255)) \
    $(($2 >> 16 & 255)) $(($2 >> 24 & 255)))
  printf "$o" | dd of="$1/supervise/forged" bs=1 seek=12 conv=notrunc 2>/dev/null
  mv "$1/supervise/forged" "$1/supervise/status"
}

S=$(cd "$T" && pwd -P)/s
mkdir -p "$S"

# 1. A stale status (its supervise is stopped, so it cannot rewrite it)
# that names an unrelated process, which leads its own session.
spawn setsid sh -c "echo \$\$ >'$T/victim'; exec sleep 1000"
waitfor 5 test -s "$T/victim"
victim=$(cat "$T/victim")
# The service ignores TERM, and left a process in a session of its own
# that came back to its supervise (a daemon that double-forked).
mkservice "$S/stubborn" 'trap "" TERM
(setsid sh -c "trap \"\" TERM; echo \$\$ >../../daemon; exec sleep 1000" &)
exec sleep 1000'
spawn "$BIN/svscan" -g 1 "$S" 2>"$T/err"
scan=$SPAWNED
waitfor 5 has_pid "$S/stubborn"
waitfor 5 test -s "$T/daemon"
run=$(status_pid "$S/stubborn")
daemon=$(cat "$T/daemon")
sv=$(svpid "$S/stubborn")
ok "the double-forked process came back to supervise" \
  waitfor 5 sh -c "[ \"\$(awk '{print \$4}' /proc/$daemon/stat)\" = $sv ]"
kill -STOP "$sv"
forge "$S/stubborn" "$victim"
is "$(status_pid "$S/stubborn")" "$victim" "the status names the unrelated process"
kill -TERM "$scan"
wait "$scan"
is "$?" 0 "svscan stops after the grace time"
ok "the process the status names was left alone" alive "$victim"
ok "the service's own process got KILL" gone "$run"
ok "so did what it left in another session" gone "$daemon"
ok "and its supervise" gone "$sv"
like "$(cat "$T/err")" "*svscan: warning: not killing pid $victim named in stubborn/supervise/status: not a child of its supervise*" \
  "svscan says why it left the named pid alone"
kill -KILL "$victim"

# 2. 0xFFFFFFFF: kill(-1) would reach every process. svscan runs in a pid
# namespace of its own here (PID 1 of it is a shell that stays), so that
# even a broken svscan could only kill inside it.
if [ "$(id -u)" != 0 ]; then
  skip "needs root for unshare --pid"
  skip "needs root for unshare --pid"
  skip "needs root for unshare --pid"
  skip "needs root for unshare --pid"
elif ! unshare --pid --fork --mount-proc true 2>/dev/null; then
  skip "unshare --pid does not work here"
  skip "unshare --pid does not work here"
  skip "unshare --pid does not work here"
  skip "unshare --pid does not work here"
else
  rm -rf "$S" "$T/victim"
  mkdir -p "$S" "$T/v"
  mkservice "$S/stubborn" 'trap "" TERM; exec sleep 1000'
  spawn unshare --pid --fork --mount-proc sh -c "
    setsid sh -c 'cd $T/v && echo \$\$ >$T/victim && exec sleep 1000' &
    '$BIN/svscan' -g 1 '$S' 2>'$T/err2'
    echo \$? >'$T/rc'
    wait"
  waitfor 5 test -s "$T/victim"
  waitfor 5 has_pid "$S/stubborn"
  waitfor 5 in_dir "$S/stubborn" supervise
  sv=$(in_dir "$S/stubborn" supervise)
  run=$(in_dir "$S/stubborn" sleep)
  victim=$(in_dir "$T/v" sleep)
  scan=$(awk '{print $4}' "/proc/$sv/stat")
  kill -STOP "$sv"
  forge "$S/stubborn" 4294967295
  kill -TERM "$scan"
  waitfor 10 test -s "$T/rc"
  is "$(cat "$T/rc")" 0 "with a status naming pid 0xFFFFFFFF, svscan stops"
  ok "and kills no process it does not own" alive "$victim"
  ok "the service's own process got KILL" gone "$run"
  like "$(cat "$T/err2")" "*svscan: warning: not killing pid 4294967295 named in stubborn/supervise/status: not a child of its supervise*" \
    "svscan says why"
fi

done_testing
