//! The built-in `/metrics` endpoint: hyper's HTTP/1 server on one background thread.
//!
//! One thread named `metricsmith-http` runs a tokio current-thread runtime; every
//! connection is a task driving a hyper HTTP/1 connection, so all HTTP parsing is
//! hyper's. The listener is bound on the caller's thread, so a taken port is an error
//! from [`serve`] rather than a message from a thread nobody watches.
//!
//! Hardening, all configurable through [`ServeOptions`]:
//! - at most `max_connections` connections are served at once, yet clients that connect
//!   and send nothing, or trickle a request, cannot keep a scrape out: the endpoint
//!   always accepts, and when every slot is taken it closes, to make room, the
//!   connection that has waited longest for its current request, among those that have
//!   sent nothing of it yet or are still sending its head. A connection with a request
//!   in progress (from its complete head until the response is written to the socket)
//!   is never closed for a newcomer; only when every connection has one does the
//!   newcomer wait, and clients after it wait in the kernel's listen backlog. At most
//!   `max_connections + 1` sockets are open (the one more is the newcomer);
//! - a connection must send the first byte of a request within `first_byte_timeout`
//!   of being accepted or, kept alive, of its previous response;
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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use http_body_util::Full;
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderMap, HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use subtle::ConstantTimeEq;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::time::{Instant, Sleep};

use super::service::plain;
use crate::exposition::RenderOptions;

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
/// (see [`Format::from_accept`](crate::Format::from_accept)), gzip-compressed when
/// `Accept-Encoding` asks for it, from a background thread
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
    /// Connections served at once (default 64; `0` counts as 1).
    ///
    /// A client that connects while all are taken is still accepted, and the
    /// connection that has waited longest for the start of its current request (since
    /// it was accepted or, kept alive, since its previous response), among those that
    /// have sent nothing of it or only part of its head, is closed to make room. A
    /// connection with a request in progress, from its complete head until its response
    /// is written to the socket, is never closed for a newcomer: if every connection has
    /// one, the newcomer waits, accepted but not read, until one of them ends or goes
    /// idle, and the clients after it wait in the kernel's listen backlog. So at most
    /// `max_connections + 1` sockets are open, whatever clients do.
    pub max_connections: usize,
    /// How long a connection may wait for the first byte of a request, counted from its
    /// acceptance or, on a keep-alive connection, from the end of the previous response
    /// (default 2 s, well below Prometheus' default `scrape_timeout` of 10 s). The
    /// connection is closed when it runs out. A client sends its request as soon as it
    /// has connected, so only one that means to hold the connection needs longer; the
    /// rest of the head is bounded by
    /// [`header_read_timeout`](ServeOptions::header_read_timeout).
    pub first_byte_timeout: Duration,
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
    /// Whether OpenMetrics answers have `_created` lines (default `false`); see
    /// [`RenderOptions::created_timestamps`](crate::RenderOptions::created_timestamps).
    pub created_timestamps: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            max_connections: 64,
            first_byte_timeout: Duration::from_secs(2),
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 8 * 1024,
            idle_timeout: Duration::from_secs(30),
            auth: None,
            allow_unauthenticated_remote: false,
            created_timestamps: false,
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

    /// Sets [`first_byte_timeout`](ServeOptions::first_byte_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = metricsmith::ServeOptions::default();
    /// assert_eq!(options.first_byte_timeout, Duration::from_secs(2));
    /// let options = options.with_first_byte_timeout(Duration::from_millis(500));
    /// assert_eq!(options.first_byte_timeout, Duration::from_millis(500));
    /// ```
    #[must_use]
    pub fn with_first_byte_timeout(mut self, first_byte_timeout: Duration) -> Self {
        self.first_byte_timeout = first_byte_timeout;
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

    /// Sets [`created_timestamps`](ServeOptions::created_timestamps): a `_created`
    /// line after every counter, histogram and summary series of OpenMetrics answers,
    /// for a Prometheus with the created-timestamp feature (one without it would store
    /// each line as a series of its own). Protobuf answers carry created timestamps
    /// anyway.
    ///
    /// ```
    /// let options = metricsmith::ServeOptions::default().with_created_timestamps(true);
    /// assert!(options.created_timestamps);
    /// ```
    #[must_use]
    pub fn with_created_timestamps(mut self, created_timestamps: bool) -> Self {
        self.created_timestamps = created_timestamps;
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
    let capacity = options.max_connections.max(1);
    let room = Arc::new(Room { epoch: Instant::now(), changed: Notify::new() });
    // Only this loop touches the list; each connection moves its own slot along.
    let mut open: Vec<Arc<Slot>> = Vec::new();
    let timeouts = Timeouts { first_byte: options.first_byte_timeout, idle: options.idle_timeout };

    let gatekeeper = options.auth.as_ref().map(|credentials| Arc::new(Gatekeeper::new(credentials)));
    let render = RenderOptions::default().with_created_timestamps(options.created_timestamps);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // A client that shuts down its write side after the request (`nc -N`, some
        // scrapers) still gets its answer instead of a reset.
        .half_close(true)
        .header_read_timeout(options.header_read_timeout)
        .max_buf_size(options.max_header_bytes.max(MIN_HEADER_BYTES));

    loop {
        // Accept first and make room after: a client left in the kernel's backlog would
        // wait behind every idle one queued before it.
        let stream = match race(listener.accept(), stopped(&mut stop)).await {
            Either::Left(Ok((stream, _peer))) => stream,
            Either::Left(Err(_)) => {
                // Per-connection failures (reset before accept, out of descriptors) are
                // not the endpoint's to report; retry after a pause.
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                continue;
            }
            Either::Right(()) => break,
        };
        if let Either::Right(()) =
            race(until_fewer_open(&room, &mut open, capacity, true), stopped(&mut stop)).await
        {
            break;
        }
        // Responses are written whole; Nagle would only delay their last segment.
        let _ = stream.set_nodelay(true);
        let slot = Arc::new(Slot::new(Arc::clone(&room)));
        open.push(Arc::clone(&slot));
        let connection =
            serve_connection(stream, slot, http.clone(), timeouts, gatekeeper.clone(), render, stop.clone());
        tokio::spawn(connection);
    }

    // Close the listening socket first, so that new connections are refused.
    drop(listener);
    let all_closed = until_fewer_open(&room, &mut open, 1, false);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, all_closed).await;
}

/// Returns once fewer than `limit` connections are open. With `evict`, while they are
/// not, evicts the one that has waited longest for its request (unless one is already
/// closing) and waits for it to close, so that a socket is only accepted with room for it.
async fn until_fewer_open(room: &Room, open: &mut Vec<Arc<Slot>>, limit: usize, evict: bool) {
    let mut others_ran = false;
    loop {
        open.retain(|slot| slot.phase() != Phase::Closed);
        if open.len() < limit {
            return;
        }
        if evict && !open.iter().any(|slot| slot.phase() == Phase::Evicted) {
            // Before choosing, let every connection whose request has arrived read it
            // (tokio polls for I/O before resuming a task that yielded): a connection
            // last seen waiting may have sent its request since.
            if !others_ran {
                others_ran = true;
                tokio::task::yield_now().await;
                continue;
            }
            evict_longest_waiting(open);
        }
        others_ran = false;
        // Wakes when a connection closes (the evicted one or another) or becomes
        // evictable; a notification from before is kept, so none is missed.
        room.changed.notified().await;
    }
}

/// Evicts, of the connections without a request in progress, the one waiting longest
/// for its request (on a tie, the one accepted first); `false` if there is none.
fn evict_longest_waiting(open: &[Arc<Slot>]) -> bool {
    loop {
        let longest = open
            .iter()
            .map(|slot| (slot, slot.state.load(Ordering::Acquire)))
            .filter(|(_, state)| Phase::of(*state).evictable())
            .min_by_key(|(_, state)| state >> PHASE_BITS);
        let Some((slot, seen)) = longest else { return false };
        // Fails only if the connection moved on since it was looked at: look again.
        if slot.try_evict(seen) {
            return true;
        }
    }
}

/// Drives one connection until it ends, is evicted, or shutdown, when the response in
/// flight (if any) is finished and the connection closed.
async fn serve_connection(
    stream: TcpStream,
    slot: Arc<Slot>,
    http: http1::Builder,
    timeouts: Timeouts,
    gatekeeper: Option<Arc<Gatekeeper>>,
    render: RenderOptions,
    mut stop: watch::Receiver<bool>,
) {
    // Declared first, so dropped last: the socket is closed before the slot is freed.
    let _free_slot_when_done = CloseOnDrop(Arc::clone(&slot));
    let io = TokioIo::new(WatchedStream::new(stream, Arc::clone(&slot), timeouts));
    let service = {
        let slot = Arc::clone(&slot);
        service_fn(move |request| {
            slot.dispatched();
            let response = respond(&request, gatekeeper.as_deref(), render);
            let response = response.map(|body| WatchedBody { body, slot: Arc::clone(&slot) });
            ready(Ok::<_, Infallible>(response))
        })
    };
    let mut connection = pin!(http.serve_connection(io, service));
    // Eviction is looked at first: once evicted, the connection must not start on a
    // request it may have received meanwhile. Errors of single connections (timeouts,
    // resets, malformed requests, which hyper has already answered) concern only that
    // client, so they are dropped silently.
    let outcome = race(slot.evicted.notified(), race(connection.as_mut(), stopped(&mut stop))).await;
    if let Either::Right(Either::Right(())) = outcome {
        connection.as_mut().graceful_shutdown();
        // Bounded: the runtime, and this task with it, is dropped after the grace period.
        let _ = connection.await;
    }
    // Evicted: returning drops the connection, which closes the socket.
}

/// Resolves once shutdown is requested or the [`Server`] handle is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Answers one request: every outcome is an HTTP response. Authentication comes first,
/// so a client without credentials learns nothing, not even which paths exist.
fn respond(
    request: &Request<Incoming>,
    gatekeeper: Option<&Gatekeeper>,
    render: RenderOptions,
) -> Response<Full<Bytes>> {
    if let Some(gatekeeper) = gatekeeper.filter(|gatekeeper| !gatekeeper.admits(request.headers())) {
        return gatekeeper.challenge();
    }
    if request.uri().path() != METRICS_PATH {
        return plain(StatusCode::NOT_FOUND, "not found; metrics are at /metrics\n");
    }
    super::service::metrics_response(request.method(), request.headers(), render)
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

/// How many low bits of a [`Slot`]'s state hold its [`Phase`].
const PHASE_BITS: u32 = 3;

/// Where a connection is in its request cycle, which decides whether it may be closed
/// to make room for a newcomer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Accepted, or its last response written, and not read from since: its next
    /// request may already be waiting in the socket, so it is not evictable yet.
    Unread,
    /// A read found nothing: waiting for the first byte of a request. Evictable.
    Waiting,
    /// Part of a request head has arrived. Evictable, so that a trickled head cannot
    /// pin a slot.
    ReadingHead,
    /// The request went to the service, and hyper has not yet taken all of the response.
    Responding,
    /// hyper has taken the whole response and writes it to the socket.
    Flushing,
    /// Chosen to make room: it closes as soon as its task runs.
    Evicted,
    /// Its task has ended and its socket is closed.
    Closed,
}

impl Phase {
    const ALL: [Phase; 7] = [
        Phase::Unread,
        Phase::Waiting,
        Phase::ReadingHead,
        Phase::Responding,
        Phase::Flushing,
        Phase::Evicted,
        Phase::Closed,
    ];

    fn of(state: u64) -> Phase {
        // Every state is built by `pack`, so the phase is always one of them.
        let index = (state & ((1 << PHASE_BITS) - 1)) as usize;
        Phase::ALL.get(index).copied().unwrap_or(Phase::Closed)
    }

    /// Whether the connection has no request in progress, so it may be closed for a
    /// newcomer.
    fn evictable(self) -> bool {
        matches!(self, Phase::Waiting | Phase::ReadingHead)
    }

    /// Whether it is waiting for the first byte of a request, so the first-byte deadline
    /// applies.
    fn awaits_request(self) -> bool {
        matches!(self, Phase::Unread | Phase::Waiting)
    }
}

/// What the connections share with the accept loop.
struct Room {
    /// The zero of every slot's `since`.
    epoch: Instant,
    /// Signalled when a connection closes or becomes evictable: what the accept loop
    /// waits for while every slot is taken.
    changed: Notify,
}

/// One connection's phase, and since when it has waited for its current request (its
/// acceptance, or the end of its previous response), in microseconds from the room's
/// epoch. Packed in one atomic so they are read together: the connection's task moves
/// it along, the accept loop reads it to choose whom to evict.
struct Slot {
    state: AtomicU64,
    /// Signalled once, by the accept loop, when it evicts this connection.
    evicted: Notify,
    room: Arc<Room>,
}

impl Slot {
    fn new(room: Arc<Room>) -> Self {
        let state = AtomicU64::new(pack(Phase::Unread, room.micros_now()));
        Slot { state, evicted: Notify::new(), room }
    }

    fn phase(&self) -> Phase {
        Phase::of(self.state.load(Ordering::Acquire))
    }

    /// Since when the connection has waited for its current request.
    fn since(&self) -> Instant {
        self.phase_and_since().1
    }

    fn phase_and_since(&self) -> (Phase, Instant) {
        let state = self.state.load(Ordering::Acquire);
        (Phase::of(state), self.room.epoch + Duration::from_micros(state >> PHASE_BITS))
    }

    /// Moves to the phase `step` gives for the current one, if any, keeping `since`;
    /// an evicted or closed connection stays so. Tells the accept loop when the
    /// connection becomes evictable.
    fn advance(&self, step: impl Fn(Phase) -> Option<Phase>) {
        let mut became_evictable = false;
        let _ = self.state.fetch_update(Ordering::AcqRel, Ordering::Acquire, |state| {
            let from = Phase::of(state);
            let to = step(from).filter(|_| !matches!(from, Phase::Evicted | Phase::Closed))?;
            became_evictable = to.evictable() && !from.evictable();
            Some(pack(to, state >> PHASE_BITS))
        });
        if became_evictable {
            self.room.changed.notify_one();
        }
    }

    /// A read of the socket, before the request is complete, returned bytes (`true`) or
    /// found none waiting (`false`).
    fn read(&self, received: bool) {
        self.advance(|phase| match (phase, received) {
            (Phase::Unread | Phase::Waiting, true) => Some(Phase::ReadingHead),
            (Phase::Unread, false) => Some(Phase::Waiting),
            _ => None,
        });
    }

    /// The request head is complete and went to the service.
    fn dispatched(&self) {
        self.advance(|_| Some(Phase::Responding));
    }

    /// hyper dropped the response body: all of it is in its write buffer.
    fn response_taken(&self) {
        self.advance(|phase| (phase == Phase::Responding).then_some(Phase::Flushing));
    }

    /// hyper's write buffer is empty: a response taken before is in the socket, and the
    /// wait for the next request starts now.
    fn flushed(&self) {
        let now = self.room.micros_now();
        let _ = self.state.fetch_update(Ordering::AcqRel, Ordering::Acquire, |state| {
            (Phase::of(state) == Phase::Flushing).then_some(pack(Phase::Unread, now))
        });
    }

    /// Evicts the connection if it is still in the state `seen`.
    fn try_evict(&self, seen: u64) -> bool {
        let evicted = pack(Phase::Evicted, seen >> PHASE_BITS);
        let won = self.state.compare_exchange(seen, evicted, Ordering::AcqRel, Ordering::Acquire).is_ok();
        if won {
            self.evicted.notify_one();
        }
        won
    }
}

impl Room {
    fn micros_now(&self) -> u64 {
        // Saturates after 73 000 years rather than overflow the packing.
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX).min(u64::MAX >> PHASE_BITS)
    }
}

fn pack(phase: Phase, since_micros: u64) -> u64 {
    since_micros << PHASE_BITS | phase as u64
}

/// Marks its slot closed when dropped (also when its task panics or is dropped), which
/// frees it for the accept loop.
struct CloseOnDrop(Arc<Slot>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.state.store(pack(Phase::Closed, 0), Ordering::Release);
        self.0.room.changed.notify_one();
    }
}

/// A response body that tells its connection's slot when hyper has taken all of it
/// (hyper drops a body once its last bytes are in its write buffer, or at once when it
/// has none to send).
struct WatchedBody {
    body: Full<Bytes>,
    slot: Arc<Slot>,
}

impl Body for WatchedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for WatchedBody {
    fn drop(&mut self) {
        self.slot.response_taken();
    }
}

/// The connection timeouts [`WatchedStream`] enforces.
#[derive(Clone, Copy)]
struct Timeouts {
    first_byte: Duration,
    idle: Duration,
}

/// The socket as hyper sees it: moves the connection's [`Slot`] along as bytes come
/// and go, and fails with [`io::ErrorKind::TimedOut`] when hyper waits on it past a
/// deadline: `first_byte` after the slot's `since` while no request has begun, else
/// `idle` after the last byte moved in either direction.
///
/// hyper's own timeouts cover only the request head; the idle one also catches a client
/// that stops reading a large response or trickles a request body.
struct WatchedStream<S> {
    inner: S,
    slot: Arc<Slot>,
    timeouts: Timeouts,
    last_progress: Instant,
    deadline: Pin<Box<Sleep>>,
}

impl<S> WatchedStream<S> {
    fn new(inner: S, slot: Arc<Slot>, timeouts: Timeouts) -> Self {
        let deadline = Box::pin(tokio::time::sleep_until(slot.since() + timeouts.first_byte));
        WatchedStream { inner, slot, timeouts, last_progress: Instant::now(), deadline }
    }

    /// Called when the stream is not ready: an error once the deadline for the current
    /// phase has passed, otherwise arranges a wake-up at it.
    fn check_deadline(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let (phase, since) = self.slot.phase_and_since();
        let deadline = if phase.awaits_request() {
            since + self.timeouts.first_byte
        } else {
            self.last_progress + self.timeouts.idle
        };
        if self.deadline.deadline() != deadline {
            self.deadline.as_mut().reset(deadline);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle for too long")),
            Poll::Pending => Ok(()),
        }
    }

    /// Passes on the poll of an I/O operation: progress pushes the idle deadline back,
    /// waiting checks the deadline.
    fn track<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
        progressed: bool,
    ) -> Poll<io::Result<T>> {
        match poll {
            Poll::Ready(result) => {
                if progressed {
                    self.last_progress = Instant::now();
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

impl<S: AsyncRead + Unpin> AsyncRead for WatchedStream<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        let received = buf.filled().len() > before;
        match poll {
            Poll::Ready(Ok(())) if received => this.slot.read(true),
            Poll::Pending => this.slot.read(false),
            // End of stream or an error: hyper ends the connection.
            Poll::Ready(_) => {}
        }
        this.track(cx, poll, received)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WatchedStream<S> {
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
        // hyper flushes the socket only once its own write buffer is empty.
        if let Poll::Ready(Ok(())) = poll {
            this.slot.flushed();
        }
        this.track(cx, poll, false)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.track(cx, poll, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> Arc<Room> {
        Arc::new(Room { epoch: Instant::now(), changed: Notify::new() })
    }

    #[test]
    fn every_phase_survives_packing() {
        for phase in Phase::ALL {
            for since in [0, 1, 12_345, u64::MAX >> PHASE_BITS] {
                let state = pack(phase, since);
                assert_eq!((Phase::of(state), state >> PHASE_BITS), (phase, since));
            }
        }
    }

    #[test]
    fn a_connection_is_evictable_only_between_requests() {
        let slot = Slot::new(room());
        // Not yet read: its request may be in the socket already.
        assert!(!slot.phase().evictable());
        slot.read(false);
        assert_eq!(slot.phase(), Phase::Waiting);
        slot.read(true);
        assert_eq!(slot.phase(), Phase::ReadingHead);
        slot.dispatched();
        assert!(!slot.phase().evictable());
        // A flush before hyper has the whole response changes nothing.
        slot.flushed();
        assert_eq!(slot.phase(), Phase::Responding);
        slot.response_taken();
        assert_eq!(slot.phase(), Phase::Flushing);
        assert!(!slot.phase().evictable());
        slot.flushed();
        assert_eq!(slot.phase(), Phase::Unread);
    }

    #[test]
    fn the_wait_for_a_request_restarts_only_after_a_response() {
        let slot = Slot::new(room());
        let accepted = slot.since();
        std::thread::sleep(Duration::from_millis(2));
        slot.read(false);
        slot.read(true);
        assert_eq!(slot.since(), accepted, "bytes of a request head do not make it younger");
        slot.dispatched();
        slot.response_taken();
        std::thread::sleep(Duration::from_millis(2));
        slot.flushed();
        assert!(slot.since() > accepted);
    }

    #[test]
    fn an_evicted_connection_stays_evicted() {
        let slot = Slot::new(room());
        slot.read(false);
        let seen = slot.state.load(Ordering::Acquire);
        assert!(slot.try_evict(seen));
        // A second eviction of the same state, or of a stale one, fails.
        assert!(!slot.try_evict(seen));
        slot.read(true);
        slot.dispatched();
        assert_eq!(slot.phase(), Phase::Evicted);
    }

    #[test]
    fn the_longest_waiting_connection_is_chosen_and_busy_ones_never() {
        let room = room();
        let slots: Vec<Arc<Slot>> = (0..4).map(|_| Arc::new(Slot::new(Arc::clone(&room)))).collect();
        // The oldest is busy, the second still unread: neither can go.
        slots[0].dispatched();
        for slot in &slots[2..] {
            slot.read(false);
        }
        assert!(evict_longest_waiting(&slots));
        assert_eq!(slots[2].phase(), Phase::Evicted);
        assert!(evict_longest_waiting(&slots));
        assert_eq!(slots[3].phase(), Phase::Evicted);
        assert!(!evict_longest_waiting(&slots), "only busy and unread connections are left");
        assert_eq!(slots[0].phase(), Phase::Responding);
        assert_eq!(slots[1].phase(), Phase::Unread);
    }
}
