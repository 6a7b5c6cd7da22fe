#!/bin/sh
# svstat -l and the waits read tend's extension of supervise/status only
# when it is version 1 and passes the checks of doc/status.md; otherwise
# svstat -l says why and shows none of it as fact. The plain line stays
# daemontools' line, whatever the file holds.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
craft() { "$HELPERS/status_craft" s/supervise/status "$@"; }

# A stand-in supervise: a process holds the read ends of control and ok.
mkdir -p s/supervise
mkfifo s/supervise/control s/supervise/ok
spawn sh -c 'exec 3<>s/supervise/control 4<>s/supervise/ok; exec sleep 100000'
waitfor 5 "$BIN/svok" s

craft pid=1234 state=1 flags=1 when=now-5 started=now-5 ready=now-3 starts=3 \
  lastwait=0x0f svpid=1
like "$("$BIN/svstat" -l s)" \
  "s: up (pid 1234) [4-6] seconds; ready [2-4] seconds; starts 3; last exit signal TERM" \
  "a sane extension is shown"
craft state=0 want=u when=now restart=now+10 delay=10000 starts=9 lastwait=0x100
like "$("$BIN/svstat" -l s)" "s: down [01] seconds, normally up, want up; starts 9; last exit 1; restart in [0-9]* seconds" \
  "a pending restart within its delay is shown"
craft state=0 when=now restart=now+4000000 starts=1
like "$("$BIN/svstat" -l s)" "s: down * seconds, normally up; starts 1; restart in [34][0-9][0-9][0-9][0-9][0-9][0-9] seconds" \
  "a restart 46 days ahead (a long restart-delay-max) is still shown"

# bad NAME ARGS...: the extension is refused, naming the field.
bad() {
  _want=$1
  shift
  craft "$@"
  _got=$("$BIN/svstat" -l s)
  like "$_got" "s: * seconds*; bad extended status: $_want" "$* is refused: bad $_want"
  case "$_got" in *starts*) _result 1 "$*: no field of it is shown" ;;
  *) _result 0 "$*: no field of it is shown" ;; esac
}
bad "restart time" state=0 when=now restart=label:c000000000000000 starts=2
like "$("$BIN/svstat" -l s)" "*; bad extended status: restart time" \
  "the absurd restart of the issue is not printed as fact"
bad "restart time" state=0 when=now restart=now+6000000
bad "last exit" lastwait=0x12345678
bad "last exit" lastwait=0x7f
bad "last exit" lastwait=0x41
bad "state" state=7
bad "ready time" pid=5 state=1 flags=1 ready=0
bad "start time" started=label:0000000000000005
bad "supervise pid" svpid=0x80000000

# Versions: only 1 is read.
craft pid=5 state=1 flags=1 ready=now starts=4 version=2
is "$("$BIN/svstat" -l s | sed 's/ [0-9]* seconds/ N seconds/')" \
  "s: up (pid 5) N seconds; unknown extended status version 2" \
  "version 2: the extension is not read"
craft pid=5 state=1 flags=1 ready=now starts=4 version=128
is "$("$BIN/svstat" -l s | sed 's/ [0-9]* seconds/ N seconds/')" \
  "s: up (pid 5) N seconds; unknown extended status version 128" \
  "version 128 (a byte above 127): the extension is not read"
craft pid=5 state=1 len=79
is "$("$BIN/svstat" -l s | sed 's/ [0-9]* seconds/ N seconds/')" \
  "s: up (pid 5) N seconds; no extended status" \
  "79 bytes: no extension"

# The waits: an unknown version never counts as ready; no extension does.
craft pid=5 state=1 flags=1 ready=now starts=4 version=2
"$BIN/svwait" -U -T 200 s 2>err
is "$?:$(cat err)" "1:svwait: warning: timed out waiting for s to be up and ready" \
  "svwait -U: an unknown extension version is not taken as ready"
"$BIN/svwait" -u -T 200 s
is "$?" 0 "svwait -u: it is up all the same"
craft pid=5 state=1 len=20
"$BIN/svwait" -U -T 200 s
is "$?" 0 "svwait -U: runit's 20 bytes, up counts as ready"

# The plain line is daemontools' whatever the extension holds.
if [ -x /usr/bin/svstat ]; then
  for args in "pid=9 state=1 restart=label:c000000000000000 when=now" \
    "pid=0 want=u version=7 when=now-100" "pid=3 paused=1 want=d lastwait=0x12345678" \
    "pid=4294967295 when=label:ffffffffffffffff" "pid=0 when=label:0000000000000001"; do
    craft $args
    for _try in 1 2 3; do
      a=$("$BIN/svstat" s)
      b=$(/usr/bin/svstat s)
      [ "$a" = "$b" ] && break
    done
    is "$a" "$b" "same plain line as daemontools' svstat: $args"
  done
else
  skip "daemontools' svstat is not installed"
fi

done_testing
