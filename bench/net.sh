#!/usr/bin/env bash
# Benchmark: bulk TCP throughput through a port published with `-p
# 127.0.0.1:PORT:5001`, as root (nftables DNAT over the bridge) and
# rootless (tug's relay into the session's namespace), and out of a
# rootless container to the host's loopback (host.containers.internal,
# through the session's user-space stack), beside a direct loopback
# connection to the same sink program on the host. Reports Gbit/s and the
# ratio to loopback. Run as root; the rootless rows run as the tugtest
# user. Traffic stays on loopback and tug's own bridges.
# Each row is the median of REPS runs (default 5): on a shared machine
# single runs swing by a factor of two.
#   bench/net.sh [GIB]      (TUG=path/to/tug to pick a binary, REPS=N)
set -euo pipefail
cd "$(dirname "$0")/.."
GIB=${1:-2}
REPS=${REPS:-5}
TUG=${TUG:-}
if [ -z "$TUG" ]; then
  for t in target/x86_64-unknown-linux-gnu/release/tug target/x86_64-unknown-linux-gnu/debug/tug; do
    [ -x "$t" ] && TUG=$PWD/$t && break
  done
fi
[ -x "$TUG" ] || { echo "build tug first (cargo build --release)"; exit 1; }
PY=$(PATH=/usr/bin:/bin command -v python3) || { echo "python3 is needed (sink and client)"; exit 1; }
BB=$(command -v busybox) || { echo "busybox-static is needed"; exit 1; }
USER_=tugtest

WORK=$(mktemp -d /tmp/tug-netbench.XXXXXX)
chmod 755 "$WORK"
cleanup() {
  "$TUG" --root "$WORK/store" rm -f sink >/dev/null 2>&1 || true
  if id "$USER_" >/dev/null 2>&1; then
    setpriv --reuid "$USER_" --regid "$USER_" --init-groups "$TUG" --root "$WORK/ustore" rm -f sink >/dev/null 2>&1 || true
  fi
  [ -n "${HOSTSINK:-}" ] && kill "$HOSTSINK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ROOTFS=$WORK/rootfs
mkdir -p "$ROOTFS"/{bin,etc,proc,sys,dev,tmp}
cp "$BB" "$ROOTFS/bin/busybox"
ln -s busybox "$ROOTFS/bin/sh"

# The sink: accepts connections, reads everything with 1 MiB reads.
cat > "$WORK/sink.py" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
while True:
    c, _ = s.accept()
    while c.recv(1 << 20):
        pass
    c.close()
EOF
# The client: sends GIB gibibytes, waits for the sink to close, prints Gbit/s.
cat > "$WORK/send.py" <<'EOF'
import socket, sys, time
port, gib = int(sys.argv[1]), float(sys.argv[2])
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
deadline = time.time() + 15
while True:
    try:
        c = socket.create_connection((host, port))
        break
    except OSError:
        if time.time() > deadline:
            raise
        time.sleep(0.1)
buf = b"x" * (1 << 20)
n = int(gib * 1024)
t0 = time.time()
for _ in range(n):
    c.sendall(buf)
c.shutdown(socket.SHUT_WR)
c.recv(1)
dt = time.time() - t0
print("%.2f" % (n * len(buf) * 8 / dt / 1e9))
EOF
chmod 644 "$WORK"/*.py

# The median of REPS runs of a command that prints Gbit/s.
median() {
  local i out=()
  for ((i = 0; i < REPS; i++)); do out+=("$("$@")"); done
  printf '%s\n' "${out[@]}" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'
}
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mounts=()
for m in /usr /lib /lib64; do [ -e "$m" ] && mounts+=(-v "$m:$m:ro"); done

echo "tug: $TUG   data: $GIB GiB per run   kernel: $(uname -r)"
P=$(free_port)
"$PY" "$WORK/sink.py" 127.0.0.1 "$P" & HOSTSINK=$!
direct=$(median "$PY" "$WORK/send.py" "$P" "$GIB")
printf '%-40s %8s Gbit/s\n' "direct loopback" "$direct"

P=$(free_port)
"$TUG" --root "$WORK/store" run -d --name sink -p "127.0.0.1:$P:5001" "${mounts[@]}" \
  -v "$WORK:/bench:ro" --rootfs "$ROOTFS" "$PY" /bench/sink.py 0.0.0.0 5001 >/dev/null
root=$(median "$PY" "$WORK/send.py" "$P" "$GIB")
printf '%-40s %8s Gbit/s   %s of loopback\n' "tug -p, root (nftables DNAT)" "$root" \
  "$(awk -v a="$root" -v b="$direct" 'BEGIN{printf "%.0f%%", 100*a/b}')"
"$TUG" --root "$WORK/store" rm -f sink >/dev/null

if id "$USER_" >/dev/null 2>&1; then
  chown -R "$USER_" "$WORK"
  as_user() { setpriv --reuid "$USER_" --regid "$USER_" --init-groups env HOME="$WORK" "$@"; }
  P=$(free_port)
  as_user "$TUG" --root "$WORK/ustore" run -d --name sink -p "127.0.0.1:$P:5001" "${mounts[@]}" \
    -v "$WORK:/bench:ro" --rootfs "$ROOTFS" "$PY" /bench/sink.py 0.0.0.0 5001 >/dev/null
  rootless=$(median "$PY" "$WORK/send.py" "$P" "$GIB")
  printf '%-40s %8s Gbit/s   %s of loopback\n' "tug -p, rootless (relay)" "$rootless" \
    "$(awk -v a="$rootless" -v b="$direct" 'BEGIN{printf "%.0f%%", 100*a/b}')"

  # Outbound: the container sends to the host's sink on 127.0.0.1.
  P=$(free_port)
  "$PY" "$WORK/sink.py" 127.0.0.1 "$P" & OUTSINK=$!
  outbound=$(median as_user "$TUG" --root "$WORK/ustore" run --rm "${mounts[@]}" -v "$WORK:/bench:ro" \
    --rootfs "$ROOTFS" "$PY" /bench/send.py "$P" "$GIB" host.containers.internal)
  kill "$OUTSINK" 2>/dev/null || true
  printf '%-40s %8s Gbit/s   %s of loopback\n' "rootless outbound (user-space stack)" "$outbound" \
    "$(awk -v a="$outbound" -v b="$direct" 'BEGIN{printf "%.0f%%", 100*a/b}')"
fi
