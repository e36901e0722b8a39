//! The clock of `#[timed]`: the CPU's time-stamp counter through `quanta` once it is
//! calibrated, `std::time::Instant` until then.
//!
//! Reading `Instant` costs ~25 ns on common VMs (a vDSO call), a raw TSC read ~10 ns,
//! and `#[timed]` reads the clock twice per call. Calibration takes from about a
//! millisecond up to 200 ms, so it runs once on a short-lived background thread started
//! by the first timed call; calls made before it finishes use `Instant`. A call is
//! always measured with the clock it started with.

use std::sync::{Once, OnceLock};
use std::time::Instant;

static CALIBRATED: OnceLock<quanta::Clock> = OnceLock::new();

/// When a call started, on the clock that was ready then.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Start {
    /// A raw counter reading of the calibrated clock.
    Counter(u64),
    /// Before calibration finished.
    Std(Instant),
}

/// Now, on the fastest ready clock.
#[inline]
pub(crate) fn start() -> Start {
    match CALIBRATED.get() {
        Some(clock) => Start::Counter(clock.raw()),
        None => {
            calibrate_in_background();
            Start::Std(Instant::now())
        }
    }
}

/// Seconds since `start` (0 if the counter appears to run backwards, e.g. read on
/// another CPU).
#[inline]
pub(crate) fn seconds_since(start: Start) -> f64 {
    match (start, CALIBRATED.get()) {
        (Start::Counter(raw), Some(clock)) => clock.delta_as_nanos(raw, clock.raw()) as f64 * 1e-9,
        (Start::Std(instant), _) => instant.elapsed().as_secs_f64(),
        // A counter start implies the clock is set, and it is never unset.
        (Start::Counter(_), None) => 0.0,
    }
}

#[cold]
fn calibrate_in_background() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("metricsmith-clock".into())
            .spawn(|| CALIBRATED.get_or_init(quanta::Clock::new));
        // No thread (e.g. a platform without threads): `Instant` it stays.
        drop(spawned);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn both_clocks_measure_the_same_sleep() {
        let before_calibration = Start::Std(Instant::now());
        let clock = CALIBRATED.get_or_init(quanta::Clock::new);
        let counter = Start::Counter(clock.raw());
        std::thread::sleep(Duration::from_millis(20));
        let counted = seconds_since(counter);
        let outer = seconds_since(before_calibration);
        // The counter's interval lies within the std clock's, and both hold the sleep.
        // Only the calibration's error is allowed for (not how long the sleep took: on a
        // busy machine it may take far longer than asked).
        assert!(outer >= 0.02, "std clock: {outer} s around a 20 ms sleep");
        assert!(
            counted >= 0.02 * 0.99 && counted <= outer * 1.01,
            "counter: {counted} s for a 20 ms sleep inside {outer} s"
        );
        assert!(matches!(super::start(), Start::Counter(_)), "calibrated: the counter is used");
    }
}
