#!/bin/sh
# Alerts: ./alert EVENT (or ../.alert) on each change of the service, one
# at a time, never holding supervise up; events wait in a bounded queue.
. "$(dirname "$0")/lib.sh"
starts() { od -An -tu4 --endian=big -j 24 -N4 "$1/supervise/status" | tr -d ' '; }
events() { cut -d' ' -f1 "$1" | tr '\n' ' '; }

# 1. Each event, in order, with its environment: up, ready (notification-fd),
# crash (exit 3 at once), backoff, up, ready, down (svc -d).
S=$T/svc
mkservice "$S" "echo >&3
if [ ! -e $T/ran ]; then touch $T/ran; exit 3; fi
exec sleep 1000"
echo 3 >"$S/notification-fd"
echo 100 >"$S/restart-delay"
cat >"$S/alert" <<EOF
#!/bin/sh
echo "\$1 pid=\${TEND_PID:-} code=\${TEND_EXIT_CODE:-} sig=\${TEND_EXIT_SIGNAL:-} starts=\$TEND_STARTS ran=\${TEND_RAN_MS:-} delay=\${TEND_DELAY_MS:-} dropped=\${TEND_ALERT_DROPPED:-0} event=\$TEND_EVENT" >>$T/log
echo "\$TEND_SERVICE" >$T/service
echo "\$TEND_EVENT_TIME" >$T/time
echo "\$PWD" >$T/cwd
EOF
chmod +x "$S/alert"
spawn "$BIN/supervise" "$S" 2>"$T/err"
ok "up, ready, crash, backoff, up, ready are alerted" waitfor 10 lines "$T/log" 6
pid=$(status_pid "$S")
svc -d "$S"
ok "svc -d is alerted as down" waitfor 10 lines "$T/log" 7
is "$(events "$T/log")" "up ready crash backoff up ready down " "the events come in order"
first=$(sed -n 1p "$T/log" | sed 's/.*pid=\([0-9]*\).*/\1/')
like "$(sed -n 3p "$T/log")" "crash pid=$first code=3 sig= starts=1 ran=[0-9]* delay= dropped=0 event=crash" \
  "crash: pid, exit code, starts, run time"
like "$(sed -n 4p "$T/log")" "backoff pid=* code= sig= starts=1 ran= delay=100 dropped=0 event=backoff" \
  "backoff: the delay"
like "$(sed -n 5p "$T/log")" "up pid=$pid code= sig= starts=2 *" "up: the new pid, starts"
like "$(sed -n 7p "$T/log")" "down pid=$pid code= sig=15 starts=2 ran=[0-9]* *" \
  "down: the signal that stopped it"
is "$(cat "$T/service")" "$(cd "$S" && pwd -P)" "TEND_SERVICE is the absolute service directory"
is "$(cat "$T/cwd")" "$(cd "$S" && pwd -P)" "the alert runs in the service directory"
now=$(date +%s)
t=$(cut -d. -f1 "$T/time")
ok "TEND_EVENT_TIME is the time of the event ($t, $now)" [ "$t" -le "$now" -a "$t" -ge $((now - 60)) ]
like "$(cat "$T/time")" "[0-9]*.[0-9][0-9][0-9]" "TEND_EVENT_TIME has milliseconds"
is "$(cat "$T/err")" "" "nothing on stderr"

# 2. ../.alert for a service without its own; never through a symlink.
mkdir -p "$T/scan"
mkservice "$T/scan/b" "exec sleep 1000"
printf '#!/bin/sh\necho "$1 ${PWD##*/}" >>%s/scan.log\n' "$T" >"$T/scan/.alert"
chmod +x "$T/scan/.alert"
spawn "$BIN/supervise" "$T/scan/b"
ok "../.alert runs for a service without alert" waitfor 10 lines "$T/scan.log" 2
is "$(cat "$T/scan.log")" "up b
ready b" "../.alert gets the event, in the service directory"
mkservice "$T/scan2/c" "exec sleep 1000"
ln -s "$T/scan/.alert" "$T/scan2/.alert"
printf '#!/bin/sh\necho "$1" >>%s/own.log\n' "$T" >"$T/scan2/c/alert"
chmod +x "$T/scan2/c/alert"
spawn "$BIN/supervise" "$T/scan2/c"
ok "the service's own alert wins" waitfor 10 lines "$T/own.log" 2
rm "$T/scan2/c/alert"
svc -d "$T/scan2/c"
ok "the service stops" waitfor 10 no_pid "$T/scan2/c"
ok "a symlinked ../.alert is not run" [ "$(grep -c c "$T/scan.log")" = 0 ]

# 3. A slow alert holds nothing up: supervise restarts and obeys svc while
# the first alert waits; the queue keeps its order, and the next run is
# told how many events were dropped when it overflowed.
Q=$T/queue
mkservice "$Q" "exit 1"
echo 100 >"$Q/restart-delay"
echo 100 >"$Q/restart-delay-max"
cat >"$Q/alert" <<EOF
#!/bin/sh
echo "\$1 \${TEND_ALERT_DROPPED:-0}" >>$T/q.log
while [ ! -e $T/open ]; do sleep 0.05; done
EOF
chmod +x "$Q/alert"
spawn "$BIN/supervise" "$Q"
ok "the first alert runs" waitfor 10 lines "$T/q.log" 1
many() { [ "$(starts "$Q")" -ge 10 ]; }
ok "supervise restarts the service while the alert waits" waitfor 20 many
svc -d "$Q"
wanted_down() { [ "$(status_byte "$Q" 17)" = 100 ] && ! has_pid "$Q"; }
ok "supervise obeys svc -d while the alert waits" waitfor 10 wanted_down
is "$(wc -l <"$T/q.log")" 1 "one alert at a time"
touch "$T/open"
ok "the queued alerts run" waitfor 10 lines "$T/q.log" 17
is "$(sed -n 1p "$T/q.log")" "up 0" "the first alert is told of no drop"
second=$(sed -n 2p "$T/q.log")
ok "the next one is told how many were dropped ($second)" sh -c "[ ${second#* } -gt 0 ]"
order_ok() {
  prev=""
  while read -r ev dropped; do
    case "$prev $ev" in
    " "* | "up ready" | "ready crash" | "crash backoff" | "backoff up" | "ready down") ;;
    *) [ -n "$prev" ] && [ "$dropped" != 0 ] || { sed "s/^/# /" "$T/q.log" >&2; return 1; } ;;
    esac
    prev=$ev
  done <"$T/q.log"
}
ok "the queued events keep their order: up ready crash backoff..." order_ok
total=$(($(wc -l <"$T/q.log") + ${second#* }))
# 4 a start, or 3 if svc -d came while ./run ran (up ready down)
n=$(starts "$Q")
ok "all the events are seen or counted as dropped ($total, $n starts)" \
  [ "$total" = $((n * 4)) -o "$total" = $((n * 4 - 1)) ]
is "$(sed 1d "$T/q.log" | awk '$2 > 0' | wc -l)" 1 "only the first run after the overflow reports it"
ok "no more than 16 events wait ($total events seen or dropped)" [ "$(wc -l <"$T/q.log")" -le 17 ]

# 4. A hanging alert is KILLed after timeout-alert, and the next one runs.
H=$T/hang
mkservice "$H" "exec sleep 1000"
echo 300 >"$H/timeout-alert"
printf '#!/bin/sh\necho "$1 $$" >>%s/h.log\nexec sleep 1000\n' "$T" >"$H/alert"
chmod +x "$H/alert"
spawn "$BIN/supervise" "$H"
ok "after timeout-alert the next alert runs" waitfor 10 lines "$T/h.log" 2
hung=$(sed -n 1p "$T/h.log" | cut -d' ' -f2)
ok "the hanging alert was killed" waitfor 10 gone "$hung"
is "$(events "$T/h.log")" "up ready " "in order"

# 5. An alert that cannot run is one warning per event, and no spin.
N=$T/noexec
mkservice "$N" "exec sleep 1000"
echo 'echo never' >"$N/alert"
spawn "$BIN/supervise" "$N" 2>"$T/n.err"
ok "a non-executable alert is reported" waitfor 10 lines "$T/n.err" 2
like "$(sed -n 1p "$T/n.err")" "supervise: warning: unable to run $N/alert: *" "with its reason"
ok "the service runs anyway" has_pid "$N"

# 6. check-failed when check-failures checks failed; gave-up when ./finish
# exits 125 (nothing else stops the restarts).
C=$T/check
mkservice "$C" "exec sleep 1000"
printf '#!/bin/sh\nexit 7\n' >"$C/check"
printf '#!/bin/sh\nexit 125\n' >"$C/finish"
chmod +x "$C/check" "$C/finish"
echo 1 >"$C/check-interval"
echo 1 >"$C/check-failures"
cat >"$C/alert" <<EOF
#!/bin/sh
echo "\$1 \${TEND_EXIT_CODE:-}\${TEND_EXIT_SIGNAL:-}" >>$T/c.log
EOF
chmod +x "$C/alert"
spawn "$BIN/supervise" "$C" 2>/dev/null
ok "a failed check and the stop it causes are alerted" waitfor 15 lines "$T/c.log" 5
is "$(cat "$T/c.log")" "up 
ready 
check-failed 7
down 15
gave-up " "check-failed (with the check's exit code), down, then gave-up"

# 7. A run that says it is ready and exits at once: supervise may see the
# exit first (its SIGCHLD is handled before the readiness pipe); the
# readiness still counts. supervise is stopped while ./run writes its
# newline and exits, so that both are waiting when it goes on.
R=$T/quick
mkservice "$R" "while [ ! -e $T/quick.go ]; do sleep 0.01; done
echo >&3
exit 3"
echo 3 >"$R/notification-fd"
echo 60000 >"$R/restart-delay"
printf '#!/bin/sh\necho "$1" >>%s\n' "$T/quick.log" >"$R/alert"
chmod +x "$R/alert"
spawn "$BIN/supervise" "$R" 2>/dev/null
qsup=$SPAWNED
waitfor 10 lines "$T/quick.log" 1
waitfor 5 has_pid "$R"
qrun=$(status_pid "$R")
zombie() { [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
kill -STOP "$qsup"
touch "$T/quick.go"
ok "./run wrote its newline and exited while supervise was stopped" waitfor 5 zombie "$qrun"
kill -CONT "$qsup"
ok "the exit is alerted" waitfor 10 lines "$T/quick.log" 4
is "$(events "$T/quick.log")" "up ready crash backoff " "the readiness before the exit is not lost: up ready crash backoff"
done_testing
