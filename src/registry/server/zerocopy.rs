//! Zero-copy blob bodies on plain-TCP connections: the kernel sends a blob
//! file's bytes to the socket (`sendfile`), they never pass through the
//! process. hyper still frames the response (headers, Content-Length,
//! keep-alive), so the body hands it placeholder frames that point into a
//! static region nobody reads (`PLACEHOLDER`), and the connection's socket
//! (`ZeroCopyTcp`) sends that many bytes of the blob file wherever hyper
//! writes placeholder bytes. The jobs queue in response order, as hyper
//! writes responses in order. Under TLS none of this is used: bytes are
//! encrypted in the process anyway.

use std::collections::VecDeque;
use std::fs::File;
use std::io::IoSlice;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use hyper::body::{Body as HttpBody, Bytes, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::TcpStream;

/// Stands for blob bytes in the frames hyper writes; never read (the
/// socket sends file bytes in its place), so it costs no memory.
static PLACEHOLDER: [u8; 1 << 20] = [0; 1 << 20];

fn is_placeholder(b: &[u8]) -> bool {
    let start = PLACEHOLDER.as_ptr() as usize;
    let p = b.as_ptr() as usize;
    !b.is_empty() && p >= start && p + b.len() <= start + PLACEHOLDER.len()
}

/// A file range to send where placeholder bytes are written.
struct Job {
    file: File,
    offset: u64,
    left: u64,
}

/// The jobs of one connection, shared by its socket and its responses.
#[derive(Clone, Default)]
pub struct ZeroCopy(Arc<Mutex<VecDeque<Job>>>);

impl ZeroCopy {
    fn jobs(&self) -> std::sync::MutexGuard<'_, VecDeque<Job>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A body of `len` bytes of `file` from `offset`, sent by the kernel.
    pub fn body(&self, file: File, offset: u64, len: u64) -> axum::body::Body {
        axum::body::Body::new(FileBody {
            zc: self.clone(),
            job: Some(Job {
                file,
                offset,
                left: len,
            }),
            left: len,
        })
    }
}

/// Placeholder frames for `left` bytes; queues its job when first polled
/// (responses are polled in the order they are written).
struct FileBody {
    zc: ZeroCopy,
    job: Option<Job>,
    left: u64,
}

impl HttpBody for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(job) = this.job.take().filter(|j| j.left > 0) {
            this.zc.jobs().push_back(job);
        }
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let n = this.left.min(PLACEHOLDER.len() as u64) as usize;
        this.left -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&PLACEHOLDER[..n])))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

/// A TCP socket that sends file bytes where placeholder bytes are written.
pub struct ZeroCopyTcp {
    tcp: TcpStream,
    zc: ZeroCopy,
}

impl ZeroCopyTcp {
    pub fn new(tcp: TcpStream, zc: ZeroCopy) -> ZeroCopyTcp {
        ZeroCopyTcp { tcp, zc }
    }

    /// Sends up to `n` bytes of the first job's file.
    fn poll_send_file(&mut self, cx: &mut Context<'_>, n: usize) -> Poll<std::io::Result<usize>> {
        loop {
            std::task::ready!(self.tcp.poll_write_ready(cx))?;
            let zc = self.zc.clone();
            let tcp = &self.tcp;
            let r = tcp.try_io(Interest::WRITABLE, || {
                let mut jobs = zc.jobs();
                let job = jobs.front_mut().ok_or_else(|| {
                    std::io::Error::other("zero-copy body bytes without a file to send")
                })?;
                let count = (n as u64).min(job.left) as usize;
                let sent = rustix::fs::sendfile(tcp, &job.file, Some(&mut job.offset), count)?;
                if sent == 0 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "blob file ended early",
                    ));
                }
                job.left -= sent as u64;
                if job.left == 0 {
                    jobs.pop_front();
                }
                Ok(sent)
            });
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                r => return Poll::Ready(r),
            }
        }
    }
}

impl AsyncRead for ZeroCopyTcp {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for ZeroCopyTcp {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        if is_placeholder(data) {
            return this.poll_send_file(cx, data.len());
        }
        Pin::new(&mut this.tcp).poll_write(cx, data)
    }

    /// Writes the ordinary slices before the first placeholder, or sends
    /// file bytes for a placeholder that comes first.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let Some(i) = bufs.iter().position(|b| !b.is_empty()) else {
            return Poll::Ready(Ok(0));
        };
        if is_placeholder(&bufs[i]) {
            return this.poll_send_file(cx, bufs[i].len());
        }
        let end = bufs[i..]
            .iter()
            .position(|b| is_placeholder(b))
            .map_or(bufs.len(), |j| i + j);
        Pin::new(&mut this.tcp).poll_write_vectored(cx, &bufs[i..end])
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}
