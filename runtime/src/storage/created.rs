//! When this process's cells began counting: the created timestamp of every series
//! metricsmith records itself (counters, histograms, summaries, the function families).
//!
//! Every cell is a `'static` that holds 0 from the moment the process exists, so every
//! series was "created" when the process started. On Linux that instant is read from
//! the kernel (`/proc/self/stat`'s start time after boot plus `/proc/stat`'s boot time,
//! the figure `process_start_time_seconds` shows), which also holds in a forked child:
//! the child has its own start time, read again once the scrape sees a new process id.
//! Elsewhere, and when `/proc` cannot be read, it is the time of the first scrape that
//! asked for it: later than the truth, which a scraper reads as values that rose in a
//! shorter time.
//!
//! Kept in two atomics so that reading it costs a series one load: [`refresh`] runs
//! once per scrape that needs created timestamps, [`counting_since`] once per series.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Nanoseconds since the epoch; 0 while unknown.
static SINCE_NANOS: AtomicU64 = AtomicU64::new(0);
/// The process the figure belongs to.
static FOR_PID: AtomicU32 = AtomicU32::new(0);

/// Makes sure [`counting_since`] knows this process's start: reads it on the first call
/// and again in a forked child (a new process id), otherwise does nothing.
pub(crate) fn refresh() {
    let pid = std::process::id();
    if FOR_PID.load(Relaxed) == pid && SINCE_NANOS.load(Relaxed) != 0 {
        return;
    }
    let started = process_start().unwrap_or_else(SystemTime::now);
    let nanos = started.duration_since(UNIX_EPOCH).map_or(1, |since| since.as_nanos() as u64).max(1);
    SINCE_NANOS.store(nanos, Relaxed);
    FOR_PID.store(pid, Relaxed);
}

/// Since when this process's cells have been counting; `None` before the first
/// [`refresh`].
#[inline]
pub(crate) fn counting_since() -> Option<SystemTime> {
    match SINCE_NANOS.load(Relaxed) {
        0 => None,
        nanos => Some(UNIX_EPOCH + Duration::from_nanos(nanos)),
    }
}

/// The kernel's record of when this process started (Linux).
#[cfg(target_os = "linux")]
fn process_start() -> Option<SystemTime> {
    // Clock ticks: the kernel's USER_HZ, 100 on every architecture Rust targets (the
    // value `sysconf(_SC_CLK_TCK)` returns; read without libc to keep the core light).
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from its end.
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Field 22, `starttime`, is the 20th after the name (state is field 3).
    let start_ticks: u64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let boot = std::fs::read_to_string("/proc/stat").ok()?;
    let boot_seconds: u64 = boot.lines().find_map(|line| line.strip_prefix("btime "))?.trim().parse().ok()?;
    let since_boot = Duration::from_millis(start_ticks.checked_mul(1000)? / TICKS_PER_SECOND);
    Some(UNIX_EPOCH + Duration::from_secs(boot_seconds) + since_boot)
}

#[cfg(not(target_os = "linux"))]
fn process_start() -> Option<SystemTime> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figure_is_this_processs_start_and_stays_put() {
        refresh();
        let since = counting_since().expect("known after refresh");
        let now = SystemTime::now();
        assert!(since <= now, "{since:?} is in the future");
        // This test process started a little while ago, not at the epoch.
        let age = now.duration_since(since).unwrap();
        assert!(age < Duration::from_secs(24 * 3600), "started {age:?} ago");
        refresh();
        assert_eq!(counting_since(), Some(since), "the same process keeps its figure");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn on_linux_it_is_the_kernels_start_time_not_the_first_scrape() {
        let started = process_start().expect("/proc is readable");
        std::thread::sleep(Duration::from_millis(30));
        refresh();
        assert_eq!(counting_since(), Some(started));
        // btime has whole seconds, the start ticks hundredths: at most that far off.
        assert!(started <= SystemTime::now());
    }
}
