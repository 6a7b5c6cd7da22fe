#!/bin/sh
# svstat -P: the Prometheus text exposition format, checked line by line
# against the format (HELP and TYPE once per family and before its samples,
# each family's samples together, one series per label set, label values
# escaped), and against what real supervise processes are doing; promtool
# checks it too where it is installed.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

mkservice up "exec sleep 1000"
spawn "$BIN/supervise" up
mkservice down "exec sleep 1000"
touch down/down
spawn "$BIN/supervise" down
mkservice crash "exit 3"
echo 60000 >crash/restart-delay
spawn "$BIN/supervise" crash
mkservice stopped "exec sleep 1000"
spawn "$BIN/supervise" stopped
mkservice notready "exec sleep 1000"
echo 3 >notready/notification-fd
spawn "$BIN/supervise" notready
mkservice logged "exec sleep 1000"
mkservice logged/log "exec sleep 1000"
spawn "$BIN/supervise" logged
spawn "$BIN/supervise" logged/log
mkservice dead "exec sleep 1000"
spawn "$BIN/supervise" dead
deadsup=$SPAWNED
mkdir never
hostile=$(printf 'h"q\\b\nn\377x')
mkservice "$hostile" "exec sleep 1000"
spawn "$BIN/supervise" "$hostile"

restart_pending() { [ "$(od -An -tx1 -j56 -N8 "$1/supervise/status" | tr -d ' \n')" != 0000000000000000 ]; }
for s in up notready stopped logged logged/log dead "$hostile"; do
  waitfor 5 has_pid "$s" || echo "# $s did not start" >&2
done
waitfor 5 test -p down/supervise/ok
waitfor 5 restart_pending crash
"$BIN/svc" -d stopped
waitfor 5 no_pid stopped
kill -KILL "$deadsup"
waitfor 5 gone "$deadsup"

"$BIN/svstat" -P up down crash stopped notready logged dead "$hostile" never \
  up >out 2>err
is "$?" 0 "svstat -P exits 0"
is "$(cat err)" "svstat: warning: dead: supervise not running
svstat: warning: never: unable to open supervise/ok: file does not exist" \
  "a directory it cannot read is a warning on stderr"

# The format, line by line (text format 0.0.4).
LC_ALL=C awk '
  function bad(why) { print "line " NR ": " why ": " $0; fail = 1 }
  /^# HELP / {
    if (!match($3, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/)) bad("metric name")
    if (help[$3]++) bad("second HELP")
    if (family != $3 && seen[$3]) bad("HELP after the family")
    if ($0 ~ /\\[^\\n]/) bad("bad escape in HELP")
    family = $3; next
  }
  /^# TYPE / {
    if (type[$3]++) bad("second TYPE")
    if ($3 != family) bad("TYPE away from its HELP")
    if (NF != 4 || $4 !~ /^(counter|gauge)$/) bad("type")
    if ($4 == "counter" && $3 !~ /_total$/) bad("a counter without _total")
    if ($4 == "gauge" && $3 ~ /_total$/) bad("a gauge with _total")
    if (samples[$3]) bad("TYPE after a sample")
    next
  }
  /^#/ { bad("another comment"); next }
  {
    name = $0; sub(/\{.*/, "", name)
    if (name !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) bad("sample name")
    if (!type[name] || !help[name]) bad("a sample before HELP and TYPE")
    if (name != family) bad("a sample away from its family")
    if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*\{service="([^"\\]|\\[\\"n])*"\} -?[0-9]+(\.[0-9]+)?$/)
      bad("sample syntax")
    series = $0; sub(/ [^ ]*$/, "", series)
    if (seen_series[series]++) bad("a series twice")
    seen[name] = 1; samples[name]++
  }
  END { if (!fail) print "format ok" }
' out >format.out
is "$(cat format.out)" "format ok" "every line follows the text format"
is "$(tail -c 1 out | od -An -c | tr -d ' ')" '\n' "the last line ends with a newline"
is "$(grep -c '^# HELP' out)" "$(grep -c '^# TYPE' out)" "each HELP with a TYPE"

# sample NAME SERVICE: the value of NAME{service="SERVICE"}
sample() { grep -F "$1{service=\"$2\"} " out | sed 's/.* //'; }
is "$(sample tend_service_status_ok up)" 1 "status_ok 1 for a supervised service"
is "$(sample tend_service_status_ok dead)" 0 "status_ok 0 for supervise not running"
is "$(sample tend_service_status_ok never)" 0 "status_ok 0 for a never supervised directory"
is "$(sample tend_service_up dead)" "" "no other sample for a directory it cannot read"
is "$(grep -c 'service="up"' out)" "$(grep -c 'service="logged"' out)" \
  "a directory given twice is shown once"
is "$(sample tend_service_up up)" 1 "up: tend_service_up 1"
is "$(sample tend_service_ready up)" 1 "up: ready"
is "$(sample tend_service_want_up up)" 1 "up: want up"
is "$(sample tend_service_normally_up up)" 1 "up: normally up"
is "$(sample tend_service_paused up)" 0 "up: not paused"
is "$(sample tend_service_starts_total up)" 1 "up: starts 1"
like "$(sample tend_service_state_seconds up)" "[0-9]*.[0-9][0-9][0-9]" "state_seconds with milliseconds"
like "$(sample tend_service_state_change_timestamp_seconds up)" "1[0-9]*.[0-9]*" \
  "state_change_timestamp_seconds: a unix time"
is "$(sample tend_service_up down)" 0 "down: tend_service_up 0"
is "$(sample tend_service_want_up down)" 0 "down: want_up 0"
is "$(sample tend_service_normally_up down)" 0 "down: normally_up 0"
is "$(sample tend_service_ready notready)" 0 "notification-fd and no newline: ready 0"
is "$(sample tend_service_up crash)" 0 "crashed: up 0"
is "$(sample tend_service_want_up crash)" 1 "crashed: want_up 1"
is "$(sample tend_service_last_exit_code crash)" 3 "crashed: last_exit_code 3"
like "$(sample tend_service_restart_pending_seconds crash)" "[1-6][0-9].[0-9][0-9][0-9]" \
  "crashed: restart_pending_seconds about 60"
is "$(sample tend_service_deaths crash)" 1 "crashed: deaths 1"
is "$(sample tend_service_last_exit_signal stopped)" 15 "stopped: last_exit_signal 15"
is "$(sample tend_service_last_exit_code stopped)" "" "stopped: no last_exit_code"
is "$(sample tend_service_restart_pending_seconds up)" "" "no restart pending: no sample"
is "$(sample tend_service_up logged/log)" 1 "the log service is service=\"DIR/log\""
is "$(sample tend_service_up 'h\"q\\b\nn')" "" "(an invalid byte is not left raw)"
is "$(grep -c '{service="h\\"q\\\\b\\nn' out)" 10 \
  "a hostile name: quote, backslash and newline escaped, each of its 10 samples on one line"
is "$(grep -F 'tend_service_up{service="h\"q\\b\nn' out | od -An -tx1 | tr -d ' \n' | grep -c 'c3bf78')" 1 \
  "an invalid byte is written as the UTF-8 of U+00XX"
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")' <out
  is "$?" 0 "the whole output is valid UTF-8"
else
  skip "python3 is not installed: UTF-8 validity not checked"
fi

if [ -x /usr/bin/promtool ]; then
  /usr/bin/promtool check metrics <out >promtool.out 2>&1
  is "$?:$(cat promtool.out)" "0:" "promtool check metrics accepts it"
else
  skip "/usr/bin/promtool is not installed (Debian package prometheus)"
fi

# A byte of no UTF-8 is written as the character of the same number: two
# names that differ only so would be one series twice, which makes the
# whole file unreadable to Prometheus. The first is kept.
mkdir "$(printf 'c\377')" "$(printf 'c\303\277')"
"$BIN/svstat" -P "$(printf 'c\377')" "$(printf 'c\303\277')" >out 2>err
is "$(grep -c '^tend_service_status_ok{service="c' out)" 1 \
  "names written alike (a stray byte and its U+00XX) give one series"
is "$(wc -l <err | tr -d ' ')" 2 "both are still read (two warnings)"

"$BIN/svstat" -P >out 2>err
is "$?:$(cat out err)" "0:" "no directory: nothing, exit 0"

done_testing
