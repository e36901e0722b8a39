//! What `#[timed]`, `#[counted]` and `#[in_flight]` record into.
//!
//! Without `name`/`metric`, an instrumented function records into three shared
//! families, named and labelled as autometrics names them so its dashboards and alert
//! rules work unchanged:
//!
//! | attribute      | family                                        | labels                        |
//! |----------------|-----------------------------------------------|-------------------------------|
//! | `#[counted]`   | `function_calls_total` (counter)              | `function`, `module`, `result` |
//! | `#[timed]`     | `function_calls_duration_seconds` (histogram) | `function`, `module`          |
//! | `#[in_flight]` | `function_calls_concurrent` (gauge)           | `function`, `module`          |
//!
//! Each instrumented function owns a *site*: a static with its own cells, listed in a
//! link-time slice per family. The families below render one series per site (per
//! `result` for the counter), so every function's series exist at 0 from start-up and
//! recording touches only the function's own cells: no lookup, no lock.
//!
//! A call is tracked by a [`Call`] guard that the macros create before the body runs
//! and that records on every exit path: return, `?`, early `return`, panic, and for an
//! `async fn` cancellation (the future dropped before completing).
//!
//! - `call`: the guard and the probes that classify a returned value;
//! - `targets`: the dedicated metrics `name = ...` / `metric = STATIC` record into;
//! - `sites`: each function's own cells in the shared families, listed at link time;
//! - `families`: the shared families, rendering one series per site;
//! - `clock`: the time-stamp-counter clock `#[timed]` reads (a `HistogramTimer` reads
//!   `Instant`: it is for code that times itself, where one clock read more or less does
//!   not matter, and it must not start the clock's calibration thread).

mod call;
pub(crate) mod clock;
mod families;
mod sites;
mod targets;

pub use call::{call, Call, OtherOutcome, Outcome, ResultOutcome, TimedOnly};
pub(crate) use families::{COUNTED, COUNTED_META, IN_FLIGHT, IN_FLIGHT_META, TIMED, TIMED_META};
pub use sites::{CountedSite, InFlightSite, TimedSite, COUNTED_SITES, IN_FLIGHT_SITES, TIMED_SITES};
pub use targets::{
    counted_cells, in_flight_series, records_seconds, timed_series, CountedMetric, InFlightMetric,
    TimedMetric,
};

/// How an instrumented call ended: the `result` label of `function_calls_total` and of
/// counters given to `#[counted]`.
///
/// - `ok`: returned (for a `Result`, returned `Ok`);
/// - `error`: returned `Err` (functions whose return type is a `Result`);
/// - `panic`: the body panicked (the panic then continues unchanged);
/// - `cancelled`: an `async fn` whose future was dropped before it completed.
///
/// A counter given to `#[counted(metric = STATIC)]` ends its label set with this type:
///
/// ```
/// use metricsmith::{counted, metric, CallResult, Counter, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// #[label(name = "method")]
/// enum PaymentMethod { Card, Wallet }
///
/// /// Refund attempts, by payment method and result.
/// #[metric]
/// static REFUNDS_TOTAL: Counter<(PaymentMethod, CallResult)>;
///
/// #[counted(metric = REFUNDS_TOTAL, labels(method = method))]
/// fn refund(method: PaymentMethod, cents: u64) -> Result<(), String> {
///     if cents == 0 { return Err("nothing to refund".into()) }
///     Ok(())
/// }
///
/// refund(PaymentMethod::Card, 100).unwrap();
/// refund(PaymentMethod::Card, 0).unwrap_err();
/// assert_eq!(REFUNDS_TOTAL.labels((PaymentMethod::Card, CallResult::Ok)).get(), 1);
/// assert_eq!(REFUNDS_TOTAL.labels((PaymentMethod::Card, CallResult::Error)).get(), 1);
/// ```
#[derive(metricsmith_macros::LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "result")]
pub enum CallResult {
    /// The call returned (a `Result` returned `Ok`).
    Ok,
    /// The call returned `Err`.
    Error,
    /// The call panicked.
    Panic,
    /// The call's future was dropped before it completed.
    Cancelled,
}

/// Every result, in index order.
const RESULTS: [CallResult; 4] =
    [CallResult::Ok, CallResult::Error, CallResult::Panic, CallResult::Cancelled];
const RESULT_COUNT: usize = RESULTS.len();
