//! The process collector: the standard `process_*` metrics every Prometheus client
//! exports, read from `/proc` at scrape time (Linux, cargo feature `process`, on by
//! default; `default-features = false` leaves it out).
//!
//! Each family is a callback, so a failed read (e.g. `/proc` not mounted) leaves only
//! that family out of the scrape and is counted in `metricsmith_collect_failures_total`.

use core::sync::atomic::AtomicU64;

use procfs_core::process::{LimitValue, Limits, Stat};
use procfs_core::FromRead;

use crate::collect::{CallbackCollector, CallbackValue, Collected};
use crate::family::{CollectError, Family, Group, Meta, MetricType};

/// One process family: a callback read at every scrape, its last value, its metadata.
macro_rules! process_family {
    ($($family:ident: $type:ident, $name:literal, $help:literal, $read:ident;)*) => {
        /// The process families, registered as one group by `builtin`.
        pub(crate) struct ProcessMetrics;

        pub(crate) static PROCESS: ProcessMetrics = ProcessMetrics;

        impl Group for ProcessMetrics {
            fn families(&'static self, visit: &mut dyn FnMut(&'static Meta, &'static dyn Family)) {
                $(visit(&$family::META, &$family::FAMILY);)*
            }
        }

        $(
            #[allow(non_snake_case)]
            mod $family {
                use super::*;

                fn read((): ()) -> Result<f64, CollectError> {
                    $read().into_value()
                }
                static SOURCE: CallbackCollector<()> = CallbackCollector::new(read);
                static VALUE: [AtomicU64; 1] = [AtomicU64::new(0)];
                pub(super) static FAMILY: Collected<()> = Collected::new(&SOURCE, MetricType::$type, &VALUE);
                pub(super) static META: Meta = Meta {
                    name: $name,
                    help: $help,
                    file: file!(),
                    line: line!(),
                    module: module_path!(),
                };
            }
        )*
    };
}

process_family! {
    CPU_SECONDS: Counter, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", cpu_seconds;
    RESIDENT_MEMORY: Gauge, "process_resident_memory_bytes", "Resident memory size in bytes.", resident_memory_bytes;
    VIRTUAL_MEMORY: Gauge, "process_virtual_memory_bytes", "Virtual memory size in bytes.", virtual_memory_bytes;
    OPEN_FDS: Gauge, "process_open_fds", "Number of open file descriptors.", open_fds;
    MAX_FDS: Gauge, "process_max_fds", "Maximum number of open file descriptors (the soft limit; +Inf when unlimited).", max_fds;
    START_TIME: Gauge, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", start_time_seconds;
    THREADS: Gauge, "process_threads", "Number of OS threads in the process.", threads;
}

/// A failed read of `/proc`: the family is left out of that scrape and counted.
type Read<T> = Result<T, String>;

fn stat() -> Read<Stat> {
    Stat::from_file("/proc/self/stat").map_err(|error| error.to_string())
}

/// A `sysconf` value, e.g. clock ticks per second or the page size.
fn sysconf(name: libc::c_int) -> Read<f64> {
    #[allow(unsafe_code)]
    // SAFETY: `sysconf` only reads the configuration value it is asked for.
    let value = unsafe { libc::sysconf(name) };
    if value > 0 {
        Ok(value as f64)
    } else {
        Err(format!("sysconf({name}) gave {value}"))
    }
}

fn cpu_seconds() -> Read<f64> {
    let stat = stat()?;
    Ok((stat.utime + stat.stime) as f64 / sysconf(libc::_SC_CLK_TCK)?)
}

fn resident_memory_bytes() -> Read<f64> {
    Ok(stat()?.rss as f64 * sysconf(libc::_SC_PAGESIZE)?)
}

fn virtual_memory_bytes() -> Read<f64> {
    Ok(stat()?.vsize as f64)
}

fn open_fds() -> Read<f64> {
    let entries = std::fs::read_dir("/proc/self/fd").map_err(|error| format!("/proc/self/fd: {error}"))?;
    Ok(entries.count() as f64)
}

fn max_fds() -> Read<f64> {
    let limits = Limits::from_file("/proc/self/limits").map_err(|error| error.to_string())?;
    Ok(match limits.max_open_files.soft_limit {
        LimitValue::Value(limit) => limit as f64,
        LimitValue::Unlimited => f64::INFINITY,
    })
}

/// When the system booted, from the `btime` line of `/proc/stat`.
fn boot_time_seconds() -> Read<f64> {
    let stat = std::fs::read_to_string("/proc/stat").map_err(|error| format!("/proc/stat: {error}"))?;
    stat.lines()
        .find_map(|line| line.strip_prefix("btime "))
        .and_then(|seconds| seconds.trim().parse::<f64>().ok())
        .ok_or_else(|| "/proc/stat has no btime line".to_owned())
}

fn start_time_seconds() -> Read<f64> {
    let ticks_since_boot = stat()?.starttime as f64;
    Ok(boot_time_seconds()? + ticks_since_boot / sysconf(libc::_SC_CLK_TCK)?)
}

fn threads() -> Read<f64> {
    Ok(stat()?.num_threads as f64)
}
