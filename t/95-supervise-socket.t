#!/bin/sh
# supervise: listening sockets from DIR/socket, held across restarts and
# handed to every ./run as fds 3, 4, ... (LISTEN_FDS, sd_listen_fds(3)).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is not installed"

# A TCP port nobody listens on now (the kernel's pick, then released).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# sup DIR: supervise DIR, its stderr in DIR.err
sup() { spawn sh -c 'exec "$0" "$1" 2>>"$1.err"' "$BIN/supervise" "$1"; }
says() { grep -qF -- "$2" "$1.err"; }
down_pending() { status_is "$1" state 0 && "$BIN/svstat" -l "$1" | grep -q 'restart in'; }

# What ./run sees: its fds 3.. (kind, address), and LISTEN_*.
cat >"$T/look.py" <<'PY'
import os, socket, stat, sys
out = open(sys.argv[1], "w")
for k in ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"):
    out.write("%s=%s\n" % (k, os.environ.get(k, "-")))
out.write("pid=%d\n" % os.getpid())
for fd in range(3, 3 + int(os.environ.get("LISTEN_FDS", "0"))):
    s = socket.socket(fileno=fd)
    acc = s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
    out.write("fd%d=%s %s %s\n" % (fd, s.type.name, s.getsockname(), acc))
    if s.family == socket.AF_INET6:
        out.write("v6only=%d\n" % s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
    s.detach()
out.write("inheritable=%s\n" % " ".join(
    str(fd) for fd in range(3, 64) if fd not in (out.fileno(),) and
    os.path.exists("/proc/self/fd/%d" % fd) and
    os.readlink("/proc/self/fd/%d" % fd).startswith("socket:")))
out.close()
PY

P1=$(free_port)
P2=$(free_port)
S=$T/look
mkservice "$S" "exec python3 $T/look.py $T/look.out"
printf '%s\n' "# the web server" "tcp 127.0.0.1:$P1 name=web" "" \
  "udp 127.0.0.1:$P2" "  unix $T/look.sock 660 nobody name=admin" >"$S/socket"
# and [::1] where there is IPv6: an IPv6 socket is IPv6 only
v6= v6names= v6fds=
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
  echo "tcp [::1]:$P1 name=web6" >>"$S/socket"
  v6=$(printf "\nfd6=SOCK_STREAM ('::1', %s, 0, 0) 1\nv6only=1" "$P1")
  v6names=:web6
  v6fds=" 6"
fi
LISTEN_FDS=9 LISTEN_PID=1 LISTEN_FDNAMES=x sup "$S"
waitfor 30 test -s "$T/look.out"
waitfor 30 grep -q "^inheritable=" "$T/look.out"
got=$(sed '/^pid=/d' "$T/look.out")
is "$got" "LISTEN_FDS=$((3 + ${#v6fds} / 2))
LISTEN_PID=$(sed -n 's/^pid=//p' "$T/look.out")
LISTEN_FDNAMES=web:unknown:admin$v6names
fd3=SOCK_STREAM ('127.0.0.1', $P1) 1
fd4=SOCK_DGRAM ('127.0.0.1', $P2) 0
fd5=SOCK_STREAM $T/look.sock 1$v6
inheritable=3 4 5$v6fds" "./run gets fds 3-5 in file order, LISTEN_PID its own pid, the names, no inherited LISTEN_*"
is "$(stat -c '%A %U' "$T/look.sock")" "srw-rw---- nobody" "the unix socket has its MODE and OWNER"

# Neither ./finish nor ./check get the sockets or LISTEN_*.
F=$T/helpers
mkservice "$F" "exec sleep 1000"
for h in finish check; do
  printf '#!/bin/sh\n{ env | grep ^LISTEN_; ls -l /proc/$$/fd | grep -c socket:; } >%s\n' "$T/$h.out" >"$F/$h"
  chmod +x "$F/$h"
done
echo 1 >"$F/check-interval"
echo "tcp 127.0.0.1:$(free_port)" >"$F/socket"
sup "$F"
waitfor 10 test -s "$T/check.out"
"$BIN/svc" -t "$F"
waitfor 5 test -s "$T/finish.out"
is "$(cat "$T/check.out")" 0 "./check gets neither the sockets nor LISTEN_*"
is "$(cat "$T/finish.out")" 0 "./finish gets neither the sockets nor LISTEN_*"

# A stale unix socket (its process died) is replaced; a symlink, a file,
# or a socket someone listens on is left alone, and ./run is not started
# until the path is free (the restart backoff).
U=$T/unix
mkservice "$U" "echo started >>$T/unix.out; exec sleep 1000"
echo 100 >"$U/restart-delay"
echo 200 >"$U/restart-delay-max"
echo "unix $T/u.sock" >"$U/socket"
python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$T/u.sock"
sup "$U"
waitfor 5 test -s "$T/unix.out"
ok "a stale unix socket is replaced" waitfor 30 python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])" "$T/u.sock"
"$BIN/svc" -dx "$U"
waitfor 5 status_is "$U" state 0
: >"$U.err"
: >"$T/unix.out"
rm -f "$T/u.sock"
echo secret >"$T/target"
ln -s "$T/target" "$T/u.sock"
sup "$U"
USUP=$SPAWNED
ok "a symlink at the path: one clear line" waitfor 5 says "$U" "supervise: warning: unable to bind $U/socket line 1: the path exists and is no socket: left alone"
ok "the service is down with a restart pending" waitfor 5 down_pending "$U"
refused_twice() { [ "$(grep -c 'no socket' "$U.err")" -ge 2 ]; } # counted at each poll
ok "and it is tried again (the restart backoff)" waitfor 5 refused_twice
ok "the symlink is left alone" test -L "$T/u.sock"
is "$(cat "$T/target")" secret "and what it points to too"
ok "./run did not start" test ! -s "$T/unix.out"
"$BIN/svc" -x "$U"
waitfor 5 gone "$USUP"
rm "$T/u.sock"
spawn python3 -c "import socket,sys,time; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); open(sys.argv[2], 'w').close(); time.sleep(1000)" "$T/u.sock" "$T/listening"
HOLDER=$SPAWNED
ok "a process listens on the unix path" waitfor 30 test -e "$T/listening"
sup "$U"
ok "a socket someone listens on is left alone" waitfor 5 says "$U" "unable to bind $U/socket line 1: another process listens on the path: left alone"
ok "./run did not start" test ! -s "$T/unix.out"
kill "$HOLDER"
ok "once that process is gone, ./run starts" waitfor 10 test -s "$T/unix.out"
"$BIN/svc" -dx "$U"

# A TCP port in use: the error, the backoff, then the start once it frees.
P3=$(free_port)
B=$T/busy
mkservice "$B" "echo started >$T/busy.out; exec sleep 1000"
echo 100 >"$B/restart-delay"
echo 200 >"$B/restart-delay-max"
echo "tcp 127.0.0.1:$P3" >"$B/socket"
spawn python3 -c "import socket,sys,time; s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); open(sys.argv[2], 'w').close(); time.sleep(1000)" "$P3" "$T/holding"
HOLDER=$SPAWNED
ok "a process listens on the port" waitfor 30 test -e "$T/holding"
sup "$B"
ok "a port in use: one clear line" waitfor 5 says "$B" "supervise: warning: unable to bind $B/socket line 1: address already used"
ok "the service is down with a restart pending" waitfor 5 down_pending "$B"
kill "$HOLDER"
ok "once the port is free, ./run starts" waitfor 10 test -s "$T/busy.out"

# A bad line, and notification-fd on a socket's fd: said, not started.
X=$T/bad
mkservice "$X" "echo started >$T/bad.out; exec sleep 1000"
printf '# ok\ntcp 127.0.0.1:%s\ntcp localhost:80\n' "$(free_port)" >"$X/socket"
sup "$X"
ok "a bad line: the file, the line, what is wrong" waitfor 5 says "$X" "supervise: warning: unable to start $X/run: $X/socket line 3: not a numeric IPv4 address (names are not resolved)"
ok "the service is down with a restart pending" waitfor 5 down_pending "$X"
"$BIN/svc" -dx "$X"
waitfor 5 gone "$SPAWNED"
printf 'unix %s\nunix %s\n' "$T/n1.sock" "$T/n2.sock" >"$X/socket"
echo 4 >"$X/notification-fd"
sup "$X"
ok "notification-fd on a socket's fd is refused" waitfor 5 says "$X" "supervise: warning: unable to start $X/run: $X/notification-fd is one of the socket fds, 3 to 4"
ok "./run did not start" test ! -e "$T/bad.out"
"$BIN/svc" -dx "$X"
waitfor 5 gone "$SPAWNED"
echo 5 >"$X/notification-fd"
sup "$X"
ok "notification-fd after the sockets is fine" waitfor 5 test -s "$T/bad.out"

# The point of it all: a client connecting in a loop while the service is
# restarted 100 times (svc -t) is never refused, and every connection is
# answered: between two ./run the connections wait in the held socket's
# backlog. Each restart waits for a reply from the new ./run, so every one
# of the 101 servers answered the client.
if [ -x "$HELPERS/listen_serve" ] && [ -x "$HELPERS/connect_loop" ]; then
  P4=$(free_port)
  R=$T/restart
  mkservice "$R" "exec $HELPERS/listen_serve"
  echo "tcp 127.0.0.1:$P4" >"$R/socket"
  sup "$R"
  waitfor 5 has_pid "$R"
  spawn sh -c 'exec "$0" "$1" "$2" >"$2.counts"' "$HELPERS/connect_loop" "$P4" "$T/seen"
  CLIENT=$SPAWNED
  seen() { [ "$(wc -l <"$T/seen")" -ge "$1" ]; }
  waitfor 10 seen 1
  i=0
  while [ $i -lt 100 ]; do
    "$BIN/svc" -t "$R"
    waitfor 10 seen $((i + 2)) || break
    i=$((i + 1))
  done
  is "$i" 100 "100 restarts, each new ./run answering the client"
  kill -TERM "$CLIENT"
  waitfor 10 grep -q '^failed' "$T/seen.counts"
  is "$(grep -E '^(refused|failed)' "$T/seen.counts")" "refused 0
failed 0" "across 100 restarts no connection is refused or lost"
  is "$(wc -l <"$T/seen")" 101 "and 101 servers answered"
else
  skip "t/helpers not built (make test builds them)"
  skip "t/helpers not built (make test builds them)"
  skip "t/helpers not built (make test builds them)"
fi

done_testing
