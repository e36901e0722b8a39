//! Multiprocess mode: the processes of a prefork server (or any group of processes
//! sharing a directory) record into files of their own, and a scrape of any of them
//! shows the values of all of them, merged. Linux only, with the cargo feature
//! `multiprocess`.
//!
//! ```no_run
//! # fn main() -> Result<(), metricsmith::multiprocess::MultiprocessError> {
//! // In the parent, before it forks its workers (or in a process started with `exec`,
//! // with the same directory):
//! metricsmith::multiprocess::init("/run/shop/metrics")?;
//! // ... fork the workers: each records into a file of its own, no call needed.
//! // When a worker exits (a supervisor's child-exit hook):
//! # let worker_pid = 0;
//! metricsmith::multiprocess::mark_process_dead(worker_pid)?;
//! # Ok(()) }
//! ```
//!
//! How it works: every family's cells are one page-aligned static array (the feature
//! makes them so); [`init`] creates this process's file in the directory, copies the
//! values recorded so far into it and maps it over those arrays in place, so recording
//! runs exactly the same instructions as before, now into memory the kernel shares with
//! the file. A child forked after `init` maps a fresh file of its own before `fork`
//! returns in it (it starts at zero; its parent keeps its own counts). A scrape reads
//! every file of the directory and merges: counters, histograms (native buckets too, at
//! the coarsest resolution any process holds), summaries and the
//! `#[timed]`/`#[counted]` families add up over every process that ever recorded,
//! running or exited, so totals never go backwards; gauges merge by their [`Mode`]. See
//! the README's "Multiprocess" section for the whole story (lifecycle, restarts, what
//! each kind of family shows).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// How a gauge's values in several processes merge into what a scrape shows, declared
/// with `#[metric(multiprocess = "...")]` (the names are Python `prometheus_client`'s):
///
/// | mode | a scrape shows |
/// | --- | --- |
/// | `all` (default) | one series per process, running or exited, with a `pid` label |
/// | `liveall` | one series per running process, with a `pid` label |
/// | `min`, `max`, `sum` | the smallest, largest value, the sum, over every process that ever ran |
/// | `livemin`, `livemax`, `livesum` | the same over the running processes (`#[in_flight]`'s gauges are `livesum`) |
/// | `mostrecent` | the value written last, by any process |
/// | `livemostrecent` | the value written last by a running process |
///
/// A gauge records as any other whatever its mode; the mode only says how a scrape merges
/// it (and without the multiprocess mode started, it changes nothing):
///
/// ```
/// use metricsmith::{metric, Gauge};
///
/// /// Requests being served, over all workers.
/// #[metric(multiprocess = "livesum")]
/// static HTTP_REQUESTS_IN_PROGRESS: Gauge;
///
/// let _in_progress = HTTP_REQUESTS_IN_PROGRESS.track_inprogress();
/// assert_eq!(HTTP_REQUESTS_IN_PROGRESS.get(), 1.0, "this process's own value");
/// ```
pub use crate::family::MultiprocessMode as Mode;

#[cfg(target_os = "linux")]
mod child;
#[cfg(target_os = "linux")]
mod compact;
#[cfg(target_os = "linux")]
mod files;
#[cfg(target_os = "linux")]
mod layout;
#[cfg(target_os = "linux")]
mod read;
#[cfg(target_os = "linux")]
mod state;
#[cfg(target_os = "linux")]
mod sys;
#[cfg(target_os = "linux")]
mod view;

#[cfg(target_os = "linux")]
pub(crate) use view::scrape;

/// Where [`init_from_env`] finds the directory.
pub const ENV_VAR: &str = "METRICSMITH_MULTIPROC_DIR";

/// Why the multiprocess mode could not start or do what was asked.
#[derive(Debug)]
#[non_exhaustive]
pub enum MultiprocessError {
    /// This system cannot run it (only Linux can, with 4 KiB pages).
    Unsupported {
        /// What is missing.
        reason: String,
    },
    /// [`init_from_env`]: the variable is not set (or empty).
    EnvironmentNotSet,
    /// [`init`] was already called with another directory.
    AlreadyInitialized {
        /// The directory in use.
        directory: PathBuf,
    },
    /// [`mark_process_dead`] before [`init`].
    NotInitialized,
    /// The directory lock stayed held by another process for longer than the operation
    /// waits (2 s), or another `init` of this process was running.
    Busy {
        /// The directory.
        directory: PathBuf,
    },
    /// A file operation failed.
    Io {
        /// What was being done.
        action: String,
        /// The file or directory.
        path: PathBuf,
        /// Why it failed.
        source: io::Error,
    },
}

impl fmt::Display for MultiprocessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MultiprocessError::Unsupported { reason } => {
                write!(f, "the multiprocess mode cannot run here: {reason}")
            }
            MultiprocessError::EnvironmentNotSet => {
                write!(f, "{ENV_VAR} is not set: set it to the directory the processes share")
            }
            MultiprocessError::AlreadyInitialized { directory } => write!(
                f,
                "the multiprocess mode already records into {}: `init` takes one directory per process",
                directory.display()
            ),
            MultiprocessError::NotInitialized => {
                write!(
                    f,
                    "the multiprocess mode is not started: call `metricsmith::multiprocess::init` first"
                )
            }
            MultiprocessError::Busy { directory } => write!(
                f,
                "another process held the lock of {} for more than 2 s (a process stopped while compacting?)",
                directory.display()
            ),
            MultiprocessError::Io { action, path, source } => {
                write!(f, "multiprocess: {action} {} failed: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for MultiprocessError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MultiprocessError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Starts the multiprocess mode: from now on this process records into its own file in
/// `dir` (created if missing), and every scrape of any process of the group shows the
/// merged values of all of them. Values recorded before the call are kept.
///
/// Call it once, early, before other threads record or the process forks (a value
/// recorded by another thread while `init` runs may be lost); in a prefork server, in
/// the parent before it forks its workers: a child forked afterwards gets a file of its
/// own with no call. A process started with `exec` calls `init` with the same
/// directory. Calling it again with the same directory (also in a forked child) does
/// nothing.
///
/// The first process to start while no process of the group runs (a service started
/// anew) starts a new generation: it removes the files of the previous run, so its
/// counts are neither added again nor need the directory wiped by hand.
///
/// Errors: on a system other than Linux, or with pages larger than 4 KiB
/// ([`MultiprocessError::Unsupported`]); when the directory cannot be created or
/// written ([`MultiprocessError::Io`]); with another directory after a first `init`.
///
/// ```no_run
/// metricsmith::multiprocess::init("/dev/shm/shop-metrics").expect("multiprocess metrics");
/// ```
pub fn init(dir: impl AsRef<Path>) -> Result<(), MultiprocessError> {
    #[cfg(target_os = "linux")]
    return state::init(dir.as_ref());
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        Err(MultiprocessError::Unsupported {
            reason: "it needs Linux (shared file mappings and `flock`)".to_owned(),
        })
    }
}

/// [`init`] with the directory named by `METRICSMITH_MULTIPROC_DIR` ([`ENV_VAR`]).
///
/// ```no_run
/// if std::env::var_os(metricsmith::multiprocess::ENV_VAR).is_some() {
///     metricsmith::multiprocess::init_from_env().expect("multiprocess metrics");
/// }
/// ```
pub fn init_from_env() -> Result<(), MultiprocessError> {
    match std::env::var_os(ENV_VAR) {
        Some(dir) if !dir.is_empty() => init(PathBuf::from(dir)),
        _ => Err(MultiprocessError::EnvironmentNotSet),
    }
}

/// Tells the group that the process `pid` has exited (Python's `mark_process_dead`,
/// for a supervisor's child-exit hook): its file is compacted into its layout's
/// archive now, rather than at the next scrape, so its `live` gauges are gone and the
/// directory does not grow with restarts. What it recorded stays counted.
///
/// Liveness itself needs no call: a process is running exactly while it holds the lock
/// of its own file, which the kernel releases when it dies (`SIGKILL` included), and a
/// new process that reuses the pid has a file of its own. So a `pid` whose process
/// still runs is left alone (it is not the one that exited: its pid was reused, or it
/// has not exited yet) and stays live until it does.
///
/// ```no_run
/// # let worker_pid = 4242;
/// metricsmith::multiprocess::mark_process_dead(worker_pid).expect("compacted");
/// ```
pub fn mark_process_dead(pid: u32) -> Result<(), MultiprocessError> {
    #[cfg(target_os = "linux")]
    return state::mark_process_dead(pid);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        Err(MultiprocessError::NotInitialized)
    }
}

/// The directory this process records into, once [`init`] succeeded.
///
/// ```
/// assert!(metricsmith::multiprocess::directory().is_none(), "not started in this example");
/// ```
pub fn directory() -> Option<&'static Path> {
    #[cfg(target_os = "linux")]
    return state::STATE.get().map(|state| state.directory.path.as_path());
    #[cfg(not(target_os = "linux"))]
    None
}

/// The pids of the group's running processes (each holds the lock of its file), sorted,
/// as the directory shows them now; empty before [`init`].
///
/// ```
/// assert!(metricsmith::multiprocess::live_pids().is_empty(), "not started in this example");
/// ```
pub fn live_pids() -> Vec<u32> {
    #[cfg(target_os = "linux")]
    return state::live_pids();
    #[cfg(not(target_os = "linux"))]
    Vec::new()
}

/// The merged view a scrape renders, off Linux: never started.
#[cfg(not(target_os = "linux"))]
pub(crate) fn scrape() -> Option<view_stub::Merged> {
    None
}

#[cfg(not(target_os = "linux"))]
mod view_stub {
    /// Never built off Linux.
    pub(crate) enum Merged {}

    impl Merged {
        pub(crate) fn install(&self) {}
        pub(crate) fn view(&self, _index: usize) -> Option<(&'static crate::registry::Registered, bool)> {
            None
        }
    }
}
