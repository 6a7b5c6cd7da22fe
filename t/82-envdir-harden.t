#!/bin/sh
# envdir reads the first line of each file and no more, up to 131072 bytes
# (Linux's limit for one environment string), only from a regular file (a
# symlink to one is followed), and names the file when it refuses one.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
# run DIR CMD...: envdir DIR CMD, killed after 10 s; out, err and rc.
run() {
  _d=$1
  shift
  timeout -s KILL $((10 * SCALE)) "$BIN/envdir" "$_d" "$@" >out 2>err
  rc=$?
}

# A 200 MB file: only its first line is read, whatever follows.
mkdir big
printf 'short\n' >big/V
truncate -s 200M big/V
run big sh -c 'printf %s "$V"'
is "$rc:$(cat out)" "0:short" "a 200 MB file with a short first line gives that line"

# A first line longer than the cap is refused, naming the file.
mkdir long
truncate -s 200M long/V
run long true
is "$rc:$(cat err)" "111:envdir: fatal: unable to read long/V: first line longer than 131072 bytes" \
  "200 MB without a newline: refused, the file named, not the argument list"
# with 60 MB of address space, a reader that took in the whole file fails
if grep -aq __asan_init "$BIN/envdir"; then
  skip "an address-space limit says nothing under AddressSanitizer (it reserves terabytes)"
else
  "$BIN/softlimit" -a 60000000 "$BIN/envdir" long true 2>err
  is "$?:$(cat err)" "111:envdir: fatal: unable to read long/V: first line longer than 131072 bytes" \
    "refusing it takes little memory (60 MB of address space are enough)"
fi
head -c 131073 /dev/zero | tr '\0' x >long/V
run long true
is "$rc:$(cat err)" "111:envdir: fatal: unable to read long/V: first line longer than 131072 bytes" \
  "131073 bytes without a newline: refused"
head -c 131000 /dev/zero | tr '\0' x >long/V
printf '\nsecond line\n' >>long/V
run long sh -c 'printf %s "$V" | wc -c'
is "$rc:$(tr -d ' ' <out)" "0:131000" "a first line of 131000 bytes is read whole"

# Files that are not regular files: refused before they are opened.
mkdir dev
ln -s /dev/zero dev/ZERO
run dev true
is "$rc:$(cat err)" "111:envdir: fatal: unable to read dev/ZERO: file of the wrong type" \
  "a symlink to /dev/zero is refused at once"
rm dev/ZERO
mkfifo dev/FIFO
run dev true
is "$rc:$(cat err)" "111:envdir: fatal: unable to read dev/FIFO: file of the wrong type" \
  "a FIFO is refused, not read as empty"
rm dev/FIFO
ln -s /nonexistent/tend dev/DANGLING
run dev true
is "$rc:$(cat err)" "111:envdir: fatal: unable to read dev/DANGLING: file does not exist" \
  "a dangling symlink is named"
rm dev/DANGLING

# A symlink to a regular file is followed: env files are shared that way.
mkdir shared linked
printf '/opt/x/bin\n' >shared/XPATH
ln -s ../shared/XPATH linked/XPATH
run linked sh -c 'printf %s "$XPATH"'
is "$rc:$(cat out)" "0:/opt/x/bin" "a symlink to a regular file is followed"
ln -s ../shared linked/DIR
run linked true
is "$rc:$(cat err)" "111:envdir: fatal: unable to read linked/DIR: is a directory" \
  "a symlink to a directory is named as a directory"

done_testing
