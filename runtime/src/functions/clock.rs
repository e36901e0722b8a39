//! The clock of `#[timed]`: the CPU's own counter once it is calibrated against the
//! system clock, `std::time::Instant` until then and wherever the counter cannot be
//! trusted.
//!
//! `#[timed]` reads the clock twice per call. `Instant::now()` is a vDSO call (~25 ns on
//! common VMs); the counter is one instruction (`rdtsc` on x86-64, `cntvct_el0` on
//! AArch64, ~10 ns). On x86-64 the counter is used only when the CPU says it ticks at a
//! constant rate whatever the power state (the "invariant TSC" CPUID bit), and its rate
//! is measured against `Instant` on a short-lived background thread started by the first
//! timed call; calls made before that finishes use `Instant`. AArch64's counter states
//! its own frequency and needs no measuring. A call is always measured with the clock it
//! started with.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Once;
use std::time::{Duration, Instant};

/// Seconds per counter tick as `f64` bits; 0 until the counter is calibrated (and for
/// ever where it cannot be used).
static SECONDS_PER_TICK: AtomicU64 = AtomicU64::new(0);

/// When a call started, on the clock that was ready then.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Start {
    /// A counter reading, with the calibration it is to be read with.
    Counter { ticks: u64, seconds_per_tick: f64 },
    /// Before calibration finished, or without a usable counter.
    Std(Instant),
}

/// Now, on the fastest ready clock.
#[inline]
pub(crate) fn start() -> Start {
    let seconds_per_tick = f64::from_bits(SECONDS_PER_TICK.load(Relaxed));
    if seconds_per_tick > 0.0 {
        Start::Counter { ticks: counter::now(), seconds_per_tick }
    } else {
        calibrate_in_background();
        Start::Std(Instant::now())
    }
}

/// Seconds since `start` (0 if the counter appears to run backwards, e.g. read on
/// another CPU whose counter lags).
#[inline]
pub(crate) fn seconds_since(start: Start) -> f64 {
    match start {
        Start::Counter { ticks, seconds_per_tick } => {
            let elapsed = counter::now().wrapping_sub(ticks);
            // A "negative" difference wraps to a huge value: treat it as no time.
            if elapsed > i64::MAX as u64 {
                0.0
            } else {
                elapsed as f64 * seconds_per_tick
            }
        }
        Start::Std(instant) => instant.elapsed().as_secs_f64(),
    }
}

#[cold]
fn calibrate_in_background() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        if !counter::usable() {
            return;
        }
        let spawned = std::thread::Builder::new().name("metricsmith-clock".into()).spawn(|| {
            if let Some(seconds_per_tick) = calibrate() {
                SECONDS_PER_TICK.store(seconds_per_tick.to_bits(), Relaxed);
            }
        });
        // No thread (e.g. a platform without threads): `Instant` it stays.
        drop(spawned);
    });
}

/// The counter's period in seconds: its stated frequency where it has one, otherwise two
/// measurements against `Instant` over 10 ms each, which must agree within 0.1 %.
fn calibrate() -> Option<f64> {
    if let Some(hertz) = counter::stated_frequency() {
        return Some(1.0 / hertz as f64);
    }
    let measure = || {
        let (instant, ticks) = (Instant::now(), counter::now());
        std::thread::sleep(Duration::from_millis(10));
        let (elapsed, counted) = (instant.elapsed(), counter::now().wrapping_sub(ticks));
        (counted > 0 && counted < i64::MAX as u64).then(|| elapsed.as_secs_f64() / counted as f64)
    };
    let (first, second) = (measure()?, measure()?);
    ((first - second).abs() <= first * 1e-3).then_some((first + second) / 2.0)
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod counter {
    /// The time-stamp counter.
    #[inline]
    pub(super) fn now() -> u64 {
        // SAFETY: `rdtsc` exists on every x86-64 CPU and has no preconditions.
        unsafe { core::arch::x86_64::_rdtsc() }
    }

    /// Whether the TSC ticks at a constant rate in every power state (CPUID leaf
    /// 0x8000_0007, EDX bit 8: "invariant TSC"); only then does it measure time.
    // `__cpuid` is a safe function from Rust 1.87 on, `unsafe` before (rust-version 1.85).
    #[allow(unused_unsafe)]
    pub(super) fn usable() -> bool {
        // SAFETY: `cpuid` exists on every x86-64 CPU; the extended leaf is read only if
        // the CPU reports it.
        let highest = unsafe { core::arch::x86_64::__cpuid(0x8000_0000) }.eax;
        highest >= 0x8000_0007 && unsafe { core::arch::x86_64::__cpuid(0x8000_0007) }.edx & (1 << 8) != 0
    }

    /// The TSC's rate is not architecturally stated: it is measured.
    pub(super) fn stated_frequency() -> Option<u64> {
        None
    }
}

#[cfg(target_arch = "aarch64")]
#[allow(unsafe_code)]
mod counter {
    /// The generic timer's virtual count.
    #[inline]
    pub(super) fn now() -> u64 {
        let count: u64;
        // SAFETY: `cntvct_el0` is readable at EL0 on every AArch64 system Rust supports
        // (Linux and macOS enable it), and reading it has no side effects.
        unsafe { core::arch::asm!("mrs {}, cntvct_el0", out(reg) count, options(nomem, nostack)) };
        count
    }

    pub(super) fn usable() -> bool {
        stated_frequency().is_some()
    }

    /// `cntfrq_el0`: the frequency the firmware states for the counter.
    pub(super) fn stated_frequency() -> Option<u64> {
        let hertz: u64;
        // SAFETY: as for `cntvct_el0`.
        unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) hertz, options(nomem, nostack)) };
        (hertz > 0).then_some(hertz)
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod counter {
    /// No counter: `Instant` is used.
    pub(super) fn now() -> u64 {
        0
    }

    pub(super) fn usable() -> bool {
        false
    }

    pub(super) fn stated_frequency() -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_clocks_measure_the_same_sleep() {
        if !counter::usable() {
            println!("skipped: this CPU has no counter metricsmith trusts; `Instant` is used");
            return;
        }
        let before_calibration = Start::Std(Instant::now());
        let seconds_per_tick = calibrate().expect("a counter that usable() accepts calibrates");
        let counter = Start::Counter { ticks: counter::now(), seconds_per_tick };
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
    }

    #[test]
    fn a_counter_running_backwards_measures_no_time() {
        let ahead = Start::Counter { ticks: counter::now().wrapping_add(1 << 40), seconds_per_tick: 1e-9 };
        assert_eq!(seconds_since(ahead), 0.0);
    }
}
