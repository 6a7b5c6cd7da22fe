#!/bin/sh
# supervise: a stop reaches processes that come back to supervise (the
# subreaper) only after the stop signals went out, one after another, as
# a chain of daemons in sessions of their own dies link by link. Each of
# them gets the down signal when it arrives; after the cleanup's timeout,
# KILL goes out at every sweep until nothing is left.
. "$(dirname "$0")/lib.sh"
[ -x "$HELPERS/session_chain" ] || skip_all "t/helpers not built (make test builds them)"
LINKS=5
all_links() { [ -s "$1/link.$LINKS" ]; }
# all_gone DIR: no link of the chain in DIR runs any more.
all_gone() {
  for _k in $(seq 1 $LINKS); do
    kill -0 "$(cat "$1/link.$_k")" 2>/dev/null && return 1
  done
  return 0
}

# Links that obey TERM: every one of them must get it, none only KILL.
C=$T/chain
mkdir -p "$T/links"
mkservice "$C" "$HELPERS/session_chain $T/links $LINKS &
exec sleep 1000"
echo 60000 >"$C/timeout-kill" # KILL would come much later than the test
spawn "$BIN/supervise" "$C"
SUP=$SPAWNED
ok "a chain of $LINKS processes, each in its own session, runs" waitfor 20 all_links "$T/links"
"$BIN/svc" -d -wD -T $((20000 * SCALE)) "$C"
is "$?" 0 "svc -d -wD: the service goes down"
ok "every link of the chain is gone" all_gone "$T/links"
termed=0
for k in $(seq 1 $LINKS); do
  [ "$(cat "$T/links/term.$k" 2>/dev/null)" = TERM ] && termed=$((termed + 1))
done
is "$termed" $LINKS "every link got TERM when it reached supervise"
like "$("$BIN/svstat" "$C")" "*: down * seconds, normally up" "svstat: down, nothing left"
"$BIN/svc" -x "$C"
waitfor 5 gone "$SUP"

# Links that ignore TERM: KILL at every sweep once timeout-kill is over.
I=$T/stubborn
mkdir -p "$T/stubborn-links"
mkservice "$I" "$HELPERS/session_chain $T/stubborn-links $LINKS ignore &
exec sleep 1000"
echo 200 >"$I/timeout-kill"
spawn "$BIN/supervise" "$I"
SUP=$SPAWNED
ok "a chain of $LINKS processes that ignore TERM runs" waitfor 20 all_links "$T/stubborn-links"
"$BIN/svc" -d -wD -T $((20000 * SCALE)) "$I"
is "$?" 0 "svc -d -wD: the service goes down all the same"
ok "every link of the chain is gone" all_gone "$T/stubborn-links"
is "$(status_field "$I" flags)" 0 "no stop in progress any more (flags)"
"$BIN/svc" -x "$I"
waitfor 5 gone "$SUP"

# A stop that overflows the record of processes signalled (128): the
# newcomers still get the down signal.
M=$T/many
mkdir -p "$T/many-links"
mkservice "$M" "for i in \$(seq 1 140); do setsid sleep 1000 & done
$HELPERS/session_chain $T/many-links $LINKS &
exec sleep 1000"
echo 60000 >"$M/timeout-kill"
spawn "$BIN/supervise" "$M"
SUP=$SPAWNED
ok "140 daemons and a chain run" waitfor 60 all_links "$T/many-links"
"$BIN/svc" -d -wD -T $((20000 * SCALE)) "$M"
is "$?" 0 "svc -d -wD: the service goes down"
ok "every link of the chain is gone" all_gone "$T/many-links"
"$BIN/svc" -x "$M"
waitfor 5 gone "$SUP"
done_testing
