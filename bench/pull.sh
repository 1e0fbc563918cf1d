#!/usr/bin/env bash
# Benchmark: pulling a ~300 MB image (3 gzip layers of the host's /usr
# files) from `tug registry-serve` on loopback into an empty store, as a user
# does: `tug pull` (blobs stored and every layer unpacked, ready to run),
# beside `podman pull` (same: stored and unpacked) and `skopeo copy` to an
# oci: directory (blobs only, nothing unpacked). Each is run N times, each
# time into an empty store; prints the median and min wall times and the
# ratios. Run as root.
#   bench/pull.sh [N] [MB]     (TUG=path/to/tug to pick a binary)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3}
MB=${2:-300}
TUG=${TUG:-}
if [ -z "$TUG" ]; then
  for t in "${CARGO_TARGET_DIR:-target}"/x86_64-unknown-linux-gnu/release/tug \
           "${CARGO_TARGET_DIR:-target}"/x86_64-unknown-linux-gnu/debug/tug; do
    [ -x "$t" ] && TUG=$(realpath "$t") && break
  done
fi
[ -x "$TUG" ] || { echo "build tug first (cargo build --release)"; exit 1; }
for c in podman skopeo python3 gzip; do
  command -v "$c" >/dev/null || { echo "needs $c"; exit 1; }
done

WORK=$(mktemp -d /var/tmp/tug-bench-pull.XXXXXX)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Three layers of about MB/3 each, from real files (they compress as real
# images do).
(cd / && find usr -xdev -type f -size -20M -printf '%s %p\n' 2>/dev/null |
  awk -v max="$MB" '{ t += $1; if (t > max * 1048576) exit; sub(/^[0-9]+ /, ""); print }') > "$WORK/all.list" || true
lines=$(wc -l < "$WORK/all.list")
split -n l/3 -d "$WORK/all.list" "$WORK/part."
python3 - "$WORK" <<'PY'
import gzip, hashlib, json, os, subprocess, sys
work = sys.argv[1]
oci = os.path.join(work, "oci")
blobs = os.path.join(oci, "blobs", "sha256")
os.makedirs(blobs)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(os.path.join(blobs, d), "wb").write(data)
    return "sha256:" + d, len(data)
layers, diffs = [], []
for i in range(3):
    tar = subprocess.run(["tar", "-C", "/", "-c", "-T", os.path.join(work, "part.%02d" % i)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    diffs.append("sha256:" + hashlib.sha256(tar).hexdigest())
    gz = subprocess.run(["gzip", "-6", "-n"], input=tar, stdout=subprocess.PIPE).stdout
    d, n = put(gz)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": n})
config = json.dumps({"architecture": "amd64", "os": "linux",
    "config": {"Cmd": ["/bin/sh"]},
    "rootfs": {"type": "layers", "diff_ids": diffs}}).encode()
cd, cn = put(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
    "layers": layers}).encode()
md, mn = put(manifest)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": md, "size": mn, "annotations": {"org.opencontainers.image.ref.name": "big"}}]},
    open(os.path.join(oci, "index.json"), "w"))
open(os.path.join(oci, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
gz_mb=$(du -cm "$WORK"/oci/blobs/sha256/* | tail -1 | cut -f1)

"$TUG" registry-serve --root "$WORK/server" --addr 127.0.0.1:0 --quiet 2> "$WORK/server.log" &
SERVER=$!
for _ in $(seq 100); do grep -q 127.0.0.1: "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done
ADDR=$(head -1 "$WORK/server.log" | awk '{print $NF}')
IMG=$ADDR/bench/big:1
skopeo copy -q --dest-tls-verify=false "oci:$WORK/oci:big" "docker://$IMG"
echo "tug: $TUG   runs: $N   image: $lines files, $MB MB in 3 layers, $gz_mb MB gzipped   kernel: $(uname -r)"

# Times N runs of "$@" after running the reset command; prints "median min" in ms.
measure() {
  local reset=$1; shift
  local t0 t1 i
  local -a ms=()
  for ((i = 0; i < N; i++)); do
    eval "$reset"
    sync
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>"$WORK/err" || { echo "failed: $*" >&2; cat "$WORK/err" >&2; return 1; }
    t1=$EPOCHREALTIME
    ms+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b-a)*1000}')")
  done
  printf '%s\n' "${ms[@]}" | sort -n | awk '{v[NR]=$1} END{printf "%.1f %.1f\n", v[int((NR+1)/2)], v[1]}'
}

PROOT=$WORK/podman
podman_reset() {
  podman --root "$PROOT/root" --runroot "$PROOT/run" rmi -af >/dev/null 2>&1 || true
  rm -rf "$PROOT"
}
PODMAN=(podman --root "$PROOT/root" --runroot "$PROOT/run" --storage-driver overlay pull --tls-verify=false "docker://$IMG")

read -r tug_m tug_min < <(measure 'rm -rf "$WORK/tug"' "$TUG" --root "$WORK/tug" pull "$IMG")
# The pulled image is whole and unpacked: its snapshots are in place.
"$TUG" --root "$WORK/tug" _prepare "$IMG" > "$WORK/snaps"
[ "$(wc -l < "$WORK/snaps")" = 3 ] || { echo "tug did not unpack 3 snapshots"; exit 1; }
read -r pod_m pod_min < <(measure podman_reset "${PODMAN[@]}")
podman_reset
read -r sko_m sko_min < <(measure 'rm -rf "$WORK/skopeo"' skopeo copy -q --src-tls-verify=false "docker://$IMG" "oci:$WORK/skopeo:big")

row() { printf '%-52s median %9s ms   min %9s ms\n' "$1" "$2" "$3"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
row "tug pull (stored + unpacked)" "$tug_m" "$tug_min"
row "podman pull (stored + unpacked)" "$pod_m" "$pod_min"
row "skopeo copy to oci: (stored only)" "$sko_m" "$sko_min"
echo "tug / podman: $(ratio "$tug_m" "$pod_m")   (target <= 0.5)"
echo "tug / skopeo: $(ratio "$tug_m" "$sko_m")"
