#!/bin/sh
# A cgroup v2 per service (supervise(8), CGROUPS): ./run starts in it, a
# stop lasts until it is empty, a daemon that double-forked out of the
# session is stopped even after a supervise crash and an adoption, and a
# second copy is never started.
. "$(dirname "$0")/lib.sh"

# Can supervise make a cgroup here? The same test it makes: a child of
# our own cgroup in the first cgroup2 mounted.
[ -z "${TEND_TEST_NO_CGROUP:-}" ] ||
  skip_all "TEND_TEST_NO_CGROUP=$TEND_TEST_NO_CGROUP: mkservice gives every service a no-cgroup file"
MNT=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
[ -n "$MNT" ] || skip_all "no cgroup2 is mounted"
OWN=$(sed -n 's/^0:://p' /proc/self/cgroup)
[ -n "$OWN" ] || skip_all "this process is in no cgroup2"
BASE=$MNT${OWN%/}
mkdir "$BASE/tend-probe-$$" 2>/dev/null ||
  skip_all "cannot create a cgroup in $BASE (not root, or not delegated)"
rmdir "$BASE/tend-probe-$$"
[ -e "$BASE/tend-probe-$$" ] && skip_all "cannot remove a cgroup in $BASE"

cgroup_of() { cat "$1/supervise/cgroup" 2>/dev/null; }
in_cgroup() { grep -qx "$2" "$(cgroup_of "$1")/cgroup.procs"; }
copies() { pgrep_tagged -f "^sleep $1\$" | wc -l; }
one_copy() { [ "$(copies "$1")" = 1 ]; }
# exited: gone, or a zombie its new parent (init, here) has not reaped yet
dead() { gone "$1" || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ]; }

# ./run starts in its own cgroup, named from the directory.
S=$T/web
mkservice "$S" "exec sleep 4747"
printf '#!/bin/sh\ncat /proc/self/cgroup >%s/check.cg\nexit 0\n' "$T" >"$S/check"
chmod +x "$S/check"
echo 1 >"$S/check-interval"
spawn sh -c "exec \"$BIN/supervise\" \"$S\" 2>\"$T/web.err\""
SUP=$SPAWNED
waitfor 5 has_pid "$S"
pid=$(status_pid "$S")
cg=$(cgroup_of "$S")
is "$cg" "$BASE/$(cgroup_name "$(cd "$S" && pwd -P)")" \
  "supervise/cgroup names tend-NAME-FNV1A64 below supervise's own cgroup"
ok "./run is in that cgroup" in_cgroup "$S" "$pid"
like "$("$BIN/svstat" -l "$S")" "*; starts 1; cgroup $cg (1 process)" \
  "svstat -l shows the cgroup and how many processes it holds"
like "$("$BIN/svstat" "$S")" "*: up (pid $pid) * seconds" \
  "svstat without -l does not"
is "$(cat "$T/web.err")" "" "no warning with a writable cgroup2"

# Two services of the same name in other directories never share one.
mkservice "$T/other/web" "exec sleep 4748"
spawn "$BIN/supervise" "$T/other/web"
waitfor 5 has_pid "$T/other/web"
cg2=$(cgroup_of "$T/other/web")
like "$cg2" "$BASE/tend-web-????????????????" "the other web is tend-web-* too"
odd=$T/"we b
é"
mkservice "$odd" "exec sleep 4749"
spawn "$BIN/supervise" "$odd"
waitfor 5 has_pid "$odd"
is "$(cgroup_of "$odd")" "$BASE/$(cgroup_name "$(cd "$odd" && pwd -P)")" \
  "a name's blank, newline and non-ASCII bytes become _"
like "$(cgroup_of "$odd")" "*/tend-we_b___-????????????????" "(tend-we_b___-HASH)"
ok "but not the same cgroup" [ "$cg2" != "$cg" ]

# ./check runs outside the service's cgroup (and so does ./finish).
ok "./check runs" waitfor 5 test -s "$T/check.cg"
ok "./check is not in the service's cgroup" \
  sh -c "! grep -q '^0::.*/${cg##*/}\$' '$T/check.cg'"
rm "$S/check"

# svc -dx: the service is stopped, supervise exits, the cgroup is removed.
"$BIN/svc" -dx "$S"
ok "svc -dx: supervise exits" waitfor 5 gone "$SUP"
ok "and the empty cgroup is removed" waitfor 5 test ! -d "$cg"
ok "and supervise/cgroup with it" test ! -e "$S/supervise/cgroup"
spawn "$BIN/supervise" "$S"
SUP=$SPAWNED
waitfor 5 has_pid "$S"
is "$(cgroup_of "$S")" "$cg" "a new supervise makes the same cgroup again"

# The issue this is for: a daemon that double-forked out of the session
# while supervise was down is no child of the new supervise, in no group
# of its: only the cgroup holds it.
D=$T/daemon
mkservice "$D" "setsid sh -c 'sleep 4949 &' </dev/null >/dev/null 2>&1
exec sleep 4848"
spawn "$BIN/supervise" "$D"
SUP=$SPAWNED
waitfor 5 has_pid "$D"
ok "the double-forked daemon runs" waitfor 5 one_copy 4949
daemon=$(pgrep_tagged -f '^sleep 4949$')
kill -KILL "$SUP"
waitfor 5 gone "$SUP"
spawn "$BIN/supervise" "$D"
SUP=$SPAWNED
is_sup() { [ "$(status_field "$D" svpid)" = "$SUP" ]; }
waitfor 5 is_sup
adopted() { [ "$(($(status_field "$D" flags) & 2))" = 2 ]; }
ok "a new supervise adopts ./run" waitfor 5 adopted
ok "svc -d -wD returns" "$BIN/svc" -d -wD "$D"
ok "and the double-forked daemon is gone by then" dead "$daemon"
ok "the cgroup is empty" grep -qx "populated 0" "$(cgroup_of "$D")/cgroup.events"
"$BIN/svc" -u "$D"
ok "svc -u starts the service again" waitfor 5 has_pid "$D"
ok "and its daemon" waitfor 5 one_copy 4949
is "$(copies 4949)" 1 "exactly one copy of the daemon"
is "$(copies 4848)" 1 "exactly one copy of ./run"

# A supervise that finds the cgroup populated but nothing to adopt (the
# ./run its status names is gone) stops what is there before it starts
# ./run.
"$BIN/svc" -x "$D"
kill -KILL "$SUP"
waitfor 5 gone "$SUP"
old_run=$(status_pid "$D")
kill -KILL "$old_run"
waitfor 5 gone "$old_run"
old_daemon=$(pgrep_tagged -f '^sleep 4949$')
spawn "$BIN/supervise" "$D"
SUP=$SPAWNED
ok "a leftover daemon in the cgroup is stopped by a new supervise" \
  waitfor 5 dead "$old_daemon"
ok "then ./run starts" waitfor 5 has_pid "$D"
ok "with one daemon" waitfor 5 one_copy 4949

# A stop lasts until the cgroup is empty: a process that ignores TERM
# gets cgroup.kill after timeout-kill, and only then is the service down.
K=$T/stubborn
mkservice "$K" "setsid sh -c 'trap \"\" TERM; echo \$\$ >$T/stubborn.pid; while :; do sleep 1; done' </dev/null >/dev/null 2>&1 &
exec sleep 5050"
echo 300 >"$K/timeout-kill"
spawn "$BIN/supervise" "$K"
waitfor 5 test -s "$T/stubborn.pid"
stubborn=$(cat "$T/stubborn.pid")
"$BIN/svc" -d "$K"
ok "after svc -d the service is down at last" waitfor 5 no_pid "$K"
ok "and the TERM-ignoring process is gone" dead "$stubborn"

# no-cgroup: today's process group and subreaper, without a warning.
N=$T/plain
mkservice "$N" "exec sleep 5151"
: >"$N/no-cgroup"
spawn sh -c "exec \"$BIN/supervise\" \"$N\" 2>\"$T/plain.err\""
waitfor 5 has_pid "$N"
ok "no-cgroup: no supervise/cgroup" test ! -e "$N/supervise/cgroup"
ok "and no cgroup" sh -c "! ls -d '$BASE'/tend-plain-* 2>/dev/null"
is "$(cat "$T/plain.err")" "" "and no warning"
like "$("$BIN/svstat" -l "$N")" "*; starts 1" "svstat -l shows no cgroup"

# Limits: written where the controller is enabled, else one warning.
L=$T/limited
mkservice "$L" "exec sleep 5252"
echo lots >"$L/pids-max"
echo 0 >"$L/memory-max"
echo "500 100000" >"$L/cpu-max"
spawn sh -c "exec \"$BIN/supervise\" \"$L\" 2>\"$T/limited.err\""
waitfor 5 has_pid "$L"
lcg=$(cgroup_of "$L")
like "$(cat "$T/limited.err")" "*supervise: warning: ignoring $L/pids-max: not max, or a number from 1 to 4194304*" \
  "pids-max that is no number: a clear warning"
like "$(cat "$T/limited.err")" "*ignoring $L/memory-max: not max, or bytes*" \
  "memory-max 0: refused"
like "$(cat "$T/limited.err")" "*ignoring $L/cpu-max: not QUOTA*" \
  "cpu-max below the kernel's 1 ms quota: refused"
controllers=$(cat "$BASE/cgroup.controllers")
case " $controllers " in
*" memory "*) skip "memory is enabled here: the warning cannot be seen" ;;
*)
  echo 64M >"$L/memory-max"
  "$BIN/svc" -t "$L"
  warned() { grep -q "memory controller is not enabled" "$T/limited.err"; }
  waitfor 5 warned
  like "$(grep memory-max "$T/limited.err" | tail -1)" \
    "supervise: warning: ignoring $L/memory-max: the memory controller is not enabled for $lcg" \
    "memory-max without the memory controller: a one-line warning"
  pid=$(status_pid "$L")
  "$BIN/svc" -t "$L"
  waitfor 5 pid_changed "$L" "$pid"
  is "$(grep -c 'memory controller' "$T/limited.err")" 1 \
    "said once, not at every restart"
  ;;
esac
case " $controllers " in
*" pids "*)
  echo 50 >"$L/pids-max"
  pid=$(status_pid "$L")
  "$BIN/svc" -t "$L"
  waitfor 5 pid_changed "$L" "$pid"
  is "$(cat "$lcg/pids.max")" 50 "pids-max is written to pids.max at the start"
  rm "$L/pids-max"
  pid=$(status_pid "$L")
  "$BIN/svc" -t "$L"
  waitfor 5 pid_changed "$L" "$pid"
  is "$(cat "$lcg/pids.max")" max "without pids-max it is max again"
  ;;
*)
  skip "the pids controller is not available in this cgroup2 ($BASE/cgroup.controllers: ${controllers:-empty}; it is bound to cgroup v1 here)"
  skip "so pids-max cannot be seen written"
  ;;
esac
done_testing
