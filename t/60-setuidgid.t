#!/bin/sh
# setuidgid: the uid, gid, groups and environment the exec'd program sees,
# with a throwaway account (root only), and daemontools' error wording.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root to create an account"
command -v useradd >/dev/null && command -v groupadd >/dev/null ||
  skip_all "needs useradd and groupadd"

user=tendu$$
primary=tendp$$
extra=tendx$$
remove_account() {
  userdel "$user" >/dev/null 2>&1
  groupdel "$primary" >/dev/null 2>&1
  groupdel "$extra" >/dev/null 2>&1
  cleanup
}
trap remove_account EXIT

# useradd and groupadd lock /etc/passwd and /etc/group: retry if another
# test holds the lock for a moment.
retry() { waitfor 10 "$@"; }
retry groupadd "$primary" || skip_all "groupadd failed"
retry groupadd "$extra" || skip_all "groupadd failed"
retry useradd -M -N -g "$primary" -G "$extra" -d /nonexistent/tend-home \
  -s /bin/sh "$user" || skip_all "useradd failed"
public_bin setuidgid || skip_all "unable to copy the programs to /tmp"
uid=$(id -u "$user")
gid=$(getent group "$primary" | cut -d: -f3)
xgid=$(getent group "$extra" | cut -d: -f3)

is "$("$BIN/setuidgid" "$user" id -u)" "$uid" "the program runs with the account's uid"
is "$("$BIN/setuidgid" "$user" id -g)" "$gid" "the program runs with the account's primary gid"
is "$("$BIN/setuidgid" "$user" id -G)" "$gid" \
  "without -g the only group is the primary one"
is "$("$BIN/setuidgid" "$user" sh -c 'grep "^Uid:" /proc/self/status')" \
  "$(printf 'Uid:\t%s\t%s\t%s\t%s' "$uid" "$uid" "$uid" "$uid")" \
  "real, effective, saved and filesystem uid all change"
is "$("$BIN/setuidgid" "$user" sh -c 'grep "^Gid:" /proc/self/status')" \
  "$(printf 'Gid:\t%s\t%s\t%s\t%s' "$gid" "$gid" "$gid" "$gid")" \
  "real, effective, saved and filesystem gid all change"
is "$(HOME=/keep USER=me LOGNAME=me "$BIN/setuidgid" "$user" sh -c 'echo $HOME $USER $LOGNAME')" \
  "/keep me me" "without -e HOME, USER and LOGNAME are left alone"

is "$("$BIN/setuidgid" -g "$user" id -G | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
  "$(printf '%s\n%s\n' "$gid" "$xgid" | sort -n | tr '\n' ' ')" \
  "-g gives the account's supplementary groups too"
is "$("$BIN/setuidgid" -g "$user" id -g)" "$gid" "-g keeps the primary gid"
is "$(HOME=/keep USER=me LOGNAME=me "$BIN/setuidgid" -e "$user" sh -c 'echo $HOME $USER $LOGNAME')" \
  "/nonexistent/tend-home $user $user" "-e sets HOME, USER and LOGNAME from the account"
is "$("$BIN/setuidgid" -ge "$user" sh -c 'echo $USER; id -G | wc -w')" "$user
2" "-g and -e combine"

is "$("$BIN/setuidgid" "$user" sh -c 'for a; do echo "[$a]"; done' sh -g '$HOME' 'a b')" \
  "[-g]
[\$HOME]
[a b]" "the rest of the command line is passed on verbatim, options included"

out=$("$BIN/setuidgid" tend-no-such-account true 2>&1)
is "$?:$out" "111:setuidgid: fatal: unknown account tend-no-such-account" \
  "a missing account is named, exit 111"
out=$("$BIN/setuidgid" "$user" "$PUB/setuidgid" root true 2>&1)
is "$?:$out" "111:setuidgid: fatal: unable to setgid: permission denied" \
  "an unprivileged caller cannot switch, exit 111"
out=$("$BIN/setuidgid" "$user" "$PUB/setuidgid" -g root true 2>&1)
is "$?:$out" "111:setuidgid: fatal: unable to set the supplementary groups of root: permission denied" \
  "-g: a refused group switch names the account"
out=$("$BIN/setuidgid" -z "$user" true 2>&1)
is "$?:$out" "100:setuidgid: illegal option -- z
setuidgid: usage: setuidgid [-g] [-e] account child" "an unknown option is named, then the usage"
out=$("$BIN/setuidgid" "$user" "/nonexistent/tend-prog" 2>&1)
is "$?:$out" "111:setuidgid: fatal: unable to run /nonexistent/tend-prog: file does not exist" \
  "a program that cannot be run is named, exit 111"
out=$("$BIN/setuidgid" "$user" 2>&1)
is "$?:$out" "100:setuidgid: usage: setuidgid [-g] [-e] account child" "no program: usage, exit 100"

if [ -x /usr/bin/setuidgid ]; then
  for args in "$user id" "tend-no-such-account true" "$user" "" \
    "$user $PUB/setuidgid root true" "$user /nonexistent/tend-prog"; do
    # tend's usage line lists -g and -e (issue 9); the rest is the same.
    # The nested setuidgid of the fifth case is ours in both runs.
    SAME_SED='s,^/usr/bin/,,' \
      OURS_SED='s/^setuidgid: usage: setuidgid \[-g\] \[-e\] /setuidgid: usage: setuidgid /' \
      same_as_daemontools setuidgid $args
  done
else
  skip "daemontools' setuidgid is not installed"
fi

done_testing
