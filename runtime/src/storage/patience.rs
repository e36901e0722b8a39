//! Bounded waiting: how long a reader retries a series that is being written, and a
//! thread waits for a lock that another thread holds, before it gives up and falls back.
//!
//! Nothing in metricsmith waits without such a bound, so a writer that never finishes
//! (a thread stopped by a debugger, a signal handler that reads what its own thread is
//! writing, a thread that vanished in a `fork`) costs a wait, never a hang. Usable in a
//! signal handler: `clock_gettime` and `sched_yield` are async-signal-safe.

use std::time::{Duration, Instant};

/// Attempts that only spin: a write takes nanoseconds, so most waits end here.
const SPINS: u32 = 64;

/// Waiting for another thread, up to a limit.
#[derive(Debug)]
pub(crate) struct Patience {
    limit: Duration,
    attempts: u32,
    /// Set when the spinning is over and the clock starts.
    deadline: Option<Instant>,
}

impl Patience {
    pub(crate) const fn new(limit: Duration) -> Patience {
        Patience { limit, attempts: 0, deadline: None }
    }

    /// Waits a little; `false` once `limit` has passed since the spinning ended.
    #[cold]
    pub(crate) fn wait(&mut self) -> bool {
        if self.attempts < SPINS {
            self.attempts += 1;
            core::hint::spin_loop();
            return true;
        }
        // Past the spins the writer is off its CPU: it needs the CPU, we need the clock.
        let now = Instant::now();
        let deadline = *self.deadline.get_or_insert_with(|| now + self.limit);
        if now >= deadline {
            return false;
        }
        std::thread::yield_now();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_up_once_the_limit_has_passed_and_not_before() {
        let mut patience = Patience::new(Duration::from_millis(20));
        let start = Instant::now();
        let mut waits = 0u64;
        while patience.wait() {
            waits += 1;
        }
        assert!(waits > u64::from(SPINS), "it spins first, then waits on the clock");
        assert!(start.elapsed() >= Duration::from_millis(20), "it gave up before its limit");
        let mut none = Patience::new(Duration::ZERO);
        assert_eq!((0..=SPINS).filter(|_| none.wait()).count(), SPINS as usize, "spins, then stops");
    }
}
