//! Rootless outbound paths: which one a session uses, and the tap helpers.
//!
//! Three paths lead from the session's network namespace to the outside:
//! the user-space stack (`userstack/`, needs nothing), pasta (Debian's
//! `passt` package) and slirp4netns. The two helpers need `/dev/net/tun`
//! open to the user; they are preferred where it is, as podman does, and
//! pasta over slirp4netns. [`ENV`] chooses (`auto`, the default, is pasta
//! when usable, else the user-space stack).
//!
//! A helper is started by the command that starts the session, as the
//! user, in the host's namespaces (pasta refuses to work from inside the
//! session's user namespace); it joins the session's user and network
//! namespaces, makes a tap interface there with an address and default
//! route, and carries what leaves through it on host sockets. The pause
//! process then routes the containers' bridges out through that tap
//! ([`configure`]: forwarding on, and the `tug_session` nftables table,
//! `nft/session.rs`), and stops the helper when the session ends. Either
//! way containers see the same two addresses: [`userstack::DNS`] and
//! [`userstack::HOST`].

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::net::userstack;

/// Chooses the rootless outbound path: `auto`, `pasta`, `slirp4netns` or
/// `userstack`. Read when a session starts.
pub const ENV: &str = "TUG_ROOTLESS_NETWORK";

/// How long a helper may take to configure the session's namespace.
const READY: Duration = Duration::from_secs(5);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Userstack,
    Pasta,
    Slirp4netns,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Userstack => "userstack",
            Mode::Pasta => "pasta",
            Mode::Slirp4netns => "slirp4netns",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        [Mode::Userstack, Mode::Pasta, Mode::Slirp4netns]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// What [`ENV`] asks for: None for `auto` (or unset).
pub fn requested() -> std::result::Result<Option<Mode>, String> {
    let v = std::env::var(ENV).unwrap_or_default();
    match v.trim() {
        "" | "auto" => Ok(None),
        s => Mode::parse(s)
            .map(Some)
            .ok_or_else(|| format!("{ENV}={s} is not one of auto, pasta, slirp4netns, userstack")),
    }
}

/// Whether this user may open `/dev/net/tun` (the helpers need it).
pub fn tun_usable() -> std::result::Result<(), String> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/net/tun")
        .map(drop)
        .map_err(|e| format!("/dev/net/tun is not usable by this user ({e})"))
}

/// `name` found in a directory of `$PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| rustix::fs::access(p, rustix::fs::Access::EXEC_OK).is_ok())
}

/// The helper a new session would start (its mode and program), or why it
/// uses the user-space stack: `Err(None)` when that is simply the choice.
pub fn plan() -> std::result::Result<(Mode, PathBuf), Option<String>> {
    let asked = requested().map_err(Some)?;
    let mode = match asked {
        Some(Mode::Userstack) => return Err(None),
        Some(m) => m,
        None => Mode::Pasta,
    };
    // Under auto the stack is the plain fallback: no reason to give.
    let why = |w: String| asked.map(|m| format!("{ENV}={} but {w}", m.as_str()));
    tun_usable().map_err(why)?;
    let bin =
        on_path(mode.as_str()).ok_or_else(|| why(format!("{} is not on PATH", mode.as_str())))?;
    Ok((mode, bin))
}

/// Starts helper `bin` (`mode`) for the session whose pause process is
/// `pid`, as a process of its own group with no stdio; its pid. It stays
/// a child of the caller until the caller exits (the pause process stops
/// it when the session ends).
pub fn spawn(mode: Mode, bin: &Path, pid: i32) -> std::io::Result<u32> {
    use std::os::unix::process::CommandExt;
    let net = format!("/proc/{pid}/ns/net");
    let user = format!("/proc/{pid}/ns/user");
    let mut cmd = std::process::Command::new(bin);
    match mode {
        Mode::Pasta => {
            // Foreground, quiet, no port forwarding of its own (tug
            // forwards published ports itself), IPv4 as the bridges.
            cmd.args(["-f", "-q", "--config-net", "--ipv4-only"])
                .args(["-t", "none", "-u", "none", "-T", "none", "-U", "none"])
                .args(["--netns", &net, "--userns", &user]);
        }
        Mode::Slirp4netns | Mode::Userstack => {
            cmd.args(["--configure", "--mtu=65520", "--netns-type=path"])
                .arg(format!("--userns-path={user}"))
                .args([&net, "tap0"]);
        }
    }
    let child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()?;
    Ok(child.id())
}

/// The default route of the calling thread's network namespace: its
/// interface and gateway.
fn default_route() -> Option<(String, Ipv4Addr)> {
    parse_default_route(&std::fs::read_to_string("/proc/thread-self/net/route").ok()?)
}

/// The default route in `/proc/net/route`'s text.
fn parse_default_route(text: &str) -> Option<(String, Ipv4Addr)> {
    text.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() < 3 || f[1] != "00000000" {
            return None;
        }
        // The kernel prints the address as a native-endian number.
        let gw = u32::from_str_radix(f[2], 16).ok()?;
        Some((f[0].to_string(), Ipv4Addr::from(gw.to_ne_bytes())))
    })
}

/// The upstream nameserver as the session reaches it through a helper
/// whose address for the host's loopback is `host`.
fn dns_target(mode: Mode, host: Ipv4Addr) -> SocketAddrV4 {
    let first = userstack::nameservers(&userstack::resolv_file())
        .into_iter()
        .find_map(|a| match a {
            SocketAddr::V4(a) => Some(a),
            SocketAddr::V6(_) => None,
        });
    match first {
        None => SocketAddrV4::new(host, 53),
        Some(a) if *a.ip() == Ipv4Addr::LOCALHOST => SocketAddrV4::new(host, a.port()),
        Some(a) if !a.ip().is_loopback() => a,
        // Another loopback address (systemd-resolved's 127.0.0.53): the
        // helpers map only 127.0.0.1. slirp4netns forwards its own DNS
        // address to the host's resolver; for pasta, the resolver's own
        // upstreams where systemd lists them.
        Some(a) => match mode {
            Mode::Slirp4netns => SocketAddrV4::new(Ipv4Addr::new(10, 0, 2, 3), 53),
            _ => userstack::nameservers(Path::new("/run/systemd/resolve/resolv.conf"))
                .into_iter()
                .find_map(|s| match s {
                    SocketAddr::V4(s) if !s.ip().is_loopback() => Some(s),
                    _ => None,
                })
                .unwrap_or(SocketAddrV4::new(host, a.port())),
        },
    }
}

/// Routes the session's networks out through helper `helper` (`mode`),
/// once it has configured its tap: waits for the default route, turns
/// forwarding on and installs the session's table. Runs in the pause
/// process, in the session's network namespace.
pub fn configure(mode: Mode, helper: i32) -> std::result::Result<(), String> {
    let deadline = Instant::now() + READY;
    let (tap, host) = loop {
        if let Some(r) = default_route() {
            break r;
        }
        if crate::container::proc_start_time(helper).is_none() {
            return Err(format!("{} exited before configuring", mode.as_str()));
        }
        if Instant::now() > deadline {
            return Err(format!("{} did not configure in time", mode.as_str()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let targets = crate::net::nft::session::Targets {
        dns: dns_target(mode, host),
        tap,
        host,
    };
    crate::net::nft::session::install(&targets).map_err(|e| e.to_string())?;
    crate::net::nft::sysctl("net/ipv4/ip_forward", "1").map_err(|e| e.to_string())
}

/// Stops helper `pid` if it is still the process started at `start`.
pub fn stop(pid: i32, start: u64) {
    if crate::container::proc_start_time(pid) == Some(start) {
        if let Some(p) = rustix::process::Pid::from_raw(pid) {
            let _ = rustix::process::kill_process(p, rustix::process::Signal::TERM);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip() {
        for m in [Mode::Userstack, Mode::Pasta, Mode::Slirp4netns] {
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
        assert_eq!(Mode::parse("tap"), None);
    }

    #[test]
    fn the_default_route_is_read_from_proc() {
        let gw = u32::from_ne_bytes([192, 0, 2, 1]);
        let text = format!(
            "Iface\tDestination\tGateway\tFlags\n\
             tug0\t000011AC\t00000000\t0001\n\
             eth0\t00000000\t{gw:08X}\t0003\n"
        );
        assert_eq!(
            parse_default_route(&text),
            Some(("eth0".to_string(), Ipv4Addr::new(192, 0, 2, 1)))
        );
        assert_eq!(parse_default_route("Iface\tDestination\n"), None);
    }
}
