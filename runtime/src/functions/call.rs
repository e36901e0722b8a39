//! The per-call guard the macros create before an instrumented body runs, and the
//! probes that tell a returned `Result` from any other value.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::clock;
use super::CallResult;
use crate::instruments::{CounterSeries, GaugeSeries, HistogramSeries};

/// Tracks one call of an instrumented function and records it exactly once.
///
/// Built before the body runs: `in_flight` adds one to its gauge, `timed` starts the
/// clock (so it is added last, after the other setup). A sync function's call records
/// when the guard drops: `panic` if the body is unwinding, otherwise `ok` — unless
/// [`finish`](Self::finish) already recorded the returned `Result`. An `async fn`'s call
/// is polled through [`poll`](Self::poll), which records `panic` while the panic
/// unwinds; dropped unfinished, it records `cancelled`. So is the future a function
/// returning `impl Future` builds, in [`build`](Self::build).
#[doc(hidden)]
#[derive(Debug)]
pub struct Call {
    /// The series of the first [`CallResult`]; the others follow in index order.
    results: Option<CounterSeries>,
    timer: Option<(HistogramSeries, clock::Start)>,
    in_flight: Option<GaugeSeries>,
    mode: Mode,
    recorded: bool,
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// A sync call. `unwinding_at_start`: the call began inside a `Drop` run by another
    /// panic, so `std::thread::panicking()` says nothing about this call.
    Sync { unwinding_at_start: bool },
    /// An `async fn`'s call: panics are seen in `poll`; an unfinished drop is a cancel.
    Future,
}

impl Call {
    /// A guard for a sync function's call.
    #[inline]
    pub fn sync() -> Self {
        // Whether the call began during another panic matters only to the result,
        // which only `counted` records: it asks then.
        Call::new(Mode::Sync { unwinding_at_start: false })
    }

    /// A guard for a call that ends when a future completes: an `async fn`'s, created
    /// when its future is first polled, or that of a function returning a future,
    /// created when it is called.
    #[inline]
    pub fn future() -> Self {
        Call::new(Mode::Future)
    }

    #[inline]
    fn new(mode: Mode) -> Self {
        Call { results: None, timer: None, in_flight: None, mode, recorded: false }
    }

    /// Counts the call's result into the run of series starting at `results`, one per
    /// [`CallResult`] in index order.
    #[inline]
    pub fn counted(mut self, results: CounterSeries) -> Self {
        self.results = Some(results);
        if let Mode::Sync { unwinding_at_start } = &mut self.mode {
            *unwinding_at_start = std::thread::panicking();
        }
        self
    }

    /// Adds one to `series` until the call ends.
    #[inline]
    pub fn in_flight(mut self, series: GaugeSeries) -> Self {
        series.inc();
        self.in_flight = Some(series);
        self
    }

    /// Starts the clock; the call's duration is observed into `series` when it ends.
    #[inline]
    pub fn timed(mut self, series: HistogramSeries) -> Self {
        self.timer = Some((series, clock::start()));
        self
    }

    /// Records the call as ended with `result` (once; later calls and the drop do nothing).
    #[inline]
    pub fn finish(&mut self, result: CallResult) {
        if self.recorded {
            return;
        }
        self.recorded = true;
        if let Some((series, start)) = self.timer {
            series.observe(clock::seconds_since(start));
        }
        if let Some(results) = self.results {
            results.offset(result as usize).inc();
        }
        if let Some(series) = self.in_flight {
            series.dec();
        }
    }

    /// Polls the body's future; if the poll panics, records `panic` while it unwinds.
    #[inline]
    pub fn poll<F: Future>(&mut self, future: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.watched(|| future.poll(cx))
    }

    /// Runs the body of a function that returns a future (`fn f() -> impl Future`),
    /// which builds the future the call then lasts until; if building panics, records
    /// `panic` while it unwinds.
    #[inline]
    pub fn build<R>(&mut self, body: impl FnOnce() -> R) -> R {
        self.watched(body)
    }

    /// Runs `body`, recording `panic` if it unwinds.
    #[inline]
    fn watched<R>(&mut self, body: impl FnOnce() -> R) -> R {
        let watch = PanicWatch { already_unwinding: std::thread::panicking(), call: self };
        let value = body();
        core::mem::forget(watch);
        value
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if self.recorded {
            return;
        }
        if self.results.is_none() {
            // Timed or in flight only: the result is not recorded, so no need to ask
            // whether the body panicked.
            self.finish(CallResult::Ok);
            return;
        }
        let result = match self.mode {
            Mode::Sync { unwinding_at_start } if std::thread::panicking() && !unwinding_at_start => {
                CallResult::Panic
            }
            Mode::Sync { .. } => CallResult::Ok,
            Mode::Future => CallResult::Cancelled,
        };
        self.finish(result);
    }
}

/// The guard of a sync function that is only `#[timed]`: the start of the clock and the
/// series to observe into, nothing else to decide when the call ends, so its drop is one
/// clock read and one observation on every exit path (return, `?`, panic).
///
/// Built as `TimedOnly.timed(series)`, the same builder call as [`Call::timed`], so the
/// macro writes one expansion for both.
#[doc(hidden)]
#[derive(Debug)]
pub struct TimedOnly;

impl TimedOnly {
    /// Starts the clock; the call's duration is observed into `series` when it ends.
    #[inline]
    pub fn timed(self, series: HistogramSeries) -> TimedCall {
        TimedCall { series, start: clock::start() }
    }
}

/// See [`TimedOnly`].
#[doc(hidden)]
#[derive(Debug)]
pub struct TimedCall {
    series: HistogramSeries,
    start: clock::Start,
}

impl Drop for TimedCall {
    #[inline]
    fn drop(&mut self) {
        self.series.observe(clock::seconds_since(self.start));
    }
}

/// Lives on the stack of one poll; only dropped (rather than forgotten) when the poll
/// unwinds.
struct PanicWatch<'a> {
    call: &'a mut Call,
    already_unwinding: bool,
}

impl Drop for PanicWatch<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.already_unwinding {
            self.call.finish(CallResult::Panic);
        }
    }
}

/// Runs a sync body written as a closure, so `return` and `?` inside it end the body
/// and hand its value back for inspection.
#[doc(hidden)]
#[inline(always)]
pub fn call<R, F: FnOnce() -> R>(body: F) -> R {
    body()
}

/// Autoref probe for the returned value: `(&Outcome(&value)).__metricsmith_outcome()`
/// is `ok`/`error` for a `Result` and `ok` for anything else.
#[doc(hidden)]
pub struct Outcome<'a, T>(pub &'a T);

/// See [`Outcome`]: chosen when the value is a `Result`.
#[doc(hidden)]
pub trait ResultOutcome {
    /// `ok` or `error`.
    fn __metricsmith_outcome(&self) -> CallResult;
}

impl<T, E> ResultOutcome for Outcome<'_, Result<T, E>> {
    #[inline]
    fn __metricsmith_outcome(&self) -> CallResult {
        match self.0 {
            Ok(_) => CallResult::Ok,
            Err(_) => CallResult::Error,
        }
    }
}

/// See [`Outcome`]: chosen for every other value.
#[doc(hidden)]
pub trait OtherOutcome {
    /// Always `ok`.
    fn __metricsmith_outcome(&self) -> CallResult;
}

impl<T> OtherOutcome for &Outcome<'_, T> {
    #[inline]
    fn __metricsmith_outcome(&self) -> CallResult {
        CallResult::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::{CountedSite, RESULTS};

    #[test]
    // Written as the macros write it: the borrow is what lets non-`Result`s fall back.
    #[allow(clippy::needless_borrow)]
    fn outcome_probe_tells_results_from_other_values() {
        let ok: Result<u8, ()> = Ok(1);
        let err: Result<u8, ()> = Err(());
        assert_eq!((&Outcome(&ok)).__metricsmith_outcome(), CallResult::Ok);
        assert_eq!((&Outcome(&err)).__metricsmith_outcome(), CallResult::Error);
        assert_eq!((&Outcome(&5u8)).__metricsmith_outcome(), CallResult::Ok);
    }

    #[test]
    fn a_call_records_once() {
        static SITE: CountedSite = CountedSite::new("f", "m", true, false);
        let mut call = Call::sync().counted(SITE.cells());
        call.finish(CallResult::Error);
        drop(call);
        let counts: Vec<u64> =
            RESULTS.iter().map(|result| SITE.cells().offset(*result as usize).get()).collect();
        assert_eq!(counts, [0, 1, 0, 0]);
    }

    #[test]
    fn an_unfinished_future_is_cancelled_and_a_sync_call_is_ok() {
        static SITE: CountedSite = CountedSite::new("f", "m", false, true);
        drop(Call::future().counted(SITE.cells()));
        drop(Call::sync().counted(SITE.cells()));
        let counts: Vec<u64> =
            RESULTS.iter().map(|result| SITE.cells().offset(*result as usize).get()).collect();
        assert_eq!(counts, [1, 0, 0, 1]);
    }
}
