#!/bin/sh
# pgrphack: the exec'd program leads a new session and process group.
. "$(dirname "$0")/lib.sh"

# ids: "PID PGRP SID" of the shell that runs it (fields after the command
# name in /proc/PID/stat).
ids='set -- $(sed "s/.*) //" /proc/$$/stat); echo "$$ $3 $4"'

set -- $(sh -c "$ids")
ok "a plain child does not lead a session (control)" [ "$1" != "$3" ]
set -- $("$BIN/pgrphack" sh -c "$ids")
is "$2 $3" "$1 $1" "the program leads its own process group and session"
is "$("$BIN/pgrphack" sh -c 'tty >/dev/null 2>&1 || echo none')" none "it has no controlling terminal"
is "$("$BIN/pgrphack" "$BIN/pgrphack" sh -c 'echo ran')" ran \
  "a program already leading a session still runs"
is "$("$BIN/pgrphack" sh -c 'for a; do echo "[$a]"; done' sh -x 'a b')" "[-x]
[a b]" "the rest of the command line is passed on verbatim"

out=$("$BIN/pgrphack" 2>&1)
is "$?:$out" "100:pgrphack: usage: pgrphack child" "no program: usage, exit 100"
out=$("$BIN/pgrphack" "$T/nonexistent" 2>&1)
is "$?:$out" "111:pgrphack: fatal: unable to run $T/nonexistent: file does not exist" \
  "a program that cannot be run is named, exit 111"

if [ -x /usr/bin/pgrphack ]; then
  for args in "" "$T/nonexistent" "-- true" "pgrphack true"; do
    same_as_daemontools pgrphack $args
  done
else
  skip "daemontools' pgrphack is not installed"
fi

done_testing
