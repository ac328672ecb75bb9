//! Per-request bounds, as one axum layer over every route (`server.rs` adds it to the
//! whole router, fallback included):
//!
//! - A request whose declared `Content-Length` exceeds the body limit is answered 413
//!   before a byte of its body is read. axum's `DefaultBodyLimit` only counts bytes as
//!   they arrive, so a client declaring 99 GB used to be waited on.
//! - The body is wrapped so that once `body_timeout` has passed since the headers, a
//!   read of a body not yet complete fails; the request is then answered 408 with
//!   `Connection: close`, whatever the handler made of the failed read.
//! - A REST request still running after `request_timeout` is dropped (its future, and
//!   so its queries, are cancelled) and answered 503. `/graphql` is left to its own
//!   `[graphql] timeout`, which answers in GraphQL's shape, and its WebSocket upgrade
//!   is long-lived by design.
//!
//! - The bodies of all requests in flight share one budget ([`BodyBudget`]): a body
//!   that would take the total past it is refused with 503 and `Retry-After`. Each body
//!   is bounded by `max_body_bytes` and the connections by `max_connections`, but their
//!   product (16 GiB at the defaults) is no bound at all for clients that send most of a
//!   body quickly and then stall; the budget keeps buffered bodies to a fixed amount.
//!
//! Every refusal uses the API's JSON error shape (`api::error`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::api::error::ApiError;
use crate::metrics::Metrics;

/// What the layer enforces.
#[derive(Clone)]
pub struct Deadlines {
    /// See [`super::conn::HttpLimits::body_timeout`].
    pub body_timeout: Duration,
    /// See [`super::conn::HttpLimits::request_timeout`].
    pub request_timeout: Duration,
    /// The body limit `DefaultBodyLimit` applies (`max_body_bytes`).
    pub max_body_bytes: usize,
    /// Refusals are counted under `weft_rejected_total`.
    pub metrics: Arc<Metrics>,
    /// What the bodies in flight may hold together.
    pub budget: Arc<BodyBudget>,
}

/// Bytes of request bodies read and not yet released, shared by every request.
#[derive(Debug)]
pub struct BodyBudget {
    used: AtomicUsize,
    limit: usize,
}

impl BodyBudget {
    /// 256 MiB, or four of the largest bodies when that is more: far above what real
    /// producers keep in flight (32 concurrent 10 KB events are 320 KB), far below the
    /// machine.
    pub fn for_body_limit(max_body_bytes: usize) -> BodyBudget {
        BodyBudget {
            used: AtomicUsize::new(0),
            limit: (256 << 20).max(max_body_bytes.saturating_mul(4)),
        }
    }

    /// Takes `n` bytes, or refuses without taking any.
    fn take(&self, n: usize) -> bool {
        let before = self.used.fetch_add(n, Ordering::SeqCst);
        if before.saturating_add(n) > self.limit {
            self.used.fetch_sub(n, Ordering::SeqCst);
            return false;
        }
        true
    }
}

/// Gives a request's bytes back to the budget when the request ends, however it ends
/// (answered, timed out, or dropped because the client went away).
struct Release {
    budget: Arc<BodyBudget>,
    taken: Arc<AtomicUsize>,
}

impl Drop for Release {
    fn drop(&mut self) {
        self.budget
            .used
            .fetch_sub(self.taken.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// The layer's function: see the module's documentation.
pub async fn enforce(State(d): State<Deadlines>, req: Request, next: Next) -> Response {
    if let Some(declared) = declared_length(&req)
        && declared > d.max_body_bytes as u64
    {
        d.metrics.rejected("too_large");
        return closing(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body declares {declared} bytes; the limit is {} bytes",
                d.max_body_bytes
            ),
        ));
    }
    let progress = Arc::new(AtomicU8::new(
        if http_body::Body::is_end_stream(req.body()) {
            DONE
        } else {
            UNREAD
        },
    ));
    let deadline = Instant::now() + d.body_timeout;
    let watched = progress.clone();
    let release = Release {
        budget: d.budget.clone(),
        taken: Arc::new(AtomicUsize::new(0)),
    };
    let (budget, taken) = (release.budget.clone(), release.taken.clone());
    let req = req.map(|inner| {
        Body::new(DeadlineBody {
            inner,
            deadline,
            sleep: None,
            progress: watched,
            budget,
            taken,
        })
    });
    let over_budget = || {
        d.metrics.rejected("busy");
        let mut resp = closing(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many request bodies in flight; retry shortly",
        ));
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        resp
    };
    let body_late = || {
        d.metrics.rejected("body_timeout");
        closing(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request body did not arrive within {:?} of its headers",
                d.body_timeout
            ),
        ))
    };
    if req.uri().path() == "/graphql" {
        let resp = next.run(req).await;
        drop(release);
        return match progress.load(Ordering::SeqCst) {
            EXPIRED => body_late(),
            OVER_BUDGET => over_budget(),
            _ => resp,
        };
    }
    let outcome = tokio::time::timeout(d.request_timeout, next.run(req)).await;
    drop(release);
    match outcome {
        Ok(_) if progress.load(Ordering::SeqCst) == EXPIRED => body_late(),
        Ok(_) if progress.load(Ordering::SeqCst) == OVER_BUDGET => over_budget(),
        Ok(resp) => resp,
        // Still waiting on the body: the client's fault, not the server's.
        Err(_) if matches!(progress.load(Ordering::SeqCst), READING | EXPIRED) => body_late(),
        Err(_) => {
            d.metrics.rejected("timeout");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the request ran longer than {:?} and was stopped",
                    d.request_timeout
                ),
            )
            .into_response()
        }
    }
}

/// The `Content-Length` the client declared, if any (hyper has already refused a
/// malformed one).
fn declared_length(req: &Request) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The error as a response that also closes the connection: the rest of the body may
/// still be on its way, and is not worth reading.
fn closing(e: ApiError) -> Response {
    let mut resp = e.into_response();
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// [`DeadlineBody::progress`] values.
const UNREAD: u8 = 0;
const READING: u8 = 1;
const DONE: u8 = 2;
const EXPIRED: u8 = 3;
const OVER_BUDGET: u8 = 4;

/// A request body that fails once its deadline passes before it is complete, and tells
/// the layer how far it got.
struct DeadlineBody {
    inner: Body,
    deadline: Instant,
    /// Armed the first time the body waits on the client.
    sleep: Option<Pin<Box<Sleep>>>,
    progress: Arc<AtomicU8>,
    /// The shared budget, and what this request has taken from it.
    budget: Arc<BodyBudget>,
    taken: Arc<AtomicUsize>,
}

/// Why a deadline-bound body failed.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The deadline passed before the body was complete.
    #[error("the request body did not arrive in time")]
    TooSlow,
    /// The bodies in flight already hold the whole budget.
    #[error("too many request bodies in flight")]
    Busy,
    /// The body itself failed (the client went away, a malformed chunk…).
    #[error(transparent)]
    Body(#[from] axum::Error),
}

impl DeadlineBody {
    fn expire(&self) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        self.progress.store(EXPIRED, Ordering::SeqCst);
        Poll::Ready(Some(Err(BodyError::TooSlow)))
    }
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = &mut *self;
        match this.progress.load(Ordering::SeqCst) {
            EXPIRED => return this.expire(),
            OVER_BUDGET => return Poll::Ready(Some(Err(BodyError::Busy))),
            UNREAD => this.progress.store(READING, Ordering::SeqCst),
            _ => {}
        }
        // Checked before reading too: a client trickling a byte at a time never lets
        // the read wait long enough for the timer alone to catch it.
        if Instant::now() >= this.deadline && !this.inner.is_end_stream() {
            return this.expire();
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(None) => {
                this.progress.store(DONE, Ordering::SeqCst);
                Poll::Ready(None)
            }
            Poll::Ready(Some(frame)) => {
                if let Ok(data) = frame.as_ref().map(|f| f.data_ref().map_or(0, Bytes::len)) {
                    if !this.budget.take(data) {
                        this.progress.store(OVER_BUDGET, Ordering::SeqCst);
                        return Poll::Ready(Some(Err(BodyError::Busy)));
                    }
                    this.taken.fetch_add(data, Ordering::SeqCst);
                }
                if this.inner.is_end_stream() {
                    this.progress.store(DONE, Ordering::SeqCst);
                }
                Poll::Ready(Some(frame.map_err(BodyError::Body)))
            }
            Poll::Pending => {
                let deadline = this.deadline;
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if sleep.as_mut().poll(cx).is_ready() {
                    return this.expire();
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::conn::{HttpLimits, serve};
    use axum::Router;
    use axum::routing::{get, post};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    /// Serves `app` under the layer with these timeouts; the address and a stop switch.
    async fn start(
        app: Router,
        body_timeout: Duration,
        request_timeout: Duration,
    ) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let budget = BodyBudget::for_body_limit(1024);
        start_with_budget(app, body_timeout, request_timeout, budget).await
    }

    async fn start_with_budget(
        app: Router,
        body_timeout: Duration,
        request_timeout: Duration,
        budget: BodyBudget,
    ) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let d = Deadlines {
            body_timeout,
            request_timeout,
            max_body_bytes: 1024,
            metrics: Arc::new(Metrics::default()),
            budget: Arc::new(budget),
        };
        let app = app.layer(axum::middleware::from_fn_with_state(d, enforce));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, app, HttpLimits::default(), async move {
            let _ = stopped.await;
        }));
        (addr, stop)
    }

    /// Sends `head`, then `body` one byte every `gap`; everything the server answers.
    async fn exchange(
        addr: std::net::SocketAddr,
        head: &str,
        body: &[u8],
        gap: Duration,
    ) -> String {
        let mut c = TcpStream::connect(addr).await.expect("connect");
        c.write_all(head.as_bytes()).await.expect("write");
        for b in body {
            tokio::time::sleep(gap).await;
            if c.write_all(&[*b]).await.is_err() {
                break;
            }
        }
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(20), c.read_to_end(&mut out)).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn a_rest_request_past_its_time_is_stopped_with_503_and_graphql_is_left_alone() {
        let app = Router::new()
            .route(
                "/api/v1/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                    "done"
                }),
            )
            .route(
                "/graphql",
                get(|| async {
                    tokio::time::sleep(Duration::from_millis(800)).await;
                    "graphql keeps its own timeout"
                }),
            );
        let (addr, _stop) = start(app, Duration::from_secs(30), Duration::from_millis(300)).await;
        let slow = exchange(
            addr,
            "GET /api/v1/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            b"",
            Duration::ZERO,
        )
        .await;
        assert!(slow.starts_with("HTTP/1.1 503"), "{slow}");
        assert!(
            slow.contains(r#"{"error":"the request ran longer than"#),
            "{slow}"
        );
        let gql = exchange(
            addr,
            "GET /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            b"",
            Duration::ZERO,
        )
        .await;
        assert!(gql.starts_with("HTTP/1.1 200"), "{gql}");
    }

    #[tokio::test]
    async fn a_trickling_body_is_cut_at_the_deadline_and_a_prompt_one_is_served() {
        let app = Router::new().route("/echo", post(|body: Bytes| async move { body }));
        let (addr, _stop) = start(app, Duration::from_millis(500), Duration::from_secs(30)).await;
        let head =
            "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 40\r\n\r\n";
        let late = exchange(addr, head, &[b'a'; 40], Duration::from_millis(50)).await;
        assert!(late.starts_with("HTTP/1.1 408"), "{late}");
        assert!(late.contains("connection: close"), "{late}");
        let prompt = exchange(addr, head, &[b'a'; 40], Duration::ZERO).await;
        assert!(prompt.starts_with("HTTP/1.1 200"), "{prompt}");
        assert!(prompt.ends_with(&"a".repeat(40)), "{prompt}");
        let big = exchange(
            addr,
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n",
            b"",
            Duration::ZERO,
        )
        .await;
        assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    }

    #[tokio::test]
    async fn bodies_in_flight_share_one_budget_and_give_it_back() {
        let app = Router::new().route("/echo", post(|body: Bytes| async move { body }));
        let budget = BodyBudget {
            used: AtomicUsize::new(0),
            limit: 50,
        };
        let (addr, _stop) = start_with_budget(
            app,
            Duration::from_millis(800),
            Duration::from_secs(30),
            budget,
        )
        .await;
        let head =
            "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 40\r\n\r\n";
        // One client sends 30 of its 40 bytes and stalls, holding them.
        let mut stalled = TcpStream::connect(addr).await.expect("connect");
        stalled.write_all(head.as_bytes()).await.expect("write");
        stalled.write_all(&[b'a'; 30]).await.expect("write");
        tokio::time::sleep(Duration::from_millis(200)).await;
        // Another body of 40 would take the total to 70: refused, to be retried.
        let busy = exchange(addr, head, &[b'b'; 40], Duration::ZERO).await;
        assert!(busy.starts_with("HTTP/1.1 503"), "{busy}");
        assert!(busy.contains("retry-after: 1"), "{busy}");
        // Once the stalled one is cut at its deadline, its bytes are given back.
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), stalled.read_to_end(&mut out)).await;
        assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 408"));
        let served = exchange(addr, head, &[b'c'; 40], Duration::ZERO).await;
        assert!(served.starts_with("HTTP/1.1 200"), "{served}");
        // And answered requests give theirs back too: two in a row fit.
        let again = exchange(addr, head, &[b'd'; 40], Duration::ZERO).await;
        assert!(again.starts_with("HTTP/1.1 200"), "{again}");
    }
}
