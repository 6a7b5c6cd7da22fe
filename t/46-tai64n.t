#!/bin/sh
# tai64n stamps lines as daemontools does; tai64nlocal reads stamps back as
# local time; ours and daemontools' read each other's.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1

printf 'one\ntwo\n' | "$BIN/tai64n" >out
is "$(sed 's/^@[0-9a-f]\{24\} //' out | tr '\n' ,)" "one,two," "tai64n keeps each line after its stamp"
is "$(grep -c '^@4[0-9a-f]\{23\} ' out)" 2 "each line starts with @, 24 hex digits and a space"
now=$(date +%s)
sec=$(head -1 out | cut -c2-17)
is "$(( (0x$sec - 0x4000000000000000 - 10 - now) * (0x$sec - 0x4000000000000000 - 10 - now) <= 1 ))" 1 \
  "the label is 2^62 + 10 + unix seconds"
printf 'no newline' | "$BIN/tai64n" >partial
like "$(cat partial)" "@*[0-9a-f] no newline" "a partial last line is stamped and left without newline"
is "$(tail -c 1 partial | od -An -c | tr -d ' ')" e "no newline is added"
printf '' | "$BIN/tai64n" >empty
is "$(wc -c <empty | tr -d ' ')" 0 "no input, no output"

# tai64nlocal: a known label in a known zone
printf '@400000006b06b19a34eff2d4 hello\n' | TZ=UTC "$BIN/tai64nlocal" >loc
is "$(cat loc)" "2026-11-25 09:59:44.888140500 hello" "tai64nlocal turns the label into local time"
printf '@400000006b06b19a34eff2d4 hello\n' | TZ=Europe/Paris "$BIN/tai64nlocal" >loc2
if [ "$(TZ=Europe/Paris date -d @0 +%H)" = 01 ]; then
  is "$(cat loc2)" "2026-11-25 10:59:44.888140500 hello" "and follows TZ"
else
  skip "no zone data for Europe/Paris"
fi
printf 'plain line\n@4000 short\n@zzzzzzzzzzzzzzzzzzzzzzzz x\n\n@400000006b06b19a34eff2d4\n' |
  TZ=UTC "$BIN/tai64nlocal" >odd
is "$(cat odd)" "plain line
@4000 short
@zzzzzzzzzzzzzzzzzzzzzzzz x

2026-11-25 09:59:44.888140500" "lines without a whole label pass unchanged"

# round trip and interop with daemontools
printf 'x\n' | "$BIN/tai64n" | TZ=UTC "$BIN/tai64nlocal" >rt
like "$(cat rt)" "$(TZ=UTC date +%Y-%m-%d) [0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9] x" \
  "tai64nlocal reads what tai64n writes"
if [ -x /usr/bin/tai64nlocal ] && [ -x /usr/bin/tai64n ]; then
  printf 'ours\n' | "$BIN/tai64n" >ours
  is "$(TZ=UTC /usr/bin/tai64nlocal <ours)" "$(TZ=UTC "$BIN/tai64nlocal" <ours)" \
    "daemontools' tai64nlocal reads our stamps the same"
  printf 'theirs\n' | /usr/bin/tai64n >theirs
  is "$(TZ=UTC "$BIN/tai64nlocal" <theirs)" "$(TZ=UTC /usr/bin/tai64nlocal <theirs)" \
    "ours reads daemontools' stamps the same"
  printf 'svlog\n' | "$BIN/svlog" t ./d
  is "$(TZ=UTC /usr/bin/tai64nlocal <d/current)" "$(TZ=UTC "$BIN/tai64nlocal" <d/current)" \
    "daemontools' tai64nlocal reads svlog's t stamps"
  sec_ours=$(cut -c2-17 ours)
  sec_theirs=$(cut -c2-17 theirs)
  is "$(( (0x$sec_ours - 0x$sec_theirs) * (0x$sec_ours - 0x$sec_theirs) <= 4 ))" 1 \
    "our labels and daemontools' agree on the second"
else
  skip "daemontools is not installed"
  skip "daemontools is not installed"
  skip "daemontools is not installed"
  skip "daemontools is not installed"
fi
if [ -x /usr/bin/multilog ]; then
  printf 'ml\n' | /usr/bin/multilog t ./m
  like "$(TZ=UTC "$BIN/tai64nlocal" <m/current)" "$(TZ=UTC date +%Y-%m-%d) *ml" \
    "tai64nlocal reads multilog's stamps"
else
  skip "multilog is not installed"
fi

# a long stream keeps every byte
seq 1 200000 >nums
"$BIN/tai64n" <nums | cut -d' ' -f2- >back
ok "tai64n passes a long stream unchanged after the stamps" cmp -s nums back
"$BIN/tai64n" <nums | "$BIN/tai64nlocal" | cut -d' ' -f3- >back2
ok "and tai64nlocal too" cmp -s nums back2
done_testing
