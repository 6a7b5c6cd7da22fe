#!/bin/sh
# svstat -j: one JSON object per line for each directory, every member as
# svstat.8 lists it, read back with a real JSON parser (python3) and
# compared field by field with what real supervise processes are doing;
# names of any bytes still give valid JSON that decodes to the name.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

have_python=0
if command -v python3 >/dev/null 2>&1 && python3 -c 'import json' 2>/dev/null; then
  have_python=1
fi
# flatten < JSON-LINES: "N KEY VALUE" per member (N from 1, KEY "log.x" for
# the log's members, VALUE as JSON); the input must be valid UTF-8 and each
# line one JSON object, else python3 fails.
flatten() {
  python3 -c '
import json, sys
data = sys.stdin.buffer.read().decode("utf-8")
assert data.endswith("\n")
for n, line in enumerate(data[:-1].split("\n"), 1):
    obj = json.loads(line)
    assert isinstance(obj, dict)
    for k, v in obj.items():
        if k == "log" and isinstance(v, dict):
            for lk, lv in v.items():
                print(n, "log." + lk, json.dumps(lv))
        else:
            print(n, k, json.dumps(v))
'
}
# field N KEY: the value of KEY in object N of $T/flat
field() { awk -v n="$1" -v k="$2" '$1 == n && $2 == k { sub(/^[^ ]* [^ ]* /, ""); print; exit }' "$T/flat"; }

# service NAME BODY [FILE=TEXT...]: $T/NAME runs BODY, has those files (an
# empty TEXT: an empty file), and its own supervise.
service() {
  _d=$T/$1
  mkservice "$_d" "$2"
  shift 2
  for _f; do
    if [ -n "${_f#*=}" ]; then echo "${_f#*=}" >"$_d/${_f%%=*}"; else : >"$_d/${_f%%=*}"; fi
  done
  spawn "$BIN/supervise" "$_d"
}
up=$T/up down=$T/down notready=$T/notready ready=$T/ready paused=$T/paused
crash=$T/crash stopped=$T/stopped logged=$T/logged dead=$T/dead
service up "exec sleep 1000"
service down "exec sleep 1000" down=
service notready "exec sleep 1000" notification-fd=3
service ready "echo >&3; exec sleep 1000" notification-fd=3
service paused "exec sleep 1000"
service crash "exit 3" restart-delay=60000
service stopped "exec sleep 1000"
mkservice "$logged/log" "exec sleep 1000"
service logged "exec sleep 1000"
spawn "$BIN/supervise" "$logged/log"
service dead "exec sleep 1000"
deadsup=$SPAWNED

mkdir "$T/never"

ready_flag() { [ $(($(status_byte "$1" 21) & 1)) = 1 ]; }
restart_pending() { [ "$(od -An -tx1 -j56 -N8 "$1/supervise/status" | tr -d ' \n')" != 0000000000000000 ]; }
for s in "$up" "$notready" "$ready" "$paused" "$stopped" "$logged" "$logged/log" "$dead"; do
  waitfor 5 has_pid "$s" || echo "# $s did not start" >&2
done
waitfor 5 ready_flag "$ready"
waitfor 5 test -p "$down/supervise/ok"
waitfor 5 restart_pending "$crash"
"$BIN/svc" -p "$paused"
waitfor 5 sh -c "[ \"\$(od -An -tu1 -j16 -N1 '$paused/supervise/status' | tr -d ' ')\" = 1 ]"
"$BIN/svc" -d "$stopped"
waitfor 5 no_pid "$stopped"
kill -KILL "$deadsup"
waitfor 5 gone "$deadsup"

"$BIN/svstat" -j up down notready ready paused crash stopped logged dead \
  never missing >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/err")" "0:" "svstat -j exits 0 and says nothing on stderr"
is "$(wc -l <"$T/out" | tr -d ' ')" 11 "one line per directory"

if [ $have_python = 0 ]; then
  skip "python3 is not installed: the output is not parsed back"
  done_testing
fi
flatten <"$T/out" >"$T/flat"
is "$?" 0 "python3 parses every line as a JSON object, and the output as UTF-8"

is "$(field 1 name)" '"up"' "name is the argument as given"
is "$(field 1 path)" "\"$T/up\"" "path is absolute"
is "$(field 1 state)" '"up"' "up: state up"
is "$(field 1 pid)" "$(status_pid "$up")" "up: pid of ./run"
is "$(field 1 want)" '"up"' "up: want up"
is "$(field 1 paused)" false "up: not paused"
is "$(field 1 normally)" '"up"' "up: normally up"
is "$(field 1 extension)" '"ok"' "up: a sane extension"
is "$(field 1 ready)" true "up: ready (no notification-fd)"
# raw: python3 would round the numbers to doubles
raw1=$(head -n 1 "$T/out")
like "$raw1" '*,"ready_since":1[0-9]*.[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9],*' \
  "up: ready since a unix time with nanoseconds"
like "$raw1" '*,"since":1[0-9]*.[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9],*' \
  "since: a unix time with nanoseconds"
now=$(date +%s)
since=$(field 1 since)
ok "since is within a minute of now" [ $((now - ${since%.*})) -ge -1 ] && [ $((now - ${since%.*})) -le 60 ]
like "$raw1" '*,"seconds":[0-9]*.[0-9][0-9][0-9],*' "seconds: with milliseconds"
is "$(field 1 starts)" 1 "up: one start"
is "$(field 1 last_exit_code)" null "up: no exit yet"
is "$(field 1 restart_in)" null "up: no restart pending"
is "$(field 1 supervise_pid)" "$(od -An -tu4 --endian=big -j76 -N4 "$up/supervise/status" | tr -d ' ')" \
  "supervise_pid from the status"
is "$(field 1 log)" null "no log directory: log is null"

is "$(field 2 state)" '"down"' "down file: state down"
is "$(field 2 pid)" null "down: pid null"
is "$(field 2 want)" '"down"' "down: want down"
is "$(field 2 normally)" '"down"' "down: normally down"
is "$(field 2 ready)" false "down: not ready"
is "$(field 2 starts)" 0 "down: never started"

is "$(field 3 ready)" false "notification-fd, no newline yet: not ready"
is "$(field 3 ready_since)" null "not ready: ready_since null"
is "$(field 4 ready)" true "notification-fd and a newline: ready"
like "$(field 4 ready_since)" "1[0-9]*.[0-9]*" "ready: ready_since a time"

is "$(field 5 paused)" true "svc -p: paused"
is "$(field 5 state)" '"up"' "paused: still up"

is "$(field 6 state)" '"down"' "crashed: down"
is "$(field 6 want)" '"up"' "crashed: want up"
is "$(field 6 last_exit_code)" 3 "crashed: last exit code 3"
is "$(field 6 last_exit_signal)" null "crashed: no signal"
# raw: python3 prints 64.530 as 64.53; the delay is 60 s plus up to 1/8 jitter
raw6=$(sed -n 6p "$T/out")
like "$raw6" '*,"restart_in":[56][0-9].[0-9][0-9][0-9],*' "crashed: restart pending in 60 to 67.5 seconds, in milliseconds"
is "$(field 6 deaths)" 1 "crashed: one death in a row"

is "$(field 7 want)" '"down"' "svc -d: want down"
is "$(field 7 last_exit_signal)" 15 "stopped: last exit signal 15"
is "$(field 7 last_exit_signal_name)" '"TERM"' "stopped: signal name TERM"
is "$(field 7 last_exit_code)" null "stopped: no exit code"

is "$(field 8 log.name)" '"logged/log"' "log: its name"
is "$(field 8 log.path)" "\"$T/logged/log\"" "log: its path"
is "$(field 8 log.state)" '"up"' "log: state up"
is "$(field 8 log.pid)" "$(status_pid "$logged/log")" "log: its pid"

is "$(field 9 error)" '"supervise not running"' "killed supervise: error supervise not running"
is "$(field 9 state)" "" "an error object has no state"
is "$(field 10 error)" '"unable to open supervise/ok: file does not exist"' \
  "never supervised: the plain line's error"
is "$(field 11 error)" '"unable to chdir: file does not exist"' "missing: unable to chdir"
is "$(field 11 log)" null "missing: log null"

# Hostile names: quote, backslash, newline, control bytes, invalid UTF-8
# (a lone byte, a truncated sequence, a surrogate, an overlong form), and
# valid UTF-8. Each decodes to its bytes, an invalid byte B as U+00B.
mkdir "$T/h"
cd "$T/h" || exit 1
python3 -c '
import os
for name in [b"q\"uote", b"back\\slash", b"new\nline", b"ctl\x01\x1f\x7f\tx",
             b"bad\xff\xfe", b"cut\xe2\x82", b"sur\xed\xa0\x80", b"over\xc0\xaf",
             b"utf8-\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", b"mix\"\\\n\xff\xc3\xa9"]:
    os.mkdir(name)
    with open(os.path.join(name, b"run"), "w") as f:
        f.write("#!/bin/sh\nexec sleep 1000\n")
    os.chmod(os.path.join(name, b"run"), 0o755)
'
for d in *; do
  spawn "$BIN/supervise" "$d"
done
for d in *; do
  waitfor 5 has_pid "$d" || echo "# $d did not start" >&2
done
# shellcheck disable=SC2035 # every name here is ours
"$BIN/svstat" -j * >"$T/hostile"
python3 -c '
import json, os, sys
def expect(b):
    out, i = [], 0
    while i < len(b):
        for n in (4, 3, 2, 1):
            try:
                out.append(b[i:i + n].decode("utf-8"))
                i += n
                break
            except UnicodeDecodeError:
                pass
        else:
            out.append(chr(b[i]))
            i += 1
    return "".join(out)
names = sorted(os.listdir(b"."))
lines = open(sys.argv[1], "rb").read().decode("utf-8").split("\n")
assert lines[-1] == ""
assert len(lines) - 1 == len(names), (len(lines), len(names))
cwd = os.getcwdb()
for name, line in zip(names, lines):
    obj = json.loads(line)
    ok = (obj["name"] == expect(name) and obj["path"] == expect(cwd + b"/" + name)
          and obj["state"] == "up" and obj["pid"] > 0 and obj["log"] is None)
    print("ok" if ok else "not ok", repr(name), repr(obj["name"]))
' "$T/hostile" >"$T/hostile.check" 2>&1
is "$?" 0 "python3 parses the objects of 10 hostile names"
is "$(grep -c '^ok' "$T/hostile.check")" 10 \
  "each name and path decodes to its bytes (an invalid byte B as U+00B), each service up"
grep -v '^ok' "$T/hostile.check" | sed 's/^/# /' >&2
like "$(grep -a '^{"name":"bad' "$T/hostile")" '{"name":"bad\\u00ff\\u00fe",*' \
  "an invalid byte is written \\u00XX"
like "$(grep -a '^{"name":"new' "$T/hostile")" '{"name":"new\\nline",*' \
  "a newline is written \\n: still one line"
cd "$T" || exit 1

"$BIN/svstat" -j -P up >/dev/null 2>"$T/err"
is "$?:$(head -n 1 "$T/err")" "100:svstat: -j and -P cannot be used together" \
  "-j and -P together: usage, exit 100"

done_testing
