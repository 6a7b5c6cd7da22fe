#!/bin/sh
# svc -w and svwait with daemontools' supervise and runit's runsv, whose
# status has no readiness and no start counter: up counts as ready, and a
# restart shows as a new pid.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
up() { [ -n "$(status_pid "$1" 2>/dev/null)" ] && [ "$(status_pid "$1")" != 0 ]; }

for peer in /usr/bin/supervise /usr/bin/runsv; do
  name=${peer##*/}
  if [ ! -x "$peer" ]; then
    skip "$peer is not installed"
    continue
  fi
  mkservice "$name" "exec sleep 1000"
  touch "$name/down"
  spawn "$peer" "$name"
  waitfor 5 "$BIN/svok" "$name"
  waitfor 5 test -f "$name/supervise/status"
  "$BIN/svc" -wu -T $((5000 * SCALE)) -u "$name" 2>err
  is "$?:$(cat err)" "0:" "svc -wu -u under $name"
  ok "svc -wu under $name: a pid when svc returns" up "$name"
  pid=$(status_pid "$name")
  "$BIN/svc" -wr -T $((5000 * SCALE)) -t "$name" 2>err
  is "$?:$(cat err)" "0:" "svc -wr -t under $name"
  ok "svc -wr under $name: a new pid" pid_changed "$name" "$pid"
  "$BIN/svc" -wU -T 0 "$name"
  is "$?" 0 "svc -wU under $name: up counts as ready"
  "$BIN/svwait" -U -T 0 "$name"
  is "$?" 0 "svwait -U under $name"
  "$BIN/svc" -wD -T $((5000 * SCALE)) -d "$name" 2>err
  is "$?:$(cat err)" "0:" "svc -wD -d under $name"
  is "$(status_pid "$name")" 0 "svc -wD under $name: no pid when svc returns"
  "$BIN/svwait" -d -T 0 "$name"
  is "$?" 0 "svwait -d under $name"
  "$BIN/svc" -x "$name"
done
done_testing
