#!/bin/sh
# Restart backoff: 1 s, 2, 4 ... up to a cap, reset by a stable run.
. "$(dirname "$0")/lib.sh"

S=$T/crash
mkservice "$S" "date +%s%N >>$T/starts
if [ -e $T/stay ]; then sleep 1.3; fi
exit 1"
echo 150 >"$S/restart-delay"
echo 600 >"$S/restart-delay-max"
echo 1200 >"$S/restart-stable"
spawn "$BIN/supervise" "$S"
count() { [ "$(wc -l <"$T/starts" 2>/dev/null)" -ge "$1" ]; }
ok "a crashing service is restarted" waitfor 10 count 5
set -- $(awk 'NR > 1 { printf "%d ", ($1 - prev) / 1000000 } { prev = $1 }' "$T/starts")
g1=$1 g2=$2 g3=$3 g4=$4
ok "the delays grow: ${g1} ms, ${g2} ms, ${g3} ms" [ "$g1" -ge 140 ] && [ "$g2" -ge 290 ] && [ "$g3" -ge 590 ]
ok "the delay stops at restart-delay-max: ${g4} ms" [ "$g4" -ge 590 ] && [ "$g4" -lt $((1500 * SCALE)) ]
is "$(status_field "$S" delay)" 600 "status: the current delay is the cap (600 ms)"
ok "status: deaths counted" [ "$(status_field "$S" deaths)" -ge 4 ]
like "$("$BIN/svstat" -l "$S")" "*: *" "svstat -l works during a crash loop"

# A run of restart-stable or more resets the delay: its restart is at once.
touch "$T/stay"
n=$(wc -l <"$T/starts")
waitfor 10 count $((n + 1))
rm -f "$T/stay"
n=$(wc -l <"$T/starts")
ok "after a stable run, it is restarted" waitfor 10 count $((n + 1))
last2=$(tail -n 2 "$T/starts" | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) / 1000000 }')
ok "immediately after the 1.3 s run (${last2} ms from start to start)" [ "$last2" -lt $((1300 + 400 * SCALE)) ]
waitfor 10 count $((n + 2))
gap=$(tail -n 2 "$T/starts" | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) / 1000000 }')
ok "then the backoff starts over at restart-delay (${gap} ms)" [ "$gap" -lt 590 ]

# svc -u during the wait restarts at once; svstat -l shows the wait.
U=$T/slow
mkservice "$U" "date +%s >>$T/slow.starts; exit 1"
echo 30000 >"$U/restart-delay"
spawn "$BIN/supervise" "$U"
waitfor 5 test -s "$T/slow.starts"
pending() { "$BIN/svstat" -l "$U" | grep -q "restart in"; }
ok "svstat -l shows the pending restart" waitfor 5 pending
like "$("$BIN/svstat" -l "$U" | sed 's/; cgroup .*//')" "*: down * seconds, normally up, want up; *restart in [23][0-9] seconds" "with its time (30 s plus jitter)"
"$BIN/svc" -u "$U"
twice() { [ "$(wc -l <"$T/slow.starts")" -ge 2 ]; }
ok "svc -u during the wait starts it at once" waitfor 3 twice
waitfor 5 pending
"$BIN/svc" -t "$U"
thrice() { [ "$(wc -l <"$T/slow.starts")" -ge 3 ]; }
ok "svc -t during the wait starts it at once" waitfor 3 thrice

# max-death-tally bounds the deaths remembered.
M=$T/tally
mkservice "$M" "echo x >>$T/tally.starts; exit 1"
echo 100 >"$M/restart-delay"
echo 100 >"$M/restart-delay-max"
echo 2 >"$M/max-death-tally"
spawn "$BIN/supervise" "$M"
tcount() { [ "$(wc -l <"$T/tally.starts" 2>/dev/null)" -ge "$1" ]; }
waitfor 10 tcount 5
is "$(status_field "$M" deaths)" 2 "max-death-tally 2: at most 2 deaths remembered after 5 crashes"

# A restart asked for with svc -t is not a crash: no backoff.
Q=$T/quick
mkservice "$Q" "date +%s%N >>$T/quick.starts; exec sleep 1000"
echo 30000 >"$Q/restart-delay"
spawn "$BIN/supervise" "$Q"
qcount() { [ "$(wc -l <"$T/quick.starts" 2>/dev/null)" -ge "$1" ]; }
waitfor 5 qcount 1
for i in 2 3 4; do
  waitfor 5 has_pid "$Q"
  "$BIN/svc" -t "$Q"
  ok "svc -t on a young service restarts it at once ($i)" waitfor 3 qcount $i
done
done_testing
