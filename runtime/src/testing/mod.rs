//! Testing your metrics (feature `testing`, for `[dev-dependencies]`): exact assertions
//! on what one test's code recorded, while the other tests of the binary record into the
//! same statics on other threads.
//!
//! ```toml
//! [dev-dependencies]
//! metricsmith = { version = "0.1", features = ["testing"] }
//! ```
//!
//! - [`Capture`]: a scope that sees the recordings made on the threads that entered it
//!   ([`Capture::run`], [`Capture::enter`], [`Capture::spawn`], [`Capture::bind`],
//!   [`Capture::wrap`] for futures), read back with accessors that mirror the
//!   instruments: `capture.counter(&ORDERS_PROCESSED_TOTAL).labels(..).get()`.
//! - [`function`] and [`Capture::function`]: the calls, results, durations and calls in
//!   flight of one `#[counted]`, `#[timed]` or `#[in_flight]` function, named by the
//!   function item itself, without parsing text.
//! - [`Capture::render`], [`Capture::render_family`] and [`render_family`]: families in
//!   text format 0.0.4 for snapshot tests; [`check_scrape`]: a whole scrape read the way
//!   Prometheus reads it, strictly ([`reader`]).
//!
//! ```
//! use metricsmith::testing::Capture;
//! use metricsmith::{metric, Counter, LabelValue};
//!
//! #[derive(LabelValue)]
//! enum Outcome { Success, Declined }
//!
//! /// Orders processed, by outcome.
//! #[metric]
//! static ORDERS_PROCESSED_TOTAL: Counter<Outcome>;
//!
//! fn place_order() {
//!     ORDERS_PROCESSED_TOTAL.labels(Outcome::Success).inc();
//! }
//!
//! ORDERS_PROCESSED_TOTAL.labels(Outcome::Success).inc_by(2000); // another test, say
//! let capture = Capture::new();
//! capture.run(place_order);
//! assert_eq!(capture.counter(&ORDERS_PROCESSED_TOTAL).labels(Outcome::Success).get(), 1);
//! assert_eq!(capture.counter(&ORDERS_PROCESSED_TOTAL).labels(Outcome::Declined).get(), 0);
//! ```
//!
//! What a capture sees: every update made by a recording primitive (counter and float
//! counter adds, gauge sets and adds, histogram and summary observations, state-set
//! changes, exemplars) on a thread while it is entered, as that update. A gauge starts
//! at 0 in a capture and moves as this code moved it, from its last `set` on. What it does
//! not see: threads and tasks that did not enter it, values read at scrape time
//! (callbacks, collectors, the process collector, whose values the test controls
//! anyway), and what is process-wide: `metricsmith_rejected_values_total`,
//! `metricsmith_collect_failures_total`, created timestamps. Nor, in a forked child,
//! anything: the child's recordings could not reach the parent's capture.

mod functions;
mod read;
pub mod reader;
mod render;

use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;

use crate::exposition::Format;
use crate::storage::capture::{self, Table};

pub use functions::{function, function_named, FunctionCalls, HistogramValues};
pub use read::{
    CapturedCounter, CapturedCounterSeries, CapturedExemplar, CapturedFloatCounter,
    CapturedFloatCounterSeries, CapturedGauge, CapturedGaugeSeries, CapturedHistogram,
    CapturedHistogramSeries, CapturedSummary, CapturedSummarySeries,
};
pub use reader::{read, ReadError};
pub use render::render_family;

/// What the threads that entered it recorded, kept beside the statics (which record as
/// always): a test's exact view of its own code's recordings.
///
/// A capture is entered on a thread by [`run`](Self::run) (for the length of a closure) or
/// [`enter`](Self::enter) (for the life of a guard); recordings made on that thread in the
/// meantime land in it too. It is cheap to clone and shareable: every clone is the same
/// capture, and any thread may enter it ([`spawn`](Self::spawn) and [`bind`](Self::bind)
/// for threads, [`wrap`](Self::wrap) for futures, which enters on every poll, so a task
/// is captured on whatever worker thread polls it).
///
/// ```
/// use metricsmith::testing::Capture;
/// use metricsmith::{metric, Gauge, Histogram};
///
/// /// Orders waiting.
/// #[metric]
/// static ORDER_QUEUE_DEPTH: Gauge;
///
/// /// Time to pack an order.
/// #[metric(buckets = [0.1, 1.0])]
/// static PACKING_DURATION_SECONDS: Histogram;
///
/// let capture = Capture::new();
/// {
///     let _entered = capture.enter();
///     ORDER_QUEUE_DEPTH.inc();
///     capture.spawn(|| PACKING_DURATION_SECONDS.observe(0.5)).join().unwrap();
/// }
/// ORDER_QUEUE_DEPTH.inc(); // after the guard: not captured
/// std::thread::spawn(|| PACKING_DURATION_SECONDS.observe(0.5)).join().unwrap(); // not entered
///
/// assert_eq!(capture.gauge(&ORDER_QUEUE_DEPTH).get(), 1.0);
/// assert_eq!(capture.histogram(&PACKING_DURATION_SECONDS).count(), 1);
/// assert_eq!(capture.histogram(&PACKING_DURATION_SECONDS).bucket_counts(), [0, 1, 1]);
/// assert_eq!(ORDER_QUEUE_DEPTH.get(), 2.0, "the static recorded both");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Capture {
    table: Arc<Table>,
}

impl Capture {
    /// An empty capture, entered nowhere yet.
    pub fn new() -> Capture {
        Capture::default()
    }

    /// Enters the capture on this thread until the guard drops. Captures nest: the
    /// innermost entered one records (guards may drop in any order).
    #[must_use = "the capture is left as soon as the guard drops"]
    pub fn enter(&self) -> Entered {
        Entered { token: capture::enter(self.table.clone()), thread_bound: PhantomData }
    }

    /// Runs `body` on this thread with the capture entered.
    pub fn run<R>(&self, body: impl FnOnce() -> R) -> R {
        let _entered = self.enter();
        body()
    }

    /// `body` as a closure that enters this capture wherever it runs: for
    /// `std::thread::scope`'s `spawn`, a thread pool or a `spawn_blocking`.
    ///
    /// ```
    /// use metricsmith::testing::Capture;
    /// use metricsmith::{metric, Counter};
    ///
    /// /// Parcels scanned.
    /// #[metric]
    /// static PARCELS_SCANNED_TOTAL: Counter;
    ///
    /// let capture = Capture::new();
    /// std::thread::scope(|scope| {
    ///     for _ in 0..4 {
    ///         scope.spawn(capture.bind(|| PARCELS_SCANNED_TOTAL.inc()));
    ///     }
    /// });
    /// assert_eq!(capture.counter(&PARCELS_SCANNED_TOTAL).get(), 4);
    /// ```
    pub fn bind<R>(&self, body: impl FnOnce() -> R) -> impl FnOnce() -> R {
        let capture = self.clone();
        move || capture.run(body)
    }

    /// Spawns a thread that runs `body` with this capture entered.
    pub fn spawn<R: Send + 'static>(
        &self,
        body: impl FnOnce() -> R + Send + 'static,
    ) -> std::thread::JoinHandle<R> {
        std::thread::spawn(self.bind(body))
    }

    /// `future`, entering this capture on every poll and when it is dropped: what it
    /// records is captured on whichever thread polls it, so a task spawned on a
    /// multi-threaded runtime is captured when it is spawned wrapped
    /// (`tokio::spawn(capture.wrap(handle(request)))`). Tasks it spawns itself are not,
    /// unless wrapped too.
    ///
    /// ```
    /// use metricsmith::testing::Capture;
    /// use metricsmith::{metric, Counter};
    ///
    /// /// Emails sent.
    /// #[metric]
    /// static EMAILS_SENT_TOTAL: Counter;
    ///
    /// async fn send_receipt() {
    ///     EMAILS_SENT_TOTAL.inc();
    /// }
    ///
    /// let capture = Capture::new();
    /// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// runtime.block_on(capture.wrap(send_receipt()));
    /// runtime.block_on(send_receipt()); // not wrapped: not captured
    /// assert_eq!(capture.counter(&EMAILS_SENT_TOTAL).get(), 1);
    /// ```
    pub fn wrap<F: Future>(&self, future: F) -> Captured<F> {
        Captured { capture: self.clone(), future: Some(Box::pin(future)) }
    }

    /// Every family this capture holds a recording of, with only the series it holds
    /// one of, in text format 0.0.4 with the captured values: for a snapshot test
    /// (`insta::assert_snapshot!(capture.render())`). Families are in scrape order (by
    /// name), series in label order.
    ///
    /// Stable as long as what the test recorded is: the text has no timestamps, no
    /// exemplars (text 0.0.4 has none) and nothing another test recorded. The HELP text
    /// is your doc comment. Durations (`#[timed]`, timers) are not values a test
    /// controls: assert on their count instead ([`FunctionCalls::durations`]).
    ///
    /// ```
    /// use metricsmith::testing::Capture;
    /// use metricsmith::{metric, Counter, LabelValue};
    ///
    /// #[derive(LabelValue)]
    /// enum Carrier { Post, Courier }
    ///
    /// /// Parcels shipped, by carrier.
    /// #[metric]
    /// static PARCELS_SHIPPED_TOTAL: Counter<Carrier>;
    ///
    /// let capture = Capture::new();
    /// capture.run(|| PARCELS_SHIPPED_TOTAL.labels(Carrier::Courier).inc_by(3));
    /// assert_eq!(capture.render(), "\
    /// ## HELP parcels_shipped_total Parcels shipped, by carrier.
    /// ## TYPE parcels_shipped_total counter
    /// parcels_shipped_total{carrier=\"courier\"} 3
    /// ");
    /// ```
    pub fn render(&self) -> String {
        render::render_touched(self)
    }

    /// One registered family with every series, in text format 0.0.4 with the captured
    /// values (0 for the series this capture saw nothing of); see [`render`](Self::render)
    /// for what is stable.
    ///
    /// # Panics
    ///
    /// When `family` is not a registered `#[metric]` static (or a member of a registered
    /// group).
    pub fn render_family<F: crate::family::Family + 'static>(&self, family: &'static F) -> String {
        render::render_family_captured(self, family)
    }

    fn table(&self) -> &Table {
        &self.table
    }
}

/// The guard of [`Capture::enter`]: the thread records into the capture until it drops.
/// It leaves on the thread that entered, so it is not `Send`.
#[derive(Debug)]
pub struct Entered {
    token: u64,
    thread_bound: PhantomData<*const ()>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        capture::leave(self.token);
    }
}

/// The future of [`Capture::wrap`].
#[derive(Debug)]
pub struct Captured<F> {
    capture: Capture,
    /// Boxed, so `Captured` is `Unpin` and can drop the future inside the capture.
    future: Option<Pin<Box<F>>>,
}

impl<F: Future> Future for Captured<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let _entered = this.capture.enter();
        let Some(future) = this.future.as_mut() else {
            panic!("a `metricsmith::testing::Captured` future was polled after it completed");
        };
        let poll = future.as_mut().poll(cx);
        if poll.is_ready() {
            // Dropped inside the capture: what its drop records (a guard's) is captured.
            this.future = None;
        }
        poll
    }
}

impl<F> Drop for Captured<F> {
    fn drop(&mut self) {
        if self.future.is_some() {
            // A future dropped before it completed (`#[counted]` records `cancelled`).
            let _entered = self.capture.enter();
            self.future = None;
        }
    }
}

/// Checks a scrape the way Prometheus reads it, strictly: `body` as served in `format`
/// (from [`render`](crate::render), [`render_for_accept`](crate::render_for_accept) or
/// your own `/metrics` endpoint) must be UTF-8 and well-formed to the last line, by the
/// rules [`reader`] lists. Returns the families read; the error names the line and
/// what is wrong with it.
///
/// The reader reads the text formats; a protobuf scrape ([`Format::Protobuf`]) is an
/// error here (decode it with a protobuf library against Prometheus' `metrics.proto`).
///
/// ```
/// use metricsmith::{metric, render, Counter, Format};
///
/// /// Invoices issued.
/// #[metric]
/// static INVOICES_ISSUED_TOTAL: Counter;
///
/// for format in [Format::Prometheus, Format::OpenMetrics] {
///     let mut scrape = Vec::new();
///     render(format, &mut scrape);
///     let families = metricsmith::testing::check_scrape(format, &scrape).unwrap();
///     assert!(families.iter().any(|family| family.name.starts_with("invoices_issued")));
/// }
/// let error = metricsmith::testing::check_scrape(Format::Prometheus, b"invoices 1\n").unwrap_err();
/// assert_eq!(error.to_string(), "line 1: a sample before any HELP/TYPE");
/// ```
///
/// # Errors
///
/// The first thing Prometheus would not read, or would read differently from what was
/// meant: see [`reader`].
pub fn check_scrape(format: Format, body: impl AsRef<[u8]>) -> Result<Vec<reader::Family>, ReadError> {
    let text = core::str::from_utf8(body.as_ref())
        .map_err(|error| ReadError { line: 0, message: format!("the scrape is not UTF-8: {error}") })?;
    read(format, text)
}
