#!/bin/sh
# supervise under injected faults: a full disk under the service directory,
# no fd left, no process left (fork fails), a read-only file system. Each
# time the service is still stopped or started as asked, supervise says
# why it cannot do the rest, does not spin, does not die, and writes a
# right status as soon as it can.
# The file systems are small tmpfs mounts in a mount namespace of the test
# (unshare -m), so that none outlives it.
if [ -z "${TEND_T74_NS:-}" ] && command -v unshare >/dev/null 2>&1 &&
  unshare -m --propagation private true 2>/dev/null; then
  TEND_T74_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
command -v prlimit >/dev/null || skip_all "prlimit (util-linux) is not installed"
# small_fs DIR SIZE: a tmpfs of SIZE at DIR; on failure, why it failed in
# $why.
MOUNTS=""
small_fs() {
  mkdir -p "$1" || return 1
  if ! mount -t tmpfs -o "size=$2,mode=755" tmpfs "$1" 2>"$T/mount.err"; then
    why="mount -t tmpfs is not allowed here: $(cat "$T/mount.err")"
    return 1
  fi
  MOUNTS="$1 $MOUNTS"
}
trap 'for m in $MOUNTS; do umount -l "$m" 2>/dev/null; done; cleanup' EXIT
down() { [ "$(status_field "$1" state)" = 0 ] && no_pid "$1"; }
# stop_unwritable DIR ERR WHAT REASON [WHILE]: svc -d stops the service of
# DIR (pid $pid) though its status cannot be written (the check named
# after WHAT), supervise says why (REASON) in ERR, and does not spin
# (WHILE: the rest of that check's name).
stop_unwritable() {
  "$BIN/svc" -d "$1"
  ok "$3: svc -d stops the service all the same" waitfor 5 gone "$pid"
  ok "the failed status write is reported, with the reason" waitfor 5 grep -qx \
    "supervise: warning: unable to write $1/supervise/status: $4" "$2"
  ticks=$(spin_window "$SUP")
  ok "supervise does not spin${5:-} (cpu ticks in 2 s: $ticks)" [ "$ticks" -lt 20 ]
}

# A full disk: the stop happens, the status waits for room.
if small_fs "$T/full" 256k; then
  S=$T/full/svc
  mkservice "$S" "exec sleep 1000"
  start_supervise "$S" "$T/full.err"
  dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null
  stop_unwritable "$S" "$T/full.err" "full disk" "out of disk space" " while the disk is full"
  is "$(stat -c %s "$S/supervise/status")" 80 "the old status is left whole (80 bytes)"
  ok "supervise is still running" kill -0 "$SUP"
  rm -f "$T/full/filler"
  ok "once there is room, the status says down" waitfor 5 down "$S"
  ok "and the recovery is reported" grep -qx \
    "supervise: warning: writing $S/supervise/status again" "$T/full.err"
  "$BIN/svc" -x "$S"
  ok "svc -x: supervise exits" waitfor 5 gone "$SUP"
else
  for i in 1 2 3 4 5 6 7 8; do skip "$why"; done
fi

# No fd left: commands still work (the control FIFO is open), and the
# status is written once an fd is free again.
S=$T/nofd
mkservice "$S" "exec sleep 1000"
start_supervise "$S" "$T/nofd.err"
free=0
while [ -e "/proc/$SUP/fd/$free" ]; do free=$((free + 1)); done
soft=$(prlimit --pid "$SUP" --nofile --output SOFT --noheadings | tr -d ' ')
prlimit --pid "$SUP" --nofile="$free":
stop_unwritable "$S" "$T/nofd.err" "no fd left" "process cannot open more files" " without fds"
ok "supervise is still running" kill -0 "$SUP"
prlimit --pid "$SUP" --nofile="$soft":
ok "once fds are free, the status says down" waitfor 5 down "$S"
"$BIN/svc" -x "$S"
ok "svc -x: supervise exits" waitfor 5 gone "$SUP"

# fork fails (RLIMIT_NPROC of an account of our own, which root ignores):
# the start is retried once a second, and happens once it can.
NPROC_UID=$((3000000 + $$ % 1000000))
if [ "$(id -u)" != 0 ]; then
  for i in 1 2 3 4 5; do skip "switching to another uid needs root"; done
elif ! command -v setpriv >/dev/null 2>&1; then
  for i in 1 2 3 4 5; do skip "setpriv (util-linux) is not installed"; done
elif ! public_bin supervise; then
  for i in 1 2 3 4 5; do skip "unable to copy supervise to a public directory"; done
else
  chmod 711 "$T"
  P=$T/nproc
  mkservice "$P" "exec sleep 1000"
  chown -R "$NPROC_UID:$NPROC_UID" "$P"
  as_uid() { setpriv --reuid="$NPROC_UID" --regid="$NPROC_UID" --clear-groups "$@"; }
  spawn prlimit --nproc=1: setpriv --reuid="$NPROC_UID" --regid="$NPROC_UID" \
    --clear-groups "$PUB/supervise" "$P" 2>"$T/nproc.err"
  SUP=$SPAWNED
  two() { [ "$(grep -c "^supervise: warning: unable to fork for $P/run: temporary failure$" "$T/nproc.err")" -ge 2 ]; }
  ok "fork fails: reported, and retried" waitfor 10 two
  ticks=$(spin_window "$SUP")
  ok "supervise does not spin while fork fails (cpu ticks in 2 s: $ticks)" [ "$ticks" -lt 20 ]
  like "$("$BIN/svstat" "$P")" "*: down * seconds, normally up, want up" "svstat: down, want up"
  as_uid prlimit --pid "$SUP" --nproc=100:
  ok "once it can fork, the service starts" waitfor 5 has_pid "$P"
  "$BIN/svc" -dx "$P"
  ok "svc -dx: supervise exits" waitfor 5 gone "$SUP"
fi

# A read-only file system: no supervise/ can be made there.
if small_fs "$T/ro" 256k; then
  R=$T/ro/svc
  mkservice "$R" "exec sleep 1000"
  mount -o remount,ro "$T/ro"
  timeout $((10 * SCALE)) "$BIN/supervise" "$R" 2>"$T/ro.err"
  is "$?:$(cat "$T/ro.err")" "111:supervise: fatal: unable to create $R/supervise: read-only file system" \
    "read-only service directory without supervise/: fatal error, exit 111"
  mount -o remount,rw "$T/ro"
else
  skip "$why"
fi

# The file system goes read-only under a running supervise (as at
# shutdown): supervise holds nothing open for writing, so it can; the
# stop happens, the status waits.
if small_fs "$T/rw" 256k; then
  R=$T/rw/svc
  mkservice "$R" "exec sleep 1000"
  start_supervise "$R" "$T/rw.err"
  ok "the file system can be remounted read-only under a running supervise" \
    mount -o remount,ro "$T/rw"
  stop_unwritable "$R" "$T/rw.err" "read-only" "read-only file system"
  mount -o remount,rw "$T/rw"
  ok "once writable again, the status says down" waitfor 5 down "$R"
  "$BIN/svc" -x "$R"
  ok "svc -x: supervise exits" waitfor 5 gone "$SUP"
else
  for i in 1 2 3 4 5 6; do skip "$why"; done
fi
done_testing
