#!/bin/sh
# svimport's services, run by svscan: what each imported program runs as
# (user, working directory, environment, arguments, seen in /proc), where
# its output goes, and how the restart and stop settings behave. The
# configurations have the shapes people write: a gunicorn app, Laravel
# queue workers, a Docker entrypoint, with an [include] of conf.d/*.conf.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
mkdir -p etc/conf.d app log sv scan batch
if [ "$(id -u)" = 0 ]; then
  user=nobody
  userline="user=nobody"
  uid=$(id -u nobody)
else
  user=""
  userline=""
  uid=$(id -u)
fi

cat >etc/supervisord.conf <<'EOF'
[supervisord]
logfile=/var/log/supervisor/supervisord.log
pidfile=/var/run/supervisord.pid
childlogdir=/var/log/supervisor

[include]
files = conf.d/*.conf
EOF
cat >etc/conf.d/web.conf <<EOF
[program:web]
command=/bin/sh -c 'echo "out \$0 \$1"; echo "err \$2" >&2; sleep 100000; :'
  'arg zero' 'b "c"' it\\'s
directory=%(here)s/../../app
$userline
environment=DJANGO_SETTINGS_MODULE="app.settings",
    LANG="C.UTF-8", SECRET='x, y=z',
    PATH="/usr/bin:/bin"
stdout_logfile=%(here)s/../../log/web.log
redirect_stderr=true
autorestart=true
EOF
cat >etc/conf.d/worker.conf <<EOF
[program:worker]
process_name=%(program_name)s_%(process_num)02d
command=/bin/sh -c 'echo "worker \$0 started"; sleep 100000; :' %(process_num)02d
numprocs=3
$userline
autostart=true
autorestart=true
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=%(here)s/../../log/worker.log
stopwaitsecs=60
EOF
cat >etc/conf.d/behave.conf <<'EOF'
[program:manual]
command=/bin/sleep 100000
autostart=false
stdout_logfile=/dev/stdout

[program:batch]
; exits 1, 1, then 3: 3 is expected, so it stays down
command=/bin/sh -c 'n=$(($(cat count 2>/dev/null || echo 0) + 1)); echo $n >count; [ $n -ge 3 ] && exit 3; exit 1'
directory=%(here)s/../../batch
exitcodes=0,3
stdout_logfile=NONE

[program:graceful]
command=/bin/sh -c 'trap "echo got QUIT >quit; exit 0" QUIT; while :; do sleep 0.05; done'
directory=%(here)s/../../batch
stopsignal=QUIT
stdout_logfile=NONE

[program:stubborn]
command=/bin/sh -c 'trap "" TERM; while :; do sleep 0.05; done'
stopwaitsecs=1
stdout_logfile=NONE
EOF
cat >docker.conf <<'EOF'
[supervisord]
nodaemon=true
user=root
logfile=/dev/null
logfile_maxbytes=0

[program:app]
command=/bin/sh -c 'echo "to stdout"; echo "to stderr" >&2; sleep 100000; :'
stdout_logfile=/dev/fd/1
stdout_logfile_maxbytes=0
stderr_logfile=/dev/fd/2
stderr_logfile_maxbytes=0
autorestart=true
EOF

"$BIN/svimport" -s scan etc/supervisord.conf sv 2>err
is "$?" 0 "svimport of the main configuration: exit 0"
"$BIN/svimport" -s scan docker.conf sv 2>>err
is "$?" 0 "svimport of the Docker configuration: exit 0"
is "$(ls scan | tr '\n' ' ')" "app batch graceful manual stubborn web worker_00 worker_01 worker_02 " \
  "-s: one link per process in the scanned directory"

spawn sh -c 'exec env HOME=/tend-home "$0" "$1" >"$2" 2>"$3"' \
  "$BIN/svscan" scan console.out console.err

# running: up, and past ./run's exec chain (the pid runs the program)
running() {
  has_pid "sv/$1" || return 1
  case "$(tr '\0' '|' <"/proc/$(status_pid "sv/$1")/cmdline")" in
  */run\|* | *setuidgid\|* | *env\|* | "") return 1 ;;
  esac
}
proc_uid() { awk '/^Uid:/ { print $2 }' "/proc/$(status_pid "sv/$1")/status"; }
proc_env() { tr '\0' '\n' <"/proc/$(status_pid "sv/$1")/environ" | grep "^$2=" | cut -d= -f2-; }
proc_args() { tr '\0' '|' <"/proc/$(status_pid "sv/$1")/cmdline"; }
lines_in() { grep -qxF "$2" "$1" 2>/dev/null; }

# --- the gunicorn shape ---
ok "web runs" waitfor 10 running web
is "$(proc_uid web)" "$uid" "user=: the program runs as that account${user:+ ($user)}"
is "$(readlink "/proc/$(status_pid sv/web)/cwd")" "$T/app" "directory=: its working directory"
is "$(proc_env web DJANGO_SETTINGS_MODULE)|$(proc_env web LANG)|$(proc_env web SECRET)|$(proc_env web PATH)" \
  "app.settings|C.UTF-8|x, y=z|/usr/bin:/bin" "environment=: each variable, quoted values with commas and ="
is "$(proc_env web SUPERVISOR_PROCESS_NAME)|$(proc_env web SUPERVISOR_GROUP_NAME)" "web|web" \
  "SUPERVISOR_PROCESS_NAME and SUPERVISOR_GROUP_NAME, as supervisord sets them"
is "$(proc_env web HOME)" "/tend-home" "HOME is inherited, not the account's (supervisord does not set it)"
is "$(proc_args web)" "/bin/sh|-c|echo \"out \$0 \$1\"; echo \"err \$2\" >&2; sleep 100000; :|arg zero|b \"c\"|it's|" \
  "command=: the arguments as supervisord splits them, continuation line included"
ok "stdout reaches svlog in FILE.d" waitfor 10 lines_in log/web.log.d/current 'out arg zero b "c"'
ok "redirect_stderr=true: stderr too" waitfor 10 lines_in log/web.log.d/current "err it's"

# --- the Laravel shape ---
for n in 00 01 02; do
  ok "worker_$n runs" waitfor 10 running "worker_$n"
  is "$(proc_args "worker_$n")" "/bin/sh|-c|echo \"worker \$0 started\"; sleep 100000; :|$n|" \
    "worker_$n: %(process_num)02d in its arguments"
  is "$(proc_uid "worker_$n")" "$uid" "worker_$n: user="
  ok "worker_$n: its own log directory under worker.log.d" \
    waitfor 10 lines_in "log/worker.log.d/worker_$n/current" "worker $n started"
done

# --- the Docker shape ---
ok "app runs" waitfor 10 running app
ok "stdout_logfile=/dev/fd/1: the line reaches svscan's output" waitfor 10 lines_in console.out "to stdout"
ok "stderr_logfile=/dev/fd/2: the line reaches svscan's error output" waitfor 10 lines_in console.err "to stderr"
is "$(ls -d sv/app/log 2>&1)" "ls: cannot access 'sv/app/log': No such file or directory" "and no logger"

# --- autostart, autorestart, stopsignal, stopwaitsecs ---
ok "autostart=false: supervised but not started" waitfor 10 sh -c '"$0" sv/manual | grep -q "^sv/manual: down "' "$BIN/svstat"
"$BIN/svc" -u sv/manual
ok "svc -u starts it" waitfor 10 running manual

ok "autorestart=unexpected: exit 1 is restarted until exit 3 (in exitcodes) stops it" \
  waitfor 20 sh -c '"$0" -l sv/batch | grep -q "finish asked not to restart"' "$BIN/svstat"
is "$(cat batch/count)" 3 "it ran three times"

ok "graceful runs" waitfor 10 running graceful
"$BIN/svc" -d sv/graceful
ok "stopsignal=QUIT: svc -d sends QUIT" waitfor 10 lines_in batch/quit "got QUIT"

ok "stubborn runs" waitfor 10 running stubborn
"$BIN/svc" -d sv/stubborn
ok "stopwaitsecs=1: a program that ignores TERM gets KILL" \
  waitfor 10 sh -c '"$0" -l sv/stubborn | grep -q "last exit signal KILL"' "$BIN/svstat"

# --- -f on a running service: updated in place, no second copy ---
svpid=$(od -An -tu4 --endian=big -j 76 -N4 sv/web/supervise/status | tr -d ' ')
old=$(status_pid sv/web)
sed 's/LANG="C.UTF-8"/LANG="C"/' etc/conf.d/web.conf >web.new && mv web.new etc/conf.d/web.conf
"$BIN/svimport" -f -s scan etc/supervisord.conf sv 2>err
is "$?:$(cat err)" "0:" "-f re-import of running services: exit 0"
is "$(proc_env web LANG)" "C.UTF-8" "the running process is left alone"
"$BIN/svc" -t sv/web
ok "svc -t restarts it" waitfor 10 pid_changed sv/web "$old"
ok "with the new environment" waitfor 10 sh -c '[ "$(tr "\0" "\n" <"/proc/$0/environ" | grep ^LANG=)" = LANG=C ]' "$(status_pid sv/web)"
is "$(od -An -tu4 --endian=big -j 76 -N4 sv/web/supervise/status | tr -d ' ')" "$svpid" \
  "by the same supervise (the directory was not replaced)"

done_testing
