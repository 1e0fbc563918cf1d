#!/usr/bin/env bash
# Benchmark: `tug run --rm --rootfs DIR true` beside `runc run` (root) and
# `podman run --rm --runtime runc --network none --rootfs DIR true`
# (rootless, as the tugtest user), on the same busybox rootfs. Prints the
# median and p90 wall time of N runs of each and the ratios. Run as root.
#   bench/run.sh [N]        (TUG=path/to/tug to pick a binary)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
TUG=${TUG:-}
if [ -z "$TUG" ]; then
  for t in target/x86_64-unknown-linux-gnu/release/tug target/x86_64-unknown-linux-gnu/debug/tug; do
    [ -x "$t" ] && TUG=$PWD/$t && break
  done
fi
[ -x "$TUG" ] || { echo "build tug first (cargo build --release)"; exit 1; }
BB=$(command -v busybox)
USER_=tugtest

WORK=$(mktemp -d /tmp/tug-bench.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
ROOTFS=$WORK/rootfs
mkdir -p "$ROOTFS"/{bin,etc,proc,sys,dev,tmp}
cp "$BB" "$ROOTFS/bin/busybox"
for a in sh true echo; do ln -s busybox "$ROOTFS/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$ROOTFS/etc/passwd"
echo 'root:x:0:' > "$ROOTFS/etc/group"

# Times N runs of a command; prints "median p90" in ms. For the rootless
# rows the loop runs as the user, in a script of its own: switching user
# per run (setpriv + env, ~2 ms) would be timed too.
cat > "$WORK/measure.sh" <<'SH'
N=$1; shift
ms=()
for ((i = 0; i < N; i++)); do
  t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  t1=$EPOCHREALTIME
  ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)*1000}')")
done
printf '%s\n' "${ms[@]}" | sort -n | awk '{v[NR]=$1} END{printf "%.2f %.2f\n", v[int((NR+1)/2)], v[int(NR*0.9+0.5)]}'
SH
# The same loop in this shell, for root rows (no extra exec per run).
measure() {
  local t0 t1 i
  local -a ms=()
  for ((i = 0; i < N; i++)); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    t1=$EPOCHREALTIME
    ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)*1000}')")
  done
  printf '%s\n' "${ms[@]}" | sort -n | awk '{v[NR]=$1} END{printf "%.2f %.2f\n", v[int((NR+1)/2)], v[int(NR*0.9+0.5)]}'
}

row() { printf '%-44s median %8s ms   p90 %8s ms\n' "$1" "$2" "$3"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1fx", b/a}'; }

echo "tug: $TUG   runs: $N   kernel: $(uname -r)"
# Warm-up (seccomp cache, page cache).
"$TUG" --root "$WORK/store" run --rm --network none --rootfs "$ROOTFS" true

# The peers run without a network: so does tug here. Its default bridge
# network (veth, addresses, NAT rules) is timed on its own row.
read -r tug_m tug_p < <(measure "$TUG" --root "$WORK/store" run --rm --network none --rootfs "$ROOTFS" true)
row "tug run --rm --network none (root)" "$tug_m" "$tug_p"
read -r tugb_m tugb_p < <(measure "$TUG" --root "$WORK/store" run --rm --rootfs "$ROOTFS" true)
row "tug run --rm, default bridge (root)" "$tugb_m" "$tugb_p"

if command -v runc >/dev/null; then
  B=$WORK/bundle
  mkdir -p "$B"
  (cd "$B" && runc spec)
  sed -i -e "s#\"path\": \"rootfs\"#\"path\": \"$ROOTFS\"#" -e 's/"terminal": true/"terminal": false/' \
      -e 's/"sh"/"true"/' "$B/config.json"
  n=0
  runc_one() { n=$((n + 1)); runc --root "$WORK/runc" run --bundle "$B" "bench$$-$n"; }
  if runc_one >/dev/null 2>&1; then
    read -r runc_m runc_p < <(measure runc_one)
    row "runc run (root)" "$runc_m" "$runc_p"
    echo "  runc / tug = $(ratio "$tug_m" "$runc_m")"
  else
    echo "runc run failed on this host: skipped"
  fi
fi

if id "$USER_" >/dev/null 2>&1; then
  chown -R "$USER_" "$WORK"
  as_user() { setpriv --reuid "$USER_" --regid "$USER_" --init-groups env HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/xdg" "$@"; }
  mkdir -p "$WORK/home" "$WORK/xdg" && chown "$USER_" "$WORK/home" "$WORK/xdg" && chmod 700 "$WORK/xdg"
  as_user "$TUG" --root "$WORK/ustore" run --rm --network none --rootfs "$ROOTFS" true
  read -r tugu_m tugu_p < <(as_user bash "$WORK/measure.sh" "$N" "$TUG" --root "$WORK/ustore" run --rm --network none --rootfs "$ROOTFS" true)
  row "tug run --rm --network none (rootless)" "$tugu_m" "$tugu_p"
  read -r tugub_m tugub_p < <(as_user bash "$WORK/measure.sh" "$N" "$TUG" --root "$WORK/ustore" run --rm --rootfs "$ROOTFS" true)
  row "tug run --rm, default bridge (rootless)" "$tugub_m" "$tugub_p"
  if command -v podman >/dev/null &&
     as_user podman run --rm --runtime runc --network none --rootfs "$ROOTFS" true >/dev/null 2>&1; then
    read -r pod_m pod_p < <(as_user bash "$WORK/measure.sh" $((N < 20 ? N : 20)) podman run --rm --runtime runc --network none --rootfs "$ROOTFS" true)
    row "podman run --rm --runtime runc (rootless)" "$pod_m" "$pod_p"
    echo "  podman / tug = $(ratio "$tugu_m" "$pod_m")"
  else
    echo "podman rootless run failed on this host: skipped"
  fi
fi
