#!/bin/sh
# Faults injected under svlog (issue 9): a read-only log directory (at
# start, and at a rotation), symlinks planted by an unprivileged user, a
# full disk under a processor. Each time svlog says why it is held up, and
# once the fault is gone every line is in the log, exactly once, in order.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
# logged DIR N: the log in DIR holds 1..N, each once, in order
logged() {
  for _f in "$1"/@* "$1"/current; do [ ! -f "$_f" ] || awk 1 "$_f"; done |
    cmp -s - "$T/seq$2"
}
seq 1 500 >seq500
seq 1 3000 >seq3000

[ "$(id -u)" = 0 ] || skip_all "these faults need root (mounts, another account)"
mounts=""
unmount_all() {
  for m in $mounts; do umount "$m" 2>/dev/null; done
  cleanup
}
trap unmount_all EXIT

# ---- a read-only log directory at start (a read-only bind mount)
mkdir rw ro
if mount --bind rw ro 2>/dev/null && mounts="$T/ro" &&
  mount -o remount,bind,ro ro 2>/dev/null; then
  mkdir rw/log
  new_fifo
  from_fifo "$F" "$BIN/svlog" ./ro/log
  pid=$SPAWNED
  cat seq500 >&3
  ok "a read-only log directory: svlog says why it waits" \
    waitfor 5 grep -q "svlog: warning: unable to open lock in ./ro/log; pausing, will retry: read-only file system" "$F.err"
  ok "and keeps running" kill -0 "$pid"
  mount -o remount,bind,rw ro
  ok "once it is writable, every line is logged" waitfor 5 logged ro/log 500
  ok "and svlog says it resumed" grep -q "svlog: warning: resumed writing" "$F.err"
  kill -TERM "$pid"
  waitfor 5 gone "$pid"
else
  skip "cannot make a read-only bind mount here"
  skip "cannot make a read-only bind mount here"
  skip "cannot make a read-only bind mount here"
  skip "cannot make a read-only bind mount here"
fi

# ---- the next two run svlog, or plant links, as nobody
public_bin svlog setuidgid || skip_all "unable to copy the programs to /tmp"
as_nobody() { "$PUB/setuidgid" nobody "$@"; }
if ! as_nobody true 2>/dev/null; then
  skip "cannot run a program as nobody"
else
  # ---- a log directory that becomes read-only: the rotation waits
  mkdir "$PUB/w"
  chown nobody "$PUB/w"
  new_fifo
  from_fifo "$F" "$PUB/setuidgid" nobody "$PUB/svlog" s4096 n100 "$PUB/w/log"
  pid=$SPAWNED
  head -100 seq3000 >&3
  waitfor 5 grep -qx 100 "$PUB/w/log/current"
  chmod 555 "$PUB/w/log"
  tail -n +101 seq3000 >&3
  ok "a log directory that is not writable: svlog says why it waits" \
    waitfor 5 grep -q "svlog: warning: unable to rename current in $PUB/w/log; pausing, will retry: access denied" "$F.err"
  chmod 755 "$PUB/w/log"
  ok "once it is writable again, every line is logged once, in order" \
    waitfor 10 logged "$PUB/w/log" 3000
  kill -TERM "$pid"
  waitfor 5 gone "$pid"

  # ---- symlinks planted by nobody in a directory nobody can write
  mkdir "$PUB/p"
  chown nobody "$PUB/p"
  printf 'root only\n' >secret
  chmod 600 secret
  as_nobody ln -s "$T/secret" "$PUB/p/current"
  as_nobody ln -s "$T/created" "$PUB/p/lock"
  ok "nobody planted the symlinks" test -L "$PUB/p/current" -a -L "$PUB/p/lock"
  new_fifo
  from_fifo "$F" "$BIN/svlog" "$PUB/p"
  pid=$SPAWNED
  cat seq500 >&3
  ok "root's svlog refuses them, and says why" \
    waitfor 5 grep -q "svlog: warning: unable to open lock in $PUB/p; pausing, will retry: file of the wrong type" "$F.err"
  as_nobody rm "$PUB/p/lock" "$PUB/p/current"
  ok "once they are gone, every line is logged" waitfor 5 logged "$PUB/p" 500
  is "$(cat secret):$(stat -c %a secret)" "root only:600" \
    "the file a symlink pointed to is untouched"
  ok "and no file was created where the other pointed" test ! -e created
  kill -TERM "$pid"
  waitfor 5 gone "$pid"
fi

# ---- a full disk under a processor: it fails, is run again later, and
# ---- every line goes through it once space returns
mkdir mnt
if mount -t tmpfs -o size=256k tmpfs mnt 2>/dev/null; then
  mounts="$mounts $T/mnt"
  new_fifo
  from_fifo "$F" "$BIN/svlog" s4096 n1000 '!cat' ./mnt/log
  pid=$SPAWNED
  echo 0 >&3
  waitfor 5 test -s mnt/log/current
  dd if=/dev/zero of=mnt/filler bs=4096 2>/dev/null
  seq 1 3000 >&3
  ok "a full disk: the processor fails and svlog says so" \
    waitfor 10 grep -q "svlog: warning: processor of ./mnt/log failed; will run it again in" "$F.err"
  ok "writing pauses, and svlog says so" \
    waitfor 10 grep -q "svlog: warning: unable to .* in ./mnt/log; pausing, will retry: out of disk space" "$F.err"
  rm mnt/filler
  (echo 0 && cat seq3000) >"$T/seq0"
  ok "once space returns, every line is logged once, in order" \
    waitfor 20 logged mnt/log 0
  kill -TERM "$pid"
  waitfor 5 gone "$pid"
  umount mnt
else
  skip "cannot mount a tmpfs here"
  skip "cannot mount a tmpfs here"
  skip "cannot mount a tmpfs here"
fi
exec 3>&-
done_testing
