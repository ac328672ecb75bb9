//! The accept loop under `weft serve`: hyper's HTTP/1 server driven directly, because
//! `axum::serve` exposes none of the settings that bound a hostile client.
//!
//! - A client that has not sent complete request headers within `header_read_timeout`
//!   is disconnected (hyper's header timer; since the timer runs whenever hyper waits
//!   for a request head, it also closes a keep-alive connection idle that long).
//! - At most `max_connections` connections are open at once. At the cap the loop stops
//!   accepting: new clients *wait* in the kernel's listen backlog until a connection
//!   closes, rather than being accepted and dropped, so a burst just past the cap is
//!   served late instead of refused, and a flood of stalled clients costs the process
//!   neither file descriptors nor memory beyond the cap. The slot is held by the socket
//!   itself, so an upgraded WebSocket counts until it closes.
//! - On shutdown the loop stops accepting (the listener is closed), asks every
//!   connection to finish its in-flight request and close, waits at most
//!   `shutdown_grace`, then cuts every socket still open — upgraded WebSockets too,
//!   whose tasks would otherwise keep the writer (and so the process) alive.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

/// How the HTTP server bounds its clients (the `[http]` table of `weft.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Longest a client may take to send a request's headers (and longest an idle
    /// keep-alive connection is kept).
    pub header_read_timeout: Duration,
    /// Longest a request's body may take to arrive, counted from its headers.
    pub body_timeout: Duration,
    /// Longest a REST request may run, body included (GraphQL has `[graphql] timeout`).
    pub request_timeout: Duration,
    /// Most connections open at once; past it new clients wait to be accepted.
    pub max_connections: usize,
    /// How long shutdown waits for in-flight requests before closing their connections.
    pub shutdown_grace: Duration,
}

impl Default for HttpLimits {
    /// 10 s for headers: a real client sends them in one packet, so ten seconds only
    /// ever waits on a broken or hostile one. 30 s for a body: 16 MiB (the body limit)
    /// at a slow 4 Mbit/s. 30 s per REST request, as GraphQL's default. 1024
    /// connections: far more than the catalog's clients, far fewer than the default
    /// descriptor limit. 10 s of grace: under the 30 s orchestrators give between
    /// SIGTERM and SIGKILL, leaving time for the writer to drain.
    fn default() -> Self {
        HttpLimits {
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops as the module says;
/// returns once every connection is closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    // `stopping`: finish the request in flight, then close. `kill`: close now.
    let (stopping_tx, stopping) = watch::channel(false);
    let (kill_tx, kill) = watch::channel(false);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let mut conns = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let next = async {
            // A slot first: at the cap, nothing is accepted until a connection closes.
            let slot = slots.clone().acquire_owned().await;
            (slot, listener.accept().await)
        };
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            (slot, accepted) = next => {
                let Ok(slot) = slot else { break };
                match accepted {
                    Ok((stream, _)) => {
                        let io = TokioIo::new(Guarded::new(stream, slot, kill.clone()));
                        let conn = builder
                            .serve_connection(io, TowerToHyperService::new(app.clone()))
                            .with_upgrades();
                        conns.spawn(run_connection(conn, stopping.clone()));
                    }
                    Err(e) if is_per_connection(&e) => {}
                    Err(e) => {
                        // Out of descriptors or similar: wait rather than spin.
                        tracing::warn!(error = %e, "accepting a connection failed; retrying in 1 s");
                        tokio::select! {
                            () = tokio::time::sleep(Duration::from_secs(1)) => {}
                            () = &mut shutdown => break,
                        }
                    }
                }
            }
        }
    }
    drop(listener);
    tracing::info!(
        open = conns.len(),
        grace = ?limits.shutdown_grace,
        "stopped accepting; finishing in-flight requests"
    );
    let _ = stopping_tx.send(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while conns.join_next().await.is_some() {}
    })
    .await
    .is_ok();
    if !drained {
        tracing::warn!(
            open = conns.len(),
            "grace period over: closing the connections still open"
        );
    }
    let _ = kill_tx.send(true);
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

/// Drives one connection; when `stopping` turns true, lets hyper finish the request in
/// flight and close (an idle connection closes at once).
async fn run_connection<C>(conn: C, mut stopping: watch::Receiver<bool>)
where
    C: Future<Output = Result<(), hyper::Error>> + GracefulShutdown,
{
    tokio::pin!(conn);
    let result = tokio::select! {
        r = conn.as_mut() => r,
        // (A dropped sender means the loop is gone: stop too.)
        () = async { let _ = stopping.wait_for(|s| *s).await; } => {
            conn.as_mut().start_shutdown();
            conn.await
        }
    };
    if let Err(e) = result {
        // Clients that time out, reset or vanish are routine, not the server's fault.
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// hyper's connections' `graceful_shutdown`, named so `run_connection` is generic.
trait GracefulShutdown {
    fn start_shutdown(self: Pin<&mut Self>);
}

impl<I, S, B> GracefulShutdown for http1::UpgradeableConnection<I, S>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    B: hyper::body::Body + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn start_shutdown(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

/// Errors of one incoming connection (it was reset before we accepted it); the listener
/// itself is fine.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A client socket that holds one connection slot for as long as it lives (through a
/// WebSocket upgrade too), and fails every read and write once the server kills it.
struct Guarded {
    stream: TcpStream,
    killed: Pin<Box<dyn Future<Output = ()> + Send>>,
    dead: bool,
    _slot: OwnedSemaphorePermit,
}

impl Guarded {
    fn new(stream: TcpStream, slot: OwnedSemaphorePermit, mut kill: watch::Receiver<bool>) -> Self {
        Guarded {
            stream,
            // A dropped sender (the accept loop is gone) kills as well.
            killed: Box::pin(async move {
                let _ = kill.wait_for(|k| *k).await;
            }),
            dead: false,
            _slot: slot,
        }
    }

    /// Err once killed; otherwise registers the task to be woken by the kill.
    fn alive(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        if !self.dead && self.killed.as_mut().poll(cx).is_ready() {
            self.dead = true;
        }
        if self.dead {
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the server is stopping",
            ))
        } else {
            Ok(())
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Err(e) = self.alive(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.alive(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.alive(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.alive(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Sets its flag when dropped: shows a handler's future was dropped.
    struct DropFlag(Arc<AtomicBool>);
    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// Serves `app` under `limits`; its address, a client that has sent `GET /slow`, the
    /// switch that stops the server, and the server's task.
    async fn serve_slow(
        app: Router,
        limits: HttpLimits,
    ) -> (
        std::net::SocketAddr,
        TcpStream,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, app, limits, async move {
            let _ = stop_rx.await;
        }));
        let mut client = TcpStream::connect(addr).await.expect("connect");
        client
            .write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        (addr, client, stop_tx, server)
    }

    /// A client that sends a request and leaves stops the handler working on it: hyper
    /// watches for EOF while the handler runs, and the accept loop lets it drop the
    /// handler's future.
    #[tokio::test]
    async fn a_client_that_leaves_cancels_its_request() {
        let dropped = Arc::new(AtomicBool::new(false));
        let started = Arc::new(tokio::sync::Notify::new());
        let (d, s) = (dropped.clone(), started.clone());
        let app = Router::new().route(
            "/slow",
            axum::routing::get(move || {
                let (d, s) = (d.clone(), s.clone());
                async move {
                    let _flag = DropFlag(d);
                    s.notify_one();
                    tokio::time::sleep(Duration::from_secs(600)).await;
                    "done"
                }
            }),
        );
        let (_, client, stop_tx, server) = serve_slow(app, HttpLimits::default()).await;
        started.notified().await;
        drop(client);
        tokio::time::timeout(Duration::from_secs(10), async {
            while !dropped.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("the handler is dropped once its client leaves");
        let _ = stop_tx.send(());
        server.await.expect("server stops");
    }

    /// Shutdown lets a request in flight finish within the grace period, and closes
    /// the listener at once.
    #[tokio::test]
    async fn shutdown_lets_a_request_in_flight_finish() {
        let app = Router::new().route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_millis(500)).await;
                "done"
            }),
        );
        let (addr, mut client, stop_tx, server) = serve_slow(app, HttpLimits::default()).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = stop_tx.send(());
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), client.read_to_end(&mut answer))
            .await
            .expect("answered, then closed")
            .expect("read");
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("done"), "{answer}");
        tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("serve returns once the request is done")
            .expect("no panic");
        assert!(
            TcpStream::connect(addr).await.is_err(),
            "no new connection after shutdown"
        );
    }

    /// Shutdown waits the grace period for a request that does not finish, then cuts
    /// its connection and returns.
    #[tokio::test]
    async fn shutdown_cuts_what_outlives_the_grace_period() {
        let app = Router::new().route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(600)).await;
                "done"
            }),
        );
        let limits = HttpLimits {
            shutdown_grace: Duration::from_millis(300),
            ..HttpLimits::default()
        };
        let (_, mut client, stop_tx, server) = serve_slow(app, limits).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let _ = stop_tx.send(());
        tokio::time::timeout(Duration::from_secs(30), server)
            .await
            .expect("serve returns after the grace period")
            .expect("no panic");
        let mut rest = Vec::new();
        let n = tokio::time::timeout(Duration::from_secs(10), client.read_to_end(&mut rest))
            .await
            .expect("the connection is closed");
        if let Ok(n) = n {
            assert_eq!(
                n,
                0,
                "no answer expected: {:?}",
                String::from_utf8_lossy(&rest)
            );
        }
    }
}
