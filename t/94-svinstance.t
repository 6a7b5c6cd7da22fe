#!/bin/sh
# svinstance: a template NAME@ is never started; its instances NAME@ID
# appear complete (never half made), svscan starts them at once, each runs
# the template's run with the ID as $1 and in its environment, with its own
# supervise/ and log/; remove stops and deletes, set keeps 1..N.
. "$(dirname "$0")/lib.sh"

gone() { ! alive "$1"; }
has() { grep -q "$2" "$1" 2>/dev/null; }

S=$T/s
mkdir -p "$S/worker@/log"
cat >"$S/worker@/run" <<'EOF'
#!/bin/sh
echo "$1 $TEND_INSTANCE $TEND_SERVICE $PWD" >seen
echo "line from $1"
trap 'echo usr1 >stopped-by; exit 0' USR1
sleep 1000 &
wait
EOF
chmod +x "$S/worker@/run"
echo USR1 >"$S/worker@/down-signal"
mkdir "$S/worker@/env"
mkservice "$S/worker@/log" 'echo "$1 $TEND_INSTANCE" >seen; exec cat >>main.log'

spawn svscan "$S" 2>"$T/err"
scan=$SPAWNED

# --- add, and what an instance sees ---------------------------------------
ok "add makes two instances" svinstance add "$S/worker@" 1 2
ok "svscan starts a new instance at once" waitfor 3 sh -c "[ -s '$S/worker@1/seen' ] && [ -s '$S/worker@2/seen' ]"
is "$(cat "$S/worker@1/seen")" "1 1 worker@1 $S/worker@1" \
  "run gets the ID as \$1, TEND_INSTANCE and TEND_SERVICE, in the instance directory"
ok "each instance has its own logger and log" waitfor 3 has "$S/worker@2/log/main.log" "line from 2"
ok "and an instance's lines go to its own log only" sh -c "! grep -q 'line from 2' '$S/worker@1/log/main.log'"
ok "log/run gets the ID too" waitfor 3 sh -c "[ \"\$(cat '$S/worker@1/log/seen')\" = '1 1' ]"
ok "supervise/ and log/supervise/ are the instance's own" sh -c "[ -d '$S/worker@1/supervise' ] && [ ! -L '$S/worker@1/supervise' ] && [ -d '$S/worker@1/log/supervise' ] && [ ! -L '$S/worker@1/log' ]"
is "$(readlink "$S/worker@1/down-signal") $(readlink "$S/worker@1/env")" \
  "../worker@/down-signal ../worker@/env" "the template's other files are relative links"
is "$(readlink "$S/worker@1/log/run" || echo file)" file "run and log/run are generated files, not links"

# The template itself is never started, even after a rescan.
kill -HUP "$scan"
svinstance add "$S/worker@" 3
waitfor 3 has_pid "$S/worker@3"
ok "the template is never started" test ! -e "$S/worker@/supervise"
ok "and draws no warning from svscan" sh -c "! grep -q 'worker@:' '$T/err'"

# A setting reaches the instance through its link.
svc -d "$S/worker@1"
ok "the template's down-signal stops an instance" waitfor 3 has "$S/worker@1/stopped-by" usr1
svc -u "$S/worker@1"
waitfor 3 has_pid "$S/worker@1"

# A change to the template applies at each instance's next start.
sed 's/^echo "\$1/echo "v2 $1/' "$S/worker@/run" >"$T/run.new"
chmod +x "$T/run.new"
mv "$T/run.new" "$S/worker@/run"
svc -t "$S/worker@2"
ok "a changed template run is used at the next start" waitfor 3 has "$S/worker@2/seen" "^v2 2 "

is "$(svinstance list "$S/worker@")" "$S/worker@1
$S/worker@2
$S/worker@3" "list prints the instance directories"

# --- add again: no error, nothing restarted, links brought up to date -----
pid1=$(status_pid "$S/worker@1")
sv1=$(svpid "$S/worker@1")
: >"$S/worker@/extra"
rm "$S/worker@1/down-signal"
echo TERM >"$S/worker@1/down-signal"
ok "adding an existing instance is no error" svinstance add "$S/worker@" 1
is "$(status_pid "$S/worker@1") $(svpid "$S/worker@1")" "$pid1 $sv1" "and does not restart it"
is "$(readlink "$S/worker@1/extra")" "../worker@/extra" "a file new in the template gets its link"
is "$(cat "$S/worker@1/down-signal")" TERM "an instance's own file is kept"
rm "$S/worker@/extra"
svinstance add "$S/worker@" 1
ok "a link to a file the template lost is removed" test ! -e "$S/worker@1/extra" -a ! -L "$S/worker@1/extra"

# --- IDs and arguments ----------------------------------------------------
long=$(printf '%0129d' 0)
for id in '' .x a/b a@b 'a b' "$(printf 'a\tb')" "$long"; do
  svinstance add "$S/worker@" ok1 "$id" 2>"$T/msg"
  rc=$?
  is "$rc $(grep -c 'svinstance: fatal: bad instance ID' "$T/msg")" "100 1" "ID '$id' is a usage error naming it"
done
ok "and nothing is made for the good IDs beside a bad one" test ! -e "$S/worker@ok1"
ok "an ID of 128 bytes is fine" svinstance add "$S/worker@" "${long#0}"
svinstance remove "$S/worker@" "${long#0}"
svinstance add "$S/worker" 1 2>"$T/msg"
is "$? $(cat "$T/msg")" '100 svinstance: fatal: bad template name "worker": does not end in @' "a template name must end in @"
svinstance add "$S/nothing@" 1 2>"$T/msg"
is "$?" 111 "a missing template is a system error"
svinstance set "$S/worker@" 10001 2>/dev/null
is "$?" 100 "set beyond 10000 is a usage error"
svinstance -T 10 add "$S/worker@" 1 2>/dev/null
is "$?" 100 "-T is for remove and set"
svinstance frob "$S/worker@" 1 2>/dev/null
is "$?" 100 "an unknown command is a usage error"

# --- atomicity: built aside, renamed in ------------------------------------
if ! command -v strace >/dev/null 2>&1; then
  skip "strace is not installed: cannot kill svinstance just before its rename"
  skip "(same)"
  skip "(same)"
elif strace -o /dev/null -e inject=uname:signal=KILL uname >/dev/null 2>&1; then
  skip "strace cannot inject a signal here (no ptrace?)"
  skip "(same)"
  skip "(same)"
else
  strace -f -o /dev/null -e inject=renameat2,renameat,rename:signal=KILL \
    svinstance add "$S/worker@" 9 2>/dev/null
  ok "killed before its rename, add leaves only a complete dot directory" \
    test -x "$S/.worker@9.tmp/run" -a -d "$S/.worker@9.tmp/log" -a ! -e "$S/worker@9"
  mkservice "$S/marker" 'exec sleep 1000'
  waitfor 3 has_pid "$S/marker"
  ok "which svscan does not start" test ! -e "$S/.worker@9.tmp/supervise"
  svinstance add "$S/worker@" 9
  ok "the next add clears it and makes the instance" sh -c "[ ! -e '$S/.worker@9.tmp' ] && [ -d '$S/worker@9' ]"
fi
svinstance add "$S/worker@" $(seq 10 29)
ok "twenty more instances all start" waitfor 5 sh -c "for i in \$(seq 10 29); do [ -s '$S'/worker@\$i/seen ] || exit 1; done"
ok "svscan never saw an instance without its run" sh -c "! grep -q 'ignoring worker@' '$T/err'"
svinstance remove "$S/worker@" 9 $(seq 10 29)

# --- remove ---------------------------------------------------------------
run2=$(status_pid "$S/worker@2")
sv2=$(svpid "$S/worker@2")
log2=$(svpid "$S/worker@2/log")
ok "remove stops and deletes an instance" svinstance remove "$S/worker@" 2
ok "its service, supervise and log supervise are gone when it returns" sh -c "! kill -0 $run2 2>/dev/null; ! grep -q . /proc/$sv2/cmdline 2>/dev/null && ! grep -q . /proc/$log2/cmdline 2>/dev/null"
ok "its directory is gone, and no dot directory is left" sh -c "[ ! -e '$S/worker@2' ] && [ -z \"\$(ls -A '$S' | grep '^\\.')\" ]"
is "$(status_pid "$S/worker@1")" "$pid1" "the other instances run on"
ok "removing an instance that is not there is no error" svinstance remove "$S/worker@" 2
ok "svscan runs on" alive "$scan"

# --- set: exactly 1..N among the numbered ones -----------------------------
svinstance add "$S/worker@" blue
ok "set 3" svinstance set "$S/worker@" 3
waitfor 3 sh -c "has_pid() { [ -s '$S/worker@'\$1/seen ]; }; has_pid 2 && has_pid 3"
is "$(svinstance list "$S/worker@" | sed 's|.*@||' | tr '\n' ' ')" "1 2 3 blue " "gives 1, 2, 3 and keeps a named instance"
is "$(status_pid "$S/worker@1")" "$pid1" "without restarting one that was there"
ok "set 1" svinstance set "$S/worker@" 1
is "$(svinstance list "$S/worker@" | sed 's|.*@||' | tr '\n' ' ')" "1 blue " "removes the numbered instances above 1"
svinstance set "$S/worker@" 0
is "$(svinstance list "$S/worker@" | sed 's|.*@||' | tr '\n' ' ')" "blue " "set 0 removes them all"

# --- a stop cut short by -T, finished by the next remove --------------------
mkservice "$S/stubborn@" "trap '' TERM; : >trapped; exec sleep 1000"
svinstance add "$S/stubborn@" 1
waitfor 3 test -e "$S/stubborn@1/trapped"
waitfor 3 has_pid "$S/stubborn@1"
svinstance -T 300 remove "$S/stubborn@" 1 2>"$T/msg"
is "$?" 111 "a stop that outlasts -T fails"
like "$(cat "$T/msg")" "*unable to remove $S/.stubborn@1.remove: timed out*" "and says so"
ok "the instance is left under its dot name" sh -c "[ -d '$S/.stubborn@1.remove' ] && [ ! -e '$S/stubborn@1' ]"
svc -k "$S/.stubborn@1.remove"
ok "the next remove finishes it" svinstance remove "$S/stubborn@" 1
ok "and deletes it" test ! -e "$S/.stubborn@1.remove"

# --- without svscan: remove stops a supervise itself -------------------------
kill -TERM "$scan"
wait "$scan"
svinstance add "$S/worker@" 5
spawn sh -c "exec supervise '$S/worker@5' >/dev/null"
waitfor 3 has_pid "$S/worker@5"
sv5=$SPAWNED
ok "without svscan, remove stops the instance's supervise" svinstance -T 5000 remove "$S/worker@" 5
ok "which has exited" waitfor 3 sh -c "! kill -0 $sv5 2>/dev/null || grep -q '^State:.*Z' /proc/$sv5/status"
ok "and deletes the instance" test ! -e "$S/worker@5"

done_testing
