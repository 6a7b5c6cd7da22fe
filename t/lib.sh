# t/lib.sh: TAP output, starting processes, waiting with a deadline, and
# cleaning up. Sourced by every t/*.t; each test runs in its own $T.
#
#   spawn CMD...          start CMD in the background; its pid is in $SPAWNED
#   waitfor SECS CMD...   run CMD until it succeeds; 1 if SECS pass first
#   ok DESC CMD...        one test: passes if CMD exits 0
#   is GOT WANT DESC      one test: passes if the strings are equal
#   skip_all REASON       the whole file skips
#   done_testing          prints the plan; exit status = failures
#   gone PID              the process no longer exists
#   pgrep_tagged ARGS...  pgrep ARGS, only this test's processes (another
#                         test may run the same command at the same time)
#   same_as_daemontools PROG ARGS...
#                         one test: tend's PROG and daemontools' print the
#                         same and exit alike ($SAME_SED filters both
#                         outputs, $OURS_SED tend's alone, if set)
#   status_field DIR NAME a field of DIR/supervise/status by its name in
#                         doc/status.md (pid, paused, want, termsent, state,
#                         version, flags, starts, lastwait, deaths, delay,
#                         svpid), as a decimal number
#   status_is DIR NAME V  the field is V (for waitfor)
#   new_svpid DIR OLD     another supervise than OLD wrote DIR's status
#   from_fifo FIFO CMD... CMD reads FIFO, its stderr in FIFO.err
#   new_fifo              a fresh FIFO $F held open on fd 3
#   cgroup_name DIR       the name of the cgroup supervise makes for DIR
#   public_bin PROG...    copies of PROGs from $BIN in $PUB, a directory
#                         every account can reach (for tests that switch
#                         to nobody: the checkout may be under a 0700 dir)
#
# TEND_TEST_NO_CGROUP=1 runs the tests as on a host without cgroup2 (it is
# set by itself where no cgroup2 is writable): every
# service directory mkservice makes gets a no-cgroup file (supervise(8),
# CGROUPS), so supervise follows the process group and the subreaper. At
# exit, the cgroups of the test's services are emptied with cgroup.kill and
# removed (_cgroups_remove).
#
# Every process a test starts carries TEND_TEST_TAG=$T in its environment;
# at exit, the recorded pids are killed, then every process still carrying
# the tag (services, loggers, grandchildren), by pid. The test script
# re-executes itself once with the tag, so that its own forked subshells
# carry it too (/proc/PID/environ is what a process was exec'd with).
#
# Note (dash): a background command started in a function gets /dev/null
# as stdin; write `spawn sh -c 'exec CMD <file'`, not `spawn CMD <file`.

set -u
if [ "${_TEND_TEST_SCRIPT:-}" != "$0" ]; then
  TEND_TEST_TAG=$(mktemp -d "${TMPDIR:-/tmp}/tend-t.XXXXXX") || exit 1
  _TEND_TEST_SCRIPT=$0
  export TEND_TEST_TAG _TEND_TEST_SCRIPT
  exec sh "$0" "$@"
fi
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TEND_BIN:-$top/bin}
HELPERS=${TEND_HELPERS:-$top/build/t}
SCALE=${TEND_TIMEOUT_SCALE:-1}
T=$TEND_TEST_TAG
PATH=$BIN:$PATH
export PATH
# Where supervise cannot make a cgroup (no cgroup2, or our own cgroup not
# writable by us), it says so once at start; the tests then run as with
# TEND_TEST_NO_CGROUP, so that their expected messages stay the same.
if [ -z "${TEND_TEST_NO_CGROUP:-}" ]; then
  _cg=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo 2>/dev/null)
  _cgown=$(sed -n 's/^0:://p' /proc/self/cgroup 2>/dev/null)
  if [ -z "$_cg" ] || [ -z "$_cgown" ] || [ ! -w "$_cg${_cgown%/}" ]; then
    TEND_TEST_NO_CGROUP="no writable cgroup2 here (mount: ${_cg:-none}, own cgroup: ${_cgown:-none})"
    export TEND_TEST_NO_CGROUP
  fi
fi
_pids=""
_public=""
_n=0
_failed=0

_tagged_pids() {
  grep -lzxF "TEND_TEST_TAG=$T" /proc/[0-9]*/environ 2>/dev/null |
    sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | grep -vx "$$"
}

cleanup() {
  for p in $_pids; do kill -KILL "$p" 2>/dev/null; done
  for _round in 1 2 3; do
    left=$(_tagged_pids)
    [ -n "$left" ] || break
    kill -KILL $left 2>/dev/null
  done
  wait 2>/dev/null
  _cgroups_remove
  rm -rf "$T" $_public
}
trap cleanup EXIT

# cgroup_name DIR: the name supervise gives the cgroup of the service in
# DIR, a physical path (supervise(8), CGROUPS): tend-NAME-FNV1A64.
cgroup_name() {
  _h=-3750763034362895579 # FNV-1a's offset basis, as a signed 64-bit number
  for _b in $(printf %s "$1" | od -An -tu1); do
    _h=$(((_h ^ _b) * 1099511628211))
  done
  _nm=$(printf %s "${1##*/}" | LC_ALL=C tr -c 'A-Za-z0-9._@+-' _ | LC_ALL=C cut -c1-200)
  printf 'tend-%s-%016x\n' "${_nm:-root}" "$_h"
}

# The cgroups of the test's services: those named in a supervise/cgroup
# (or any file named cgroup: supervise/ may be a symlink), and those of
# the directories mkservice made, which a test may have removed while a
# killed supervise left their cgroup. Each is emptied and removed.
_cgroups_remove() {
  _mnt=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
  [ -n "$_mnt" ] || return 0
  _own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  {
    # shellcheck disable=SC2086
    find "$T" $_public -name cgroup -type f -exec cat {} + 2>/dev/null
    [ ! -s "$T/.services" ] ||
      while IFS= read -r _d; do
        echo "$_mnt${_own%/}/$(cgroup_name "$_d")"
      done <"$T/.services"
  } | sort -u | while IFS= read -r _cg; do
    case $_cg in /*/tend-*) [ -d "$_cg" ] || continue ;; *) continue ;; esac
    echo 1 >"$_cg/cgroup.kill" 2>/dev/null
    _i=0
    until rmdir "$_cg" 2>/dev/null || [ ! -d "$_cg" ] || [ $_i -ge 500 ]; do
      sleep 0.01
      _i=$((_i + 1))
    done
  done
}
trap 'exit 1' INT TERM HUP

pgrep_tagged() {
  for _p in $(pgrep "$@"); do
    grep -qzxF "TEND_TEST_TAG=$T" "/proc/$_p/environ" 2>/dev/null && echo "$_p"
  done
}

# from_fifo FIFO CMD...: spawn CMD reading FIFO, its stderr in FIFO.err
from_fifo() { spawn sh -c 'f=$1; shift; exec "$@" <"$f" 3>&- 4>&- 2>"$f.err"' sh "$@"; }
# new_fifo: a fresh FIFO $F (in the current directory) on fd 3, so that
# what a section leaves in its pipe never reaches the next
new_fifo() {
  _nf=$((${_nf:-0} + 1))
  exec 3>&-
  mkfifo "fifo$_nf"
  exec 3<>"fifo$_nf"
  F=fifo$_nf
}

public_bin() {
  PUB=$(mktemp -d /tmp/tend-pub.XXXXXX) || return 1
  _public="$_public $PUB"
  chmod 755 "$PUB" || return 1
  for _p; do cp "$BIN/$_p" "$PUB/$_p" || return 1; done
}

spawn() {
  "$@" &
  SPAWNED=$!
  _pids="$_pids $SPAWNED"
}

waitfor() {
  _limit=$1
  shift
  _end=$(($(date +%s%N) / 1000000 + _limit * 1000 * SCALE))
  while ! "$@" >/dev/null 2>&1; do
    [ $(($(date +%s%N) / 1000000)) -lt $_end ] || return 1
    sleep 0.01
  done
  return 0
}

_result() {
  _n=$((_n + 1))
  if [ "$1" = 0 ]; then
    echo "ok $_n - $2"
  else
    echo "not ok $_n - $2"
    echo "#   failed: $2 (${0##*/})" >&2
    _failed=$((_failed + 1))
  fi
}

ok() {
  _desc=$1
  shift
  "$@"
  _result $? "$_desc"
}

is() {
  if [ "$1" = "$2" ]; then
    _result 0 "$3"
  else
    _result 1 "$3"
    printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" | sed 's/^\([^#]\)/#   \1/' >&2
  fi
}

like() {
  case "$1" in
  $2) _result 0 "$3" ;;
  *)
    _result 1 "$3"
    printf '#   got:      %s\n#   expected: %s\n' "$1" "$2" >&2
    ;;
  esac
}

skip() {
  _n=$((_n + 1))
  echo "ok $_n # skip $1"
}

skip_all() {
  echo "1..0 # SKIP $1"
  exit 0
}

done_testing() {
  echo "1..$_n"
  [ $_failed = 0 ]
  exit $?
}

# Small helpers for service directories.
# mkservicedir DIR: a service directory without a run (DIR/no-cgroup exists
# if TEND_TEST_NO_CGROUP is set; its cgroup is removed at exit).
mkservicedir() {
  mkdir -p "$1"
  _phys=$(cd "$1" && pwd -P) && case $_phys in *"
"*) ;; *) echo "$_phys" >>"$T/.services" ;; esac
  [ -z "${TEND_TEST_NO_CGROUP:-}" ] || : >"$1/no-cgroup"
}
# mkservice DIR 'shell body': the same, with DIR/run "#!/bin/sh\n BODY".
mkservice() {
  mkservicedir "$1"
  printf '#!/bin/sh\n%s\n' "$2" >"$1/run"
  chmod +x "$1/run"
}

# status_byte DIR OFFSET: one byte of DIR/supervise/status as a number.
status_byte() {
  od -An -tu1 -j "$2" -N1 "$1/supervise/status" | tr -d ' '
}

# status_field DIR NAME: see the header.
status_field() {
  case $2 in
  pid) _o=12 _t=u4 _e=little ;;
  paused) _o=16 _t=u1 _e=big ;;
  want) _o=17 _t=u1 _e=big ;;
  termsent) _o=18 _t=u1 _e=big ;;
  state) _o=19 _t=u1 _e=big ;;
  version) _o=20 _t=u1 _e=big ;;
  flags) _o=21 _t=u1 _e=big ;;
  starts) _o=24 _t=u4 _e=big ;;
  lastwait) _o=28 _t=u4 _e=big ;;
  deaths) _o=68 _t=u4 _e=big ;;
  delay) _o=72 _t=u4 _e=big ;;
  svpid) _o=76 _t=u4 _e=big ;;
  *) echo "status_field: unknown field $2" >&2; return 2 ;;
  esac
  od -An -t$_t --endian=$_e -j $_o -N${_t#u} "$1/supervise/status" | tr -d ' '
}

# status_is DIR NAME VALUE: the field is VALUE (for waitfor).
status_is() { [ "$(status_field "$1" "$2" 2>/dev/null)" = "$3" ]; }

# new_svpid DIR OLD: a supervise other than OLD wrote the status, and runs.
new_svpid() {
  _p=$(status_field "$1" svpid 2>/dev/null)
  [ -n "$_p" ] && [ "$_p" != "$2" ] && [ -e "/proc/$_p" ]
}

same_as_daemontools() {
  _prog=$1
  shift
  _ours=$("$BIN/$_prog" "$@" 2>&1; echo "rc=$?")
  _theirs=$("/usr/bin/$_prog" "$@" 2>&1; echo "rc=$?")
  if [ -n "${SAME_SED:-}" ]; then
    _ours=$(printf '%s\n' "$_ours" | sed -e "$SAME_SED")
    _theirs=$(printf '%s\n' "$_theirs" | sed -e "$SAME_SED")
  fi
  [ -z "${OURS_SED:-}" ] || _ours=$(printf '%s\n' "$_ours" | sed -e "$OURS_SED")
  is "$_ours" "$_theirs" "same output and exit code as daemontools: $_prog $*"
}

# status_pid DIR: the pid recorded in DIR/supervise/status.
status_pid() {
  od -An -tu4 --endian=little -j 12 -N4 "$1/supervise/status" | tr -d ' '
}

# pid_changed DIR OLD: status holds a pid and it is not OLD.
pid_changed() {
  _p=$(status_pid "$1" 2>/dev/null)
  [ -n "$_p" ] && [ "$_p" != 0 ] && [ "$_p" != "$2" ]
}

# gone PID: no such process any more.
gone() { ! kill -0 "$1" 2>/dev/null; }

# has_pid DIR: a nonzero pid in the status file.
has_pid() { pid_changed "$1" 0; }
no_pid() { [ "$(status_pid "$1" 2>/dev/null)" = 0 ]; }

# Processes as svscan's tests see them, through /proc.
# alive PID: the process exists and is no zombie.
alive() { [ -n "$1" ] && [ "$1" != 0 ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
# svpid DIR: the pid of the supervise that wrote DIR/supervise/status.
svpid() { status_field "$1" svpid 2>/dev/null; }
ppid_of() { awk '{print $4}' "/proc/$1/stat"; }
# lines FILE N: FILE has N lines or more.
lines() { [ "$(wc -l <"$1" 2>/dev/null)" -ge "$2" ] 2>/dev/null; }
# ms: now, in milliseconds.
ms() { echo $(($(date +%s%N) / 1000000)); }
# pids_in DIR COMM: the pids of the processes named COMM whose cwd is DIR.
pids_in() {
  for _p in /proc/[0-9]*; do
    [ "$(cat "$_p/comm" 2>/dev/null)" = "$2" ] || continue
    [ "$(readlink "$_p/cwd" 2>/dev/null)" = "$1" ] && echo "${_p#/proc/}"
  done
}
# in_dir DIR COMM: the first of them; false if there is none.
in_dir() { pids_in "$1" "$2" | head -n 1 | grep .; }
# supervisors_in DIR: how many supervise processes run in DIR.
supervisors_in() { pids_in "$1" supervise | wc -l | tr -d ' '; }

# cpu PID: user + system clock ticks PID has used.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# spin_window PID: CPU ticks PID uses in 2 seconds (a window for a busy
# loop to show, not a wait for anything).
spin_window() {
  _t0=$(cpu "$1")
  sleep 2
  echo $(($(cpu "$1") - _t0))
}

# start_supervise DIR ERR: a supervise for DIR, its stderr to ERR and its
# pid in SUP; once ./run runs (within 5 s), the service's pid in pid.
start_supervise() {
  spawn "$BIN/supervise" "$1" 2>"$2"
  SUP=$SPAWNED
  waitfor 5 has_pid "$1"
  pid=$(status_pid "$1")
}
