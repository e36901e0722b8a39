//! The directory: its lock files, the names of the files in it, and the header that
//! starts each process's file and each archive.
//!
//! - `metricsmith.lock`: the directory lock. Shared by scrapes while they read, taken
//!   exclusively to start a generation, to compact dead processes' files, and to join.
//! - `metricsmith.group`: held shared by every running process of the group, for life
//!   (its holders' children inherit it); nobody holding it means the group is gone, and
//!   the next process to join starts a new generation. Holds the generation number.
//! - `proc-<pid>-<nonce>.mm`: a process's file, locked exclusively by it for life, so a
//!   process is running exactly while its file is locked (the kernel releases the lock
//!   when it dies, `SIGKILL` included, and a new process with a reused pid has a file of
//!   its own).
//! - `archive-<layout>.mm`: what the processes of one layout that exited recorded,
//!   compacted into one file.
//! - `layout-<layout>`: the manifest of one layout (see `layout`), written once.
//! - `.tmp-…`: a file being written, renamed into place when complete.

use core::ffi::CStr;
use std::ffi::CString;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::sys::{self, Lock};
use crate::storage::patience::Patience;

pub(super) const LOCK_FILE: &CStr = c"metricsmith.lock";
pub(super) const GROUP_FILE: &CStr = c"metricsmith.group";

/// How long an operation waits for the directory lock: compactions hold it for the
/// time it takes to write one archive.
pub(super) const LOCK_PATIENCE: Duration = Duration::from_secs(2);

/// A temporary file older than this was left by a process that died writing it.
pub(super) const STALE_TEMPORARY_SECONDS: i64 = 60;

/// The directory, open for the `*at` calls.
pub(super) struct Directory {
    pub(super) path: PathBuf,
    pub(super) fd: RawFd,
}

/// A file of the directory, by its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Entry {
    Process { pid: u32, nonce: u64 },
    Archive { layout: u64 },
    Layout { layout: u64 },
    Temporary,
}

impl Entry {
    pub(super) fn parse(name: &str) -> Option<Entry> {
        if name.starts_with(".tmp-") {
            return Some(Entry::Temporary);
        }
        if let Some(rest) = name.strip_prefix("proc-").and_then(|rest| rest.strip_suffix(".mm")) {
            let (pid, nonce) = rest.split_once('-')?;
            return Some(Entry::Process {
                pid: pid.parse().ok()?,
                nonce: u64::from_str_radix(nonce, 16).ok()?,
            });
        }
        if let Some(layout) = name.strip_prefix("archive-").and_then(|rest| rest.strip_suffix(".mm")) {
            return Some(Entry::Archive { layout: u64::from_str_radix(layout, 16).ok()? });
        }
        if let Some(layout) = name.strip_prefix("layout-") {
            return Some(Entry::Layout { layout: u64::from_str_radix(layout, 16).ok()? });
        }
        None
    }

    pub(super) fn name(&self) -> Option<CString> {
        let name = match self {
            Entry::Process { pid, nonce } => format!("proc-{pid}-{nonce:016x}.mm"),
            Entry::Archive { layout } => format!("archive-{layout:016x}.mm"),
            Entry::Layout { layout } => format!("layout-{layout:016x}"),
            Entry::Temporary => return None,
        };
        CString::new(name).ok()
    }
}

/// Writes `proc-<pid>-<nonce>.mm` (or with `temporary`, `.tmp-proc-…`) into `buffer`
/// without allocating, for the forked child's hook.
pub(super) fn process_file_name(buffer: &mut [u8; 64], temporary: bool, pid: u32, nonce: u64) -> &CStr {
    let mut length = 0;
    let mut push = |bytes: &[u8]| {
        buffer[length..length + bytes.len()].copy_from_slice(bytes);
        length += bytes.len();
    };
    if temporary {
        push(b".tmp-");
    }
    push(b"proc-");
    push(itoa::Buffer::new().format(pid).as_bytes());
    push(b"-");
    let mut hex = [0u8; 16];
    for (position, digit) in hex.iter_mut().enumerate() {
        let nibble = (nonce >> (60 - 4 * position)) & 0xf;
        *digit = b"0123456789abcdef"[nibble as usize];
    }
    push(&hex);
    push(b".mm\0");
    // Only digits, letters and punctuation went in, and one NUL at the end.
    CStr::from_bytes_with_nul(&buffer[..length]).unwrap_or(c"")
}

impl Directory {
    /// Opens `path`, which must be an existing directory.
    pub(super) fn open(path: &Path) -> io::Result<Directory> {
        let name = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "the path holds a NUL byte"))?;
        let fd = sys::open_dir(&name)?;
        Ok(Directory { path: path.to_owned(), fd })
    }

    /// Takes the directory lock, waiting at most [`LOCK_PATIENCE`] (`None` then; also
    /// without waiting at all when `wait` is false).
    pub(super) fn lock(&self, lock: Lock, wait: bool) -> io::Result<Option<Held>> {
        let fd = sys::open_or_create_at(self.fd, LOCK_FILE)?;
        let mut patience = Patience::new(LOCK_PATIENCE);
        loop {
            match sys::try_lock(fd, lock) {
                Ok(true) => return Ok(Some(Held { fd })),
                Ok(false) if wait && patience.wait() => {}
                Ok(false) => {
                    sys::close(fd);
                    return Ok(None);
                }
                Err(error) => {
                    sys::close(fd);
                    return Err(error);
                }
            }
        }
    }

    /// The files of the directory that are ours, by name (others are left alone).
    pub(super) fn entries(&self) -> io::Result<Vec<(Entry, CString)>> {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&self.path)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(parsed) = name.to_str().and_then(Entry::parse) else { continue };
            if let Ok(name) = CString::new(name.as_bytes()) {
                entries.push((parsed, name));
            }
        }
        Ok(entries)
    }

    /// Writes `bytes` as the file `name`, whole or not at all: into a temporary file,
    /// then renamed.
    pub(super) fn write_whole(&self, name: &CStr, bytes: &[u8]) -> io::Result<()> {
        let temporary =
            CString::new(format!(".tmp-{}-{}-{:x}", name.to_string_lossy(), sys::pid(), sys::now_nanos()))
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a file name holds a NUL byte"))?;
        let fd = sys::open_at(self.fd, &temporary, true, true)?;
        let written = sys::write_all_at(fd, bytes, 0);
        sys::close(fd);
        written.and_then(|()| sys::rename_at(self.fd, &temporary, name)).inspect_err(|_| {
            let _ = sys::unlink_at(self.fd, &temporary);
        })
    }

    /// The whole content of the file `name`.
    pub(super) fn read_whole(&self, name: &CStr) -> io::Result<Vec<u8>> {
        let fd = sys::open_at(self.fd, name, false, false)?;
        let read = (|| {
            let mut bytes = vec![0; usize::try_from(sys::size(fd)?).unwrap_or(0)];
            let filled = sys::read_at(fd, &mut bytes, 0)?;
            bytes.truncate(filled);
            Ok(bytes)
        })();
        sys::close(fd);
        read
    }
}

impl Drop for Directory {
    fn drop(&mut self) {
        sys::close(self.fd);
    }
}

/// The directory lock, held until dropped.
pub(super) struct Held {
    fd: RawFd,
}

impl Drop for Held {
    fn drop(&mut self) {
        sys::unlock(self.fd);
        sys::close(self.fd);
    }
}

/// What starts every file: a process's or an archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(super) struct Header {
    pub(super) archive: bool,
    pub(super) generation: u64,
    pub(super) layout: u64,
    pub(super) pid: u32,
    pub(super) nonce: u64,
    /// Archive: processes absorbed so far.
    pub(super) dead_count: u64,
    /// Archive: exited processes whose `all`-mode gauge values follow the runs.
    pub(super) appendix_entries: u64,
    /// Archive: how many process files its last compaction folded in; their ids follow
    /// the header (see [`absorbed_ids`]).
    pub(super) absorbed: u64,
}

const PROCESS_MAGIC: &[u8; 8] = b"MSMPROC1";
const ARCHIVE_MAGIC: &[u8; 8] = b"MSMARCH1";
/// Bytes of the header's fixed fields.
pub(super) const HEADER_USED: usize = 64;
/// Bytes of an absorbed file's id: its pid and nonce.
const ID_BYTES: usize = 16;
/// The most process files one compaction folds into an archive: their ids fill the
/// rest of the header page.
pub(super) const MOST_ABSORBED: usize = (super::layout::HEADER_BYTES as usize - HEADER_USED) / ID_BYTES;

impl Header {
    pub(super) fn encode(&self) -> [u8; HEADER_USED] {
        let mut bytes = [0u8; HEADER_USED];
        bytes[0..8].copy_from_slice(if self.archive { ARCHIVE_MAGIC } else { PROCESS_MAGIC });
        bytes[8..16].copy_from_slice(&self.generation.to_le_bytes());
        bytes[16..24].copy_from_slice(&self.layout.to_le_bytes());
        bytes[24..28].copy_from_slice(&self.pid.to_le_bytes());
        bytes[32..40].copy_from_slice(&self.nonce.to_le_bytes());
        bytes[40..48].copy_from_slice(&self.dead_count.to_le_bytes());
        bytes[48..56].copy_from_slice(&self.appendix_entries.to_le_bytes());
        bytes[56..64].copy_from_slice(&self.absorbed.to_le_bytes());
        bytes
    }

    pub(super) fn decode(bytes: &[u8]) -> Option<Header> {
        let bytes = bytes.get(..HEADER_USED)?;
        let archive = match &bytes[0..8] {
            magic if magic == ARCHIVE_MAGIC => true,
            magic if magic == PROCESS_MAGIC => false,
            _ => return None,
        };
        let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or([0; 4]));
        Some(Header {
            archive,
            generation: u64_at(8),
            layout: u64_at(16),
            pid: u32_at(24),
            nonce: u64_at(32),
            dead_count: u64_at(40),
            appendix_entries: u64_at(48),
            absorbed: u64_at(56),
        })
    }
}

/// The ids (pid, nonce) of the process files an archive's last compaction folded in,
/// from its header page: files a compactor that died between writing the archive and
/// removing them left behind, which scrapes skip and the next compaction removes.
pub(super) fn absorbed_ids(header: &Header, page: &[u8]) -> Vec<(u32, u64)> {
    let count = (header.absorbed as usize).min(MOST_ABSORBED);
    page.get(HEADER_USED..HEADER_USED + count * ID_BYTES)
        .unwrap_or(&[])
        .chunks_exact(ID_BYTES)
        .map(|id| {
            let pid = u64::from_le_bytes(id[..8].try_into().unwrap_or([0; 8]));
            (pid as u32, u64::from_le_bytes(id[8..].try_into().unwrap_or([0; 8])))
        })
        .collect()
}

/// Writes `ids` after the header's fixed fields (at most [`MOST_ABSORBED`]).
pub(super) fn write_absorbed_ids(page: &mut [u8], ids: &[(u32, u64)]) {
    for (slot, (pid, nonce)) in
        page[HEADER_USED..].chunks_exact_mut(ID_BYTES).zip(ids.iter().take(MOST_ABSORBED))
    {
        slot[..8].copy_from_slice(&u64::from(*pid).to_le_bytes());
        slot[8..].copy_from_slice(&nonce.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for entry in [
            Entry::Process { pid: 4_194_304, nonce: 0x0123_4567_89ab_cdef },
            Entry::Archive { layout: 7 },
            Entry::Layout { layout: u64::MAX },
        ] {
            let name = entry.name().unwrap();
            assert_eq!(Entry::parse(name.to_str().unwrap()), Some(entry));
        }
        assert_eq!(Entry::parse(".tmp-proc-1-2.mm"), Some(Entry::Temporary));
        assert_eq!(Entry::parse("notes.txt"), None);
        assert_eq!(Entry::parse("proc-x-1.mm"), None);
    }

    #[test]
    fn the_child_writes_the_same_names_without_allocating() {
        let mut buffer = [0u8; 64];
        let name = process_file_name(&mut buffer, false, 31337, 0xabc).to_owned();
        assert_eq!(name, Entry::Process { pid: 31337, nonce: 0xabc }.name().unwrap());
        let mut buffer = [0u8; 64];
        let temporary = process_file_name(&mut buffer, true, u32::MAX, u64::MAX);
        assert_eq!(temporary.to_str().unwrap(), ".tmp-proc-4294967295-ffffffffffffffff.mm");
    }

    #[test]
    fn headers_read_back() {
        let header = Header {
            archive: true,
            generation: 3,
            layout: 0xfeed,
            pid: 12,
            nonce: 99,
            dead_count: 5,
            appendix_entries: 2,
            absorbed: 2,
        };
        assert_eq!(Header::decode(&header.encode()), Some(header));
        assert_eq!(Header::decode(&[0; HEADER_USED]), None);
        let mut page = vec![0u8; 4096];
        page[..HEADER_USED].copy_from_slice(&header.encode());
        write_absorbed_ids(&mut page, &[(7, 70), (8, u64::MAX)]);
        assert_eq!(absorbed_ids(&header, &page), [(7, 70), (8, u64::MAX)]);
        const { assert!(MOST_ABSORBED >= 250, "a header page records at least 250 absorbed processes") };
    }
}
