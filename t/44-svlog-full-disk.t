#!/bin/sh
# A full disk: svlog warns once, keeps the lines, retries, and goes on when
# space returns: every line ends up in the log exactly once.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
from_fifo() { spawn sh -c 'f=$1; shift; exec "$@" <"$f" 3>&- 2>"$f.err"' sh "$@"; }

[ "$(id -u)" = 0 ] || skip_all "mounting a small tmpfs needs root"
mkdir mnt
mount -t tmpfs -o size=256k tmpfs mnt 2>/dev/null || skip_all "cannot mount a tmpfs here"
trap 'umount "$T/mnt" 2>/dev/null; cleanup' EXIT

mkfifo fifo
exec 3<>fifo
from_fifo fifo "$BIN/svlog" s4096 n1000 ./mnt/log
pid=$SPAWNED
echo 0 >&3
waitfor 5 test -s mnt/log/current
# fill the disk to the last block
dd if=/dev/zero of=mnt/filler bs=4096 2>/dev/null
ok "the disk is full" sh -c '! echo x 2>/dev/null >>mnt/filler'
seq 1 5000 >&3 &
writer=$!
ok "svlog says once that it cannot write" \
  waitfor 10 grep -q "svlog: warning: unable to .* in ./mnt/log.*; pausing, will retry" fifo.err
ok "and keeps running" kill -0 "$pid"
rm mnt/filler
ok "when space returns, every line is written" \
  waitfor 20 sh -c '[ "$(cat mnt/log/* 2>/dev/null | grep -c "^[0-9]")" -ge 5001 ]'
wait "$writer"
exec 3>&-
ok "svlog ends with its input" waitfor 10 gone "$pid"
is "$(grep -c 'pausing, will retry' fifo.err)" 1 "the warning is given once"
like "$(cat fifo.err)" "*svlog: warning: resumed writing*" "and svlog says when it resumes"
awk 1 mnt/log/@* mnt/log/current >got
seq 0 5000 >want
ok "every line is in the log exactly once, in order" cmp -s got want
umount mnt
ok "the tmpfs is unmounted" sh -c "! mountpoint -q mnt"
done_testing
