#!/bin/sh
# make image's OCI image (package/image) and the Kubernetes example
# (examples/kubernetes/) played by podman kube play: the pod becomes ready
# by its readiness probe, its liveness probe passes, a killed service is
# restarted inside the pod, and podman kube down stops it in order
# (services, then their loggers). Podman works in a storage of its own
# under $T (vfs driver, its own run root, tmp and network configuration,
# --network none): the machine's images and containers are not touched.
# Where podman cannot run a container here, the test says what it tried.
. "$(dirname "$0")/lib.sh"
command -v podman >/dev/null 2>&1 ||
  skip_all "podman is not installed (sh package/deps image installs it)"
[ -x /bin/busybox ] && ! readelf -d /bin/busybox 2>/dev/null | grep -q '(NEEDED)' ||
  skip_all "busybox-static is not installed (sh package/deps image installs it)"
command -v catatonit >/dev/null 2>&1 || [ -x /usr/libexec/podman/catatonit ] ||
  skip_all "catatonit is not installed: podman cannot make a pod's infra container (sh package/deps image installs it)"
cd "$T" || exit 1
P="podman --root $T/storage --runroot $T/run --tmpdir $T/tmp --storage-driver vfs --network-config-dir $T/cni"
CONTAINERS_CONF=$T/containers.conf
export CONTAINERS_CONF
: >"$CONTAINERS_CONF"
YAML=$top/examples/kubernetes/pod.yaml
POD=tend-example
CTR=$POD-tend
version=$(cat "$top/package/version")
finish() {
  $P pod rm -f -t 0 -a >/dev/null 2>&1
  $P rm -f -t 0 -a >/dev/null 2>&1
  cleanup
}
trap finish EXIT
# podman exec, with the sanitizers' options of make check-sanitize (the
# container's environment is the image's).
ex() {
  $P exec ${ASAN_OPTIONS:+-e ASAN_OPTIONS="$ASAN_OPTIONS"} \
    ${UBSAN_OPTIONS:+-e UBSAN_OPTIONS="$UBSAN_OPTIONS"} "$@"
}

img=$(PODMAN=$P BIN=$BIN OUT=$T/out sh "$top/package/image" 2>build.err)
is "$img" "localhost/tend:$version" "package/image builds localhost/tend:VERSION"
[ "$img" = "localhost/tend:$version" ] || {
  sed 's/^/# /' build.err >&2
  done_testing
}
is "$($P image inspect -f '{{len .RootFS.Layers}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$img")" \
  '1 ["/usr/bin/svscan"] ["/service"]' "FROM scratch, one layer; entrypoint svscan /service"
mnt=$($P image mount "$img")
missing=""
for p in "$BIN"/*; do
  p=${p##*/}
  [ -x "$mnt/usr/bin/$p" ] || missing="$missing $p"
  [ -e "$mnt/bin/$p" ] && missing="$missing /bin/$p"
done
is "$missing" "" "every program is in /usr/bin, and no busybox applet shadows one"
is "$(readlink "$mnt/bin/sh")" busybox "/bin/sh is busybox"
$P image unmount "$img" >/dev/null

# What podman needs to run a container here, tried in turn: its defaults;
# then runc (crun refuses hybrid cgroups) with explicit ulimits (podman
# asks for nofile and nproc above what a process without CAP_SYS_RESOURCE
# may set; on the development machine podman itself runs with nproc
# 32768); then the same ulimits with the default runtime.
hn=$(awk '/^Max open files/ {print $5}' /proc/self/limits)
hu=$(awk '/^Max processes/ {print $4}' /proc/self/limits)
works=""
for cfg in "|" "runc|nofile=$hn:$hn nproc=$hu:$hu" "runc|nofile=$hn:$hn nproc=32768:32768" \
  "|nofile=$hn:$hn nproc=32768:32768" "runc|nofile=1024:1024 nproc=1024:1024"; do
  runtime=${cfg%%|*}
  limits=${cfg#*|}
  {
    echo "[containers]"
    [ -z "$limits" ] || echo "default_ulimits = [\"$(echo $limits | sed 's/ /", "/')\"]"
    echo "[engine]"
    [ -z "$runtime" ] || echo "runtime = \"$runtime\""
  } >"$CONTAINERS_CONF"
  said="runtime ${runtime:-default}, ulimits ${limits:-default}"
  if $P run --rm --network none --entrypoint /bin/true "$img" >run.err 2>&1; then
    works=$said
    break
  fi
  echo "# podman with $said: $(tail -1 run.err)"
done
if [ -z "$works" ]; then
  skip "podman cannot run a container here: $(tail -1 run.err)"
  done_testing
fi
echo "# podman runs containers here with $works"
ok "podman runs a container of the image" true

# examples/container: tend's programs copied into another image (here the
# tend image itself stands for a distribution's: there is no network).
# Not --layers=false: with it, buildah 1.28 deletes the image a multi-stage
# build names in FROM ... AS.
$P build --quiet --pull=never --build-arg BASE="$img" -t localhost/tend-copy \
  "$top/examples/container" >build.out 2>&1
ok "examples/container/Containerfile builds" [ $? = 0 ]
$P run -d --network none --name copy localhost/tend-copy >/dev/null 2>>build.out
hello_up() { ex copy /usr/local/bin/svstat /service/hello | grep -q ': up (pid '; }
ok "its svscan runs the example service" waitfor 30 hello_up
$P stop copy >/dev/null 2>>build.out
is "$($P inspect -f '{{.State.ExitCode}}' copy)" 0 "podman stop: svscan stops it and exits 0"
$P rm copy >/dev/null 2>&1

$P build --quiet --layers=false --pull=never -t localhost/tend-example:latest \
  "$top/examples/kubernetes" >build.out 2>&1
ok "the example's image builds FROM the tend image" [ $? = 0 ]

probe() {
  sed -n "/$1:/,/command:/s/.*command: \[\(.*\)\]\$/\1/p" "$YAML" | sed 's/, / /g; s/"//g'
}
ready=$(probe readinessProbe)
live=$(probe livenessProbe)
is "$ready" "svwait -U -T 0 /service/app /service/web" "the readiness probe: svwait -U -T 0 on every service"
is "$live" "svok /service/app" "the liveness probe: svok on the main service"

$P kube play --network none --log-opt path="$T/pod.log" "$YAML" >play.out 2>&1
ok "podman kube play starts the pod" [ $? = 0 ]
ok "the pod becomes ready: its readiness probe passes" waitfor 30 ex "$CTR" $ready
ok "its liveness probe passes" ex "$CTR" $live
ok "so does podman's healthcheck made of the liveness probe" $P healthcheck run "$CTR"

web_pid() { ex "$CTR" svstat /service/web | sed -n 's/.*: up (pid \([0-9]*\)).*/\1/p'; }
restarted() {
  _p=$(web_pid)
  [ -n "$_p" ] && [ "$_p" != "$old" ]
}
svscan_pid=$($P inspect -f '{{.State.Pid}}' "$CTR")
old=$(web_pid)
ex "$CTR" kill -KILL "$old"
ok "a killed service is restarted inside the pod" waitfor 20 restarted
is "$($P inspect -f '{{.State.Pid}} {{.RestartCount}}' "$CTR")" "$svscan_pid 0" \
  "by its supervise: the container itself did not restart"
ok "the pod is ready again" waitfor 20 ex "$CTR" $ready

# podman before 5.1 KILLs the pod's containers on kube down (podman issue
# 22397): there, podman pod stop first, as its maintainers advise.
pv=$($P version -f '{{.Client.Version}}' 2>/dev/null)
case $pv in
[0-4].* | 5.0.*)
  echo "# podman $pv: its kube down KILLs at once, so podman pod stop first"
  $P pod stop "$POD" >down.out 2>&1
  is "$($P inspect -f '{{.State.ExitCode}}' "$CTR")" 0 "svscan exits 0 on the stop"
  ;;
esac
$P kube down "$YAML" >>down.out 2>&1
is "$?" 0 "podman kube down stops and removes the pod"
ok "the pod is gone" test -z "$($P pod ps -q)"
sed 's/^[^ ]* [^ ]* [^ ]* //' pod.log >log
at() { grep -n -x -F "$1" log | head -1 | cut -d: -f1; }
term=$(at "app: TERM: finishing the current job")
done_at=$(at "app: done, exiting")
end=$(at "app: log: end of input")
ok "app got TERM and finished its job" test -n "$term" -a -n "$done_at"
ok "its logger took app's last lines, then ended at the end of its input" \
  test -n "$end" -a "${done_at:-0}" -gt 0 -a "${done_at:-0}" -lt "${end:-0}"

[ $_failed = 0 ] || sed 's/^/# /' build.out play.out down.out log >&2
done_testing
