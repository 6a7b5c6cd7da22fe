#!/bin/sh
# svc, svstat and svok: output lines, warnings and exit codes (SPEC §4).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

mkservice up "exec sleep 1000"
mkservice down "exec sleep 1000"
touch down/down
mkdir never
mkdir -p dead/supervise
mkfifo dead/supervise/ok dead/supervise/control
spawn "$BIN/supervise" up
SUP1=$SPAWNED
spawn "$BIN/supervise" down
SUP2=$SPAWNED
waitfor 5 has_pid up
waitfor 5 test -p down/supervise/ok

"$BIN/svstat" up down never dead missing >out
is "$?" 0 "svstat exits 0 even after per-directory errors"
like "$(sed -n 1p out)" "up: up (pid $(status_pid up)) [0-9]* seconds" "svstat: up (pid P) N seconds"
like "$(sed -n 2p out)" "down: down [0-9]* seconds" "svstat: down N seconds"
is "$(sed -n 3p out)" "never: unable to open supervise/ok: file does not exist" "svstat: never supervised"
is "$(sed -n 4p out)" "dead: supervise not running" "svstat: supervise not running"
is "$(sed -n 5p out)" "missing: unable to chdir: file does not exist" "svstat: missing directory"
"$BIN/svstat" >out
is "$?:$(cat out)" "0:" "svstat with no argument prints nothing"
"$BIN/svstat" -Z up 2>err
is "$?:$(cat err)" "100:svstat: illegal option -- Z
svstat: usage: svstat [ -l | -j | -P ] dir ..." "svstat: unknown option is named, then the usage"

"$BIN/svc" -u down
waitfor 5 has_pid down
like "$("$BIN/svstat" down)" "down: up (pid *) * seconds, normally down" "svstat: up, normally down"
"$BIN/svc" -pd up
waitfor 5 no_pid up
like "$("$BIN/svstat" up)" "up: down * seconds, normally up" "svstat: down, normally up"
"$BIN/svc" -p down
waitfor 5 status_is "down" paused 1
like "$("$BIN/svstat" down)" "down: up (pid *) * seconds, normally down, paused" "svstat: paused"
rm down/down
"$BIN/svc" -d down # paused and want down, until it dies
like "$("$BIN/svstat" -l down)" "down: *" "svstat -l prints the same line first"

# svstat -l: the extension.
"$BIN/svc" -u up
waitfor 5 has_pid up
like "$("$BIN/svstat" -l up | sed 's/; cgroup .*//')" "up: up (pid *) * seconds; ready * seconds; starts 2; last exit signal TERM" \
  "svstat -l: readiness, starts and the last exit"

# svc: warnings, not errors, and duplicates dropped.
"$BIN/svc" -u missing never dead 2>err
is "$?" 0 "svc exits 0 after warnings"
is "$(sed -n 1p err)" "svc: warning: unable to chdir to missing: file does not exist" "svc: missing directory"
is "$(sed -n 2p err)" "svc: warning: unable to control never: file does not exist" "svc: never supervised"
is "$(sed -n 3p err)" "svc: warning: unable to control dead: supervise not running" "svc: supervise not running"
"$BIN/svc" -Z up 2>err
is "$?" 100 "svc: unknown option exits 100"
like "$(cat err)" "svc: illegal option -- Z
svc: usage: svc *" "svc: unknown option is named, as daemontools' svc does, then the usage"
mkdir -p fake/supervise && mkfifo fake/supervise/control
exec 8<>fake/supervise/control # a reader, as supervise holds one
"$BIN/svc" -uudtu -x fake
dd bs=64 count=1 <&8 2>/dev/null >sent
exec 8<&-
is "$(cat sent)" "udtx" "svc: the letters in order of first appearance, duplicates dropped, one write"

# svok.
"$BIN/svok" up
is "$?" 0 "svok: 0 when supervise runs"
"$BIN/svok" dead
is "$?" 100 "svok: 100 when supervise is not running"
"$BIN/svok" never
is "$?" 100 "svok: 100 when never supervised"
"$BIN/svok" missing 2>err
is "$?:$(cat err)" "111:svok: fatal: unable to chdir to missing: file does not exist" "svok: 111 for a missing directory"
"$BIN/svok" 2>err
is "$?:$(cat err)" "100:svok: usage: svok dir" "svok: usage"
"$BIN/svc" -dx up down
done_testing
