#!/bin/sh
# node_exporter (Debian's prometheus-node-exporter) and tend: its runit
# collector reads tend's supervise/status as it reads runit's, and its
# textfile collector takes svstat -P's output written as svstat.8 says
# (a temporary file, then mv), hostile service names included.
. "$(dirname "$0")/lib.sh"
NE=/usr/bin/prometheus-node-exporter
[ -x "$NE" ] || skip_all "$NE is not installed (Debian package prometheus-node-exporter)"
command -v curl >/dev/null 2>&1 || skip_all "curl is not installed: cannot scrape node_exporter"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed: cannot find a free port"
"$NE" --help 2>&1 | grep -q -- '--collector.runit' && runit_collector=1 || runit_collector=0
cd "$T" || exit 1

mkdir service tf
mkservice service/up "exec sleep 1000"
spawn "$BIN/supervise" service/up
mkservice service/down "exec sleep 1000"
touch service/down/down
spawn "$BIN/supervise" service/down
mkservice service/crash "exit 3"
echo 60000 >service/crash/restart-delay
spawn "$BIN/supervise" service/crash
# not in service/: the runit collector panics on a name that is not UTF-8
mkdir odd
hostile=$(printf 'odd/h"q\\b\nn\377x')
mkservice "$hostile" "exec sleep 1000"
spawn "$BIN/supervise" "$hostile"
restart_pending() { [ "$(od -An -tx1 -j56 -N8 "$1/supervise/status" | tr -d ' \n')" != 0000000000000000 ]; }
waitfor 5 has_pid service/up || echo "# up did not start" >&2
waitfor 5 has_pid "$hostile" || echo "# the hostile name did not start" >&2
waitfor 5 test -p service/down/supervise/ok
waitfor 5 restart_pending service/crash

# the line of svstat.8, FILES of the textfile collector
"$BIN/svstat" -P service/* odd/* >tf/tend.prom.tmp && mv tf/tend.prom.tmp tf/tend.prom
ok "svstat -P wrote the textfile" test -s tf/tend.prom

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
collectors="--collector.textfile --collector.textfile.directory=$T/tf"
[ $runit_collector = 1 ] &&
  collectors="$collectors --collector.runit --collector.runit.servicedir=$T/service"
# shellcheck disable=SC2086 # a list of options
spawn sh -c "exec '$NE' --collector.disable-defaults $collectors \
  --web.listen-address=127.0.0.1:$port 2>'$T/ne.log'"
scrape() { curl -sf "http://127.0.0.1:$port/metrics" >metrics; }
ok "node_exporter answers" waitfor 20 scrape
if ! [ -s metrics ]; then
  sed 's/^/# /' ne.log >&2
  done_testing
fi

# sample NAME SERVICE: the value of NAME{service="SERVICE"} in the scrape
sample() { grep -F "$1{service=\"$2\"} " metrics | sed 's/.* //'; }
is "$(grep '^node_textfile_scrape_error ' metrics)" "node_textfile_scrape_error 0" \
  "the textfile collector parses svstat -P's file"
is "$(sample tend_service_up service/up)" 1 "textfile: tend_service_up of a running service"
is "$(sample tend_service_up service/down)" 0 "textfile: tend_service_up of a down one"
is "$(sample tend_service_last_exit_code service/crash)" 3 "textfile: the last exit code"
is "$(sample tend_service_starts_total service/up)" 1 "textfile: the counter"
is "$(sample tend_service_up "$(printf 'odd/h\\"q\\\\b\\nn\303\277x')")" 1 \
  "textfile: a hostile name arrives with its escapes, the invalid byte as U+00FF"

if [ $runit_collector = 1 ]; then
  # runit NAME SERVICE: the value of NAME{service="SERVICE",supervisor="runit"}
  runit() { grep -F "$1{service=\"$2\",supervisor=\"runit\"} " metrics | sed 's/.* //'; }
  is "$(runit node_service_state up)" 1 "runit collector: a running tend service is state 1 (run)"
  is "$(runit node_service_desired_state up)" 1 "runit collector: wanted up"
  is "$(runit node_service_normal_state up)" 1 "runit collector: normally up"
  is "$(runit node_service_state down)" 0 "runit collector: a down tend service is state 0"
  is "$(runit node_service_desired_state down)" 0 "runit collector: wanted down"
  is "$(runit node_service_state crash)" 0 "runit collector: a crashed service is state 0"
  is "$(runit node_service_desired_state crash)" 1 "runit collector: a crashed service is wanted up"
  like "$(runit node_service_state_last_change_timestamp_seconds up)" "1.*e+09" \
    "runit collector: the time of the last change"
else
  skip "this node_exporter has no --collector.runit (later versions dropped it)"
fi

done_testing
