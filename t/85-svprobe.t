#!/bin/sh
# svprobe: tcp, unix and http probes against a local test server
# (t/helpers/probe_server.c); exit 0 healthy, 1 unhealthy with the reason
# on one line, 100 usage; -T bounds everything, a name is resolved by the
# system's resolver.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

# server NAME ARGS...: a probe_server; its port (or path) in $port_NAME.
server() {
  _name=$1
  shift
  rm -f "$T/$_name.port"
  spawn sh -c 'exec "$0" "$@" >"'"$T/$_name.port"'" 2>"'"$T/$_name.err"'"' \
    "$HELPERS/probe_server" "$@"
  eval "pid_$_name=\$SPAWNED"
  if ! waitfor 5 test -s "$T/$_name.port"; then
    eval "port_$_name="
    return 1
  fi
  eval "port_$_name=\$(cat \"\$T/\$_name.port\")"
}
# probe ARGS...: svprobe's exit status and stderr as "RC:MESSAGE".
probe() {
  _out=$("$BIN/svprobe" "$@" 2>&1)
  echo "$?:$_out"
}
# bounded ARGS...: the same, under a 30 s watchdog (exit 124 if it hangs).
bounded() {
  _out=$(timeout -k 1 $((30 * SCALE)) "$BIN/svprobe" "$@" 2>&1)
  echo "$?:$_out"
}
reply() { printf "$2" >"$T/$1"; }

reply ok.http 'HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nall ok\n'
reply down.http 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\ndown\n'
reply empty.http 'HTTP/1.1 204 No Content\r\n\r\n'
reply moved.http 'HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n'
reply chunked.http 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nstatu\r\n9\r\ns: ready\r\n0\r\nX-Trailer: never looked at\r\n\r\n'
reply short.http 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcneedle'
reply noclose.http 'HTTP/1.0 200 OK\r\n\r\nuntil the connection ends: needle'
reply early.http 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
reply bad.http 'SSH-2.0-OpenSSH_9.2\r\n'
reply lf.http 'HTTP/1.1 200 OK\nContent-Length: 6\n\nfine!\n'
reply status.http 'HTTP/1.1 200 OK'
reply stream.http 'HTTP/1.1 200 OK\r\n\r\n'

server web -r "$T/request" reply ok.http || echo "# probe_server failed: $(cat "$T/web.err")"
W=$port_web
U=http://127.0.0.1:$W

# TCP.
is "$(probe tcp "127.0.0.1:$W")" "0:" "tcp: a listening port is healthy, and svprobe says nothing"
server refused silent
R=$port_refused
kill -KILL "$pid_refused"
wait "$pid_refused" 2>/dev/null
is "$(probe tcp "127.0.0.1:$R")" "1:svprobe: tcp 127.0.0.1:$R: connection refused" \
  "tcp: a closed port is unhealthy: connection refused, on one line"
is "$(probe "http://127.0.0.1:$R/health")" \
  "1:svprobe: http://127.0.0.1:$R/health: connection refused" \
  "http: a closed port is unhealthy the same way"

# HTTP status.
is "$(probe "$U/health?verbose=1#top")" "0:" "http: 200 is healthy"
is "$(tr -d '\r' <"$T/request")" "GET /health?verbose=1 HTTP/1.1
Host: 127.0.0.1:$W
User-Agent: svprobe
Accept: */*
Connection: close" "http: the request: GET PATH?QUERY (no #fragment) HTTP/1.1, Host, Connection: close"
is "$(tr -cd '\r\n' <"$T/request" | od -An -c | tr -d ' \n')" '\r\n\r\n\r\n\r\n\r\n\r\n' \
  "http: the request's lines end in CRLF, and an empty line ends it"
probe "http://127.0.0.1:$W" >/dev/null
like "$(tr -d '\r' <"$T/request")" "GET / HTTP/1.1*" "http: no path is /"

server down reply down.http
is "$(probe "http://127.0.0.1:$port_down/health")" \
  "1:svprobe: http://127.0.0.1:$port_down/health: status 503 Service Unavailable, want 2xx" \
  "http: 503 is unhealthy, with the status line in the reason"
is "$(probe -s 503 "http://127.0.0.1:$port_down/")" "0:" "http: -s 503 wants exactly 503"
is "$(probe "http://127.0.0.1:$port_down/" -s 5xx)" "0:" "http: -s 5xx wants any 5xx (options may follow the URL)"
is "$(probe -s 200 "$U/")" "0:" "http: -s 200 on a 200"
server empty reply empty.http
is "$(probe -s 200 "http://127.0.0.1:$port_empty/")" \
  "1:svprobe: http://127.0.0.1:$port_empty/: status 204 No Content, want 200" \
  "http: -s 200 on a 204 is unhealthy"
is "$(probe "http://127.0.0.1:$port_empty/")" "0:" "http: 204 is 2xx: healthy by default"
server moved reply moved.http
is "$(probe "http://127.0.0.1:$port_moved/")" \
  "1:svprobe: http://127.0.0.1:$port_moved/: status 302 Found, want 2xx" \
  "http: a redirect is not followed, and unhealthy by default"
is "$(probe -s 3xx "http://127.0.0.1:$port_moved/")" "0:" "http: -s 3xx accepts it"
server early reply early.http
is "$(probe -s 200 -c ok "http://127.0.0.1:$port_early/")" "0:" \
  "http: an interim 103 response is skipped"
server lf reply lf.http
is "$(probe -c fine "http://127.0.0.1:$port_lf/")" "0:" "http: lines ending in LF alone are read"
server status reply status.http
is "$(probe "http://127.0.0.1:$port_status/")" "0:" \
  "http: a status line cut short by the end of the connection still counts"

# HTTP body (-c).
is "$(probe -c "all ok" "$U/")" "0:" "http -c: text in a Content-Length body"
is "$(probe -c "not there" "$U/")" \
  "1:svprobe: $U/: body does not contain \"not there\"" \
  "http -c: text missing from the body is unhealthy"
is "$(probe -s 200 -c ok "http://127.0.0.1:$port_down/")" \
  "1:svprobe: http://127.0.0.1:$port_down/: status 503 Service Unavailable, want 200" \
  "http -c: the status is checked first"
server chunked reply chunked.http
is "$(probe -c "status: ready" "http://127.0.0.1:$port_chunked/")" "0:" \
  "http -c: a chunked body is de-chunked (the text spans two chunks)"
is "$(probe -c "ext=1" "http://127.0.0.1:$port_chunked/")" \
  "1:svprobe: http://127.0.0.1:$port_chunked/: body does not contain \"ext=1\"" \
  "http -c: chunk sizes and extensions are not body"
is "$(probe -c "X-Trailer" "http://127.0.0.1:$port_chunked/")" \
  "1:svprobe: http://127.0.0.1:$port_chunked/: body does not contain \"X-Trailer\"" \
  "http -c: trailers are not body"
server short reply short.http
is "$(probe -c needle "http://127.0.0.1:$port_short/")" \
  "1:svprobe: http://127.0.0.1:$port_short/: body does not contain \"needle\"" \
  "http -c: the body ends after Content-Length bytes"
server noclose reply noclose.http
is "$(probe -c needle "http://127.0.0.1:$port_noclose/")" "0:" \
  "http -c: without a length the body runs to the end of the connection"
is "$(probe -c empty "http://127.0.0.1:$port_empty/")" \
  "1:svprobe: http://127.0.0.1:$port_empty/: body does not contain \"empty\"" \
  "http -c: a 204 has no body"

# Servers that are not well.
server bad reply bad.http
is "$(probe "http://127.0.0.1:$port_bad/")" \
  "1:svprobe: http://127.0.0.1:$port_bad/: bad response: not an HTTP/1 status line" \
  "http: a server that does not speak HTTP is unhealthy"
server close close
is "$(probe "http://127.0.0.1:$port_close/")" \
  "1:svprobe: http://127.0.0.1:$port_close/: connection closed before the response" \
  "http: a server that reads the request and closes is unhealthy"
server silent silent
is "$(bounded -T 1000 "http://127.0.0.1:$port_silent/")" \
  "1:svprobe: http://127.0.0.1:$port_silent/: timed out waiting for the response" \
  "-T: a server that accepts and never answers times out"
is "$(bounded tcp "127.0.0.1:$port_silent")" "0:" \
  "tcp: the same server is healthy for a connection probe"
server trickle trickle status.http
is "$(bounded -T 1000 "http://127.0.0.1:$port_trickle/")" \
  "1:svprobe: http://127.0.0.1:$port_trickle/: timed out reading the response headers" \
  "-T: a server that trickles a status line forever times out"
server flood flood stream.http
if grep -q asan "$BIN/svprobe" 2>/dev/null; then
  skip "memory bound under ulimit -v: not with AddressSanitizer's shadow memory"
else
  is "$(ulimit -v 65536 && bounded -T 1000 -c needle "http://127.0.0.1:$port_flood/")" \
    "1:svprobe: http://127.0.0.1:$port_flood/: timed out reading the body" \
    "-T: a server that sends a body forever times out, in bounded memory (64 MB address space)"
fi
is "$(bounded "http://127.0.0.1:$port_flood/")" "0:" \
  "http: without -c the status line is enough: the endless body is not read"

# A full listen queue: connections wait (TCP) or are refused at once (unix).
# fill_queue ARGS...: probes ARGS with -T 1000, at most 4 times, until one
# is unhealthy; its answer in last, the healthy ones before it counted in n.
fill_queue() {
  n=0
  last=
  while [ $n -lt 4 ]; do
    last=$(bounded -T 1000 "$@")
    case $last in 1:*) break ;; esac
    n=$((n + 1))
  done
}
server backlog backlog
fill_queue tcp "127.0.0.1:$port_backlog"
is "$last" "1:svprobe: tcp 127.0.0.1:$port_backlog: timed out connecting" \
  "tcp: a connection the server never completes times out (after filling its queue of $n)"

# Unix sockets.
server sock -u "$T/web.sock" reply ok.http
is "$(probe unix "$T/web.sock")" "0:" "unix: a listening socket is healthy"
is "$(probe unix "$T/nothing.sock")" "1:svprobe: unix $T/nothing.sock: file does not exist" \
  "unix: a missing socket is unhealthy"
: >"$T/plain"
is "$(probe unix "$T/plain")" "1:svprobe: unix $T/plain: connection refused" \
  "unix: a file that is not a listening socket is unhealthy"
server qsock -u "$T/full.sock" backlog
fill_queue unix "$T/full.sock"
is "$last" "1:svprobe: unix $T/full.sock: listen queue full" \
  "unix: a full listen queue is unhealthy at once"

# IPv6.
if server six -6 -r "$T/request6" reply ok.http; then
  S=$port_six
  is "$(probe tcp "[::1]:$S")" "0:" "tcp [::1]:PORT: IPv6 loopback is healthy"
  is "$(probe -c ok "http://[::1]:$S/six")" "0:" "http://[::1]:PORT/: IPv6 loopback over HTTP"
  like "$(tr -d '\r' <"$T/request6")" "GET /six HTTP/1.1
Host: \[::1]:$S
*" "http over IPv6: Host keeps the brackets"
  is "$(probe tcp "[::1]:$W")" "1:svprobe: tcp [::1]:$W: connection refused" \
    "tcp [::1]: a server on 127.0.0.1 only is not reached over IPv6"
else
  skip "::1 is unavailable: $(cat "$T/six.err")"
  skip "::1 is unavailable"
  skip "::1 is unavailable"
  skip "::1 is unavailable"
fi

# Names, through the system's resolver.
if getent hosts localhost | grep -q '^127\.0\.0\.1[[:space:]]'; then
  is "$(probe tcp "localhost:$W")" "0:" "tcp localhost:PORT: a name from /etc/hosts"
  is "$(probe -c "all ok" "http://localhost:$W/")" "0:" "http://localhost:PORT/: a name over HTTP"
  like "$(tr -d '\r' <"$T/request")" "GET / HTTP/1.1
Host: localhost:$W
*" "http by name: Host is the name"
else
  skip "localhost does not resolve to 127.0.0.1 here"
  skip "localhost does not resolve to 127.0.0.1 here"
  skip "localhost does not resolve to 127.0.0.1 here"
fi
# A resolver that never answers: a DNS server on 127.0.0.1:53 that drops
# every query, in a network and mount namespace of our own.
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$T/resolv.conf"
printf 'hosts: dns\n' >"$T/nsswitch.conf"
cat >"$T/deaf-dns" <<EOF
ip link set lo up || exit 3
mount --bind "$T/resolv.conf" /etc/resolv.conf || exit 3
mount --bind "$T/nsswitch.conf" /etc/nsswitch.conf || exit 3
"$HELPERS/probe_server" -d >"$T/dns.port" 2>"$T/dns.err" &
i=0
while [ ! -s "$T/dns.port" ] && [ \$i -lt 500 ]; do sleep 0.01; i=\$((i + 1)); done
[ -s "$T/dns.port" ] || exit 3
timeout -k 1 30 "$BIN/svprobe" -T 500 tcp never.example:80 2>"$T/dns.out"
echo \$? >"$T/dns.rc"
kill \$!
EOF
if unshare -n -m sh "$T/deaf-dns" 2>"$T/unshare.err" && [ -s "$T/dns.rc" ]; then
  is "$(cat "$T/dns.rc"):$(cat "$T/dns.out")" \
    "1:svprobe: tcp never.example:80: timed out resolving the name" \
    "-T covers name resolution: a resolver that never answers times out"
else
  skip "no network and mount namespaces here: $(head -1 "$T/unshare.err")"
fi

# Usage.
for args in "" "tcp" "tcp 127.0.0.1" "tcp 127.0.0.1:0" "tcp 127.0.0.1:65536" \
  "tcp ::1:80" "unix" "ftp://x/" "http://" "http://a b/" "-T 0 tcp 127.0.0.1:1" \
  "-T x tcp 127.0.0.1:1" "-s 600 $U/" "-s 20 $U/" "-c '' $U/" \
  "-c x tcp 127.0.0.1:1" "-s 200 unix /x" "-q $U/" "$U/ extra" \
  "http://[localhost]:80/" "http://user@127.0.0.1/"; do
  eval "set -- $args"
  r=$(probe "$@")
  like "$r" "100:svprobe: usage: svprobe *" "usage error: svprobe $args"
done
is "$(probe https://127.0.0.1/)" \
  "100:svprobe: fatal: https is out of scope: probe it with a TLS client, e.g. curl -sf --max-time 2 URL (see svprobe(8))" \
  "https is a usage error that says what to use instead"

# As a service's check.
mkservice "$T/svc" "exec sleep 1000"
cp "$T/ok.http" "$T/health.http"
server health reply health.http
printf '#!/bin/sh\nexec svprobe -T 2000 http://127.0.0.1:%s/health\n' "$port_health" >"$T/svc/check"
chmod +x "$T/svc/check"
echo 1 >"$T/svc/check-interval"
echo 2 >"$T/svc/check-failures"
spawn "$BIN/supervise" "$T/svc" 2>"$T/svc.err"
waitfor 5 has_pid "$T/svc"
pid=$(status_pid "$T/svc")
cp "$T/down.http" "$T/health.http"
ok "check: svprobe failing twice restarts the service" waitfor 15 pid_changed "$T/svc" "$pid"
like "$(cat "$T/svc.err")" "*svprobe: http://127.0.0.1:$port_health/health: status 503 Service Unavailable, want 2xx*" \
  "check: svprobe's reason reaches supervise's stderr"

done_testing
