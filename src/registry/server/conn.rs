//! The accept loop: at most `max_connections` connections at once (the
//! rest wait in the kernel's listen queue until one ends), every connection
//! under the header, idle and body time limits, and no exit or busy loop
//! when `accept` runs out of descriptors (it backs off and tries again).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::timeouts::{Busy, IdleIo, TimedBody};
use super::zerocopy::{ZeroCopy, ZeroCopyTcp};

/// How long clients may take, and how many may be connected.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From when a connection is ready for a request (a new connection, or
    /// a kept-alive one after its last response) until that request's
    /// headers are complete; also bounds a TLS handshake.
    pub header_timeout: Duration,
    /// No byte moved either way while no handler was working on the
    /// connection (a client that stops reading a response included).
    pub idle_timeout: Duration,
    /// No progress on a request body.
    pub body_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

/// The most a connection's read buffer holds.
const READ_BUF: usize = 64 * 1024;

/// Descriptors kept free for the store's files and the runtime.
const FD_MARGIN: u64 = 64;

/// The connection bound when none is given: below the descriptor limit,
/// leaving one more descriptor per connection for the blob or upload file
/// it may have open, and at most 1024.
pub fn default_max_connections() -> usize {
    let soft = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(1024);
    (soft.saturating_sub(FD_MARGIN) / 2).clamp(8, 1024) as usize
}

/// `accept` failed because a resource ran out: waiting helps, exiting
/// or retrying at once does not.
fn exhausted(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// Accepts connections until the process ends.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    limits: Limits,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut last_warning: Option<tokio::time::Instant> = None;
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (tcp, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) if exhausted(&e) => {
                let now = tokio::time::Instant::now();
                if last_warning.is_none_or(|t| now - t > Duration::from_secs(10)) {
                    eprintln!("tug registry-serve: accepting a connection: {e}; retrying");
                    last_warning = Some(now);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            // The peer went away before we took it (ECONNABORTED...).
            Err(_) => continue,
        };
        let (router, tls, limits) = (router.clone(), tls.clone(), limits.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let busy = Busy::default();
            match tls {
                None => {
                    let zc = ZeroCopy::default();
                    let tcp = ZeroCopyTcp::new(tcp, zc.clone());
                    let io = IdleIo::new(tcp, limits.idle_timeout, busy.clone());
                    connection(io, peer, router, busy, Some(zc), &limits).await
                }
                Some(acceptor) => {
                    let io = IdleIo::new(tcp, limits.idle_timeout, busy.clone());
                    let handshake = acceptor.accept(io);
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(limits.header_timeout, handshake).await
                    {
                        connection(stream, peer, router, busy, None, &limits).await;
                    }
                }
            }
        });
    }
}

/// Serves HTTP/1.1 on one connection; with `zc` (plain TCP), blob bodies
/// may be sent zero-copy.
async fn connection<IO>(
    io: IO,
    peer: SocketAddr,
    router: Router,
    busy: Busy,
    zc: Option<ZeroCopy>,
    limits: &Limits,
) where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let body_timeout = limits.body_timeout;
    let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let router = router.clone();
        let guard = busy.enter();
        let mut req = req.map(|b| Body::new(TimedBody::new(b, body_timeout)));
        req.extensions_mut().insert(ConnectInfo(peer));
        if let Some(zc) = &zc {
            req.extensions_mut().insert(zc.clone());
        }
        async move {
            let resp = tower::ServiceExt::oneshot(router, req).await;
            drop(guard);
            resp
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // Queued body frames keep their addresses, as zero-copy needs.
        .writev(true)
        // hyper's read buffer grows to this (default ~400 KiB): bounded
        // small, a hundred uploading clients hold a few MiB, not 40.
        .max_buf_size(READ_BUF)
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(io), svc)
        .await;
}
