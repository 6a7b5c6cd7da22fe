#!/bin/sh
# bench/socket.sh: what a client sees while a service is restarted, with
# supervise holding the listening socket (DIR/socket) and without.
#
# One tiny TCP server (t/helpers/listen_serve.c: answers each connection
# with its pid; TERM is taken only between connections) runs as ./run of
# each kind, on a port of its own:
#   tend-held    tend's supervise, the socket made once by supervise from
#                DIR/socket and passed as fd 3 (LISTEN_FDS)
#   tend-own     tend's supervise, the server binding its own socket
#   daemontools  daemontools' supervise, the server binding its own socket
#   runit        runit's runsv, the server binding its own socket
# A client per kind (t/helpers/connect_loop.c) connects again and again,
# 0.5 ms apart, and counts the connections refused (nothing listened),
# failed (reset, or accepted by a server that then died) and answered.
# BENCH_RESTARTS times (100), every kind is restarted with `svc -t`, one
# kind after the other in an order that rotates, each waiting for the
# reply of its new server; the time from svc -t to that first reply is
# "restart to first reply". Restarts of a kind are at least
# BENCH_MINAGE_MS (1200) apart (from the first reply of its server), so
# no supervisor's one-second throttle is measured. Refusals count from
# each client's first reply on (before it, the service was not up yet).
# Ports BENCH_PORT (23110) and the next three: below the ephemeral range
# (net.ipv4.ip_local_port_range), or a client's own port, taken during a
# restart, would keep a server from binding its own.
# Printed per kind: restarts, refused, failed, answered, and the median
# and p90 of restart-to-first-reply in ms (the client's 0.5 ms pause
# bounds its resolution for the kinds that refuse).
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
N=${BENCH_RESTARTS:-100}
MINAGE=${BENCH_MINAGE_MS:-1200}
PORT=${BENCH_PORT:-23110}
: "${TEND_BIN:=$(cd "$(dirname "$0")/.." && pwd)/bin}"
HELPERS=$(cd "$(dirname "$0")/../t/helpers" && pwd)
SERVE=$BENCH_TMP/listen_serve
CLIENT=$BENCH_TMP/connect_loop
for h in listen_serve connect_loop; do
  if ! bench_cc "$BENCH_TMP/$h" "$HELPERS/$h.c"; then
    echo "socket.sh: unable to compile t/helpers/$h.c" >&2
    exit 111
  fi
done
bench_kinds socket.sh "$TEND_BIN/supervise" daemontools:/usr/bin/supervise \
  runit:/usr/bin/runsv
peers=${KINDS#"tend:$TEND_BIN/supervise"}
KINDS="tend-held:$TEND_BIN/supervise tend-own:$TEND_BIN/supervise$peers"

PIDS=
teardown() {
  for k in $KINDS; do
    [ -p "$BENCH_TMP/${k%%:*}/supervise/control" ] &&
      "$TEND_BIN/svc" -dx "$BENCH_TMP/${k%%:*}" 2>/dev/null
  done
  for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
  sleep 1
  for k in $KINDS; do
    # shellcheck disable=SC2046 # the servers that answered, one a line
    kill -KILL $(cut -d' ' -f1 "$BENCH_TMP/${k%%:*}.seen" 2>/dev/null) 2>/dev/null
  done
  for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  PIDS=
}
trap 'teardown; bench_cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lines() { wc -l <"$1" 2>/dev/null || echo 0; }
now_ns() { date +%s%N; }
# wait_lines FILE N: FILE has N lines, within 30 s
wait_lines() {
  _end=$(($(now_ns) + 30000000000))
  while [ "$(lines "$1")" -lt "$2" ]; do
    [ "$(now_ns)" -lt "$_end" ] || return 1
    sleep 0.002
  done
}

port=$PORT
for k in $KINDS; do
  name=${k%%:*}
  d=$BENCH_TMP/$name
  mkdir "$d"
  if [ "$name" = tend-held ]; then
    echo "tcp 127.0.0.1:$port" >"$d/socket"
    printf '#!/bin/sh\nexec %s\n' "$SERVE" >"$d/run"
  else
    printf '#!/bin/sh\nexec %s %s\n' "$SERVE" "$port" >"$d/run"
  fi
  chmod +x "$d/run"
  "${k#*:}" "$d" </dev/null >/dev/null 2>>"$BENCH_TMP/log" &
  PIDS="$PIDS $!"
  "$CLIENT" "$port" "$d.seen" </dev/null >"$d.counts" &
  PIDS="$PIDS $! "
  eval "client_$(echo "$name" | tr - _)=$!"
  port=$((port + 1))
done
for k in $KINDS; do
  if ! wait_lines "$BENCH_TMP/${k%%:*}.seen" 1; then
    echo "socket.sh: ${k%%:*} never answered; its stderr:" >&2
    head -5 "$BENCH_TMP/log" >&2
    exit 1
  fi
done

# restart_round I KIND...: restart I of each kind, in the order given
# (bench_rounds rotates it from round to round)
restart_round() {
  i=$1
  shift
  for k in "$@"; do
    name=${k%%:*}
    # its server has been up for MINAGE (it answered MINAGE ago)
    up=$(tail -n 1 "$BENCH_TMP/$name.seen" | cut -d' ' -f2)
    left_ms=$((MINAGE - ($(now_ns) - up) / 1000000))
    [ "$left_ms" -le 0 ] || sleep "$(awk -v m="$left_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    echo "$name $(now_ns)" >>"$BENCH_TMP/t0"
    "$TEND_BIN/svc" -t "$BENCH_TMP/$name"
    if ! wait_lines "$BENCH_TMP/$name.seen" $((i + 1)); then
      echo "socket.sh: $name did not come back after restart $i" >&2
      head -5 "$BENCH_TMP/log" >&2
      exit 1
    fi
  done
}
bench_rounds "$N" restart_round

printf '%-12s %8s %8s %8s %9s %14s %11s\n' kind restarts refused failed answered \
  "first-reply-ms" "p90-ms"
for k in $KINDS; do
  name=${k%%:*}
  eval "kill -TERM \$client_$(echo "$name" | tr - _)"
done
for k in $KINDS; do
  name=${k%%:*}
  d=$BENCH_TMP/$name
  _end=$(($(now_ns) + 30000000000))
  while ! grep -q '^failed' "$d.counts" && [ "$(now_ns)" -lt "$_end" ]; do sleep 0.05; done
  # restart I's first reply is line I+1 of the seen file
  lat=$(awk -v k="$name" 'FNR == NR { if ($1 == k) t0[++n] = $2; next }
    FNR > 1 && (FNR - 1) in t0 { printf "%.3f\n", ($2 - t0[FNR - 1]) / 1e6 }' \
    "$BENCH_TMP/t0" "$d.seen")
  # shellcheck disable=SC2086
  med=$(median $lat)
  # shellcheck disable=SC2086
  p90=$(printf '%s\n' $lat | sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.9 + 0.999); if (i < 1) i = 1; print a[i] }')
  med=$(printf '%.1f' "$med")
  p90=$(printf '%.1f' "$p90")
  printf '%-12s %8s %8s %8s %9s %14s %11s\n' "$name" "$N" \
    "$(sed -n 's/^refused //p' "$d.counts")" "$(sed -n 's/^failed //p' "$d.counts")" \
    "$(sed -n 's/^ok //p' "$d.counts")" "$med" "$p90"
done
