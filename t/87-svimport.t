#!/bin/sh
# svimport: what a supervisord configuration becomes (the files written,
# -n, -f, -s), how it is read (comments, continuations, expansions,
# [include]), and its errors and warnings. Nothing is run here: see
# t/88-svimport-run.t.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
mkdir dest
sv() { "$BIN/svimport" "$@"; }
# conf FILE: FILE from stdin
conf() { cat >"$1"; }
# has GOT TEXT DESC: TEXT is in GOT, as is
has() {
  case "$1" in
  *"$2"*) _result 0 "$3" ;;
  *)
    _result 1 "$3"
    printf '#   got:      %s\n#   lacks:    %s\n' "$1" "$2" >&2
    ;;
  esac
}

# --- usage and files that cannot be read ---
out=$(sv 2>&1)
is "$?:$out" "100:svimport: usage: svimport [ -n ] [ -f ] [ -s scandir ] supervisord.conf destdir" \
  "no arguments: the usage, exit 100"
out=$(sv -z a b 2>&1)
is "$?" 100 "an unknown option: exit 100"
out=$(sv nonexistent.conf dest 2>&1)
is "$?:$out" "111:svimport: fatal: unable to read nonexistent.conf: file does not exist" \
  "a configuration that cannot be read: exit 111"
printf '[program:a]\ncommand=/bin/true\n' >one.conf
out=$(sv one.conf no-such-dir 2>&1)
is "$?:$out" "111:svimport: fatal: unable to open no-such-dir: file does not exist" \
  "a DESTDIR that does not exist: exit 111"

# --- the gunicorn shape: user, directory, environment ---
conf web.conf <<'EOF'
; a web application
[program:web]
command=/srv/venv/bin/gunicorn --workers 3 --bind unix:/run/web.sock
  "app.wsgi:application"   ; the continuation line is part of the command
directory=/srv/app
user=www-data
environment=DJANGO_SETTINGS_MODULE="app.settings.prod",
    LANG="en_US.UTF-8",SECRET='a;b#c, d',
    EMPTY=""
umask=027
stopsignal=QUIT
stopwaitsecs=30
startsecs=5
autorestart=true
stdout_logfile=/var/log/web.log
redirect_stderr=true
EOF
sv -n web.conf dest >out 2>err
is "$?" 0 "-n: exit 0"
is "$(ls -A dest)" "" "-n writes nothing"
is "$(cat err)" "" "a configuration that maps entirely gives no warning"
is "$(sed -n '/^==> dest\/web\/run/,/^$/p' out)" "==> dest/web/run (0755) <==
#!/bin/sh
# [program:web] of web.conf:2, written by svimport (svimport.8)
exec 2>&1
cd /srv/app || exit 111
umask 027
exec setuidgid -g www-data env \\
  SUPERVISOR_PROCESS_NAME=web \\
  SUPERVISOR_GROUP_NAME=web \\
  DJANGO_SETTINGS_MODULE=app.settings.prod \\
  LANG=en_US.UTF-8 \\
  'SECRET=a;b#c, d' \\
  EMPTY= \\
  /srv/venv/bin/gunicorn --workers 3 --bind unix:/run/web.sock app.wsgi:application" "./run: redirect, cd, umask, setuidgid -g, env with each variable, the command split as supervisord splits it"
is "$(grep '^==>' out | tr '\n' ' ')" "==> dest/web/run (0755) <== ==> dest/web/down-signal (0644) <== ==> dest/web/timeout-kill (0644) <== ==> dest/web/restart-stable (0644) <== ==> dest/web/log/run (0755) <== " \
  "autorestart=true: no finish; the files are listed in order"
is "$(sed -n '/^==> dest\/web\/down-signal/{n;p}' out)" "QUIT" "stopsignal=QUIT: down-signal"
is "$(sed -n '/^==> dest\/web\/timeout-kill/{n;p}' out)" "30000" "stopwaitsecs=30: timeout-kill in ms"
is "$(sed -n '/^==> dest\/web\/restart-stable/{n;p}' out)" "5000" "startsecs=5: restart-stable in ms"
is "$(sed -n '/^==> dest\/web\/log\/run/,$p' out)" "==> dest/web/log/run (0755) <==
#!/bin/sh
# stdout_logfile=/var/log/web.log, written by svimport (svimport.8)
exec svlog s52428800 n11 /var/log/web.log.d" \
  "stdout_logfile: svlog in FILE.d, 50 MB files and 10 old ones by default"

sv web.conf dest 2>err
is "$?:$(cat err)" "0:" "written: exit 0, no message"
is "$(cd dest/web && ls -A | tr '\n' ' ')" "down-signal log restart-stable run timeout-kill " \
  "the service directory holds the files -n listed"
is "$(stat -c %a dest/web dest/web/run dest/web/log/run dest/web/timeout-kill | tr '\n' ' ')" \
  "755 755 755 644 " "modes: directories and scripts 755, settings 644"
is "$(sed -n '/^==> dest\/web\/run/,/^$/p' out | sed '1d;$d')" "$(cat dest/web/run)" \
  "the file written is the one -n printed"
is "$(ls -A dest | tr '\n' ' ')" "web " "nothing else is left in DESTDIR (no staging directory)"

# --- refusals: all or nothing ---
conf two.conf <<'EOF'
[program:aaa]
command=/bin/true
[program:web]
command=/bin/true
stdout_logfile=/dev/stdout
EOF
out=$(sv two.conf dest 2>&1)
is "$?:$out" "100:svimport: fatal: dest/web exists (-f updates svimport's files in it)" \
  "an existing service directory is refused without -f, exit 100"
is "$(ls -A dest | tr '\n' ' ')" "web " "and nothing is written, not even the other service"
mkdir dest/web/supervise
echo keep >dest/web/check
echo hand >dest/web/finish
sv -f two.conf dest 2>err
is "$?:$(cat err)" "0:svimport: warning: dest/web/log is left in place (it holds the logs); remove it for the output to go where the configuration says" \
  "-f: exit 0; an old log/ is kept (it holds the logs), with a warning"
is "$(cd dest/web && ls -A | tr '\n' ' ')" "check finish log restart-stable run supervise timeout-kill " \
  "-f: svimport's files are replaced or removed (down-signal), the others are kept"
like "$(cat dest/web/finish)" "*case \$1 in
0) exit 125 ;;
esac
exit 0" "the default autorestart=unexpected, exitcodes=0: ./finish exits 125 on code 0"
like "$(cat dest/web/run)" "*exec env *" "-f: ./run replaced"
is "$(cat dest/web/timeout-kill)" 10000 "-f: timeout-kill is supervisord's default, 10 s"
sv -n -f two.conf dest >out 2>err
like "$(cat out)" "*==> dest/web/down-signal: removed if present <==*" \
  "-n -f lists the files it would remove"

# --- -s: links in the scanned directory ---
mkdir scan
sv -s scan one.conf dest 2>err
is "$?:$(cat err)" "0:" "-s: exit 0"
is "$(readlink scan/a)" "$T/dest/a" "-s: SCANDIR/NAME is a symlink to the absolute service directory"
printf '[program:b]\ncommand=/bin/true\n' >b.conf
ln -s /elsewhere scan/b
out=$(sv -s scan b.conf dest 2>&1)
is "$?:$out" "100:svimport: fatal: scan/b points to /elsewhere (-f replaces it)" \
  "-s: a link to elsewhere is refused without -f"
is "$(ls -A dest | tr '\n' ' ')" "a aaa web " "and nothing is written"
sv -f -s scan b.conf dest
is "$(readlink scan/b)" "$T/dest/b" "-f -s replaces the link"
mkdir scan/c
printf '[program:c]\ncommand=/bin/true\n' >c.conf
out=$(sv -f -s scan c.conf dest 2>&1)
is "$?:$out" "100:svimport: fatal: scan/c exists and is not a symbolic link" \
  "-s: a real directory in SCANDIR is never replaced"
out=$(sv -s dest c.conf dest 2>&1)
is "$?:$out" "100:svimport: fatal: -s dest is DESTDIR itself: nothing to link" "-s DESTDIR: usage error"

# --- the Laravel shape: numprocs and process_name ---
conf laravel.conf <<'EOF'
[program:laravel-worker]
process_name=%(program_name)s_%(process_num)02d
command=php /var/www/html/artisan queue:work sqs --sleep=3 --tries=3 --max-time=3600 --name=%(process_num)d
autostart=true
autorestart=true
stopasgroup=true
killasgroup=true
user=forge
numprocs=3
redirect_stderr=true
stdout_logfile=/home/forge/app.com/worker.log
stopwaitsecs=3600
EOF
sv -n laravel.conf dest >out 2>err
is "$(grep '/run (0755)' out | tr '\n' ' ')" \
  "==> dest/laravel-worker_00/run (0755) <== ==> dest/laravel-worker_00/log/run (0755) <== ==> dest/laravel-worker_01/run (0755) <== ==> dest/laravel-worker_01/log/run (0755) <== ==> dest/laravel-worker_02/run (0755) <== ==> dest/laravel-worker_02/log/run (0755) <== " \
  "numprocs=3: one directory per process, named by process_name"
like "$(cat out)" "*SUPERVISOR_PROCESS_NAME=laravel-worker_01 *--max-time=3600 --name=1
*" "%(process_num)d in the command"
like "$(sed -n '/laravel-worker_02\/log\/run/,$p' out)" "*mkdir -p /home/forge/app.com/worker.log.d || exit 111
exec svlog s52428800 n11 /home/forge/app.com/worker.log.d/laravel-worker_02*" \
  "a log file shared by the processes: one svlog directory each, under FILE.d"
like "$(cat err)" "svimport: warning: laravel.conf:8: user=forge: no such account on this machine*" \
  "an account unknown here is a warning, not an error"
like "$(sed -n '/laravel-worker_00\/timeout-kill/{n;p}' out)" "3600000" "stopwaitsecs=3600"

# --- the Docker shape: nodaemon, logs to the container's output ---
conf docker.conf <<'EOF'
[supervisord]
nodaemon=true
user=root
logfile=/dev/null
logfile_maxbytes=0
pidfile=/run/supervisord.pid

[program:nginx]
command=nginx -g 'daemon off;'
stdout_logfile=/dev/fd/1
stdout_logfile_maxbytes=0
stderr_logfile=/dev/fd/2
stderr_logfile_maxbytes=0
autorestart=true

[program:php-fpm]
command=php-fpm8.2 -F
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
redirect_stderr=true
autorestart=false
startretries=0
EOF
sv -n docker.conf dest >out 2>err
is "$(grep '^==>' out | grep -c log/run)" 0 "/dev/fd/1 and /dev/stdout: no logger"
is "$(sed -n '/nginx\/run/,/^$/p' out | grep -c '^exec [0-9]*>')" 0 \
  "stdout to /dev/fd/1, stderr to /dev/fd/2: no redirection at all"
like "$(sed -n '/nginx\/run/,/^$/p' out)" "*exec env \\\\
  SUPERVISOR_PROCESS_NAME=nginx \\\\
  SUPERVISOR_GROUP_NAME=nginx \\\\
  nginx -g 'daemon off;'" "user=root in [supervisord]: no setuidgid; quotes kept for sh"
like "$(sed -n '/php-fpm\/run/,/^$/p' out)" "*exec 2>&1
*" "redirect_stderr=true with stdout on the console: 2>&1"
like "$(sed -n '/php-fpm\/finish/,/^$/p' out)" "*
exit 125" "autorestart=false: ./finish exits 125"
is "$(cat err)" "svimport: warning: docker.conf:22: key startretries of [program:php-fpm] is not mapped: supervise never gives up restarting" \
  "[supervisord]'s own settings are not warned about; startretries is"
like "$(sed -n '/php-fpm\/run/,/^$/p' out)" "*# not mapped: startretries=0 (supervise never gives up restarting)*" \
  "and the key is noted in ./run"

# --- [include], %(here)s, %(ENV_X)s, %(host_node_name)s, comments ---
mkdir -p etc/conf.d etc/other
conf etc/supervisord.conf <<'EOF'
[supervisord]
environment=GLOBAL="g",SHARED="from supervisord"

[include]
files = conf.d/*.conf other/x.conf
EOF
conf etc/conf.d/20-b.conf <<'EOF'
[program:b]
command=/bin/echo %(here)s %(ENV_TEND_SVI_X)s %(host_node_name)s 100%% a;b x#c ; comment
    ;comment line
    "cont'd" #comment
environment=SHARED="from b",OWN="%(ENV_GLOBAL)s"
EOF
conf etc/conf.d/10-a.conf <<'EOF'
[program:a]
command=/bin/echo first ; a comment
autostart=false
priority=5
[group:grp]
programs=a, b
priority=7
EOF
conf etc/other/x.conf <<'EOF'
[program:x]
command=/bin/echo %(here)s %(group_name)s
EOF
mkdir d2
TEND_SVI_X=value sv -n etc/supervisord.conf d2 >out 2>err
is "$(grep '/run (0755)' out | grep -v log/run | tr '\n' ' ')" \
  "==> d2/a/run (0755) <== ==> d2/b/run (0755) <== ==> d2/x/run (0755) <== " \
  "[include]: globs relative to the main file, matches read in name order"
has "$(sed -n '/d2\/b\/run/,/^$/p' out)" "
  /bin/echo $T/etc/conf.d value $(uname -n) 100% 'a;b' 'x#c' 'cont'\''d'" \
  "%(here)s is the included file's directory; ENV_, host_node_name, %%; ; and # after a blank are comments, not inside a word"
has "$(sed -n '/d2\/b\/run/,/^$/p' out)" "  SUPERVISOR_GROUP_NAME=grp \\
  GLOBAL=g \\
  'SHARED=from b' \\
  OWN=g \\" "[supervisord] environment=, overridden by the program's; ENV_ of it"
has "$(sed -n '/d2\/x\/run/,/^$/p' out)" "/bin/echo $T/etc/other x" "a program outside a group is its own group"
has "$(sed -n '/d2\/a\/run/,/^$/p' out)" "# in [group:grp] (svc takes the group's directories at once), whose priority=7
# priority=5: svscan starts every service at once (svwait in ./run orders them)" \
  "[group:] and priority= become notes in ./run"
like "$(cat out)" "*==> d2/a/down (0644) <==*" "autostart=false: down"

# --- warnings name the file and line ---
conf warn.conf <<'EOF'
[program:w]
command=/bin/true
stdout_logfile=/tmp/w.log
stderr_logfile=/tmp/w.err
stdout_events_enabled=false
stderr_events_enabled=true
frobnicate=yes
[eventlistener:mem]
command=memmon -a 200MB
events=TICK_60
[unix_http_server]
file=/run/s.sock
EOF
sv -n warn.conf dest >/dev/null 2>err
is "$(cat err)" "svimport: warning: warn.conf:4: key stderr_logfile of [program:w] is not mapped: stderr goes to the log of stdout (one logger per service)
svimport: warning: warn.conf:6: key stderr_events_enabled of [program:w] is not mapped: no events
svimport: warning: warn.conf:7: key frobnicate of [program:w] is not mapped
svimport: warning: warn.conf:8: section [eventlistener:mem] is not mapped" \
  "each key that cannot be mapped: one warning with FILE:LINE (false is no request)"

# --- errors: FILE:LINE, exit 100, nothing written ---
err_of() {
  printf "$1" >bad.conf
  _out=$(sv bad.conf dest 2>&1)
  echo "$_out rc=$?"
}
is "$(err_of 'command=/bin/true\n')" \
  "svimport: fatal: bad.conf:1: a key before the first [section] rc=100" "a key before any section"
is "$(err_of '[program:a]\ncommand /bin/true\n')" \
  "svimport: fatal: bad.conf:2: neither a [section] nor a key=value line rc=100" "a line without = or :"
is "$(err_of '[program:a]\ncommand=/bin/echo %%(nope)s\n')" \
  "svimport: fatal: bad.conf:2: unknown name %(nope) in command=/bin/echo %(nope)s rc=100" "an unknown expansion"
is "$(err_of '[program:a]\ncommand=/bin/echo 100%%\n')" \
  "svimport: fatal: bad.conf:2: a % without (name) in command=/bin/echo 100% (write %% for a percent sign) rc=100" \
  "a lone %"
is "$(err_of '[program:a]\ncommand=/bin/echo %%(program_name)d\n')" \
  "svimport: fatal: bad.conf:2: %(program_name)d needs a number, and program_name is text, in command=/bin/echo %(program_name)d rc=100" \
  "a number format on text"
is "$(err_of '[program:a]\ncommand=/bin/echo "open\n')" \
  "svimport: fatal: bad.conf:2: an unclosed quote in command=/bin/echo \"open rc=100" "an unclosed quote in command="
is "$(err_of '[program:a]\nnumprocs=2\ncommand=/bin/true\n')" \
  "svimport: fatal: bad.conf:1: [program:a] has numprocs=2, so its process_name needs %(process_num) rc=100" \
  "numprocs without %(process_num)"
is "$(err_of '[program:a]\ncommand=/bin/true\nstartsecs=soon\n')" \
  "svimport: fatal: bad.conf:3: not a number in startsecs=soon rc=100" "a bad number"
is "$(err_of '[program:a]\ncommand=/bin/true\nstopsignal=NOPE\n')" \
  "svimport: fatal: bad.conf:3: not a signal name in stopsignal=NOPE rc=100" "a bad signal"
is "$(err_of '[program:a]\ncommand=/bin/true\nautorestart=maybe\n')" \
  "svimport: fatal: bad.conf:3: autorestart=maybe: not true, false or unexpected rc=100" "a bad autorestart"
is "$(err_of '[program:a]\ncommand=/bin/true\nenvironment=A=1,B\n')" \
  "svimport: fatal: bad.conf:3: an unfinished KEY=VALUE pair in environment=A=1,B rc=100" "a bad environment"
is "$(err_of '[program:a]\n')" "svimport: fatal: bad.conf:1: [program:a] has no command= rc=100" "no command"
is "$(err_of '[program:a]\ncommand=/bin/true\n[program:b]\nprocess_name=a\ncommand=/bin/true\n')" \
  "svimport: fatal: bad.conf:3: [program:b] gives a second process named a (the first is from bad.conf:1) rc=100" \
  "two processes with one name"
is "$(err_of '[program:a]\nprocess_name=.hidden\ncommand=/bin/true\n')" \
  "svimport: fatal: bad.conf:2: process name \".hidden\" of [program:a] is not a usable directory name (empty, starting with a dot, or with a blank, : or /) rc=100" \
  "a name svscan would skip"
is "$(err_of '[include]\n')" "svimport: fatal: bad.conf:1: [include] has no files= key rc=100" "[include] without files="
is "$(ls -A dest | tr '\n' ' ')" "a aaa b web " "no error wrote anything"

# --- odd but valid: stopwaitsecs=0, sizes, NONE, devices ---
conf odd.conf <<'EOF'
[program:o]
command=/bin/true
stopwaitsecs=0
startsecs=0
stdout_logfile=NONE
stderr_logfile=/dev/console
[program:p]
command=/bin/true
stdout_logfile=AUTO
stdout_logfile_maxbytes=1KB
stdout_logfile_backups=0
stderr_logfile=NONE
[program:q]
command=/bin/true
stdout_logfile=NONE
stderr_logfile=%(here)s/q.err
stderr_logfile_maxbytes=0
EOF
sv -n odd.conf dest >out 2>err
is "$(sed -n '/dest\/o\/timeout-kill/{n;p}' out)" 1 "stopwaitsecs=0 (KILL at once): timeout-kill 1 ms (0 would mean never)"
is "$(sed -n '/dest\/o\/restart-stable/{n;p}' out)" 0 "startsecs=0: restart-stable 0"
like "$(sed -n '/dest\/o\/run/,/^$/p' out)" "*exec >/dev/null 2>>/dev/console
*" "NONE: /dev/null; another device: appended to"
like "$(sed -n '/dest\/p\/log\/run/,/^$/p' out)" "*exec svlog s1024 n2 ./main" "AUTO: ./main in log/; _maxbytes and _backups (svlog keeps at least one old file)"
like "$(sed -n '/dest\/p\/run/,/^$/p' out)" "*exec 2>/dev/null
*" "stderr_logfile=NONE: 2>/dev/null"
like "$(sed -n '/dest\/q\/run/,/^$/p' out)" "*exec 2>&1 >/dev/null
*" "stdout NONE, stderr to a file: the logger takes stderr"
like "$(sed -n '/dest\/q\/log\/run/,/^$/p' out)" "*exec svlog s1099511627776 n11 $T/q.err.d" "_maxbytes=0 (no limit): svlog's largest file"

done_testing
