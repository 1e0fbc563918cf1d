#!/usr/bin/env bash
# Benchmark: `tug build` beside `podman build` on the same context, in one
# run. The work: FROM a busybox image, COPY 10 MB of files, two RUNs, ENV,
# CMD. Timed cold (--no-cache: every step runs) and cached (the same build
# again: every step a cache hit), as root and rootless (the tugtest user).
# Prints the median of N builds of each and the ratios. Run as root.
#   bench/build.sh [N]        (TUG=path/to/tug to pick a binary)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
TUG=${TUG:-}
if [ -z "$TUG" ]; then
  for t in target/x86_64-unknown-linux-gnu/release/tug target/x86_64-unknown-linux-gnu/debug/tug; do
    [ -x "$t" ] && TUG=$PWD/$t && break
  done
fi
[ -x "$TUG" ] || { echo "build tug first (cargo build --release)"; exit 1; }
BB=$(command -v busybox)
USER_=tugtest

WORK=$(mktemp -d /tmp/tug-bench-build.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  command -v podman >/dev/null && podman rmi -f localhost/bench-build localhost/bb >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The base image: busybox-static and a passwd file.
ROOTFS=$WORK/rootfs
mkdir -p "$ROOTFS"/{bin,etc,tmp}
cp "$BB" "$ROOTFS/bin/busybox"
for a in sh true echo cat sed wc; do ln -s busybox "$ROOTFS/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOTFS/etc/passwd"
echo 'root:x:0:' > "$ROOTFS/etc/group"
tar -C "$ROOTFS" -cf "$WORK/bb.tar" .

# The context: 10 MB of real files (the host's /usr/share), a Dockerfile.
CTX=$WORK/ctx
mkdir -p "$CTX/files"
(cd / && find usr/share -xdev -type f -size -1024k -printf '%s %p\n' 2>/dev/null |
   awk '{ t += $1; if (t > 10 * 1048576) exit; sub(/^[0-9]+ /, ""); print }') > "$WORK/files.list" || true
tar -C / -c -T "$WORK/files.list" 2>/dev/null | tar -C "$CTX/files" -x 2>/dev/null || true
cat > "$CTX/Dockerfile" <<'EOF'
FROM bb
COPY files /srv/files
RUN echo built > /srv/stamp && wc -c /srv/stamp
RUN sed -i s/built/ready/ /srv/stamp
ENV GREETING=hello
CMD ["cat", "/srv/stamp"]
EOF
chmod -R a+rX "$WORK"

cat > "$WORK/measure.sh" <<'SH'
# Times N runs of a command; prints the median in ms.
N=$1; shift
ms=()
for ((i = 0; i < N; i++)); do
  t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  t1=$EPOCHREALTIME
  ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)*1000}')")
done
printf '%s\n' "${ms[@]}" | sort -n | awk '{v[NR]=$1} END{printf "%.1f\n", v[int((NR+1)/2)]}'
SH

row() { printf '%-52s median %9s ms\n' "$1" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
echo "tug: $TUG   builds: $N   kernel: $(uname -r)   context: $(du -sm "$CTX" | cut -f1) MB"

# One side of the table: $1 = label suffix, $2.. = how to run a command as
# that user ("" for root).
bench_as() {
  local who=$1; shift
  local store=$WORK/store-$who
  "$@" "$TUG" --root "$store" import "$WORK/bb.tar" bb >/dev/null
  "$@" "$TUG" --root "$store" build -q -t bench-build "$CTX" >/dev/null
  local tug_cold tug_cached pod_cold pod_cached
  tug_cold=$("$@" bash "$WORK/measure.sh" "$N" "$TUG" --root "$store" build --no-cache -t bench-build "$CTX")
  tug_cached=$("$@" bash "$WORK/measure.sh" "$N" "$TUG" --root "$store" build -t bench-build "$CTX")
  row "tug build, cold ($who)" "$tug_cold"
  row "tug build, cached ($who)" "$tug_cached"
  if ! command -v podman >/dev/null; then
    echo "podman is not installed: no podman rows"
    return
  fi
  # Rootless podman needs a tun device for a RUN step's network (closed on
  # hosts like this one), so its RUNs get --network none.
  # crun refuses hybrid-cgroup hosts; runc runs there.
  local pod=(podman) net=()
  command -v runc >/dev/null && pod+=(--runtime "$(command -v runc)")
  [ "$who" = root ] || net=(--network none)
  "$@" "${pod[@]}" import "$WORK/bb.tar" localhost/bb >/dev/null 2>&1 || true
  sed 's/^FROM bb$/FROM localhost\/bb/' "$CTX/Dockerfile" > "$WORK/Dockerfile.podman"
  chmod 644 "$WORK/Dockerfile.podman"
  if ! "$@" "${pod[@]}" build "${net[@]}" -q -f "$WORK/Dockerfile.podman" -t bench-build "$CTX" >/dev/null 2>&1; then
    echo "podman build failed on this host ($who): no podman rows"
    return
  fi
  pod_cold=$("$@" bash "$WORK/measure.sh" "$N" "${pod[@]}" build "${net[@]}" --no-cache -f "$WORK/Dockerfile.podman" -t bench-build "$CTX")
  pod_cached=$("$@" bash "$WORK/measure.sh" "$N" "${pod[@]}" build "${net[@]}" -f "$WORK/Dockerfile.podman" -t bench-build "$CTX")
  row "podman build, cold ($who)" "$pod_cold"
  row "podman build, cached ($who)" "$pod_cached"
  echo "  tug / podman: cold $(ratio "$tug_cold" "$pod_cold")   cached $(ratio "$tug_cached" "$pod_cached")"
}

bench_as root
if id "$USER_" >/dev/null 2>&1; then
  mkdir -p "$WORK/home" "$WORK/xdg"
  chown "$USER_" "$WORK/home" "$WORK/xdg" "$WORK"
  chmod 700 "$WORK/xdg"
  as_user() { setpriv --reuid "$USER_" --regid "$USER_" --init-groups env HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/xdg" "$@"; }
  bench_as rootless as_user
else
  echo "no user $USER_: no rootless rows"
fi
