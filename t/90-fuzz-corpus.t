#!/bin/sh
# Every input kept in fuzz/corpus/NAME goes through harness NAME again, built
# with fuzz/replay.c (and with ASan+UBSan in the second run of make check):
# a crash found once by make fuzz stays a test.
. "$(dirname "$0")/lib.sh"

found=0
for mk in "$top"/fuzz/*.mk; do
  [ -f "$mk" ] || continue
  name=$(basename "$mk" .mk)
  found=$((found + 1))
  ok "harness $name is built" test -x "$HELPERS/fuzz-$name"
  out=$("$HELPERS/fuzz-$name" "$top/fuzz/corpus/$name" 2>&1)
  rc=$?
  n=$(ls "$top/fuzz/corpus/$name" | wc -l)
  is "$rc:$(printf '%s\n' "$out" | tail -n 1)" "0:$n inputs" \
    "harness $name takes each of its $n corpus files without a fault"
done
ok "there are harnesses to replay" test "$found" -gt 0

done_testing
