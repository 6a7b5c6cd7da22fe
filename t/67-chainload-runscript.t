#!/bin/sh
# A run script that chains envdir, setlock, setuidgid, softlimit and
# pgrphack, run by supervise: what the service finally sees.
. "$(dirname "$0")/lib.sh"

[ -x "$BIN/supervise" ] || skip_all "no supervise"
S=$T/svc
mkdir -p "$S/env"
printf 'hello from env\n' >"$S/env/GREETING"
: >"$S/env/DROPPED"

# Without root there is no account to switch to: the chain skips setuidgid.
as=""
# The programs after the switch run as nobody: they come from $PUB.
P=$BIN
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
  public_bin softlimit pgrphack || skip_all "unable to copy the programs to /tmp"
  as="$BIN/setuidgid -e nobody"
  P=$PUB
fi
# fd 3 is opened by root, before the switch, for the report.
mkservice "$S" "exec 3>$T/report
exec $BIN/envdir ./env $BIN/setlock ./lock $as $P/softlimit -o 77 -c 0 $P/pgrphack sh -c '
  set -- \$(sed \"s/.*) //\" /proc/\$\$/stat)
  echo \"greeting=\$GREETING dropped=\${DROPPED-unset}\" >&3
  echo \"uid=\$(id -u) user=\${USER-} leader=\$([ \$4 = \$\$ ] && echo yes)\" >&3
  grep \"^Max open files\" /proc/self/limits | awk \"{print \\\"files=\\\" \\\$4}\" >&3
  echo done >&3
  exec 3>&-
  exec sleep 100'"
DROPPED=inherited
export DROPPED
spawn "$BIN/supervise" "$S"

ok "the service started through the chain" waitfor 5 grep -qx done "$T/report"
is "$(sed -n 1p "$T/report")" "greeting=hello from env dropped=unset" \
  "envdir set one variable and removed another"
if [ -n "$as" ]; then
  is "$(sed -n 2p "$T/report")" "uid=$(id -u nobody) user=nobody leader=yes" \
    "setuidgid -e switched the account; pgrphack made a session leader"
else
  is "$(sed -n 2p "$T/report")" "uid=$(id -u) user=${USER-} leader=yes" \
    "pgrphack made a session leader"
fi
is "$(sed -n 3p "$T/report")" "files=77" "softlimit lowered the open files limit"
pid=$(status_pid "$S")
inode=$(stat -c %i "$S/lock")
ok "the service holds the setlock lock under its own pid" \
  grep -q " FLOCK .* $pid [0-9a-f:]*:$inode " /proc/locks
out=$(timeout $((5 * SCALE)) "$BIN/setlock" -n "$S/lock" true 2>&1)
is "$?" 111 "a second instance cannot take the lock"

done_testing
