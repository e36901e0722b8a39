//! The process collector: the standard `process_*` metrics every Prometheus client
//! exports, read from `/proc` at scrape time (Linux, cargo feature `process`, on by
//! default; `default-features = false` leaves it out).
//!
//! Each family is a callback, so a failed read (e.g. `/proc` not mounted) leaves only
//! that family out of the scrape and is counted in `metricsmith_collect_failures_total`.

// The statics are only registered, never read directly.
#![allow(dead_code)]

use procfs::process::{LimitValue, Process};

use crate::{metric, FloatCounter, Gauge};

/// Total user and system CPU time spent in seconds.
#[metric(callback = cpu_seconds)]
static PROCESS_CPU_SECONDS_TOTAL: FloatCounter;

/// Resident memory size in bytes.
#[metric(callback = resident_memory_bytes)]
static PROCESS_RESIDENT_MEMORY_BYTES: Gauge;

/// Virtual memory size in bytes.
#[metric(callback = virtual_memory_bytes)]
static PROCESS_VIRTUAL_MEMORY_BYTES: Gauge;

/// Number of open file descriptors.
#[metric(callback = open_fds)]
static PROCESS_OPEN_FDS: Gauge;

/// Maximum number of open file descriptors (the soft limit; +Inf when unlimited).
#[metric(callback = max_fds)]
static PROCESS_MAX_FDS: Gauge;

/// Start time of the process since unix epoch in seconds.
#[metric(callback = start_time_seconds)]
static PROCESS_START_TIME_SECONDS: Gauge;

/// Number of OS threads in the process.
#[metric(callback = threads)]
static PROCESS_THREADS: Gauge;

fn stat() -> procfs::ProcResult<procfs::process::Stat> {
    Process::myself()?.stat()
}

fn cpu_seconds() -> procfs::ProcResult<f64> {
    let stat = stat()?;
    Ok((stat.utime + stat.stime) as f64 / procfs::ticks_per_second() as f64)
}

fn resident_memory_bytes() -> procfs::ProcResult<f64> {
    Ok(stat()?.rss as f64 * procfs::page_size() as f64)
}

fn virtual_memory_bytes() -> procfs::ProcResult<f64> {
    Ok(stat()?.vsize as f64)
}

fn open_fds() -> procfs::ProcResult<f64> {
    Ok(Process::myself()?.fd_count()? as f64)
}

fn max_fds() -> procfs::ProcResult<f64> {
    Ok(match Process::myself()?.limits()?.max_open_files.soft_limit {
        LimitValue::Value(limit) => limit as f64,
        LimitValue::Unlimited => f64::INFINITY,
    })
}

fn start_time_seconds() -> procfs::ProcResult<f64> {
    let ticks_since_boot = stat()?.starttime as f64;
    Ok(procfs::boot_time_secs()? as f64 + ticks_since_boot / procfs::ticks_per_second() as f64)
}

fn threads() -> procfs::ProcResult<f64> {
    Ok(stat()?.num_threads as f64)
}
