#!/bin/sh
# examples/uptime: a service that watches a URL with svprobe and runs
# ./alert down / ./alert up on each change, once, across restarts.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

printf 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n' >ok.http
printf 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n' >down.http
cp ok.http health.http
spawn sh -c 'exec "$0" -r "$1" reply "$2" >"$3"' "$HELPERS/probe_server" \
  "$T/request" "$T/health.http" "$T/port"
waitfor 5 test -s port
P=$(cat port)
URL=http://127.0.0.1:$P/health

# watcher DIR URL: a copy of the example, probing every 0.1 s, whose
# alert appends "EVENT URL REASON" to DIR.alerts when ./run calls it;
# supervise also runs ./alert for the watcher's own events (up, ready...),
# without UPTIME_URL, and those are not the example's to record.
watcher() {
  cp -r "$top/examples/uptime" "$1"
  echo "$2" >"$1/url"
  echo 0.1 >"$1/interval"
  echo 2 >"$1/confirm"
  echo 2000 >"$1/timeout"
  printf '#!/bin/sh\n[ -n "${UPTIME_URL:-}" ] || exit 0\necho "$1 $UPTIME_URL ${UPTIME_REASON:-}" >>%s.alerts\n' "$1" >"$1/alert"
  spawn sh -c 'exec "$0" "$1" >"$1.out" 2>&1' "$BIN/supervise" "$1"
}
lines() {
  _lines=$(wc -l 2>/dev/null <"$1")
  [ "${_lines:-0}" -ge "$2" ]
}
# probes N: N more requests reach the server (it renames each into place)
probes() {
  _i=0
  while [ "$_i" -lt "$1" ]; do
    rm -f "$T/request"
    waitfor 10 test -e "$T/request" || return 1
    _i=$((_i + 1))
  done
}

watcher "$T/up" "$URL"
ok "a watcher of a healthy site records it as up" waitfor 10 grep -qx up "$T/up/state"
probes 3
ok "a fresh start on a healthy site alerts nobody" test ! -e "$T/up.alerts"

cp down.http health.http
ok "the site going down is alerted" waitfor 10 lines "$T/up.alerts" 1
is "$(cat "$T/up.alerts")" \
  "down $URL svprobe: $URL: status 503 Service Unavailable, want 2xx" \
  "./alert down gets the URL and svprobe's reason"
is "$(cat "$T/up/state")" down "the state file says down"
probes 3
is "$(wc -l <"$T/up.alerts")" 1 "a site that stays down is alerted once"

pid=$(status_pid "$T/up")
"$BIN/svc" -t "$T/up"
waitfor 10 pid_changed "$T/up" "$pid"
probes 3
is "$(wc -l <"$T/up.alerts")" 1 "a restarted watcher repeats no alert (the state is kept)"

cp ok.http health.http
ok "the site coming back is alerted" waitfor 10 lines "$T/up.alerts" 2
is "$(sed -n 2p "$T/up.alerts")" "up $URL " "./alert up gets the URL and no reason"
like "$(cat "$T/up.out")" "*uptime: $URL is down (svprobe: $URL: status 503 Service Unavailable, want 2xx)*uptime: $URL is up*" \
  "the watcher logs each change"

# A site that is down when the watcher starts.
spawn "$HELPERS/probe_server" silent >"$T/gone.port"
waitfor 5 test -s "$T/gone.port"
G=$(cat "$T/gone.port")
kill -KILL "$SPAWNED"
wait "$SPAWNED" 2>/dev/null
watcher "$T/dead" "http://127.0.0.1:$G/"
ok "a site down from the start is alerted" waitfor 10 lines "$T/dead.alerts" 1
is "$(cat "$T/dead.alerts")" \
  "down http://127.0.0.1:$G/ svprobe: http://127.0.0.1:$G/: connection refused" \
  "with the reason"

# The example's own alert script.
is "$(UPTIME_URL=http://x/ UPTIME_REASON='svprobe: http://x/: timed out' "$top/examples/uptime/alert" down)" \
  "alert: http://x/ is down (svprobe: http://x/: timed out)" \
  "the example's alert writes one line to the log"
is "$(UPTIME_URL='' "$top/examples/uptime/alert" up)" "" \
  "it says nothing when not run by the watcher"

done_testing
