#!/bin/sh
# make deb's package (package/deb): its control fields and files, its
# systemd unit, an install with dpkg into a root of its own (never the
# machine's: daemontools is installed here for the interop tests, and the
# package replaces it), a service run by the installed programs, and a
# clean removal and purge.
. "$(dirname "$0")/lib.sh"
for tool in dpkg dpkg-deb dpkg-query dpkg-shlibdeps; do
  command -v $tool >/dev/null 2>&1 ||
    skip_all "$tool is not installed (sh package/deps deb installs Debian's dpkg-dev)"
done
cd "$T" || exit 1
R=$T/root
ADMIN=$R/var/lib/dpkg
dpkg_in() {
  _root=$1
  shift
  dpkg --root="$_root" --force-script-chrootless --force-unsafe-io --log="$T/dpkg.log" "$@"
}
mypkg() { dpkg_in "$R" "$@"; }
status_of() { dpkg-query --admindir="$ADMIN" -W -f='${Status}' "$1" 2>/dev/null; }
host_knows_tend=$(dpkg-query -W -f='${Status}' tend 2>/dev/null)

name=$(cat "$top/package/name")
version=$(cat "$top/package/version")-1
arch=$(dpkg --print-architecture)
# lintian runs in make deb, not here: it takes 20 s and more.
deb=$(BIN=$BIN OUT=$T/out LINTIAN=0 DEB_COMPRESS=none sh "$top/package/deb" 2>"$T/deb.err")
ok "package/deb builds a package" test -f "$deb"
[ -f "$deb" ] || {
  sed 's/^/# /' "$T/deb.err" >&2
  done_testing
}
is "${deb##*/}" "${name}_${version}_$arch.deb" "it is named NAME_VERSION-REVISION_ARCH.deb"

field() { dpkg-deb -f "$deb" "$1"; }
is "$(field Package) $(field Version) $(field Architecture)" "$name $version $arch" \
  "control: package, version, architecture"
is "$(field Conflicts)|$(field Replaces)" "daemontools|daemontools" \
  "control: conflicts with and replaces daemontools"

# Depends names the package of every shared library a program asks for
# (none for the static ones), found here with readelf, ldd and dpkg -S.
dpkg-deb -x "$deb" x
dpkg-deb -e "$deb" ctl
libpkgs=$(for f in x/usr/bin/*; do
  ldd "$f" >ldd.out 2>/dev/null
  readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | while read -r so; do
    sed -n "s|^[[:space:]]*$so => \(/[^ ]*\) .*|\1|p" ldd.out
  done
done | sort -u |
  while read -r lib; do dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")"; done |
  sed 's/:.*//' | sort -u)
missing=""
for p in $libpkgs; do
  case ", $(field Depends)" in
  *", $p "* | *", $p,"* | *", $p") ;;
  *) missing="$missing $p" ;;
  esac
done
is "$missing" "" "control: Depends names the package of each library the programs load"
[ -n "$libpkgs" ] || is "$(field Depends)" "" "control: no Depends for static programs"

missing=""
for p in "$BIN"/*; do
  p=${p##*/}
  [ -x "x/usr/bin/$p" ] || missing="$missing $p"
done
is "$missing" "" "every program is in /usr/bin"
missing=""
for page in "$top"/doc/*.[1-8]; do
  s=${page##*.}
  zcat "x/usr/share/man/man$s/${page##*/}.gz" 2>/dev/null | cmp -s - "$page" ||
    missing="$missing ${page##*/}"
done
is "$missing" "" "every man page is in /usr/share/man/manN, gzipped"
is "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"' | wc -l)" 0 "every file belongs to root"
is "$(head -1 x/usr/share/doc/$name/copyright)" \
  "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" \
  "copyright is in the machine-readable format"
like "$(grep '^License:' x/usr/share/doc/$name/copyright | sort -u)" "License: ISC" \
  "copyright names a license"
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
  zcat x/usr/share/doc/$name/changelog.Debian.gz >changelog
  is "$(dpkg-parsechangelog -l changelog -S Version)" "$version" \
    "changelog.Debian.gz parses, with the package's version"
else
  skip "dpkg-parsechangelog is not installed"
fi
(cd x && md5sum --quiet -c ../ctl/md5sums) >md5.out 2>&1
ok "md5sums matches the files" [ $? = 0 ]
is "$(wc -l <ctl/md5sums)" "$(find x -type f | wc -l)" "md5sums lists every file"

unit=x/usr/lib/systemd/system/$name.service
for line in "ExecStart=/usr/bin/svscan /etc/service" Delegate=yes KillMode=mixed \
  Restart=on-failure WantedBy=multi-user.target; do
  ok "the unit says $line" grep -qx "$line" "$unit"
done
if command -v systemd-analyze >/dev/null 2>&1; then
  # verify checks that ExecStart's program exists: point it at the copy
  # extracted here, so that the machine's daemontools svscan cannot stand in.
  sed "s|^ExecStart=/usr/bin/|ExecStart=$T/x/usr/bin/|" "$unit" >"$name.service"
  out=$(systemd-analyze verify "$T/$name.service" 2>&1)
  is "$?:$out" "0:" "systemd-analyze verify finds nothing to say about the unit"
else
  skip "systemd-analyze is not installed"
fi
# Test roots, each with a dpkg database of its own knowing only the
# packages tend's Depends names (copied from the machine's).
newroot() {
  mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates"
  for p in $libpkgs; do
    dpkg-query -s "$p" && echo
    : >"$1/var/lib/dpkg/info/$(dpkg-query -W -f='${binary:Package}' "$p").list"
  done >"$1/var/lib/dpkg/status" 2>/dev/null
}
newroot "$R"

# Stand-ins: daemontools with its svscan, and runit with the file list of
# the runit installed here (it ships /etc/service as a symbolic link).
standin() {
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: t <t@t.invalid>\nDescription: stand-in\n' \
    "$2" "$3" >"$1/DEBIAN/control"
  dpkg-deb --root-owner-group -b "$1" "$1.deb" >/dev/null
}
mkdir -p dt/DEBIAN dt/usr/bin
printf '#!/bin/sh\necho stand-in\n' >dt/usr/bin/svscan
chmod 755 dt/usr/bin/svscan
standin dt daemontools 1:0.76-0
runit=$(dpkg-query -W -f='${Status}' runit 2>/dev/null)
if [ "$runit" = "install ok installed" ]; then
  mkdir -p rn/DEBIAN
  dpkg -L runit >runit.list
  while read -r f; do
    if grep -q "^$f/" runit.list || { [ -d "$f" ] && [ ! -L "$f" ]; }; then
      mkdir -p "rn$f"
    elif [ -L "$f" ]; then
      mkdir -p "rn${f%/*}" && ln -s "$(readlink "$f")" "rn$f"
    else
      mkdir -p "rn${f%/*}" && : >"rn$f"
    fi
  done <runit.list
  standin rn runit 0-0
fi

mypkg -i dt.deb >dpkg.out 2>&1
is "$(status_of daemontools)" "install ok installed" "a daemontools stand-in installs in the test root"
mypkg -i "$deb" >>dpkg.out 2>&1
is "$?" 0 "dpkg -i installs the package into the test root"
is "$(status_of "$name")" "install ok installed" "dpkg says tend is installed"
like "$(status_of daemontools)" "*not-installed" "dpkg removed daemontools in favour of tend"
ok "tend's svscan replaced daemontools'" cmp -s "$R/usr/bin/svscan" x/usr/bin/svscan
ok "postinst made /etc/service" test -d "$R/etc/service" -a ! -L "$R/etc/service"
out=$(mypkg --verify "$name" 2>&1)
is "$?:$out" "0:" "dpkg --verify: every installed file is intact"
is "$(dpkg-query -W -f='${Status}' tend 2>/dev/null)" "$host_knows_tend" \
  "the machine's own dpkg database is untouched"

# The installed programs run a service (svscan finds the supervise beside it).
mkservice "$R/etc/service/hello" "exec sleep 1000"
spawn "$R/usr/bin/svscan" "$R/etc/service"
SCAN=$SPAWNED
up() { "$R/usr/bin/svstat" "$R/etc/service/hello" | grep -q ': up (pid '; }
ok "the installed svscan runs the service" waitfor 10 up
svpid=$(status_pid "$R/etc/service/hello")
supervisor=$(ps -o ppid= -p "$svpid" | tr -d ' ')
is "$(readlink "/proc/$supervisor/exe")" "$R/usr/bin/supervise" "under the installed supervise"
"$R/usr/bin/svc" -d "$R/etc/service/hello"
down() { "$R/usr/bin/svstat" "$R/etc/service/hello" | grep -q ': down '; }
ok "the installed svc stops it" waitfor 10 down
kill -TERM "$SCAN"
ok "svscan exits on TERM" waitfor 10 gone "$SCAN"

# Beside runit, installed after tend and before it.
if [ "$runit" = "install ok installed" ]; then
  mypkg -i rn.deb >>dpkg.out 2>&1
  is "$(status_of runit) $(status_of "$name")" "install ok installed install ok installed" \
    "runit installs beside tend"
  newroot "$T/root2"
  dpkg_in "$T/root2" -i rn.deb "$deb" >>dpkg.out 2>&1
  is "$?" 0 "tend installs beside runit"
  ok "postinst leaves runit's /etc/service link alone" test -L "$T/root2/etc/service"
else
  skip "runit is not installed on this machine: no file list to install beside"
  skip "runit is not installed on this machine: no file list to install beside"
  skip "runit is not installed on this machine: no file list to install beside"
fi

# Removal: enabled or not, nothing of tend is left after a purge; the
# admin's services stay.
wants=$R/etc/systemd/system/multi-user.target.wants/$name.service
if command -v systemctl >/dev/null 2>&1; then
  systemctl --root="$R" --quiet enable "$name.service" >/dev/null 2>&1
  ok "systemctl --root enables the unit" test -L "$wants"
fi
mypkg -r "$name" >>dpkg.out 2>&1
is "$?" 0 "dpkg -r removes the package"
mypkg -P "$name" >>dpkg.out 2>&1
is "$?" 0 "dpkg -P purges it"
is "$(status_of "$name")" "" "dpkg no longer knows tend"
left=$(cd x && find . ! -type d | while read -r f; do
  [ -e "$R/$f" ] && echo "$f"
done)
is "$left" "" "none of tend's files is left"
if command -v systemctl >/dev/null 2>&1 && command -v deb-systemd-helper >/dev/null 2>&1; then
  ok "the purge removed the link enable made" test ! -e "$wants" -a ! -L "$wants"
else
  skip "systemctl or deb-systemd-helper is not installed"
fi
ok "the admin's services in /etc/service stay" test -x "$R/etc/service/hello/run"
rm -r "$R/etc/service/hello"
newroot "$T/root3"
dpkg_in "$T/root3" -i "$deb" >>dpkg.out 2>&1 &&
  dpkg_in "$T/root3" -P "$name" >>dpkg.out 2>&1
ok "a purge removes an empty /etc/service it made" test ! -e "$T/root3/etc/service"

[ $_failed = 0 ] || sed 's/^/# /' dpkg.out >&2
done_testing
