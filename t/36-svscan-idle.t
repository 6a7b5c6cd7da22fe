#!/bin/sh
# With nothing happening, svscan and every supervise it started sleep:
# no context switch at all over an idle window. Also: no fixed cap on the
# number of services, and the open-files limit raised for them.
. "$(dirname "$0")/lib.sh"

switches() {
  total=0
  for p in "$@"; do
    n=$(awk '/ctxt_switches/ {s += $2} END {print s + 0}' "/proc/$p/status" 2>/dev/null)
    total=$((total + ${n:-0}))
  done
  echo "$total"
}
all_up() {
  for d in "$S"/*/; do has_pid "$d" || return 1; done
}

S=$T/s
mkdir -p "$S"
for i in $(seq 1 40); do mkservice "$S/s$i" 'exec sleep 1000'; done
mkservice "$S/logged" 'exec sleep 1000'
mkservice "$S/logged/log" 'exec sleep 1000'

# A low open-files soft limit: svscan raises it to the hard limit, and its
# children get the original one back.
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -gt 64 ]; then
  (ulimit -Sn 64 && exec "$BIN/svscan" "$S") 2>"$T/err" &
  scan=$!
  _pids="$_pids $scan"
  lowered=yes
else
  spawn "$BIN/svscan" "$S" 2>"$T/err"
  scan=$SPAWNED
  lowered=no
fi
ok "41 services come up" waitfor 10 all_up
ok "and the logger" waitfor 5 has_pid "$S/logged/log"
kids=$(ps -o pid= --ppid "$scan" | tr -d ' ')
is "$(echo $kids | wc -w)" 42 "one supervise per service and logger"

if [ $lowered = yes ]; then
  is "$(awk '/Max open files/ {print $4}' "/proc/$scan/limits")" "$hard" \
    "svscan raises its open-files soft limit to the hard limit"
  sv=$(echo $kids | cut -d' ' -f1)
  is "$(awk '/Max open files/ {print $4}' "/proc/$sv/limits")" 64 \
    "supervise gets the original limit back"
else
  skip "the open-files hard limit is unlimited or tiny"
  skip "the open-files hard limit is unlimited or tiny"
fi

# Let the last status writes settle, then watch one idle second.
waitfor 5 sh -c "a=\$(cat /proc/$scan/status | grep ctxt); sleep 0.2; [ \"\$a\" = \"\$(cat /proc/$scan/status | grep ctxt)\" ]"
before=$(switches "$scan" $kids)
sleep 1
after=$(switches "$scan" $kids)
is "$((after - before))" 0 "an idle svscan and its supervisors do not wake up"

kill -TERM "$scan"
wait "$scan"
is "$?" 0 "and they all stop on SIGTERM"

done_testing
