#!/bin/sh
# runit's sv against our supervise, and our svc and svstat against runsv.
. "$(dirname "$0")/lib.sh"
[ -x /usr/bin/sv ] && [ -x /usr/bin/runsv ] || skip_all "Debian's runit is not installed"
cd "$T" || exit 1

mkservice ours "exec sleep 1000"
spawn "$BIN/supervise" ours
OURS=$SPAWNED
waitfor 5 has_pid ours
pid=$(status_pid ours)
like "$(/usr/bin/sv status "$T/ours")" "run: $T/ours: (pid $pid) *s" "sv status reads our status: run, pid"
/usr/bin/sv down "$T/ours" >/dev/null
ok "sv down stops our service" waitfor 5 no_pid ours
like "$(/usr/bin/sv status "$T/ours")" "down: $T/ours: *s, normally up" "sv status: down, normally up"
/usr/bin/sv up "$T/ours" >/dev/null
ok "sv up starts it" waitfor 5 has_pid ours
like "$(/usr/bin/sv status "$T/ours")" "run: $T/ours: (pid *) *s" "sv status: run again"
/usr/bin/sv restart "$T/ours" >/dev/null 2>&1
ok "sv restart: a new pid" waitfor 5 pid_changed ours "$pid"
# SPEC §3: x exits once the service is down (daemontools' meaning); runit's
# runsv also stops the service on x, so here it is stopped first.
waitfor 5 has_pid ours
/usr/bin/sv exit "$T/ours" >/dev/null 2>&1
ok "sv exit alone leaves our service running" has_pid ours
/usr/bin/sv down "$T/ours" >/dev/null 2>&1
ok "sv down after sv exit: our supervise exits" waitfor 5 gone "$OURS"
like "$(/usr/bin/sv status "$T/ours" 2>&1)" "*: $T/ours: *runsv not running" "sv status: not running"

mkservice theirs "exec sleep 1000"
spawn /usr/bin/runsv theirs
RUNSV=$SPAWNED
waitfor 5 has_pid theirs
pid=$(status_pid theirs)
like "$("$BIN/svstat" theirs)" "theirs: up (pid $pid) * seconds" "our svstat reads runsv's status"
"$BIN/svok" theirs
is "$?" 0 "our svok: runsv is running"
"$BIN/svc" -d theirs
ok "our svc -d stops runsv's service" waitfor 5 no_pid theirs
like "$("$BIN/svstat" theirs)" "theirs: down * seconds, normally up" "our svstat: down"
"$BIN/svc" -u theirs
ok "our svc -u starts it" waitfor 5 has_pid theirs
"$BIN/svc" -dx theirs
ok "our svc -dx: runsv exits" waitfor 5 gone "$RUNSV"
done_testing
