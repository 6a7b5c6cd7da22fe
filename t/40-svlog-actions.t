#!/bin/sh
# svlog follows a multilog script: stamps, selection, e, =file, several
# directories, and clear errors for bad scripts.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

hexstamp='@4[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'

printf 'one\ntwo\n' | "$BIN/svlog" t ./d1
is "$(sed 's/^@[0-9a-f]\{24\} //' d1/current)" "one
two" "t prefixes each line with a stamp and a space"
like "$(head -1 d1/current)" "$hexstamp one" "t stamps are @ and 24 hex digits"
now=$(date +%s)
stampsec=$(head -1 d1/current | cut -c2-17)
is "$(( 0x$stampsec - 0x4000000000000000 - 10 - now <= 1 && now - (0x$stampsec - 0x4000000000000000 - 10) <= 1 ))" 1 \
  "t stamps are daemontools labels: 2^62 + 10 + unix seconds"
is "$(stat -c %a d1/current)" 744 "current is 0744 after a clean exit"
is "$(stat -c %a d1/lock)" 600 "lock is created 0600"
ok "state is created" test -f d1/state

printf 'iso\n' | "$BIN/svlog" T ./d2
like "$(cat d2/current)" \
  "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z iso" \
  "T prefixes an ISO-8601 UTC stamp with microseconds"

printf 'plain\n' | "$BIN/svlog" e t ./d3 2>err3
is "$(cat d3/current)" plain "t after the first action adds no stamp (as multilog)"

printf 'abc\nlast' | "$BIN/svlog" ./d4
is "$(od -An -c d4/current | tr -s ' ')" " a b c \n l a s t \n" \
  "a partial last line gets its newline"

# e: selected lines to stderr, 200 bytes at most, then ...
long=$(printf '%0300d' 0)
printf 'short\n%s\n' "$long" | "$BIN/svlog" e 2>err5
is "$(sed -n 1p err5)" short "e copies a line to stderr"
is "$(sed -n 2p err5 | wc -c)" 204 "e cuts at 200 bytes and adds ..."
like "$(sed -n 2p err5)" "*0..." "e marks the cut with ..."

# =file: the last selected line, padded with newlines to 1001 bytes
printf 'first\nsecond\n' | "$BIN/svlog" =st
is "$(wc -c <st | tr -d ' ')" 1001 "=file is 1001 bytes"
is "$(head -1 st)" second "=file holds the last selected line"
is "$(tail -c +8 st | tr -d '\n' | wc -c | tr -d ' ')" 0 "=file is padded with newlines"
printf 'a\nb\n' | "$BIN/svlog" -b =st2
is "$(head -1 st2)" a "=file only sees selected lines"

# patterns: the table of multilog's * semantics
match() { # PATTERN LINE -> prints yes/no
  rm -rf pm
  printf '%s\n' "$2" | "$BIN/svlog" -'*' +"$1" ./pm
  if [ -s pm/current ]; then echo yes; else echo no; fi
}
is "$(match hello hello)" yes "a literal pattern matches the same line"
is "$(match hello hello!)" no "a literal pattern must match the whole line"
is "$(match '' '')" yes "the empty pattern matches an empty line"
is "$(match '' x)" no "the empty pattern matches nothing else"
is "$(match '*' 'anything at all')" yes "* alone matches every line"
is "$(match '*' '')" yes "* alone matches an empty line"
is "$(match 'err*' 'error: disk')" yes "a trailing * matches the rest"
is "$(match '* one' '  one')" no "* stops at the first space: '* one' does not match '  one'"
is "$(match '* one' 'x one')" yes "'* one' matches 'x one'"
is "$(match '*a*c' 'xxaxxc')" yes "several * in one pattern"
is "$(match '*a*c' 'xxabxc')" yes "each * skips to its stop byte"
is "$(match '*ac' 'xxabac')" no "no backtracking: '*ac' does not match 'xxabac'"
is "$(match 'a*' 'a')" yes "a trailing * matches nothing too"

# the pattern sees the stamped line
printf 'x\n' | "$BIN/svlog" t -'x' ./ps1
ok "patterns see the stamp: -x does not drop a stamped x" test -s ps1/current
printf 'x\n' | "$BIN/svlog" t -'* x' ./ps2
ok "a pattern starting with '* ' skips the stamp" test ! -s ps2/current

# patterns look at the first 1000 bytes only
l1200=$(printf '%01200d' 0)
printf '%s\n' "$l1200" | "$BIN/svlog" -'*' +"$(printf '%01000d' 0)" ./p1000
is "$(wc -c <p1000/current | tr -d ' ')" 1201 \
  "a pattern of 1000 bytes matches a longer line (lines are cut for matching)"

# several directories, each with its own selection
printf 'info a\nerror b\ninfo c\n' |
  "$BIN/svlog" ./all -'*' +'error*' ./errors +'info*' -'*c' ./info
is "$(cat all/current | tr '\n' ,)" "info a,error b,info c," "the first directory gets every line"
is "$(cat errors/current)" "error b" "the second gets only errors"
is "$(cat info/current | tr '\n' ,)" "info a,error b," "selection carries on from the actions before: + adds back"

# errors
printf 'a\nb' | "$BIN/svlog" >out 2>err
is "$?:$(cat out err)" "0:" "no script: the input is read, nothing is printed, exit 0 (as multilog)"
echo x | "$BIN/svlog" ./ok xyz 2>err
is "$?" 100 "an unknown action is refused (100)"
is "$(cat err)" "svlog: fatal: unknown action: xyz" "and named"
echo x | "$BIN/svlog" sbig ./d 2>err
is "$?" 100 "a bad size is refused (100)"
echo x | "$BIN/svlog" /nonexistent/parent/dir 2>err
is "$?" 111 "a directory that cannot be created is fatal (111)"
is "$(cat err)" "svlog: fatal: unable to create directory /nonexistent/parent/dir: file does not exist" \
  "and the message says which and why"
done_testing
