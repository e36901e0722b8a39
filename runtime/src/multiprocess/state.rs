//! This process's part in the group: the directory, the layout, its own file (the lock
//! that says it runs), and what `init` and `mark_process_dead` do.

use core::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::os::fd::RawFd;
use std::path::Path;

use super::files::{self, Directory, Entry, Header, GROUP_FILE};
use super::layout::Layout;
use super::sys::{self, Lock};
use super::view::View;
use super::{compact, MultiprocessError};
use crate::storage::race_once::RaceOnce;
use crate::storage::{fork, CELLS_PAGE};

/// Set once `init` succeeded; read by scrapes and by the forked child's hook (which only
/// reads what `init` built).
pub(super) static STATE: RaceOnce<State> = RaceOnce::new();

/// This process's own file, locked exclusively for as long as it runs (`-1`: none).
pub(super) static OWN_FILE: AtomicI32 = AtomicI32::new(-1);

/// An `init` in progress, so a second one at the same time is refused, not raced.
static STARTING: AtomicBool = AtomicBool::new(false);

pub(super) struct State {
    pub(super) directory: Directory,
    pub(super) generation: u64,
    pub(super) layout: Layout,
    /// Per registered family: how a scrape shows it merged (see `view`).
    pub(super) views: Vec<Option<View>>,
    /// Where the forked child maps its own file: `(address, bytes, file offset)` of
    /// every run.
    pub(super) maps: Vec<(usize, usize, u64)>,
}

fn io_error(action: &str, path: &Path) -> impl FnOnce(std::io::Error) -> MultiprocessError {
    let (action, path) = (action.to_owned(), path.to_owned());
    move |source| MultiprocessError::Io { action, path, source }
}

pub(super) fn init(dir: &Path) -> Result<(), MultiprocessError> {
    if let Some(state) = STATE.get() {
        return match same_directory(&state.directory.path, dir) {
            true => Ok(()),
            false => Err(MultiprocessError::AlreadyInitialized { directory: state.directory.path.clone() }),
        };
    }
    if STARTING.swap(true, Ordering::AcqRel) {
        return Err(MultiprocessError::Busy { directory: dir.to_owned() });
    }
    let started = start(dir);
    STARTING.store(false, Ordering::Release);
    started
}

fn same_directory(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

fn start(dir: &Path) -> Result<(), MultiprocessError> {
    let page = sys::page_size();
    if page != CELLS_PAGE {
        return Err(MultiprocessError::Unsupported {
            reason: format!(
                "its memory pages are {page} bytes, and a family's cells are aligned to {CELLS_PAGE}-byte pages"
            ),
        });
    }
    std::fs::create_dir_all(dir).map_err(io_error("creating the directory", dir))?;
    let directory = Directory::open(dir).map_err(io_error("opening the directory", dir))?;
    fork::install();
    let layout = Layout::of_program();
    let held = directory
        .lock(Lock::Exclusive, true)
        .map_err(io_error("locking", dir))?
        .ok_or_else(|| MultiprocessError::Busy { directory: dir.to_owned() })?;
    let generation = join_group(&directory).map_err(io_error("joining the group of", dir))?;
    let layout_name = Entry::Layout { layout: layout.hash }.name().unwrap_or_default();
    if directory.read_whole(&layout_name).ok().as_deref() != Some(&layout.manifest[..]) {
        directory
            .write_whole(&layout_name, &layout.manifest)
            .map_err(io_error("writing the layout into", dir))?;
    }
    let maps: Vec<(usize, usize, u64)> = layout
        .storage
        .iter()
        .zip(&layout.runs)
        .map(|(storage, run)| (storage.cells.as_ptr() as usize, run.bytes() as usize, run.offset))
        .collect();
    let pid = sys::pid();
    let nonce = sys::now_nanos();
    let header = Header { generation, layout: layout.hash, pid, nonce, ..Header::default() };
    let own = create_own_file(&directory, &layout, &maps, header)
        .map_err(io_error("creating this process's file in", dir))?;
    OWN_FILE.store(own, Ordering::Release);
    let views = View::all(&layout);
    let state = STATE.get_or_init(|| State { directory, generation, layout, views, maps });
    // Whoever joins compacts what exited before it (under the lock already held).
    if let Err(error) = compact::compact(state) {
        eprintln!(
            "metricsmith: multiprocess: compacting the files of exited processes in {} failed: {error}",
            dir.display()
        );
    }
    drop(held);
    Ok(())
}

/// Takes this process's share of the group lock, starting a new generation when no
/// process of the group runs: the files of the previous run are removed. Returns the
/// generation. The directory lock is held, so no other process joins meanwhile.
fn join_group(directory: &Directory) -> std::io::Result<u64> {
    // Held for the life of the process (its forked children inherit it), never closed.
    let group = sys::open_or_create_at(directory.fd, GROUP_FILE)?;
    let mut bytes = [0u8; 8];
    let read = sys::read_at(group, &mut bytes, 0)?;
    let previous = if read == 8 { u64::from_le_bytes(bytes) } else { 0 };
    if sys::try_lock(group, Lock::Exclusive)? {
        // Nobody holds a share: the group is gone. What its files hold was the previous
        // run's; this run starts at zero.
        for (entry, name) in directory.entries()? {
            if !matches!(
                entry,
                Entry::Layout { .. } | Entry::Process { .. } | Entry::Archive { .. } | Entry::Temporary
            ) {
                continue;
            }
            let _ = sys::unlink_at(directory.fd, &name);
        }
        let generation = previous.wrapping_add(1);
        sys::write_all_at(group, &generation.to_le_bytes(), 0)?;
        // Exclusive to shared is not atomic with `flock`, but only a process holding the
        // directory lock takes it exclusively, and that is this one.
        sys::unlock(group);
        if !sys::try_lock(group, Lock::Shared)? {
            return Err(std::io::Error::other(
                "the group lock was taken while this process held the directory lock",
            ));
        }
        Ok(generation)
    } else {
        if !sys::try_lock(group, Lock::Shared)? {
            return Err(std::io::Error::other(
                "the group lock is held exclusively outside the directory lock",
            ));
        }
        Ok(previous)
    }
}

/// Creates this process's file with the values recorded so far and maps it over the
/// runs; returns its descriptor, locked exclusively for the life of the process.
fn create_own_file(
    directory: &Directory,
    layout: &Layout,
    maps: &[(usize, usize, u64)],
    header: Header,
) -> std::io::Result<RawFd> {
    let mut temporary = [0u8; 64];
    let temporary = files::process_file_name(&mut temporary, true, header.pid, header.nonce).to_owned();
    let fd = sys::open_at(directory.fd, &temporary, true, true)?;
    let created = (|| {
        if !sys::try_lock(fd, Lock::Exclusive)? {
            return Err(std::io::Error::other("a file just created was locked by another process"));
        }
        sys::write_all_at(fd, &header.encode(), 0)?;
        sys::set_len(fd, layout.file_bytes)?;
        for (storage, run) in layout.storage.iter().zip(&layout.runs) {
            let values: Vec<u8> =
                storage.cells.iter().flat_map(|cell| cell.load(Ordering::Relaxed).to_ne_bytes()).collect();
            sys::write_all_at(fd, &values, run.offset)?;
        }
        for &(address, bytes, offset) in maps {
            #[allow(unsafe_code)]
            // SAFETY: each run is a page-aligned `Cells` static, read and written only
            // through atomics; its values were just copied into the file at `offset`.
            unsafe {
                sys::map_over(address, bytes, fd, offset)?
            };
        }
        let mut name = [0u8; 64];
        sys::rename_at(
            directory.fd,
            &temporary,
            files::process_file_name(&mut name, false, header.pid, header.nonce),
        )
    })();
    match created {
        Ok(()) => Ok(fd),
        Err(error) => {
            // Runs already mapped keep their values (the mapping outlives the name).
            let _ = sys::unlink_at(directory.fd, &temporary);
            Err(error)
        }
    }
}

/// Whether the process file `name` belongs to a running process: it holds the file's
/// lock (a probe from a new descriptor conflicts even with this process's own lock).
pub(super) fn is_running(fd: RawFd) -> std::io::Result<bool> {
    if sys::try_lock(fd, Lock::Shared)? {
        sys::unlock(fd);
        Ok(false)
    } else {
        Ok(true)
    }
}

pub(super) fn live_pids() -> Vec<u32> {
    let Some(state) = STATE.get() else { return Vec::new() };
    let mut pids: Vec<u32> = state
        .directory
        .entries()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(entry, name)| {
            let Entry::Process { pid, .. } = entry else { return None };
            let fd = sys::open_at(state.directory.fd, &name, false, false).ok()?;
            let running = is_running(fd).unwrap_or(false);
            sys::close(fd);
            running.then_some(pid)
        })
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}

pub(super) fn mark_process_dead(pid: u32) -> Result<(), MultiprocessError> {
    let state = STATE.get().ok_or(MultiprocessError::NotInitialized)?;
    let path = &state.directory.path;
    let held = state
        .directory
        .lock(Lock::Exclusive, true)
        .map_err(io_error("locking", path))?
        .ok_or_else(|| MultiprocessError::Busy { directory: path.clone() })?;
    let compacted = compact::compact(state).map_err(io_error("compacting exited processes' files in", path));
    drop(held);
    // Every exited process's file goes into its layout's archive, `pid`'s among them;
    // a process of that pid that still runs is not the one that exited.
    let _ = pid;
    compacted.map(|_| ())
}
