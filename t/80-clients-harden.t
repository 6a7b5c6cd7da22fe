#!/bin/sh
# svc, svok, svstat and svwait against what someone planted where
# supervise's files should be (interface §2: control and ok are FIFOs,
# status a regular file, none reached through a symlink): nothing is
# written through a symlink, a dead service never passes for a live one,
# nothing hangs past -T, and each refusal says why.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
now_ms() { echo $(($(date +%s%N) / 1000000)); }
LIMIT=$((5000 * SCALE)) # far beyond every -T below: a hang, not slowness
# timed CMD...: runs CMD (killed after 10 s), stdout in out, stderr in
# err; sets rc and elapsed (ms).
timed() {
  _start=$(now_ms)
  timeout -s KILL $((10 * SCALE)) "$@" >out 2>err
  rc=$?
  elapsed=$(($(now_ms) - _start))
}

# fake DIR: a stand-in supervise: a process holds the read ends of the
# FIFOs control and ok, as supervise does.
fake() {
  mkdir -p "$1/supervise"
  mkfifo "$1/supervise/control" "$1/supervise/ok"
  spawn sh -c 'exec 3<>"$1/supervise/control" 4<>"$1/supervise/ok"
    exec sleep 100000' sh "$1"
  waitfor 5 "$BIN/svok" "$1"
}

# --- A symlink at supervise/control, planted by the service's own user.
printf 'hello\n' >victim
chmod 600 victim
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
  chmod 711 "$T"
  mkdir -p sym/supervise
  chown nobody sym/supervise
  "$BIN/setuidgid" nobody ln -s "$T/victim" sym/supervise/control
  "$BIN/setuidgid" nobody ln -s "$T/victim" sym/supervise/ok
  who="nobody"
else
  mkdir -p sym/supervise
  ln -s "$T/victim" sym/supervise/control
  ln -s "$T/victim" sym/supervise/ok
  who="the test (not root)"
fi
ok "a symlink at supervise/control was planted by $who" test -L sym/supervise/control
"$BIN/svc" -d sym 2>err
is "$?:$(cat err)" "0:svc: warning: unable to control sym: file of the wrong type" \
  "svc: a symlink at control is refused with a warning"
is "$(cat victim)" "hello" "svc writes nothing through the symlink"
"$BIN/svok" sym 2>err
is "$?:$(cat err)" "111:svok: fatal: unable to open sym/supervise/ok: file of the wrong type" \
  "svok: a symlink at ok is an error, not a live supervise"

# --- Regular files at ok and control (restored from a backup, say).
mkdir -p reg/supervise
printf 'backup\n' >reg/supervise/control
: >reg/supervise/ok
"$BIN/svok" reg 2>err
is "$?:$(cat err)" "111:svok: fatal: unable to open reg/supervise/ok: file of the wrong type" \
  "svok: a regular file at ok does not pass for a live supervise"
is "$("$BIN/svstat" reg)" "reg: unable to open supervise/ok: file of the wrong type" \
  "svstat: a regular file at ok is named"
"$BIN/svc" -u reg 2>err
is "$?:$(cat err)" "0:svc: warning: unable to control reg: file of the wrong type" \
  "svc: a regular file at control is refused with a warning"
is "$(cat reg/supervise/control)" "backup" "svc leaves the regular file alone"
timed "$BIN/svwait" -u -T 2000 reg
is "$rc:$(cat err)" "111:svwait: fatal: unable to open reg/supervise/ok: file of the wrong type" \
  "svwait: a regular file at ok is an error at once, not a supervise to wait on"
ok "svwait gives up on it at once (took $elapsed ms)" test "$elapsed" -lt 2000
mkdir -p reg2/supervise
mkfifo reg2/supervise/control
: >reg2/supervise/ok
spawn sh -c 'exec 3<>reg2/supervise/control; exec sleep 100000'
waitfor 5 sh -c "ls -l /proc/$SPAWNED/fd | grep -q control"
timed "$BIN/svc" -wu -T 2000 reg2
is "$rc:$(cat err)" "111:svc: fatal: unable to open reg2/supervise/ok: file of the wrong type" \
  "svc -w: a regular file at ok is an error at once"

# --- A FIFO at supervise/status, with a live stand-in supervise.
fake fifo
mkfifo fifo/supervise/status
timed "$BIN/svstat" fifo
is "$rc:$(cat out err)" "0:fifo: unable to open supervise/status: file of the wrong type" \
  "svstat: a FIFO at status is named"
ok "svstat does not hang on it (took $elapsed ms)" test "$elapsed" -lt "$LIMIT"
timed "$BIN/svc" -wu -T 300 fifo
is "$rc:$(cat err)" "111:svc: fatal: unable to read fifo/supervise/status: file of the wrong type" \
  "svc -wu -T 300: a FIFO at status is an error"
ok "svc -w does not hang on it (took $elapsed ms)" test "$elapsed" -lt "$LIMIT"
timed "$BIN/svwait" -u -T 300 fifo
is "$rc:$(cat err)" "111:svwait: fatal: unable to read fifo/supervise/status: file of the wrong type" \
  "svwait -T 300: a FIFO at status is an error"
ok "svwait does not hang on it (took $elapsed ms)" test "$elapsed" -lt "$LIMIT"

# --- A symlink at status, to a status file that says "up".
fake link
mkservice real "exec sleep 1000"
spawn "$BIN/supervise" real
waitfor 5 has_pid real
ln -s "$T/real/supervise/status" link/supervise/status
is "$("$BIN/svstat" link)" "link: unable to open supervise/status: file of the wrong type" \
  "svstat: a symlink at status is not followed"
timed "$BIN/svwait" -u -T 300 link
is "$rc:$(cat err)" "111:svwait: fatal: unable to read link/supervise/status: file of the wrong type" \
  "svwait: a symlink at status is not followed"
"$BIN/svc" -dx real

# --- A truncated status: a bad format, and -T still ends the wait.
fake short
printf 'abcde' >short/supervise/status
is "$("$BIN/svstat" short)" "short: unable to read supervise/status: bad format" \
  "svstat: a truncated status is a bad format"
timed "$BIN/svwait" -u -T 300 short
is "$rc:$(cat err)" "1:svwait: warning: timed out waiting for short to be up" \
  "svwait -T 300 on a truncated status times out"
ok "svwait -T 300 waits at least 300 ms (took $elapsed)" test "$elapsed" -ge 300
ok "svwait -T 300 ends in time (took $elapsed)" test "$elapsed" -lt "$LIMIT"
timed "$BIN/svc" -wu -T 300 short
is "$rc:$(cat err)" "1:svc: warning: timed out waiting for short to be up" \
  "svc -wu -T 300 on a truncated status times out"
ok "svc -w -T 300 ends in time (took $elapsed)" test "$elapsed" -lt "$LIMIT"

# --- Garbage: 80 bytes that say down, with nonsense in the extension.
fake junk
{
  printf '\377\377\377\377\377\377\377\377\377\377\377\377' # when
  printf '\0\0\0\0\0\0\0\7'                                 # pid 0, state 7
  head -c 60 /dev/zero | tr '\0' '\377'
} >junk/supervise/status
like "$("$BIN/svstat" junk)" "junk: down * seconds, normally up" \
  "svstat: a garbage status still prints daemontools' line"
timed "$BIN/svwait" -U -T 300 junk
is "$rc:$(cat err)" "1:svwait: warning: timed out waiting for junk to be up and ready" \
  "svwait -U -T 300 on a garbage status times out"

# --- A supervise that never reads its control FIFO: once the pipe is
# full, svc says so at once instead of blocking.
fake stuck
"$HELPERS/status_craft" stuck/supervise/status state=0 when=now
timeout -s KILL $((2 * SCALE)) sh -c 'head -c 1000000 /dev/zero >stuck/supervise/control'
timed "$BIN/svc" -u stuck
is "$rc:$(cat err)" "0:svc: warning: unable to control stuck: temporary failure" \
  "svc: a control pipe nobody empties is a warning, not a hang"
timed "$BIN/svc" -u -wu -T 300 stuck
is "$rc:$(cat err)" "111:svc: warning: unable to control stuck: temporary failure" \
  "svc -w: the same, then 111 without waiting"
ok "svc -w ends in time (took $elapsed)" test "$elapsed" -lt "$LIMIT"

# --- A stale status that says up and ready, left by no supervise, its
# writer's pid now someone else's (this shell): -T still ends the wait.
mkdir -p stale/supervise
mkfifo stale/supervise/control stale/supervise/ok
"$HELPERS/status_craft" stale/supervise/status pid=$$ state=1 flags=1 \
  when=now ready=now started=now svpid=$$
timed "$BIN/svwait" -U -T 300 stale
is "$rc:$(cat err)" "1:svwait: warning: timed out waiting for stale to be up and ready" \
  "svwait -U -T 300: a stale status without supervise is not taken as up"
ok "svwait ends in time (took $elapsed)" test "$elapsed" -lt "$LIMIT"
timed "$BIN/svc" -wU -T 300 stale
is "$rc:$(cat err)" "111:svc: warning: unable to control stale: supervise not running" \
  "svc -wU -T 300: a stale status without supervise is an error"

# --- Not a directory where one should be.
mkfifo pipe
mkdir -p flat
mkfifo flat/supervise
timed "$BIN/svstat" pipe flat
is "$rc:$(cat out err)" "0:pipe: unable to chdir: not a directory
flat: unable to open supervise/ok: not a directory" \
  "svstat: a FIFO as the directory or as supervise/ does not hang"
timed "$BIN/svwait" -u -T 300 pipe flat
is "$rc" 1 "svwait -T 300 on FIFOs instead of directories times out"
ok "svwait ends in time (took $elapsed)" test "$elapsed" -lt "$LIMIT"

# --- A directory the caller may not read (supervise/ is 0700 root).
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
  public_bin svstat svwait svc svok setuidgid
  mkservice "$PUB/locked" "exec sleep 1000"
  spawn "$BIN/supervise" "$PUB/locked"
  waitfor 5 has_pid "$PUB/locked"
  cd "$PUB" || exit 1
  is "$("$PUB/setuidgid" nobody "$PUB/svstat" locked)" \
    "locked: unable to open supervise/ok: access denied" "svstat: access denied is named"
  timed "$PUB/setuidgid" nobody "$PUB/svwait" -u -T 2000 locked
  is "$rc:$(cat err)" \
    "111:svwait: fatal: unable to open locked/supervise/ok: access denied" \
    "svwait: a supervise/ it may not enter is an error at once"
  timed "$PUB/setuidgid" nobody "$PUB/svc" -wu -T 2000 locked
  is "$rc:$(cat err)" "111:svc: warning: unable to control locked: access denied" \
    "svc -w: a supervise/ it may not enter is a warning, then exit 111"
  rm -f out err
  cd "$T" || exit 1
  "$BIN/svc" -dx "$PUB/locked"
else
  skip "needs root and nobody for a directory the caller may not read"
  skip "needs root and nobody for a directory the caller may not read"
  skip "needs root and nobody for a directory the caller may not read"
fi

done_testing
