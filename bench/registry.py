#!/usr/bin/env python3
"""Registry load test and benchmark, on loopback only.

  bench/registry.py [report] [--mb 300] [--clients 100] [--seconds 20]
      Everything in one run, as a table against the targets: push and pull
      of one big blob to registry-serve and to docker-registry, the push
      against `sha256sum` of the same bytes (the floor of a verified push),
      and registry-serve's peak RSS under the 100-client load.

  bench/registry.py load [--clients 100] [--seconds 30]
      100 concurrent clients push and pull distinct and shared blobs against
      `tug registry-serve` for 30 s; every pulled blob is verified; prints
      operation counts, errors and the server's peak RSS.

  bench/registry.py big [--mb 300]
      registry-serve beside docker-registry: monolithic push of one big
      blob, one pull, 8 parallel pulls, each server's peak RSS; ratios.

  bench/registry.py compare [--clients 8] [--seconds 10]
      The same workload against registry-serve and Debian's docker-registry
      (distribution 2.8) side by side, one after the other in one run;
      prints operations per second of each and the ratio.

TUG=path/to/tug selects the binary (default: the release build, else debug).
"""
import argparse, hashlib, http.client, os, random, re, shutil, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tug_binary():
    if os.environ.get("TUG"):
        return os.environ["TUG"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    for p in ("release", "debug"):
        b = os.path.join(target, "x86_64-unknown-linux-gnu", p, "tug")
        if os.path.exists(b):
            return b
    sys.exit("build tug first (cargo build --release)")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port):
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/v2/")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"server on {port} did not start")


def start_tug(tmp):
    port = free_port()
    p = subprocess.Popen([tug_binary(), "--root", os.path.join(tmp, "store"), "registry-serve",
                          "--addr", f"127.0.0.1:{port}", "--quiet"], stderr=subprocess.DEVNULL)
    wait_port(port)
    return p, port


def start_distribution(tmp):
    exe = shutil.which("docker-registry")
    if not exe:
        sys.exit("docker-registry is not installed (apt-get install docker-registry)")
    port = free_port()
    cfg = os.path.join(tmp, "config.yml")
    with open(cfg, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {tmp}/dist\n"
                f"http:\n  addr: 127.0.0.1:{port}\n")
    p = subprocess.Popen([exe, "serve", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return p, port


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.push = self.pull = self.errors = self.verified = 0
        self.first_error = None

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)


def client(port, deadline, shared, stats, seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    pushed = []
    while time.time() < deadline:
        try:
            if rnd.random() < 0.5 or not pushed:
                data = rnd.choice(shared) if rnd.random() < 0.3 else rnd.randbytes(rnd.randint(1, 256) * 1024)
                digest = "sha256:" + hashlib.sha256(data).hexdigest()
                repo = f"load/c{seed % 10}"
                if len(data) > 128 * 1024:  # chunked: POST, PATCH, PUT
                    conn.request("POST", f"/v2/{repo}/blobs/uploads/")
                    r = conn.getresponse(); r.read()
                    loc = r.getheader("Location")
                    half = len(data) // 2
                    conn.request("PATCH", loc, body=data[:half], headers={"Content-Range": f"0-{half - 1}"})
                    r = conn.getresponse(); r.read()
                    loc = r.getheader("Location") or loc  # distribution moves it on
                    sep = "&" if "?" in loc else "?"
                    conn.request("PUT", f"{loc}{sep}digest={digest}", body=data[half:])
                else:
                    conn.request("POST", f"/v2/{repo}/blobs/uploads/?digest={digest}", body=data)
                    r = conn.getresponse(); r.read()
                    if r.status == 202:  # monolithic POST is optional: finish with PUT
                        loc = r.getheader("Location")
                        sep = "&" if "?" in loc else "?"
                        conn.request("PUT", f"{loc}{sep}digest={digest}", body=data)
                    else:
                        conn.request("HEAD", f"/v2/{repo}/blobs/{digest}")
                r = conn.getresponse(); r.read()
                if r.status not in (200, 201):
                    raise RuntimeError(f"push of {len(data)} bytes: {r.status} {r.reason}")
                pushed.append((repo, digest))
                stats.add(push=1)
            else:
                repo, digest = rnd.choice(pushed)
                conn.request("GET", f"/v2/{repo}/blobs/{digest}")
                r = conn.getresponse()
                body = r.read()
                if r.status != 200 or "sha256:" + hashlib.sha256(body).hexdigest() != digest:
                    raise RuntimeError(f"pull of {digest}: status {r.status}, content does not verify")
                stats.add(pull=1, verified=1)
        except Exception as e:  # noqa: BLE001 - counted and reported
            stats.add(errors=1)
            with stats.lock:
                stats.first_error = stats.first_error or repr(e)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def run_workload(port, clients, seconds):
    shared = [random.Random(i).randbytes(64 * 1024) for i in range(8)]
    stats = Stats()
    deadline = time.time() + seconds
    threads = [threading.Thread(target=client, args=(port, deadline, shared, stats, i)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        text = f.read()
    hwm = re.search(r"VmHWM:\s+(\d+)", text)
    cur = re.search(r"VmRSS:\s+(\d+)", text)
    return int(cur.group(1)) // 1024, int(hwm.group(1)) // 1024


def push_big(port, data, digest):
    """Monolithic upload as both servers take it: POST a session, PUT it all."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", "/v2/big/blob/blobs/uploads/")
    r = conn.getresponse(); r.read()
    loc = r.getheader("Location")
    sep = "&" if "?" in loc else "?"
    conn.request("PUT", f"{loc}{sep}digest={digest}", body=data, headers={"Content-Type": "application/octet-stream"})
    r = conn.getresponse(); r.read()
    if r.status != 201:
        sys.exit(f"push failed: {r.status}")


def pull_big(port, digest, size):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", f"/v2/big/blob/blobs/{digest}")
    r = conn.getresponse()
    n = 0
    while True:
        chunk = r.read(1 << 20)
        if not chunk:
            break
        n += len(chunk)
    if n != size:
        sys.exit(f"pull returned {n} of {size} bytes")


def big(tmp, mb, quiet=False):
    data = os.urandom(mb << 20)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    rows = {}
    for name, start in (("tug registry-serve", start_tug), ("docker-registry", start_distribution)):
        d = os.path.join(tmp, name.split()[0])
        os.makedirs(d)
        p, port = start(d)
        try:
            t = time.time(); push_big(port, data, digest); push = time.time() - t
            t = time.time(); pull_big(port, digest, len(data)); pull = time.time() - t
            threads = [threading.Thread(target=pull_big, args=(port, digest, len(data))) for _ in range(8)]
            t = time.time()
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            par = time.time() - t
            _, peak = rss(p.pid)
        finally:
            p.kill(); p.wait()
        rows[name] = (push, pull, par, peak)
        if not quiet:
            print(f"{name:20} push {push:6.2f} s ({mb / push:6.0f} MB/s)  pull {pull * 1000:7.0f} ms  "
              f"8 parallel pulls {par:6.2f} s  peak RSS {peak} MiB")
    a, b = rows["tug registry-serve"], rows["docker-registry"]
    if quiet:
        return data, rows
    print(f"  docker-registry / registry-serve: push {b[0] / a[0]:.2f}x, pull {b[1] / a[1]:.2f}x, "
          f"8 pulls {b[2] / a[2]:.2f}x, RSS {b[3] / max(a[3], 1):.2f}x")


def sha256sum_floor(tmp, data):
    """Seconds `sha256sum` takes over the bytes (from the page cache, best
    of 3), and seconds OpenSSL's SHA-256 takes in memory."""
    path = os.path.join(tmp, "floor.bin")
    with open(path, "wb") as f:
        f.write(data)
    best = None
    for _ in range(3):
        t = time.time()
        subprocess.run(["sha256sum", path], check=True, stdout=subprocess.DEVNULL)
        best = min(best or 1e9, time.time() - t)
    os.unlink(path)
    t = time.time()
    hashlib.sha256(data).digest()
    return best, time.time() - t


def load_rss(tmp, clients, seconds):
    d = os.path.join(tmp, "load")
    os.makedirs(d)
    p, port = start_tug(d)
    try:
        s = run_workload(port, clients, seconds)
        cur, peak = rss(p.pid)
        with open(f"/proc/{p.pid}/status") as f:
            threads = int(re.search(r"Threads:\s+(\d+)", f.read()).group(1))
    finally:
        p.kill(); p.wait()
    return s, peak, threads


def report(tmp, mb, clients, seconds):
    data, rows = big(tmp, mb, quiet=True)
    floor, openssl = sha256sum_floor(tmp, data)
    del data
    s, peak, threads = load_rss(tmp, clients, seconds)
    t, dist = rows["tug registry-serve"], rows["docker-registry"]
    def line(what, value, target="", ok=None):
        mark = "" if ok is None else "met" if ok else "MISSED"
        print(f"| {what:44} | {value:>28} | {target:>10} | {mark:6} |")
    print(f"| {'measure':44} | {'value':>28} | {'target':>10} | {'':6} |")
    print(f"|{'-' * 46}|{'-' * 30}|{'-' * 12}|{'-' * 8}|")
    line(f"push {mb} MB, registry-serve", f"{t[0]:.2f} s ({mb / t[0]:.0f} MB/s)")
    line(f"push {mb} MB, docker-registry", f"{dist[0]:.2f} s ({mb / dist[0]:.0f} MB/s)")
    line(f"sha256sum of the {mb} MB (floor)", f"{floor:.2f} s")
    line("push registry-serve / floor", f"{t[0] / floor:.2f}x", "<= 2x", t[0] <= 2 * floor)
    line(f"SHA-256 of the {mb} MB in OpenSSL (hashlib)", f"{openssl:.2f} s")
    line("push registry-serve / OpenSSL hashing", f"{t[0] / openssl:.2f}x")
    line(f"pull {mb} MB, registry-serve", f"{t[1]:.2f} s ({mb / t[1]:.0f} MB/s)")
    line(f"pull {mb} MB, docker-registry", f"{dist[1]:.2f} s ({mb / dist[1]:.0f} MB/s)")
    line("pull registry-serve / docker-registry", f"{t[1] / dist[1]:.2f}x", "<= 1x", t[1] <= dist[1])
    line("8 parallel pulls, registry-serve / d-r", f"{t[2]:.2f} s / {dist[2]:.2f} s")
    line("peak RSS in the big-blob run, tug / d-r", f"{t[3]} / {dist[3]} MiB")
    line(f"load: {clients} clients, {seconds:.0f} s", f"{s.push} push, {s.pull} pull, {s.errors} err", "0 errors", s.errors == 0)
    line("registry-serve peak RSS under the load", f"{peak} MiB", "<= 30 MiB", peak <= 30)
    line("registry-serve threads after the load", f"{threads}")
    if s.errors:
        print(f"first error: {s.first_error}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", nargs="?", default="report", choices=["report", "load", "compare", "big"])
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--clients", type=int)
    ap.add_argument("--seconds", type=float)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tug-regbench-") as tmp:
        if a.mode == "report":
            report(tmp, a.mb, a.clients or 100, a.seconds or 20)
        elif a.mode == "big":
            big(tmp, a.mb)
        elif a.mode == "load":
            clients, seconds = a.clients or 100, a.seconds or 30
            p, port = start_tug(tmp)
            try:
                s = run_workload(port, clients, seconds)
                cur, peak = rss(p.pid)
            finally:
                p.kill(); p.wait()
            print(f"registry-serve load: {clients} clients, {seconds:.0f} s: {s.push} pushes, {s.pull} pulls "
                  f"({s.verified} verified), {s.errors} errors; server RSS {cur} MiB (peak {peak} MiB)")
            if s.errors:
                print(f"first error: {s.first_error}")
                sys.exit(1)
        else:
            clients, seconds = a.clients or 8, a.seconds or 10
            results = {}
            for name, start in (("tug registry-serve", start_tug), ("docker-registry", start_distribution)):
                d = os.path.join(tmp, name.split()[0])
                os.makedirs(d)
                p, port = start(d)
                try:
                    s = run_workload(port, clients, seconds)
                    cur, peak = rss(p.pid)
                finally:
                    p.kill(); p.wait()
                ops = (s.push + s.pull) / seconds
                results[name] = ops
                print(f"{name:20} {ops:9.1f} ops/s  ({s.push} pushes, {s.pull} pulls, {s.errors} errors, peak RSS {peak} MiB)")
                if s.errors:
                    print(f"  first error: {s.first_error}")
            if results["docker-registry"] > 0:
                print(f"  registry-serve / docker-registry = {results['tug registry-serve'] / results['docker-registry']:.2f}x")


if __name__ == "__main__":
    main()
