//! Compaction: the files of processes that exited are folded into one archive per
//! layout and removed, so the directory does not grow with restarts while what they
//! recorded stays counted.
//!
//! Safe against concurrent scrapes and against pid reuse:
//! - the compactor holds the directory lock exclusively, and scrapes read under the
//!   same lock shared, so a scrape sees the files either before a compaction (the dead
//!   files and the old archive) or after it (the new archive alone);
//! - the new archive is written to a temporary file and renamed into place, so it is
//!   whole or absent, and it lists the files it folded in: a compactor that dies
//!   between the rename and removing them leaves files that scrapes skip and the next
//!   compaction removes, never counts twice;
//! - a file is dead when nobody holds its lock; files are locked by their creator
//!   before they get their name, and a new process that reuses a pid creates a file of
//!   its own (the name carries a nonce), so a running process's file is never taken.

use core::sync::atomic::{AtomicU64, Ordering};
use std::collections::HashMap;
use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;

use super::files::{
    absorbed_ids, write_absorbed_ids, Entry, Header, HEADER_USED, MOST_ABSORBED, STALE_TEMPORARY_SECONDS,
};
use super::layout::HEADER_BYTES;
use super::layout::{self, Run};
use super::read::{appendix, appendix_position, combine, is_all, read_histogram_shard, NativeCounts};
use super::state::{is_running, State};
use super::sys::{self, Mapped};
use crate::family::{CellKind, MultiprocessMode};
use crate::storage::native::NativeCells;
use crate::storage::{seqlock, SHARDS};

/// A dead process's file, open.
struct Exited {
    name: CString,
    fd: RawFd,
    header: Header,
}

impl Drop for Exited {
    fn drop(&mut self) {
        sys::close(self.fd);
    }
}

/// Compacts every exited process's file; the caller holds the directory lock
/// exclusively. Returns how many files were folded in.
pub(super) fn compact(state: &State) -> io::Result<usize> {
    let directory = &state.directory;
    let mut exited: HashMap<u64, Vec<Exited>> = HashMap::new();
    let mut entries = directory.entries()?;
    entries.sort_by_key(|(entry, _)| !matches!(entry, Entry::Archive { .. }));
    let mut absorbed = std::collections::HashSet::new();
    for (entry, name) in entries {
        match entry {
            Entry::Archive { .. } => {
                if let Ok(page) = directory.read_whole(&name) {
                    if let Some(header) = Header::decode(&page) {
                        absorbed.extend(absorbed_ids(&header, &page));
                    }
                }
            }
            Entry::Process { pid, nonce } if absorbed.contains(&(pid, nonce)) => {
                // Folded in by a compaction that died before removing it.
                let _ = sys::unlink_at(directory.fd, &name);
            }
            // A file some process stopped writing long ago (a younger one may still be
            // on its way to its rename).
            Entry::Temporary
                if sys::age_seconds(directory.fd, &name).is_ok_and(|age| age > STALE_TEMPORARY_SECONDS) =>
            {
                let _ = sys::unlink_at(directory.fd, &name);
            }
            Entry::Process { .. } => {
                let Ok(fd) = sys::open_at(directory.fd, &name, false, false) else { continue };
                let mut bytes = [0u8; HEADER_USED];
                let header = sys::read_at(fd, &mut bytes, 0).ok().and_then(|_| Header::decode(&bytes));
                let file = Exited { name, fd, header: header.unwrap_or_default() };
                if is_running(fd)? {
                    continue;
                }
                if header.is_none() || file.header.generation != state.generation {
                    // Unreadable, or a previous run's: nothing to count.
                    let _ = sys::unlink_at(directory.fd, &file.name);
                    continue;
                }
                exited.entry(file.header.layout).or_default().push(file);
            }
            _ => {}
        }
    }
    let mut compacted = 0;
    for (layout, files) in exited {
        let runs = match layout == state.layout.hash {
            true => Some(state.layout.runs.clone()),
            false => Entry::Layout { layout }
                .name()
                .and_then(|name| directory.read_whole(&name).ok())
                .and_then(|bytes| layout::decode(&bytes)),
        };
        // Without its manifest a file cannot be read; scrapes say so, and it stays.
        let Some(runs) = runs else { continue };
        for batch in files.chunks(MOST_ABSORBED) {
            compacted += into_archive(state, layout, &runs, batch)?;
        }
    }
    Ok(compacted)
}

/// Folds `files` (of layout `layout`, whose runs are `runs`) into the layout's archive.
fn into_archive(state: &State, layout: u64, runs: &[Run], files: &[Exited]) -> io::Result<usize> {
    let directory = &state.directory;
    let name = Entry::Archive { layout }.name().unwrap_or_default();
    let (start, entry) = appendix(runs);
    let mut words = vec![0u64; start as usize / 8];
    let mut entries: Vec<Vec<u64>> = Vec::new();
    let mut header =
        Header { archive: true, generation: state.generation, layout, pid: sys::pid(), ..Header::default() };
    if let Ok(bytes) = directory.read_whole(&name) {
        if let Some(held) =
            Header::decode(&bytes).filter(|held| held.archive && held.generation == state.generation)
        {
            header.dead_count = held.dead_count;
            let mut cells =
                bytes.chunks_exact(8).map(|word| u64::from_ne_bytes(word.try_into().unwrap_or([0; 8])));
            words.iter_mut().zip(cells.by_ref()).for_each(|(word, value)| *word = value);
            for _ in 0..held.appendix_entries {
                let values: Vec<u64> = cells.by_ref().take(entry).collect();
                if values.len() == entry {
                    entries.push(values);
                }
            }
        }
    }
    let mut folded = 0;
    for file in files {
        let Ok(size) = sys::size(file.fd) else { continue };
        let Ok(mapped) = Mapped::new(file.fd, size as usize) else { continue };
        let first = header.dead_count == 0;
        let mut values = vec![0u64; entry];
        values[0] = u64::from(file.header.pid);
        for (index, run) in runs.iter().enumerate() {
            let Some(cells) = mapped.cells(run.offset as usize, run.cells) else { continue };
            if is_all(run) {
                let position = appendix_position(runs, index);
                for series in 0..run.series {
                    values[position + series] = cells[series].load(Ordering::Relaxed);
                }
                continue;
            }
            absorb(&mut words, run, cells, first);
        }
        if entry > 1 {
            // One entry per pid: a reused pid's later process replaces the earlier.
            match entries.iter_mut().find(|held| held[0] == values[0]) {
                Some(held) => *held = values,
                None => entries.push(values),
            }
        }
        header.dead_count += 1;
        folded += 1;
    }
    header.appendix_entries = entries.len() as u64;
    header.absorbed = files.len() as u64;
    let mut bytes: Vec<u8> =
        words.iter().chain(entries.iter().flatten()).flat_map(|word| word.to_ne_bytes()).collect();
    bytes[..HEADER_USED].copy_from_slice(&header.encode());
    let ids: Vec<(u32, u64)> = files.iter().map(|file| (file.header.pid, file.header.nonce)).collect();
    write_absorbed_ids(&mut bytes[..HEADER_BYTES as usize], &ids);
    directory.write_whole(&name, &bytes)?;
    for file in files {
        let _ = sys::unlink_at(directory.fd, &file.name);
    }
    Ok(folded)
}

/// Adds the run `run` of an exited process (`cells`) into the archive's `words`, where
/// each series keeps one copy (shards folded together). `first`: the archive held no
/// process yet.
fn absorb(words: &mut [u64], run: &Run, cells: &[AtomicU64], first: bool) {
    let base = run.offset as usize / 8;
    let load = |index: usize| cells.get(index).map_or(0, |cell| cell.load(Ordering::Relaxed));
    let shards = if run.stride == 0 { 1 } else { SHARDS };
    let Some(words) = words.get_mut(base..base + run.cells) else { return };
    match run.kind {
        CellKind::Counter => {
            for (series, word) in words.iter_mut().enumerate().take(run.series) {
                let total = (0..shards)
                    .fold(0u64, |total, shard| total.wrapping_add(load(shard * run.stride + series)));
                *word = word.wrapping_add(total);
            }
        }
        CellKind::FloatCounter => {
            for (series, word) in words.iter_mut().enumerate().take(run.series) {
                let total: f64 =
                    (0..shards).map(|shard| f64::from_bits(load(shard * run.stride + series))).sum();
                *word = (f64::from_bits(*word) + total).to_bits();
            }
        }
        CellKind::Gauge(mode) if mode.live_only() || mode == MultiprocessMode::All => {}
        CellKind::Gauge(mode) => {
            let stamped = run.cells >= 2 * run.series;
            for series in 0..run.series {
                let stamp_at = run.series + series;
                let held = (!first)
                    .then(|| (f64::from_bits(words[series]), if stamped { words[stamp_at] } else { 0 }));
                let mut merged = held;
                combine(
                    mode,
                    &mut merged,
                    f64::from_bits(load(series)),
                    if stamped { load(stamp_at) } else { 0 },
                );
                if let Some((value, stamp)) = merged {
                    words[series] = value.to_bits();
                    if stamped {
                        words[stamp_at] = stamp;
                    }
                }
            }
        }
        CellKind::Histogram | CellKind::Summary => {
            let classic = run.classic_cells();
            let buckets = classic.saturating_sub(seqlock::FIXED_CELLS);
            let (mut counts, mut scratch) = (vec![0u64; buckets], Vec::new());
            for series in 0..run.series {
                let at = series * run.per_series;
                let Some(held) = words.get(at..at + run.per_series) else { continue };
                // The native buckets counted so far, at whatever resolution they are, to
                // be stored anew with this process's (see `NativeCells::store_counts`).
                let mut native = run.native.map(|_| {
                    let mut native = NativeCounts::default();
                    let held: Vec<AtomicU64> = held.iter().map(|word| AtomicU64::new(*word)).collect();
                    read_histogram_shard(&held, run, &mut counts, Some(&mut native), &mut scratch, false);
                    native
                });
                for shard in 0..shards {
                    let start = shard * run.stride + at;
                    let Some(cells) = cells.get(start..start + run.per_series) else { continue };
                    // A dead process's series is final: read once, whatever it holds.
                    let read =
                        read_histogram_shard(cells, run, &mut counts, native.as_mut(), &mut scratch, false);
                    // The archive's copy stays consistent: as many started as counted.
                    let total = counts.iter().fold(0u64, |total, count| total.wrapping_add(*count));
                    words[at] = words[at].wrapping_add(total);
                    for (bucket, count) in counts.iter().enumerate() {
                        words[at + 1 + bucket] = words[at + 1 + bucket].wrapping_add(*count);
                    }
                    let sum_at = at + 1 + buckets;
                    words[sum_at] = (f64::from_bits(words[sum_at]) + read.sum).to_bits();
                }
                let (Some(native), Some(shape)) = (native, run.native) else { continue };
                let stored: Vec<AtomicU64> = (classic..run.per_series).map(|_| AtomicU64::new(0)).collect();
                let Some(part) = NativeCells::new(&stored, shape.max_buckets) else { continue };
                part.store_counts(native.zero, &native.buckets);
                for (word, cell) in words[at + classic..at + run.per_series].iter_mut().zip(&stored) {
                    *word = cell.load(Ordering::Relaxed);
                }
            }
        }
    }
}
