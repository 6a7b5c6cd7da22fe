#!/bin/sh
# How every chain-loading program runs the rest of its command line:
# directly (never through a shell), looked up in PATH as daemontools does.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
mkdir env bin denied noexec
me=$(id -un)
printf '#!/bin/sh\necho "script ran"\n' >bin/tend-script
printf 'echo "ran by a shell"\n' >noexec/tend-script
printf '#!/bin/sh\necho "should not run"\n' >denied/tend-script
chmod 755 bin/tend-script noexec/tend-script
chmod 644 denied/tend-script
cp bin/tend-script ./tend-here

progs="envuidgid envdir softlimit setlock pgrphack fghack"
[ "$(id -u)" = 0 ] && progs="setuidgid $progs"
# front PROG: the arguments PROG needs before the child.
front() {
  case $1 in
  setuidgid | envuidgid) echo "$me" ;;
  envdir) echo "$T/env" ;;
  softlimit) echo "-o 100" ;;
  setlock) echo "$T/lk" ;;
  esac
}

for p in $progs; do
  # called by absolute path: the tests change PATH
  f="$BIN/$p $(front "$p")"
  is "$($f printf '[%s]' 'a b' '$HOME' '*' ';' '' 2>&1)" '[a b][$HOME][*][;][]' \
    "$p passes arguments verbatim, no shell in between"
  is "$(PATH=$T/bin $f tend-script 2>&1)" "script ran" "$p looks the program up in PATH"
  is "$(PATH=$T/denied:$T/bin $f tend-script 2>&1)" "script ran" \
    "$p skips a candidate it may not run"
  out=$(PATH=$T/denied $f tend-script 2>&1)
  is "$?:$out" "111:$p: fatal: unable to run tend-script: access denied" \
    "$p reports a program it may not run"
  out=$(PATH=$T/noexec:$T/bin $f tend-script 2>&1)
  is "$?:$out" "111:$p: fatal: unable to run tend-script: exec format error" \
    "$p does not hand a file without #! to a shell"
  is "$(PATH=/nonexistent: $f tend-here 2>&1)" "script ran" \
    "$p reads an empty PATH element as the current directory"
  if [ -x "/usr/bin/$p" ]; then
    for case in "bin tend-script" "denied:bin tend-script" "denied tend-script" \
      "noexec:bin tend-script" "/nonexistent: tend-here" "/etc/passwd:/usr/bin true"; do
      path=$(echo "${case% *}" | sed "s|^\([a-z]\)|$T/\1|; s|:\([a-z]\)|:$T/\1|g")
      ours=$(PATH=$path $f ${case#* } 2>&1; echo "rc=$?")
      theirs=$(PATH=$path /usr/bin/$p $(front "$p") ${case#* } 2>&1; echo "rc=$?")
      is "$ours" "$theirs" "$p: same as daemontools with PATH=${case% *}"
    done
  else
    skip "daemontools' $p is not installed"
  fi
done

done_testing
