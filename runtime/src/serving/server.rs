//! The built-in `/metrics` endpoint: hyper's HTTP/1 server on one background thread.
//!
//! One thread named `metricsmith-http` runs a tokio current-thread runtime; every
//! connection is a task driving a hyper HTTP/1 connection, so all HTTP parsing is
//! hyper's. The listener is bound on the caller's thread, so a taken port is an error
//! from [`serve`] rather than a message from a thread nobody watches.
//!
//! Hardening, all configurable through [`ServeOptions`]:
//! - at most `max_connections` connections are open at once; further clients wait in
//!   the kernel's listen backlog until one closes (they are not accepted, so they are
//!   not dropped either);
//! - a client must send its whole request head within `header_read_timeout`, which
//!   hyper also applies to an idle keep-alive connection waiting for its next request;
//! - a request head larger than `max_header_bytes` gets `431` and the connection closes;
//! - a connection on which no byte moves in either direction for `idle_timeout` (a
//!   client that stops reading its response, or trickles a body) is closed;
//! - with [`ServeOptions::with_bearer_token`] or [`ServeOptions::with_basic_auth`], every
//!   request without the right `Authorization` header gets `401`, whatever its path or
//!   method; the secret is compared in constant time.

use std::convert::Infallible;
use std::fmt;
use std::future::{poll_fn, ready, Future};
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::{pin, Pin};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use subtle::ConstantTimeEq;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::{Instant, Sleep};

use super::service::plain;

/// The path that serves metrics; everything else is `404`.
const METRICS_PATH: &str = "/metrics";

/// How long in-flight responses get to finish after shutdown begins; connections still
/// open after that are dropped with the runtime.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// How long [`Server::shutdown`] and dropping a [`Server`] wait for the thread. The
/// thread ends within [`SHUTDOWN_GRACE`] by construction; this bound only guarantees
/// that a bug can never turn a drop into a hang.
const JOIN_TIMEOUT: Duration = Duration::from_secs(3);

/// How long to pause after a failed `accept` (e.g. out of file descriptors), so a
/// persistent error does not spin the thread.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// hyper's smallest allowed read buffer; `max_buf_size` panics below it.
const MIN_HEADER_BYTES: usize = 8 * 1024;

/// Starts the metrics endpoint on `addr` with default [`ServeOptions`].
///
/// Serves `GET /metrics` (and `HEAD`) in the format negotiated from the `Accept` header
/// (see [`render_for_accept`](crate::render_for_accept)) from a background thread
/// named `metricsmith-http`, until the returned [`Server`] is shut down or dropped:
/// keep the handle alive for as long as the endpoint should run.
///
/// Loopback by default: metrics can reveal more than intended, so an endpoint without
/// authentication only listens on loopback addresses such as `127.0.0.1:9898` or
/// `[::1]:9898`. To let other hosts scrape, require credentials
/// ([`ServeOptions::with_bearer_token`], [`ServeOptions::with_basic_auth`]) or, when a
/// firewall or an authenticating proxy protects the port, say so with
/// [`ServeOptions::allow_unauthenticated_remote`]; then call [`serve_with`].
/// Port `0` picks a free port; see [`Server::local_addr`].
///
/// # Errors
///
/// [`ServeError::Resolve`] if `addr` does not resolve, [`ServeError::Unprotected`] if it
/// resolves to an address other hosts can reach and the endpoint has no credentials,
/// [`ServeError::Bind`] if the address cannot be listened on (for example, it is
/// already in use), and [`ServeError::Io`] if the runtime or its thread cannot be
/// started.
///
/// ```
/// let server = metricsmith::serve("127.0.0.1:0")?;
/// println!("serving metrics on http://{}/metrics", server.local_addr());
/// server.shutdown();
/// # Ok::<(), metricsmith::ServeError>(())
/// ```
pub fn serve(addr: impl ToSocketAddrs) -> Result<Server, ServeError> {
    serve_with(addr, ServeOptions::default())
}

/// Starts the metrics endpoint on `addr` with the given options; see [`serve`].
///
/// # Errors
///
/// As for [`serve`].
///
/// ```
/// use std::time::Duration;
/// use metricsmith::ServeOptions;
///
/// let options = ServeOptions::default()
///     .with_max_connections(8)
///     .with_header_read_timeout(Duration::from_secs(5));
/// let server = metricsmith::serve_with("127.0.0.1:0", options)?;
/// assert_ne!(server.local_addr().port(), 0);
/// server.shutdown();
/// # Ok::<(), metricsmith::ServeError>(())
/// ```
pub fn serve_with(addr: impl ToSocketAddrs, options: ServeOptions) -> Result<Server, ServeError> {
    let addrs: Vec<SocketAddr> = addr.to_socket_addrs().map_err(ServeError::Resolve)?.collect();
    if addrs.is_empty() {
        return Err(ServeError::Resolve(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address resolved to nothing",
        )));
    }
    let reachable: Vec<SocketAddr> =
        addrs.iter().copied().filter(|addr| !addr.ip().to_canonical().is_loopback()).collect();
    if !reachable.is_empty() && options.auth.is_none() && !options.allow_unauthenticated_remote {
        return Err(ServeError::Unprotected { addr: display_addrs(&reachable) });
    }
    let listener = std::net::TcpListener::bind(&addrs[..])
        .map_err(|source| ServeError::Bind { addr: display_addrs(&addrs), source })?;
    let local_addr = listener.local_addr().map_err(ServeError::Io)?;
    // tokio requires a non-blocking socket; `from_std` does not change the mode itself.
    listener.set_nonblocking(true).map_err(ServeError::Io)?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(ServeError::Io)?;
    let listener = {
        // Registering with the reactor needs the runtime's context, not its thread.
        let _context = runtime.enter();
        TcpListener::from_std(listener).map_err(ServeError::Io)?
    };

    let (stop_tx, stop_rx) = watch::channel(false);
    // Nothing is ever sent: the thread drops its end on exit (also when unwinding),
    // which is what lets the handle wait for it with a timeout.
    let (exited_tx, exited_rx) = mpsc::channel::<Infallible>();
    let thread = thread::Builder::new().name("metricsmith-http".into()).spawn(move || {
        let _exited = exited_tx;
        runtime.block_on(accept_loop(listener, options, stop_rx));
        // Dropping the runtime drops every remaining connection task, closing its socket.
        drop(runtime);
    });
    let thread = thread.map_err(ServeError::Io)?;

    Ok(Server { local_addr, stop: stop_tx, thread: Some(thread), exited: Mutex::new(exited_rx) })
}

fn display_addrs(addrs: &[SocketAddr]) -> String {
    addrs.iter().map(SocketAddr::to_string).collect::<Vec<_>>().join(", ")
}

/// Limits and timeouts of the metrics endpoint.
///
/// The defaults suit a Prometheus server scraping over a local network. Build from
/// [`ServeOptions::default`] with the `with_*` methods (new fields may be added, so
/// the struct cannot be written as a literal outside this crate).
///
/// ```
/// use std::time::Duration;
/// use metricsmith::ServeOptions;
///
/// let options = ServeOptions::default().with_idle_timeout(Duration::from_secs(10));
/// assert_eq!(options.max_connections, 64);
/// assert_eq!(options.idle_timeout, Duration::from_secs(10));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServeOptions {
    /// Connections open at once (default 64; `0` counts as 1). A client beyond the
    /// limit is not accepted: it waits in the kernel's listen backlog until a
    /// connection closes, or until its own timeout.
    pub max_connections: usize,
    /// How long a client has to send a complete request head, counted from the
    /// connection's start or, on a keep-alive connection, from the end of the previous
    /// response (default 10 s). The connection is closed when it runs out.
    pub header_read_timeout: Duration,
    /// The largest request head (request line and headers) accepted, in bytes
    /// (default 8 KiB, which is also the smallest value honoured). A larger one is
    /// answered with `431 Request Header Fields Too Large` and the connection closes.
    pub max_header_bytes: usize,
    /// How long a connection may go without a byte moving in either direction, for
    /// example while the client stops reading its response (default 30 s).
    pub idle_timeout: Duration,
    /// The credentials every request must carry (default none: no authentication).
    pub auth: Option<Credentials>,
    /// Whether an endpoint without [`auth`](ServeOptions::auth) may listen on an
    /// address other hosts can reach (default `false`: only loopback); see
    /// [`allow_unauthenticated_remote`](ServeOptions::allow_unauthenticated_remote).
    pub allow_unauthenticated_remote: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            max_connections: 64,
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 8 * 1024,
            idle_timeout: Duration::from_secs(30),
            auth: None,
            allow_unauthenticated_remote: false,
        }
    }
}

impl ServeOptions {
    /// Sets [`max_connections`](ServeOptions::max_connections).
    ///
    /// ```
    /// let options = metricsmith::ServeOptions::default().with_max_connections(4);
    /// assert_eq!(options.max_connections, 4);
    /// ```
    #[must_use]
    pub fn with_max_connections(mut self, max_connections: usize) -> Self {
        self.max_connections = max_connections;
        self
    }

    /// Sets [`header_read_timeout`](ServeOptions::header_read_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = metricsmith::ServeOptions::default().with_header_read_timeout(Duration::from_secs(2));
    /// assert_eq!(options.header_read_timeout, Duration::from_secs(2));
    /// ```
    #[must_use]
    pub fn with_header_read_timeout(mut self, header_read_timeout: Duration) -> Self {
        self.header_read_timeout = header_read_timeout;
        self
    }

    /// Sets [`max_header_bytes`](ServeOptions::max_header_bytes).
    ///
    /// ```
    /// let options = metricsmith::ServeOptions::default().with_max_header_bytes(16 * 1024);
    /// assert_eq!(options.max_header_bytes, 16 * 1024);
    /// ```
    #[must_use]
    pub fn with_max_header_bytes(mut self, max_header_bytes: usize) -> Self {
        self.max_header_bytes = max_header_bytes;
        self
    }

    /// Sets [`idle_timeout`](ServeOptions::idle_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = metricsmith::ServeOptions::default().with_idle_timeout(Duration::from_secs(5));
    /// assert_eq!(options.idle_timeout, Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn with_idle_timeout(mut self, idle_timeout: Duration) -> Self {
        self.idle_timeout = idle_timeout;
        self
    }

    /// Requires `Authorization: Bearer <token>` on every request (what Prometheus sends
    /// for `authorization: { credentials: <token> }` in a scrape config); others get
    /// `401 Unauthorized` with `WWW-Authenticate: Bearer`. The token is compared in
    /// constant time (timing can reveal its length, nothing else). An empty token
    /// matches no request.
    ///
    /// The endpoint speaks plain HTTP, so the token crosses the network in clear text:
    /// on anything but loopback, put a TLS-terminating proxy in front.
    ///
    /// ```
    /// let options = metricsmith::ServeOptions::default().with_bearer_token("s3cret-token");
    /// assert!(matches!(options.auth, Some(metricsmith::Credentials::Bearer(_))));
    /// // Debug output never shows the secret.
    /// assert!(!format!("{options:?}").contains("s3cret"));
    /// ```
    #[must_use]
    pub fn with_bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Credentials::Bearer(token.into()));
        self
    }

    /// Requires HTTP basic authentication (`Authorization: Basic`, what Prometheus sends
    /// for `basic_auth` in a scrape config) with this user and password on every request;
    /// others get `401 Unauthorized` with `WWW-Authenticate: Basic`. The credentials are
    /// compared in constant time. As with [`with_bearer_token`](Self::with_bearer_token),
    /// they cross the network in clear text.
    ///
    /// ```
    /// let options = metricsmith::ServeOptions::default().with_basic_auth("prometheus", "s3cret");
    /// assert!(format!("{options:?}").contains("prometheus"));
    /// assert!(!format!("{options:?}").contains("s3cret"));
    /// ```
    #[must_use]
    pub fn with_basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Credentials::Basic { user: user.into(), password: password.into() });
        self
    }

    /// Lets the endpoint listen without credentials on addresses other hosts can reach
    /// (`0.0.0.0:9898`, a LAN address, `[::]:9898`): for a port that a firewall, a
    /// network policy or an authenticating proxy already protects. Without it, such an
    /// address is refused with [`ServeError::Unprotected`].
    ///
    /// ```
    /// use metricsmith::{serve, serve_with, ServeError, ServeOptions};
    ///
    /// // Every interface, no credentials: refused unless asked for.
    /// assert!(matches!(serve("0.0.0.0:0"), Err(ServeError::Unprotected { .. })));
    ///
    /// let options = ServeOptions::default().allow_unauthenticated_remote();
    /// let server = serve_with("0.0.0.0:0", options)?;
    /// server.shutdown();
    /// # Ok::<(), ServeError>(())
    /// ```
    #[must_use]
    pub fn allow_unauthenticated_remote(mut self) -> Self {
        self.allow_unauthenticated_remote = true;
        self
    }
}

/// The credentials the endpoint requires; see [`ServeOptions::with_bearer_token`] and
/// [`ServeOptions::with_basic_auth`]. Its `Debug` output hides the secrets.
///
/// ```
/// use metricsmith::Credentials;
/// let credentials = Credentials::Basic { user: "prometheus".into(), password: "s3cret".into() };
/// assert_eq!(format!("{credentials:?}"), r#"Basic { user: "prometheus", password: <redacted> }"#);
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// `Authorization: Basic <base64 of user:password>`.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Credentials::Basic { user, .. } => write!(f, "Basic {{ user: {user:?}, password: <redacted> }}"),
        }
    }
}

/// Checks `Authorization` headers against [`Credentials`].
struct Gatekeeper {
    bearer: bool,
    /// The token, or `user:password`, as the client must send it (before base64).
    secret: Vec<u8>,
}

impl Gatekeeper {
    fn new(credentials: &Credentials) -> Self {
        match credentials {
            Credentials::Bearer(token) => Gatekeeper { bearer: true, secret: token.as_bytes().to_vec() },
            Credentials::Basic { user, password } => {
                Gatekeeper { bearer: false, secret: format!("{user}:{password}").into_bytes() }
            }
        }
    }

    /// Whether the request carries exactly one `Authorization` header with the secret.
    fn admits(&self, headers: &HeaderMap) -> bool {
        let mut values = headers.get_all(AUTHORIZATION).iter();
        let (Some(value), None) = (values.next(), values.next()) else { return false };
        let Some((scheme, presented)) = value.to_str().ok().and_then(|value| value.split_once(' ')) else {
            return false;
        };
        let presented = presented.trim_start_matches(' ');
        if self.bearer {
            scheme.eq_ignore_ascii_case("bearer")
                && !presented.is_empty()
                && bool::from(presented.as_bytes().ct_eq(&self.secret))
        } else {
            scheme.eq_ignore_ascii_case("basic")
                && base64::engine::general_purpose::STANDARD
                    .decode(presented)
                    .is_ok_and(|decoded| bool::from(decoded.ct_eq(&self.secret)))
        }
    }

    fn challenge(&self) -> Response<Full<Bytes>> {
        let mut response = plain(StatusCode::UNAUTHORIZED, "unauthorized\n");
        let challenge = if self.bearer {
            "Bearer realm=\"metrics\""
        } else {
            "Basic realm=\"metrics\", charset=\"UTF-8\""
        };
        response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        response
    }
}

/// A running metrics endpoint, as returned by [`serve`].
///
/// The endpoint runs until [`shutdown`](Server::shutdown) is called or the handle is
/// dropped, which does the same: stop listening, give in-flight responses up to a
/// second to finish, close the remaining connections and wait (boundedly) for the
/// thread to end. To serve for the whole life of the program, keep the handle in
/// `main` or leak it with [`std::mem::forget`].
///
/// ```
/// let server = metricsmith::serve("127.0.0.1:0")?;
/// let addr = server.local_addr();
/// assert!(std::net::TcpStream::connect(addr).is_ok());
/// drop(server); // same as server.shutdown()
/// # Ok::<(), metricsmith::ServeError>(())
/// ```
#[derive(Debug)]
#[must_use = "the endpoint shuts down when the `Server` handle is dropped"]
pub struct Server {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    thread: Option<thread::JoinHandle<()>>,
    // In a mutex only to make the handle `Sync` (e.g. for a static); never contended,
    // since it is used through `&mut self`.
    exited: Mutex<mpsc::Receiver<Infallible>>,
}

impl Server {
    /// The address the endpoint listens on, with the actual port when bound to port 0.
    ///
    /// ```
    /// let server = metricsmith::serve("127.0.0.1:0")?;
    /// let url = format!("http://{}/metrics", server.local_addr());
    /// assert!(url.starts_with("http://127.0.0.1:"));
    /// server.shutdown();
    /// # Ok::<(), metricsmith::ServeError>(())
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops the endpoint: no new connections are accepted (connecting is refused once
    /// this returns), in-flight responses get up to a second to finish, the remaining
    /// connections are closed, and the thread is joined. Returns within a few seconds
    /// in every case.
    ///
    /// ```
    /// let server = metricsmith::serve("127.0.0.1:0")?;
    /// let addr = server.local_addr();
    /// server.shutdown();
    /// assert!(std::net::TcpStream::connect(addr).is_err());
    /// # Ok::<(), metricsmith::ServeError>(())
    /// ```
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        let Some(thread) = self.thread.take() else { return };
        // Fails only if the thread already ended, which is what we want anyway.
        let _ = self.stop.send(true);
        let exited = self.exited.get_mut().unwrap_or_else(PoisonError::into_inner);
        match exited.recv_timeout(JOIN_TIMEOUT) {
            // The thread is past its last statement: joining cannot block for long. A
            // panic on it has nothing left to clean up, so its payload is discarded.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = thread.join();
            }
            // Never expected; detach rather than hang the caller.
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Ok(never) => match never {},
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Why the metrics endpoint could not start.
///
/// The messages already include the underlying I/O error, so
/// [`source`](std::error::Error::source) returns `None` rather than have error
/// reporters print it twice; match the variant to get at the [`io::Error`].
///
/// ```
/// let first = metricsmith::serve("127.0.0.1:0")?;
/// let taken = first.local_addr();
/// match metricsmith::serve(taken) {
///     Err(error @ metricsmith::ServeError::Bind { .. }) => {
///         assert!(error.to_string().starts_with(&format!("cannot listen on {taken}: ")));
///     }
///     other => panic!("expected a bind error, got {other:?}"),
/// }
/// first.shutdown();
/// # Ok::<(), metricsmith::ServeError>(())
/// ```
#[non_exhaustive]
pub enum ServeError {
    /// The address did not resolve to any socket address.
    Resolve(io::Error),
    /// The address could not be listened on, for example because it is in use.
    Bind {
        /// The address (or addresses, comma-separated) that listening was tried on.
        addr: String,
        /// Why listening failed.
        source: io::Error,
    },
    /// The address is one other hosts can reach, and the endpoint has no credentials:
    /// see [`serve`] for the three ways on.
    Unprotected {
        /// The address (or addresses, comma-separated) other hosts could reach.
        addr: String,
    },
    /// Setting up the listener, the runtime or the thread failed.
    Io(io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Resolve(error) => write!(f, "cannot resolve the metrics listen address: {error}"),
            ServeError::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            ServeError::Unprotected { addr } => write!(
                f,
                "refusing to serve metrics without authentication on {addr}, which other hosts can \
                 reach: listen on loopback (e.g. 127.0.0.1:9898), or call serve_with with \
                 ServeOptions::with_bearer_token or with_basic_auth to require credentials, or, if a \
                 firewall or proxy protects the port, with ServeOptions::allow_unauthenticated_remote()"
            ),
            ServeError::Io(error) => write!(f, "cannot start the metrics endpoint: {error}"),
        }
    }
}

crate::family::debug_as_display!(ServeError);

impl std::error::Error for ServeError {}

/// Accepts connections until `stop` says so (or its sender is gone), then waits up to
/// [`SHUTDOWN_GRACE`] for the connections to finish.
async fn accept_loop(listener: TcpListener, options: ServeOptions, mut stop: watch::Receiver<bool>) {
    // `acquire_many` counts in u32; the semaphore caps permits at MAX_PERMITS.
    let slots = u32::try_from(options.max_connections.clamp(1, Semaphore::MAX_PERMITS)).unwrap_or(u32::MAX);
    let limit = Arc::new(Semaphore::new(slots as usize));

    let gatekeeper = options.auth.as_ref().map(|credentials| Arc::new(Gatekeeper::new(credentials)));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // A client that shuts down its write side after the request (`nc -N`, some
        // scrapers) still gets its answer instead of a reset.
        .half_close(true)
        .header_read_timeout(options.header_read_timeout)
        .max_buf_size(options.max_header_bytes.max(MIN_HEADER_BYTES));

    loop {
        // Take a slot before accepting: past the limit, clients queue in the kernel's
        // backlog and are served as soon as a connection closes, instead of being
        // accepted only to be dropped.
        let permit = match race(Arc::clone(&limit).acquire_owned(), stopped(&mut stop)).await {
            Either::Left(Ok(permit)) => permit,
            // The semaphore is never closed; stopping is the only way out.
            Either::Left(Err(_)) | Either::Right(()) => break,
        };
        let stream = match race(listener.accept(), stopped(&mut stop)).await {
            Either::Left(Ok((stream, _peer))) => stream,
            Either::Left(Err(_)) => {
                // Per-connection failures (reset before accept, out of descriptors) are
                // not the endpoint's to report; retry after a pause.
                drop(permit);
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                continue;
            }
            Either::Right(()) => break,
        };
        // Responses are written whole; Nagle would only delay their last segment.
        let _ = stream.set_nodelay(true);
        let connection =
            serve_connection(stream, http.clone(), options.idle_timeout, gatekeeper.clone(), stop.clone());
        tokio::spawn(async move {
            connection.await;
            drop(permit);
        });
    }

    // Close the listening socket first, so that new connections are refused.
    drop(listener);
    // Every connection holds a slot until it ends: having them all back means done.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, limit.acquire_many(slots)).await;
}

/// Drives one connection until it ends, or until shutdown, when the response in flight
/// (if any) is finished and the connection closed.
async fn serve_connection(
    stream: TcpStream,
    http: http1::Builder,
    idle_timeout: Duration,
    gatekeeper: Option<Arc<Gatekeeper>>,
    mut stop: watch::Receiver<bool>,
) {
    let io = TokioIo::new(IdleTimeout::new(stream, idle_timeout));
    let service =
        service_fn(move |request| ready(Ok::<_, Infallible>(respond(&request, gatekeeper.as_deref()))));
    let mut connection = pin!(http.serve_connection(io, service));
    // Errors of single connections (timeouts, resets, malformed requests, which hyper
    // has already answered) concern only that client, so they are dropped silently.
    if let Either::Right(()) = race(connection.as_mut(), stopped(&mut stop)).await {
        connection.as_mut().graceful_shutdown();
        // Bounded: the runtime, and this task with it, is dropped after the grace period.
        let _ = connection.await;
    }
}

/// Resolves once shutdown is requested or the [`Server`] handle is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Answers one request: every outcome is an HTTP response. Authentication comes first,
/// so a client without credentials learns nothing, not even which paths exist.
fn respond(request: &Request<Incoming>, gatekeeper: Option<&Gatekeeper>) -> Response<Full<Bytes>> {
    if let Some(gatekeeper) = gatekeeper.filter(|gatekeeper| !gatekeeper.admits(request.headers())) {
        return gatekeeper.challenge();
    }
    if request.uri().path() != METRICS_PATH {
        return plain(StatusCode::NOT_FOUND, "not found; metrics are at /metrics\n");
    }
    super::service::metrics_response(request.method(), request.headers())
}

/// The output of [`race`].
enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Runs two futures until the first completes, dropping the other (`tokio::select!`
/// for two branches, without tokio's `macros` feature). `a` is polled first.
async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(output) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(output));
        }
        b.as_mut().poll(cx).map(Either::Right)
    })
    .await
}

/// A stream that fails with [`io::ErrorKind::TimedOut`] once no byte has been read or
/// written for `timeout` while hyper waits on it.
///
/// hyper's own timeouts cover only the request head; this one also catches a client
/// that stops reading a large response or trickles a request body.
struct IdleTimeout<S> {
    inner: S,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> IdleTimeout<S> {
    fn new(inner: S, timeout: Duration) -> Self {
        IdleTimeout { inner, timeout, deadline: Box::pin(tokio::time::sleep(timeout)) }
    }

    fn made_progress(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }

    /// Called when the stream is not ready: an error once the deadline has passed,
    /// otherwise arranges a wake-up at the deadline.
    fn check_deadline(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle for too long")),
            Poll::Pending => Ok(()),
        }
    }

    /// Passes on the poll of an I/O operation: progress pushes the deadline back,
    /// waiting checks it.
    fn track<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
        progressed: bool,
    ) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                if progressed {
                    self.made_progress();
                }
                Poll::Ready(result)
            }
            Poll::Pending => match self.check_deadline(cx) {
                Ok(()) => Poll::Pending,
                Err(error) => Poll::Ready(Err(error)),
            },
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for IdleTimeout<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        let progressed = buf.filled().len() > before;
        this.track(cx, poll, progressed)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, data);
        let progressed = matches!(poll, Poll::Ready(Ok(written)) if written > 0);
        this.track(cx, poll, progressed)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, data);
        let progressed = matches!(poll, Poll::Ready(Ok(written)) if written > 0);
        this.track(cx, poll, progressed)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.track(cx, poll, false)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.track(cx, poll, false)
    }
}
