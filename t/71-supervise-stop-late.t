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
# chain DIR LINKDIR TIMEOUT-KILL 'RUN': DIR runs RUN (which starts a chain
# writing to LINKDIR) then sleeps, under a supervise whose pid is in SUP.
chain() {
  mkdir -p "$2"
  mkservice "$1" "$4
exec sleep 1000"
  echo "$3" >"$1/timeout-kill"
  spawn "$BIN/supervise" "$1"
  SUP=$SPAWNED
}
# stop_chain DIR LINKDIR TEXT: svc -d -wD takes DIR down (the check named
# TEXT), and no link of the chain is left.
stop_chain() {
  "$BIN/svc" -d -wD -T $((20000 * SCALE)) "$1"
  is "$?" 0 "$3"
  ok "every link of the chain is gone" all_gone "$2"
}

# Links that obey TERM: every one of them must get it, none only KILL.
C=$T/chain
# a timeout-kill of 60 s: KILL would come much later than the test
chain "$C" "$T/links" 60000 "$HELPERS/session_chain $T/links $LINKS &"
ok "a chain of $LINKS processes, each in its own session, runs" waitfor 20 all_links "$T/links"
stop_chain "$C" "$T/links" "svc -d -wD: the service goes down"
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
chain "$I" "$T/stubborn-links" 200 "$HELPERS/session_chain $T/stubborn-links $LINKS ignore &"
ok "a chain of $LINKS processes that ignore TERM runs" waitfor 20 all_links "$T/stubborn-links"
stop_chain "$I" "$T/stubborn-links" "svc -d -wD: the service goes down all the same"
is "$(status_field "$I" flags)" 0 "no stop in progress any more (flags)"
"$BIN/svc" -x "$I"
waitfor 5 gone "$SUP"

# A stop that overflows the record of processes signalled (128): the
# newcomers still get the down signal.
M=$T/many
chain "$M" "$T/many-links" 60000 "for i in \$(seq 1 140); do setsid sleep 1000 & done
$HELPERS/session_chain $T/many-links $LINKS &"
ok "140 daemons and a chain run" waitfor 60 all_links "$T/many-links"
stop_chain "$M" "$T/many-links" "svc -d -wD: the service goes down"
"$BIN/svc" -x "$M"
waitfor 5 gone "$SUP"
done_testing
