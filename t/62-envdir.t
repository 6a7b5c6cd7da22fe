#!/bin/sh
# envdir: how files become environment variables, and the errors.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
mkdir env
printf 'first line  \t \nsecond line\n' >env/LINE
printf '  leading kept\n' >env/LEADING
printf 'no newline' >env/NOLF
printf '\n' >env/BLANK
printf '   \t\n' >env/SPACES
printf 'a\000b\000\n' >env/NUL
: >env/GONE
printf 'hidden\n' >env/.HIDDEN
printf 'replaced\n' >env/KEPT
printf 'x=y\n' >env/EQ

show() { "$BIN/envdir" env sh -c 'printf "[%s]" "${'"$1"'-unset}"'; }
is "$(show LINE)" "[first line]" "only the first line, trailing spaces and tabs removed"
is "$(show LEADING)" "[  leading kept]" "leading spaces are kept"
is "$(show NOLF)" "[no newline]" "a last line without newline counts"
is "$(show BLANK)" "[]" "a file with an empty first line sets an empty variable"
is "$(show SPACES)" "[]" "a line of blanks sets an empty variable"
is "$(show NUL | od -An -c | tr -s ' ')" " [ a \\n b \\n ]" "NUL bytes become newlines"
is "$(GONE=was show GONE)" "[unset]" "an empty file removes the variable"
is "$(KEPT=old show KEPT)" "[replaced]" "an existing variable is replaced"
is "$("$BIN/envdir" env env | grep -c HIDDEN)" 0 "files starting with a dot are ignored"
is "$(show EQ)" "[x=y]" "values may contain ="
is "$(OTHER=1 "$BIN/envdir" env sh -c 'echo $OTHER')" 1 "other variables are inherited"
is "$("$BIN/envdir" env pwd)" "$T" "the program runs in the starting directory"
is "$("$BIN/envdir" "$T/env" sh -c 'printf %s "$LINE"')" "first line" "an absolute directory works"

head -c 20000 /dev/zero | tr '\0' 'x' >env/LONG
is "$("$BIN/envdir" env sh -c 'printf %s "$LONG" | wc -c' | tr -d ' ')" 20000 \
  "a long first line is read whole"

mkdir -p pathenv/env pathenv/bin
printf '#!/bin/sh\necho found\n' >pathenv/bin/tend-only-here
chmod +x pathenv/bin/tend-only-here
echo "$T/pathenv/bin" >pathenv/env/PATH
out=$(PATH=/usr/bin:/bin "$BIN/envdir" pathenv/env tend-only-here 2>&1)
is "$?:$out" "111:envdir: fatal: unable to run tend-only-here: file does not exist" \
  "the program is looked up in the PATH envdir started with, as daemontools does"
is "$("$BIN/envdir" pathenv/env sh -c 'echo $PATH; tend-only-here')" "$T/pathenv/bin
found" "the new PATH is the program's"
: >pathenv/env/PATH
is "$("$BIN/envdir" pathenv/env /usr/bin/env | grep -c '^PATH=')" 0 "an empty PATH file removes PATH"

mkdir empty
is "$("$BIN/envdir" empty sh -c 'echo ok')" ok "an empty directory changes nothing"

is "$("$BIN/envdir" env sh -c 'for a; do echo "[$a]"; done' sh -x 'a b')" "[-x]
[a b]" "the rest of the command line is passed on verbatim"

out=$("$BIN/envdir" "$T/missing" true 2>&1)
is "$?:$out" "111:envdir: fatal: unable to switch to directory $T/missing: file does not exist" \
  "a missing directory is named, exit 111"
out=$("$BIN/envdir" env/LINE true 2>&1)
is "$?:$out" "111:envdir: fatal: unable to switch to directory env/LINE: not a directory" \
  "a file given as directory is named"
mkdir bad
mkdir bad/SUB
out=$("$BIN/envdir" bad true 2>&1)
is "$?:$out" "111:envdir: fatal: unable to read bad/SUB: is a directory" \
  "an entry that cannot be read is named"
out=$("$BIN/envdir" env 2>&1)
is "$?:$out" "111:envdir: usage: envdir dir child" \
  "no program: usage, exit 111 as daemontools' envdir"
out=$("$BIN/envdir" env "$T/nonexistent" 2>&1)
is "$?:$out" "111:envdir: fatal: unable to run $T/nonexistent: file does not exist" \
  "a program that cannot be run is named"

# Permission errors need an unprivileged caller: root reads everything.
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
  public_bin setuidgid envdir
  pub=$PUB
  mkdir -m 711 "$pub/noread"
  mkdir -m 755 "$pub/open"
  printf 'v\n' >"$pub/open/SECRET"
  chmod 600 "$pub/open/SECRET"
  out=$(cd "$pub" && "$PUB/setuidgid" nobody "$PUB/envdir" noread true 2>&1)
  is "$?:$out" "111:envdir: fatal: unable to read directory noread: access denied" \
    "an unreadable directory is named"
  out=$(cd "$pub" && "$PUB/setuidgid" nobody "$PUB/envdir" open true 2>&1)
  is "$?:$out" "111:envdir: fatal: unable to read open/SECRET: access denied" \
    "an unreadable file is named"
else
  skip "needs root and nobody for permission errors"
  skip "needs root and nobody for permission errors"
fi

if [ -x /usr/bin/envdir ]; then
  ours=$(GONE=1 KEPT=2 "$BIN/envdir" env env | grep -v '^_=' | sort)
  theirs=$(GONE=1 KEPT=2 /usr/bin/envdir env env | grep -v '^_=' | sort)
  is "$ours" "$theirs" "the same environment as daemontools' envdir"
  for args in "" "env" "$T/missing true" "env/LINE true" "bad true" \
    "env $T/nonexistent" "-- true" "pathenv/env tend-only-here"; do
    same_as_daemontools envdir $args
  done
else
  skip "daemontools' envdir is not installed"
fi

done_testing
