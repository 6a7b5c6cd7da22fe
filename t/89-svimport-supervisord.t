#!/bin/sh
# The same configuration under supervisord and under tend (svimport, then
# svscan): each program must run as the same user with the same groups,
# working directory, umask, environment and arguments. Needs Debian's
# supervisor package; make check does not install it.
. "$(dirname "$0")/lib.sh"

[ -x /usr/bin/supervisord ] ||
  skip_all "Debian's supervisor is not installed (/usr/bin/supervisord)"

cd "$T" || exit 1
mkdir -p etc/conf.d childlog sv scan
# supervisord changes directory after switching user: the directories
# must be reachable by nobody ($T is not)
public_bin || skip_all "unable to make a directory in /tmp"
mkdir "$PUB/app" "$PUB/work"
userline=""
[ "$(id -u)" = 0 ] && userline="user=nobody"

cat >etc/supervisord.conf <<EOF
[supervisord]
nodaemon=true
logfile=$T/supervisord.log
pidfile=$T/supervisord.pid
childlogdir=$T/childlog
environment=GLOBAL="from [supervisord]",SHARED="global"

[include]
files = conf.d/*.conf
EOF
# Each program's \$0 names it, so that its process can be found.
cat >etc/conf.d/web.conf <<EOF
[program:web]
command=/bin/sh -c 'sleep 100000; :' tend-svi-web --bind "127.0.0.1:8000"
  it\\'s "a \\"quoted\\" word" back\\\\slash "" %(program_name)s 100%%
directory=$PUB/app
$userline
umask=027
environment=DJANGO_SETTINGS_MODULE="app.settings",
    SHARED="program", COMMA='x, y', URL=http://h:80/p?q=1,
    MULTI="two
      lines"
stdout_logfile=NONE
EOF
cat >etc/conf.d/worker.conf <<EOF
[program:worker]
process_name=%(program_name)s_%(process_num)02d
command=/bin/sh -c 'sleep 100000; :' tend-svi-worker_%(process_num)02d
  --queue=%(group_name)s --n=%(process_num)d
numprocs=2
numprocs_start=1
directory=$PUB/work
$userline
environment=OWN="%(ENV_GLOBAL)s + %(program_name)s"
stdout_logfile=NONE

[group:jobs]
programs=worker
EOF
names="web worker_01 worker_02"

# describe PID: what is compared, one line per aspect
describe() {
  echo "uid $(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status")"
  echo "gid $(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$1/status")"
  echo "groups $(awk '/^Groups:/ { $1 = ""; print }' "/proc/$1/status")"
  echo "umask $(awk '/^Umask:/ { print $2 }' "/proc/$1/status")"
  echo "cwd $(readlink "/proc/$1/cwd")"
  echo "args $(tr '\0' '|' <"/proc/$1/cmdline")"
  # sh's own (PWD, OLDPWD, SHLVL, _) and supervisord's XML-RPC variables
  # (SUPERVISOR_ENABLED, SUPERVISOR_SERVER_URL) are left out
  # (a value's newline is shown as \n)
  grep -zEv '^(PWD|OLDPWD|SHLVL|_|SUPERVISOR_ENABLED|SUPERVISOR_SERVER_URL)=' \
    "/proc/$1/environ" | LC_ALL=C sort -z | sed -z 's/\n/\\n/g; s/^/env /' |
    tr '\0' '\n'
}

# this test's process whose $0 (its fourth word) is tend-svi-NAME (the
# tag keeps out those of a test run from another checkout)
find_pid() {
  for _cmdf in $(grep -lzxF "tend-svi-$1" /proc/[0-9]*/cmdline 2>/dev/null); do
    _fpid=${_cmdf#/proc/}
    _fpid=${_fpid%/cmdline}
    grep -qzxF "TEND_TEST_TAG=$T" "/proc/$_fpid/environ" 2>/dev/null || continue
    case "$(tr '\0' '|' 2>/dev/null <"$_cmdf")" in
    "/bin/sh|-c|sleep 100000; :|tend-svi-$1|"*)
      echo "$_fpid"
      return 0
      ;;
    esac
  done
  return 1
}
all_found() { for _name in $names; do find_pid "$_name" >/dev/null || return 1; done; }
none_left() { for _name in $names; do ! find_pid "$_name" >/dev/null || return 1; done; }

# LANG: a C locale would make Python (supervisord) add LC_CTYPE (PEP 538)
cleanenv="PATH=$BIN:/usr/bin:/bin HOME=/tend-home LANG=C.UTF-8 TEND_TEST_TAG=$T"

# --- supervisord ---
spawn env -i $cleanenv /usr/bin/supervisord -n -c "$T/etc/supervisord.conf"
sd=$SPAWNED
ok "supervisord starts every program" waitfor 20 all_found
for n in $names; do
  describe "$(find_pid "$n")" >"theirs.$n"
done
kill -TERM "$sd"
ok "supervisord stops them" waitfor 20 none_left

# --- tend ---
"$BIN/svimport" -s scan etc/supervisord.conf sv 2>err
is "$?:$(cat err)" "0:" "svimport maps the configuration without a warning"
spawn env -i $cleanenv "$BIN/svscan" scan
ok "svscan starts every service" waitfor 20 all_found
for n in $names; do
  pid=$(find_pid "$n")
  describe "$pid" >"ours.$n"
  is "$(cat "ours.$n")" "$(cat "theirs.$n")" \
    "$n: same user, groups, umask, directory, arguments and environment as under supervisord"
done
# the comparison must not be vacuous
like "$(cat ours.web)" "*|--bind|127.0.0.1:8000|it's|a \"quoted\" word|back\\\\slash||web|100%|*" \
  "web's arguments went through shlex (quotes, escapes, an empty word) and %()s"
like "$(cat ours.web)" "*env MULTI=two\\\\nlines*" "a quoted value over two lines keeps its newline"
like "$(cat ours.worker_02)" "*env OWN=from [[]supervisord] + worker*" \
  "%(ENV_X)s of [supervisord] environment= in a program's environment="
like "$(cat ours.worker_02)" "*|--queue=jobs|--n=2|*" "%(group_name)s is the [group:], %(process_num)d counts from numprocs_start"

# --- the settings, as supervisord's own parser reads them ---
# theirs.py prints supervisord's view of a configuration, ours.py the view
# of svimport -n's files, one line per process and setting, with the
# differences svimport.8 documents folded in (user=root is no setuidgid;
# stopwaitsecs=0 is 1 ms; exit codes matter only for unexpected).
cat >theirs.py <<'EOF'
import sys
from supervisor.options import ServerOptions
from supervisor.datatypes import RestartUnconditionally, RestartWhenExitUnexpected
o = ServerOptions()
o.configfile = sys.argv[1]
o.process_config(do_usage=False)
for g in o.process_group_configs:
    for p in g.process_configs:
        ar = p.autorestart
        codes = ','.join(str(c) for c in sorted(p.exitcodes))
        restart = ('true' if ar is RestartUnconditionally or (ar is RestartWhenExitUnexpected and not codes)
                   else 'unexpected ' + codes if ar is RestartWhenExitUnexpected else 'false')
        print(p.name, 'group', g.name)
        print(p.name, 'user', p.uid or '-')
        print(p.name, 'umask', '%03o' % p.umask if p.umask is not None else '-')
        print(p.name, 'directory', p.directory or '-')
        print(p.name, 'env', sorted(p.environment.items()))
        print(p.name, 'autostart', p.autostart)
        print(p.name, 'autorestart', restart)
        print(p.name, 'startsecs', max(p.startsecs, 0))
        print(p.name, 'stopsignal', p.stopsignal)
        print(p.name, 'stopwaitsecs', max(p.stopwaitsecs, 0))
EOF
cat >ours.py <<'EOF'
import sys, re, shlex, pwd, signal
files = {}
for chunk in re.split(r'(?:^|\n)==> ', sys.stdin.read())[1:]:
    head, _, body = chunk.partition(' <==\n')
    name, _, f = head.split(' (')[0].split('/', 2)[1:][0], None, head.split(' (')[0].split('/', 2)[2]
    files.setdefault(name, {})[f] = body
for name in files:
    fs = files[name]
    run = fs['run'].replace('\\\n', '')
    user, umask, directory = '-', '-', '-'
    for l in run.split('\n'):
        if l.startswith('cd '): directory = shlex.split(l)[1]
        if l.startswith('umask '): umask = l.split()[1]
        if l.startswith('exec ') and ' env ' in l:
            w = shlex.split(l)[1:]
            if w[0] == 'setuidgid': user = pwd.getpwnam(w[2]).pw_uid; w = w[3:]
            env = dict(x.split('=', 1) for x in w[1:] if '=' in x)
            group = env.pop('SUPERVISOR_GROUP_NAME'); env.pop('SUPERVISOR_PROCESS_NAME')
    fin = fs.get('finish')
    restart = ('true' if fin is None else 'false' if 'case' not in fin
               else 'unexpected ' + re.search(r'exitcodes=([0-9,]*)', fin).group(1))
    sig = fs.get('down-signal', 'TERM\n').strip()
    print(name, 'group', group)
    print(name, 'user', user)
    print(name, 'umask', umask)
    print(name, 'directory', directory)
    print(name, 'env', sorted(env.items()))
    print(name, 'autostart', 'down' not in fs)
    print(name, 'autorestart', restart)
    print(name, 'startsecs', int(fs['restart-stable']) // 1000)
    print(name, 'stopsignal', int(sig) if sig.isdigit() else getattr(signal, 'SIG' + sig).value)
    print(name, 'stopwaitsecs', int(fs['timeout-kill']) // 1000)
EOF
mkdir parse
cat >parse/supervisord.conf <<'EOF'
[supervisord]
logfile=/dev/null
environment=G="global",H=h

[program:a]
command = /bin/echo "x y" 'z'\ w   ; a comment
  continued
autostart = No
autorestart=unexpected
exitcodes= 1, 3
startsecs=1_0
stopsignal=sigint
stopwaitsecs=0
umask=0o27
numprocs=2
numprocs_start=7
process_name=%(program_name)s-%(process_num)03d

[program:b]
command:/bin/echo %(ENV_G)s %(group_name)s
autorestart=false
stopsignal=9
startsecs=-1
user=0
umask=7

[program:c]
command=/bin/echo
AutoRestart=TRUE
# a comment line
environment=
  A="1", H="%(program_name)s",

  B='2' ;comment
directory=%(here)s
user=nobody

[group:g]
programs=b,c
priority=3
EOF
if /usr/bin/python3 -c 'import supervisor.options' 2>/dev/null; then
  /usr/bin/python3 theirs.py parse/supervisord.conf | sort >parse/theirs
  "$BIN/svimport" -n parse/supervisord.conf parse | /usr/bin/python3 ours.py | sort >parse/ours
  is "$(wc -l <parse/ours)" 40 "svimport -n: four processes, ten settings each"
  is "$(cat parse/ours)" "$(cat parse/theirs)" \
    "each setting of each process is what supervisord's own parser reads"
else
  skip "supervisor's Python modules are not importable by /usr/bin/python3"
  skip "supervisor's Python modules are not importable by /usr/bin/python3"
fi

done_testing
