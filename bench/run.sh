#!/usr/bin/env bash
# Benchmark: what users type, `tug run --rm IMAGE true` (default bridge,
# cold and warm, and --network none), beside `runc run` and `crun run`
# (root, no network) and `podman run --rm IMAGE true`
# (rootless, as the tugtest user), on the same busybox image; plus a big
# image made from the host's /usr, to show that run's cost does not grow
# with the image. Prints the median and p90 wall time of N runs of each and
# the ratios. Run as root.
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

# measure, with an untimed `setup` function run before each run.
measure_after() {
  local setup=$1 t0 t1 i
  shift
  local -a ms=()
  for ((i = 0; i < N; i++)); do
    "$setup"
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    t1=$EPOCHREALTIME
    ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)*1000}')")
  done
  printf '%s\n' "${ms[@]}" | sort -n | awk '{v[NR]=$1} END{printf "%.2f %.2f\n", v[int((NR+1)/2)], v[int(NR*0.9+0.5)]}'
}

row() { printf '%-44s median %8s ms   p90 %8s ms\n' "$1" "$2" "$3"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1fx", b/a}'; }
share() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b/a}'; }

tar -C "$ROOTFS" -cf "$WORK/bb.tar" .
# A big image: ~450 MB of the host's /usr over the busybox files (its own
# dynamic programs are not run: the command is busybox's /bin/true).
BIG=$WORK/big
mkdir -p "$BIG"
cp -a "$ROOTFS/." "$BIG/"
(cd / && find usr -xdev -type f -size -50M -printf '%s %p\n' 2>/dev/null |
   awk '{ t += $1; if (t > 450 * 1048576) exit; sub(/^[0-9]+ /, ""); print }') > "$WORK/big.list" || true
tar -C / -c -T "$WORK/big.list" 2>/dev/null | tar -C "$BIG" -x 2>/dev/null || true
tar -C "$BIG" -cf "$WORK/big.tar" .
chmod 644 "$WORK/bb.tar" "$WORK/big.tar"
echo "tug: $TUG   runs: $N   kernel: $(uname -r)   big image: $(du -sm "$BIG" | cut -f1) MB"
"$TUG" --root "$WORK/store" import "$WORK/bb.tar" bb >/dev/null
"$TUG" --root "$WORK/store" import "$WORK/big.tar" big >/dev/null
# Warm-up (snapshots, seccomp cache, page cache, the default bridge).
"$TUG" --root "$WORK/store" run --rm bb true
"$TUG" --root "$WORK/store" run --rm big /bin/true

# Cold: the first container on the host, so the bridge and the nftables
# table are made (both deleted, untimed, before each run; no container of
# any store may be on the default bridge meanwhile). Warm: they stay, as
# docker0 does.
# The warm-up's veth goes with its namespace, which the kernel tears down
# after `run` returns: wait (5 s at most) for that before looking.
for _ in $(seq 50); do
  [ -z "$(ls /sys/class/net/tug0/brif 2>/dev/null)" ] && break
  sleep 0.1
done
if [ -n "$(ls /sys/class/net/tug0/brif 2>/dev/null)" ]; then
  echo "a container is on the default bridge: skipping the cold row"
else
  cold() { ip link del tug0 2>/dev/null || true; nft delete table ip tug 2>/dev/null || true; }
  read -r tugc_m tugc_p < <(measure_after cold "$TUG" --root "$WORK/store" run --rm bb true)
  row "tug run --rm bb, default bridge cold (root)" "$tugc_m" "$tugc_p"
  "$TUG" --root "$WORK/store" run --rm bb true
fi
read -r tugb_m tugb_p < <(measure "$TUG" --root "$WORK/store" run --rm bb true)
row "tug run --rm bb, default bridge warm (root)" "$tugb_m" "$tugb_p"
read -r tug_m tug_p < <(measure "$TUG" --root "$WORK/store" run --rm --network none bb true)
row "tug run --rm --network none bb (root)" "$tug_m" "$tug_p"
read -r tugg_m tugg_p < <(measure "$TUG" --root "$WORK/store" run --rm --network none big /bin/true)
row "tug run --rm --network none big (root)" "$tugg_m" "$tugg_p"
echo "  big / busybox = $(ratio "$tug_m" "$tugg_m")"

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
    row "runc run (root, no network)" "$runc_m" "$runc_p"
    echo "  runc / tug --network none = $(ratio "$tug_m" "$runc_m")   runc / tug default bridge warm = $(ratio "$tugb_m" "$runc_m")"
    echo "  tug --network none / runc = $(share "$runc_m" "$tug_m")   tug default bridge warm / runc = $(share "$runc_m" "$tugb_m")   (target <= 0.35)"
  else
    echo "runc run failed on this host: skipped"
  fi
  echo "  tug default bridge warm / --network none = $(share "$tug_m" "$tugb_m")   (target <= 1.5)"
  # crun on the same bundle; it refuses hosts with cgroup v1 and v2
  # controllers both mounted ("hybrid"), so say why when it does.
  if command -v crun >/dev/null; then
    m=0
    crun_one() { m=$((m + 1)); crun --root "$WORK/crun" run --bundle "$B" "bench$$-$m"; }
    if why=$(crun_one 2>&1); then
      read -r crun_m crun_p < <(measure crun_one)
      row "crun run (root, no network)" "$crun_m" "$crun_p"
      echo "  crun / tug --network none = $(ratio "$tug_m" "$crun_m")"
    else
      echo "crun run failed on this host: ${why%%$'\n'*}"
    fi
  else
    echo "crun is not installed: skipped"
  fi
fi

if id "$USER_" >/dev/null 2>&1; then
  chown -R "$USER_" "$WORK"
  as_user() { setpriv --reuid "$USER_" --regid "$USER_" --init-groups env HOME="$WORK/home" XDG_RUNTIME_DIR="$WORK/xdg" "$@"; }
  mkdir -p "$WORK/home" "$WORK/xdg" && chown "$USER_" "$WORK/home" "$WORK/xdg" && chmod 700 "$WORK/xdg"
  as_user "$TUG" --root "$WORK/ustore" import "$WORK/bb.tar" bb >/dev/null
  as_user "$TUG" --root "$WORK/ustore" import "$WORK/big.tar" big >/dev/null
  as_user "$TUG" --root "$WORK/ustore" run --rm bb true 2>/dev/null
  as_user "$TUG" --root "$WORK/ustore" run --rm big /bin/true 2>/dev/null
  read -r tugub_m tugub_p < <(as_user bash "$WORK/measure.sh" "$N" "$TUG" --root "$WORK/ustore" run --rm bb true)
  row "tug run --rm bb, default network (rootless)" "$tugub_m" "$tugub_p"
  read -r tugu_m tugu_p < <(as_user bash "$WORK/measure.sh" "$N" "$TUG" --root "$WORK/ustore" run --rm --network none bb true)
  row "tug run --rm --network none bb (rootless)" "$tugu_m" "$tugu_p"
  read -r tugug_m tugug_p < <(as_user bash "$WORK/measure.sh" "$N" "$TUG" --root "$WORK/ustore" run --rm --network none big /bin/true)
  row "tug run --rm --network none big (rootless)" "$tugug_m" "$tugug_p"
  echo "  big / busybox = $(ratio "$tugu_m" "$tugug_m")"
  # podman: the same image; no network, since rootless podman needs a tun
  # device for one (closed on hosts like this one).
  # crun refuses hybrid-cgroup hosts; runc runs there.
  pod=(podman)
  command -v runc >/dev/null && pod+=(--runtime "$(command -v runc)")
  if command -v podman >/dev/null &&
     as_user "${pod[@]}" import "$WORK/bb.tar" localhost/bb >/dev/null 2>&1 &&
     as_user "${pod[@]}" run --rm --network none localhost/bb true >/dev/null 2>&1; then
    read -r pod_m pod_p < <(as_user bash "$WORK/measure.sh" $((N < 20 ? N : 20)) "${pod[@]}" run --rm --network none localhost/bb true)
    row "podman run --rm --network none bb (rootless)" "$pod_m" "$pod_p"
    echo "  podman / tug = $(ratio "$tugu_m" "$pod_m")"
  else
    echo "podman rootless run failed on this host: skipped"
  fi
fi
