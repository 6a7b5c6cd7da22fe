#!/bin/sh
# supervise/status, byte by byte (doc/status.md), and the supervise/ files.
. "$(dirname "$0")/lib.sh"

S=$T/svc
mkservice "$S" "exec sleep 1000"
spawn "$BIN/supervise" "$S"
SUP=$SPAWNED
waitfor 5 has_pid "$S"
F=$S/supervise/status
u8() { od -An -tu1 -j "$1" -N1 "$F" | tr -d ' '; }
be32() { od -An -tx1 -j "$1" -N4 "$F" | tr -d ' \n'; }
hex() { od -An -tx1 -j "$1" -N "$2" "$F" | tr -d ' \n'; }

is "$(stat -c %s "$F")" 80 "status is 80 bytes: 20 compatible + 60 extension"
is "$(stat -c %a "$F")" 644 "status mode is 0644"
is "$(stat -c %a "$S/supervise")" 700 "supervise/ mode is 0700"
is "$(stat -c %F:%a "$S/supervise/control")" "fifo:600" "control is a FIFO, 0600"
is "$(stat -c %F:%a "$S/supervise/ok")" "fifo:600" "ok is a FIFO, 0600"
is "$(stat -c %F:%a "$S/supervise/lock")" "regular empty file:600" "lock is a file, 0600"
ok "no status.new is left behind" test ! -e "$S/supervise/status.new"

# Bytes 0-11: TAI64N, daemontools' convention: 2^62 + 10 + unix seconds.
sec=$(printf '%d' 0x$(hex 0 8))
now=$(date +%s)
label=$((now + 4611686018427387914))
diff=$((label - sec))
ok "bytes 0-7: TAI64 label is 2^62 + 10 + unix time (off by ${diff}s)" [ "$diff" -ge 0 ] && [ "$diff" -le 5 ]
nano=$(printf '%d' 0x$(be32 8))
ok "bytes 8-11: nanoseconds below 10^9" [ "$nano" -lt 1000000000 ]
pid=$(pgrep -P "$SUP" -x sleep)
is "$(status_pid "$S")" "$pid" "bytes 12-15: the pid of ./run, little-endian"
is "$(u8 16)" 0 "byte 16: not paused"
is "$(u8 17)" 117 "byte 17: want 'u'"
is "$(u8 18)" 0 "byte 18: no TERM sent"
is "$(u8 19)" 1 "byte 19: state 1 (run)"
is "$(u8 20)" 1 "byte 20: extension version 1"
is "$(be32 24)" 00000001 "bytes 24-27: one start"
is "$(be32 28)" ffffffff "bytes 28-31: no exit status yet"
is "$(hex 32 12)" "$(hex 0 12)" "bytes 32-43: last start time = time of the pid change"
is "$(be32 76)" "$(printf '%08x' "$SUP")" "bytes 76-79: the pid of supervise"

"$BIN/svc" -d "$S"
waitfor 5 no_pid "$S"
is "$(u8 17)" 100 "after svc -d, byte 17: want 'd'"
is "$(u8 19)" 0 "after svc -d, byte 19: state 0 (down)"
is "$(u8 18)" 0 "after the exit, byte 18: TERM flag cleared"
is "$(be32 28)" 0000000f "bytes 28-31: wait status of the last run (killed by TERM)"
"$BIN/svc" -u "$S"
waitfor 5 has_pid "$S"
is "$(be32 24)" 00000002 "bytes 24-27: two starts"
"$BIN/svc" -p "$S"
waitfor 5 sh -c "[ \"\$(od -An -tu1 -j16 -N1 '$F' | tr -d ' ')\" = 1 ]"
is "$(u8 16)" 1 "after svc -p, byte 16: paused"

# The start counter survives a new supervise on the same directory.
"$BIN/svc" -dx "$S"
waitfor 5 gone "$SUP"
spawn "$BIN/supervise" "$S"
waitfor 5 has_pid "$S"
is "$(be32 24)" 00000003 "a new supervise keeps counting starts"

# daemontools' layout of an 18-byte file, read by our svstat.
O=$T/old
mkdir -p "$O/supervise"
mkfifo "$O/supervise/ok"
exec 8<>"$O/supervise/ok"
printf '\100\000\000\000\000\000\000\012\000\000\000\000\071\060\000\000\000\165' >"$O/supervise/status"
like "$("$BIN/svstat" "$O")" "*: up (pid 12345) * seconds" "svstat reads an 18-byte daemontools status"
printf 'short' >"$O/supervise/status"
like "$("$BIN/svstat" "$O")" "*: unable to read supervise/status: bad format" "a short status is a bad format"
exec 8<&-
done_testing
