#!/bin/sh
# envuidgid: UID and GID in the exec'd program's environment.
. "$(dirname "$0")/lib.sh"

account=nobody
getent passwd "$account" >/dev/null || account=daemon
getent passwd "$account" >/dev/null || skip_all "no nobody or daemon account"
uid=$(getent passwd "$account" | cut -d: -f3)
gid=$(getent passwd "$account" | cut -d: -f4)

is "$(UID=x GID=y "$BIN/envuidgid" "$account" sh -c 'echo "$UID $GID"')" "$uid $gid" \
  "UID and GID are the account's uid and primary gid"
is "$("$BIN/envuidgid" "$account" id -u)" "$(id -u)" "the ids themselves do not change"
is "$("$BIN/envuidgid" "$account" sh -c 'for a; do echo "[$a]"; done' sh -x 'a b')" "[-x]
[a b]" "the rest of the command line is passed on verbatim"

out=$("$BIN/envuidgid" tend-no-such-account true 2>&1)
is "$?:$out" "111:envuidgid: fatal: unknown account tend-no-such-account" \
  "a missing account is named, exit 111"
out=$("$BIN/envuidgid" "$account" 2>&1)
is "$?:$out" "100:envuidgid: usage: envuidgid account child" "no program: usage, exit 100"
out=$("$BIN/envuidgid" "$account" "$T/nonexistent" 2>&1)
is "$?:$out" "111:envuidgid: fatal: unable to run $T/nonexistent: file does not exist" \
  "a program that cannot be run is named, exit 111"

if [ -x /usr/bin/envuidgid ]; then
  for args in "$account env" "tend-no-such-account true" "$account" "" \
    "$account $T/nonexistent" "-- $account true"; do
    SAME_SED='/^_=/d' same_as_daemontools envuidgid $args
  done
else
  skip "daemontools' envuidgid is not installed"
fi

done_testing
