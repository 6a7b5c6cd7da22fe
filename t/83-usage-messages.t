#!/bin/sh
# Usage errors of the clients and chain-loaders say what was wrong (one
# line), then print the usage line, and exit 100; the usage lines list the
# same options as the man pages' SYNOPSIS. Where daemontools has the same
# case, its wording is kept (t/20, t/60, t/63 compare).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

svc_usage="svc: usage: svc [ -udopchaitkxq12 ] [ -w uUdDrR ] [ -T ms ] dir ..."
svwait_usage="svwait: usage: svwait [ -u | -U | -d | -D ] [ -T ms ] [ -a | -o ] dir ... [ -- prog ... ]"
softlimit_usage="softlimit: usage: softlimit [-H] [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] [-t cpusecs] child"

# says WHY USAGE CMD...: CMD exits 100 with WHY then USAGE on stderr.
says() {
  _why=$1 _usage=$2
  shift 2
  "$@" >/dev/null 2>err
  is "$?:$(cat err)" "100:$_why
$_usage" "${*#$BIN/}: says what was wrong"
}

says "svc: -T needs -w" "$svc_usage" "$BIN/svc" -T 5 x
says "svc: -T: not a number of milliseconds (0 to 100000000000): -1" "$svc_usage" \
  "$BIN/svc" -wu -T -1 x
says "svc: -T: not a number of milliseconds (0 to 100000000000): 100000000001" "$svc_usage" \
  "$BIN/svc" -wu -T 100000000001 x
says "svc: -w: not a state (one of uUdDrR): z" "$svc_usage" "$BIN/svc" -wz x
says "svc: -w: not a state (one of uUdDrR): up" "$svc_usage" "$BIN/svc" -w up x
says "svc: option requires an argument -- T" "$svc_usage" "$BIN/svc" -wu -T
says "svc: illegal option -- Z" "$svc_usage" "$BIN/svc" -Z x
says "svstat: illegal option -- Z" "svstat: usage: svstat [ -l | -j | -P ] dir ..." "$BIN/svstat" -Z x
says "svwait: no dir given" "$svwait_usage" "$BIN/svwait" -U
says "svwait: no prog after --" "$svwait_usage" "$BIN/svwait" x --
says "svwait: -T: not a number of milliseconds (0 to 100000000000): 5s" "$svwait_usage" \
  "$BIN/svwait" -T 5s x
says "svwait: option requires an argument -- T" "$svwait_usage" "$BIN/svwait" -T
says "svwait: illegal option -- x" "$svwait_usage" "$BIN/svwait" -x a
says "softlimit: -o: not a number or =: abc" "$softlimit_usage" "$BIN/softlimit" -o abc true
says "softlimit: -m: not a number or =: -1" "$softlimit_usage" "$BIN/softlimit" -m -1 true
says "softlimit: illegal option -- z" "$softlimit_usage" "$BIN/softlimit" -z 1 true
says "setuidgid: illegal option -- z" "setuidgid: usage: setuidgid [-g] [-e] account child" \
  "$BIN/setuidgid" -z root true

# The largest -T is accepted.
"$BIN/svc" -wd -T 100000000000 never 2>/dev/null
is "$?" 111 "svc: -T 100000000000 is accepted (then the missing directory is 111)"

# usage_letters PROG: the option letters of PROG's usage line.
usage_letters() {
  { "$BIN/$1" 2>&1 >/dev/null; "$BIN/$1" -/ 2>&1 >/dev/null; } </dev/null |
    sed -n "s/^$1: usage: //p" | head -n 1 |
    grep -o -- '-[A-Za-z0-9][A-Za-z0-9]*' | tr -d '-' | fold -w1 | sort -u | tr -d '\n'
}
# man_letters PROG: the option letters of doc/PROG.8's SYNOPSIS.
man_letters() {
  sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$top/doc/$1.8" | sed 's/\\-/-/g' |
    grep -o -- '-[A-Za-z0-9][A-Za-z0-9]*' | tr -d '-' | fold -w1 | sort -u | tr -d '\n'
}
for p in svc svstat svok svwait softlimit setuidgid envuidgid envdir setlock \
  pgrphack fghack; do
  u=$(usage_letters $p)
  m=$(man_letters $p)
  is "$u" "$m" "$p: the usage line lists the options of the man page (${m:-none})"
done

done_testing
