//! A batch job, the guides' "batch rows processed": a nightly import that reads rows,
//! imports the valid ones and skips the rest, then pushes its metrics to a Pushgateway
//! once, at the end, with `push` (replacing what its previous run left there).
//!
//! It records what the Prometheus documentation recommends for batch jobs: how long the
//! run took, when it last succeeded (alert on `time() - ..._timestamp_seconds`), and
//! the rows it processed.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use metricsmith::push::{PushError, Pushgateway};
use metricsmith::{metric, Counter, Gauge, LabelValue};

use crate::shop::Dice;

/// What happened to a row.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(name = "outcome")]
pub enum RowOutcome {
    /// Stored.
    Imported,
    /// Invalid, left out.
    Skipped,
}

/// Rows the last run of the import processed, by outcome.
#[metric]
pub static BATCH_IMPORT_ROWS_PROCESSED_TOTAL: Counter<RowOutcome>;

/// How long the last run of the import took.
#[metric]
pub static BATCH_IMPORT_DURATION_SECONDS: Gauge;

/// When the import last succeeded, in seconds since the Unix epoch.
#[metric]
pub static BATCH_IMPORT_LAST_SUCCESS_TIMESTAMP_SECONDS: Gauge;

/// The import's job name at the Pushgateway.
pub const JOB: &str = "batch_import";

/// Keeps the import's own families in its push.
pub fn batch_family(name: &str) -> bool {
    name.starts_with("batch_import_")
}

/// How a run goes.
#[derive(Clone, Debug)]
pub struct BatchConfig {
    /// The Pushgateway's URL, e.g. `http://127.0.0.1:9091`.
    pub pushgateway: String,
    /// How many rows to read.
    pub rows: u64,
    /// Seed of the rows' validity.
    pub seed: u64,
}

/// What a run did and pushed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchReport {
    /// Rows imported.
    pub imported: u64,
    /// Rows skipped.
    pub skipped: u64,
    /// The run's duration, in seconds, as pushed.
    pub duration_seconds: f64,
    /// When it succeeded, in seconds since the Unix epoch, as pushed.
    pub finished_at: f64,
}

/// Runs the import and pushes its metrics.
///
/// # Errors
///
/// When the push fails. The import itself has run; only its metrics did not reach the
/// gateway.
pub fn run(config: &BatchConfig) -> Result<BatchReport, PushError> {
    let started = Instant::now();
    let mut dice = Dice::new(config.seed);
    let (mut imported, mut skipped) = (0, 0);
    for _ in 0..config.rows {
        // About one row in twenty is invalid.
        let outcome = if dice.next_unit() < 0.05 { RowOutcome::Skipped } else { RowOutcome::Imported };
        match outcome {
            RowOutcome::Imported => imported += 1,
            RowOutcome::Skipped => skipped += 1,
        }
        BATCH_IMPORT_ROWS_PROCESSED_TOTAL.labels(outcome).inc();
    }
    let duration_seconds = started.elapsed().as_secs_f64();
    BATCH_IMPORT_DURATION_SECONDS.set(duration_seconds);
    let finished_at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |since| since.as_secs_f64());
    BATCH_IMPORT_LAST_SUCCESS_TIMESTAMP_SECONDS.set(finished_at);

    Pushgateway::new(config.pushgateway.clone()).job(JOB).filter(batch_family).push()?;
    Ok(BatchReport { imported, skipped, duration_seconds, finished_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_push_is_an_error_after_the_import_ran() {
        let (pushgateway, _held) = crate::testing::refusing_url();
        let config = BatchConfig { pushgateway, rows: 40, seed: 5 };
        let error = run(&config).expect_err("nothing listens there");
        assert!(matches!(error, PushError::Transport { method: "PUT", .. }), "{error:?}");
        let rows = BATCH_IMPORT_ROWS_PROCESSED_TOTAL.labels(RowOutcome::Imported).get()
            + BATCH_IMPORT_ROWS_PROCESSED_TOTAL.labels(RowOutcome::Skipped).get();
        assert_eq!(rows, 40);
        assert!(BATCH_IMPORT_LAST_SUCCESS_TIMESTAMP_SECONDS.get() > 0.0);
    }
}
