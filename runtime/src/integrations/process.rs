//! The process collector: the standard `process_*` metrics every Prometheus client
//! exports, read from `/proc` at scrape time (Linux, cargo feature `process`, on by
//! default; `default-features = false` leaves it out).
//!
//! Each family is a callback, so a failed read (e.g. `/proc` not mounted) leaves only
//! that family out of the scrape and is counted in `metricsmith_collect_failures_total`.
//!
//! Each also reads any other process by pid ([`Family::process_reader`]): in
//! multiprocess mode a scrape shows every running process of the group, with a `pid`
//! label, rather than whichever one served it.

use core::sync::atomic::AtomicU64;

use procfs_core::process::{LimitValue, Limits, Stat};
use procfs_core::FromRead;

use crate::collect::{CallbackCollector, CallbackValue, Collected};
use crate::family::{CollectError, Family, Group, Meta, MetricType, Sample};

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
                    $read("/proc/self").into_value()
                }
                fn read_process(pid: u32) -> Result<f64, CollectError> {
                    $read(&format!("/proc/{pid}")).into_value()
                }
                static SOURCE: CallbackCollector<()> = CallbackCollector::new(read);
                static VALUE: [AtomicU64; 1] = [AtomicU64::new(0)];
                pub(super) static FAMILY: ProcessFamily = ProcessFamily {
                    own: Collected::new(&SOURCE, MetricType::$type, &VALUE),
                    read_process,
                };
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

/// A process family: this process's value, read at every scrape, and any process's by
/// pid for the multiprocess mode.
pub(crate) struct ProcessFamily {
    own: Collected<()>,
    read_process: fn(u32) -> Result<f64, CollectError>,
}

impl Family for ProcessFamily {
    fn metric_type(&self) -> MetricType {
        self.own.metric_type()
    }
    fn label_names(&self, metric_name: &'static str, out: &mut Vec<&'static str>) {
        self.own.label_names(metric_name, out);
    }
    fn series_count(&self) -> usize {
        self.own.series_count()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        self.own.label_values(series, out);
    }
    fn read(&self, series: usize, out: &mut Sample) {
        self.own.read(series, out);
    }
    fn reads_at_scrape(&self) -> bool {
        self.own.reads_at_scrape()
    }
    fn collect(&self) -> Result<(), CollectError> {
        self.own.collect()
    }
    fn process_reader(&self) -> Option<fn(u32) -> Result<f64, CollectError>> {
        Some(self.read_process)
    }
}

/// A failed read of `/proc`: the family is left out of that scrape and counted.
type Read<T> = Result<T, String>;

/// The process's `stat`; `process` is its directory in `/proc` (`/proc/self`, `/proc/PID`).
fn stat(process: &str) -> Read<Stat> {
    Stat::from_file(format!("{process}/stat")).map_err(|error| error.to_string())
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

fn cpu_seconds(process: &str) -> Read<f64> {
    let stat = stat(process)?;
    Ok((stat.utime + stat.stime) as f64 / sysconf(libc::_SC_CLK_TCK)?)
}

fn resident_memory_bytes(process: &str) -> Read<f64> {
    Ok(stat(process)?.rss as f64 * sysconf(libc::_SC_PAGESIZE)?)
}

fn virtual_memory_bytes(process: &str) -> Read<f64> {
    Ok(stat(process)?.vsize as f64)
}

fn open_fds(process: &str) -> Read<f64> {
    let entries =
        std::fs::read_dir(format!("{process}/fd")).map_err(|error| format!("{process}/fd: {error}"))?;
    Ok(entries.count() as f64)
}

fn max_fds(process: &str) -> Read<f64> {
    let limits = Limits::from_file(format!("{process}/limits")).map_err(|error| error.to_string())?;
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

fn start_time_seconds(process: &str) -> Read<f64> {
    let ticks_since_boot = stat(process)?.starttime as f64;
    Ok(boot_time_seconds()? + ticks_since_boot / sysconf(libc::_SC_CLK_TCK)?)
}

fn threads(process: &str) -> Read<f64> {
    Ok(stat(process)?.num_threads as f64)
}
