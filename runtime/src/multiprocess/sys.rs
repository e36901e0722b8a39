//! The system calls the multiprocess mode makes, each wrapped once: files opened
//! relative to the directory's descriptor, whole-file locks (`flock`), positioned reads
//! and writes, and mappings. Every wrapper is a plain system call (no allocation, no
//! lock), so the forked child's hook may call them.

use core::ffi::CStr;
use std::io;
use std::os::fd::RawFd;

/// The error of the last failed call.
pub(super) fn last_error() -> io::Error {
    io::Error::last_os_error()
}

fn check(result: libc::c_int) -> io::Result<libc::c_int> {
    if result < 0 {
        Err(last_error())
    } else {
        Ok(result)
    }
}

/// Opens (or with `create`, creates exclusively) `name` in the directory `dir`.
pub(super) fn open_at(dir: RawFd, name: &CStr, write: bool, create: bool) -> io::Result<RawFd> {
    let mut flags = libc::O_CLOEXEC | if write { libc::O_RDWR } else { libc::O_RDONLY };
    if create {
        flags |= libc::O_CREAT | libc::O_EXCL;
    }
    #[allow(unsafe_code)]
    // SAFETY: `name` is a NUL-terminated string; the descriptor returned is ours to close.
    check(unsafe { libc::openat(dir, name.as_ptr(), flags, 0o644 as libc::c_uint) })
}

/// Opens `name` in `dir` for reading and writing, creating it if missing (the lock files).
pub(super) fn open_or_create_at(dir: RawFd, name: &CStr) -> io::Result<RawFd> {
    #[allow(unsafe_code)]
    // SAFETY: as in `open_at`.
    check(unsafe {
        libc::openat(
            dir,
            name.as_ptr(),
            libc::O_CLOEXEC | libc::O_RDWR | libc::O_CREAT,
            0o644 as libc::c_uint,
        )
    })
}

/// Opens the directory itself, for the `*at` calls.
pub(super) fn open_dir(path: &CStr) -> io::Result<RawFd> {
    #[allow(unsafe_code)]
    // SAFETY: as in `open_at`.
    check(unsafe { libc::open(path.as_ptr(), libc::O_CLOEXEC | libc::O_RDONLY | libc::O_DIRECTORY) })
}

pub(super) fn close(fd: RawFd) {
    #[allow(unsafe_code)]
    // SAFETY: closes a descriptor this module opened and no longer uses.
    unsafe {
        libc::close(fd);
    }
}

/// What `flock` is asked for.
#[derive(Clone, Copy)]
pub(super) enum Lock {
    Shared,
    Exclusive,
}

/// Takes `lock` on the whole file without waiting: `Ok(false)` when another open file
/// holds a lock that conflicts.
pub(super) fn try_lock(fd: RawFd, lock: Lock) -> io::Result<bool> {
    let operation = match lock {
        Lock::Shared => libc::LOCK_SH,
        Lock::Exclusive => libc::LOCK_EX,
    };
    #[allow(unsafe_code)]
    // SAFETY: `flock` on a descriptor of ours.
    match unsafe { libc::flock(fd, operation | libc::LOCK_NB) } {
        0 => Ok(true),
        _ => match last_error() {
            error if error.raw_os_error() == Some(libc::EWOULDBLOCK) => Ok(false),
            error if error.kind() == io::ErrorKind::Interrupted => Ok(false),
            error => Err(error),
        },
    }
}

/// Gives up a lock taken with [`try_lock`] (explicitly: a forked child may hold a copy
/// of the descriptor, and only an unlock releases the lock for both).
pub(super) fn unlock(fd: RawFd) {
    #[allow(unsafe_code)]
    // SAFETY: `flock` on a descriptor of ours.
    unsafe {
        libc::flock(fd, libc::LOCK_UN);
    }
}

/// Writes all of `bytes` at `offset`.
pub(super) fn write_all_at(fd: RawFd, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    while !bytes.is_empty() {
        #[allow(unsafe_code)]
        // SAFETY: `bytes` is valid for reads of its length.
        let written = unsafe { libc::pwrite(fd, bytes.as_ptr().cast(), bytes.len(), offset as libc::off_t) };
        if written < 0 {
            let error = last_error();
            if error.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(error);
        }
        if written == 0 {
            // `from` a kind: no allocation (the forked child writes with this too).
            return Err(io::Error::from(io::ErrorKind::WriteZero));
        }
        bytes = &bytes[written as usize..];
        offset += written as u64;
    }
    Ok(())
}

/// Reads as much of `bytes` as the file holds from `offset`; returns how much.
pub(super) fn read_at(fd: RawFd, bytes: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut filled = 0;
    while filled < bytes.len() {
        #[allow(unsafe_code)]
        // SAFETY: the rest of `bytes` is valid for writes of its length.
        let read = unsafe {
            libc::pread(
                fd,
                bytes[filled..].as_mut_ptr().cast(),
                bytes.len() - filled,
                (offset + filled as u64) as libc::off_t,
            )
        };
        match read {
            0 => break,
            read if read < 0 => {
                let error = last_error();
                if error.kind() != io::ErrorKind::Interrupted {
                    return Err(error);
                }
            }
            read => filled += read as usize,
        }
    }
    Ok(filled)
}

/// Sets the file's length (new bytes read as zero and take no disk until written).
pub(super) fn set_len(fd: RawFd, len: u64) -> io::Result<()> {
    #[allow(unsafe_code)]
    // SAFETY: `ftruncate` on a descriptor of ours.
    check(unsafe { libc::ftruncate(fd, len as libc::off_t) }).map(|_| ())
}

/// The file's length.
pub(super) fn size(fd: RawFd) -> io::Result<u64> {
    #[allow(unsafe_code)]
    // SAFETY: `fstat` writes into the zeroed struct we pass.
    unsafe {
        let mut stat: libc::stat = core::mem::zeroed();
        check(libc::fstat(fd, &mut stat))?;
        Ok(stat.st_size as u64)
    }
}

/// Seconds since the file was last modified.
pub(super) fn age_seconds(dir: RawFd, name: &CStr) -> io::Result<i64> {
    #[allow(unsafe_code)]
    // SAFETY: `fstatat` writes into the zeroed struct we pass; `name` is NUL-terminated.
    let modified = unsafe {
        let mut stat: libc::stat = core::mem::zeroed();
        check(libc::fstatat(dir, name.as_ptr(), &mut stat, 0))?;
        stat.st_mtime
    };
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |now| now.as_secs());
    Ok(now as i64 - modified as i64)
}

/// Maps `len` bytes of `fd` from `offset` over the memory at `address`, shared: writes
/// there go to the file, and every process mapping it sees them.
///
/// # Safety
///
/// `address..address + len` must be whole pages of memory that only atomics are read and
/// written through (a family's `Cells`), whose contents the caller accepts to replace.
#[allow(unsafe_code)]
pub(super) unsafe fn map_over(address: usize, len: usize, fd: RawFd, offset: u64) -> io::Result<()> {
    // SAFETY: the caller's contract.
    let mapped = unsafe {
        libc::mmap(
            address as *mut libc::c_void,
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_FIXED,
            fd,
            offset as libc::off_t,
        )
    };
    if mapped == libc::MAP_FAILED {
        Err(last_error())
    } else {
        Ok(())
    }
}

/// Maps private zero pages over the memory at `address`: a forked child that could not
/// get a file of its own records there, never into its parent's file.
///
/// # Safety
///
/// As for [`map_over`].
#[allow(unsafe_code)]
pub(super) unsafe fn map_private_zeros(address: usize, len: usize) -> io::Result<()> {
    // SAFETY: the caller's contract.
    let mapped = unsafe {
        libc::mmap(
            address as *mut libc::c_void,
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
            -1,
            0,
        )
    };
    if mapped == libc::MAP_FAILED {
        Err(last_error())
    } else {
        Ok(())
    }
}

/// A read-only view of a whole file, unmapped on drop.
pub(super) struct Mapped {
    address: *mut libc::c_void,
    len: usize,
}

// SAFETY: the view is read through atomics only; the mapping lives as long as the value.
#[allow(unsafe_code)]
unsafe impl Send for Mapped {}
#[allow(unsafe_code)]
unsafe impl Sync for Mapped {}

impl Mapped {
    /// Maps the first `len` bytes of `fd` for reading (`len` > 0).
    pub(super) fn new(fd: RawFd, len: usize) -> io::Result<Mapped> {
        #[allow(unsafe_code)]
        // SAFETY: a fresh mapping chosen by the kernel; it is only read.
        let address =
            unsafe { libc::mmap(core::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_SHARED, fd, 0) };
        if address == libc::MAP_FAILED {
            return Err(last_error());
        }
        Ok(Mapped { address, len })
    }

    /// The cells from byte `offset` on, `count` of them, if the file holds them.
    pub(super) fn cells(&self, offset: usize, count: usize) -> Option<&[core::sync::atomic::AtomicU64]> {
        let end = offset.checked_add(count.checked_mul(8)?)?;
        if end > self.len || offset % 8 != 0 {
            return None;
        }
        #[allow(unsafe_code)]
        // SAFETY: in bounds (checked above) and 8-aligned (the mapping is page-aligned);
        // other processes write these cells with atomics, so they are read as atomics.
        // A read-only mapping is loaded from, never stored to: on 64-bit targets an
        // atomic load of 8 bytes is a plain load.
        Some(unsafe {
            core::slice::from_raw_parts(
                (self.address as *const u8).add(offset).cast::<core::sync::atomic::AtomicU64>(),
                count,
            )
        })
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        #[allow(unsafe_code)]
        // SAFETY: unmaps what `new` mapped; no view of it outlives `self`.
        unsafe {
            libc::munmap(self.address, self.len);
        }
    }
}

pub(super) fn rename_at(dir: RawFd, from: &CStr, to: &CStr) -> io::Result<()> {
    #[allow(unsafe_code)]
    // SAFETY: NUL-terminated names relative to our directory descriptor.
    check(unsafe { libc::renameat(dir, from.as_ptr(), dir, to.as_ptr()) }).map(|_| ())
}

pub(super) fn unlink_at(dir: RawFd, name: &CStr) -> io::Result<()> {
    #[allow(unsafe_code)]
    // SAFETY: a NUL-terminated name relative to our directory descriptor.
    check(unsafe { libc::unlinkat(dir, name.as_ptr(), 0) }).map(|_| ())
}

pub(super) fn pid() -> u32 {
    #[allow(unsafe_code)]
    // SAFETY: `getpid` cannot fail.
    unsafe {
        libc::getpid() as u32
    }
}

/// The memory page size.
pub(super) fn page_size() -> usize {
    #[allow(unsafe_code)]
    // SAFETY: `sysconf` has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(page).unwrap_or(0)
}

/// Nanoseconds since the epoch, from the system clock (a vDSO call, async-signal-safe).
pub(super) fn now_nanos() -> u64 {
    let mut time = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    #[allow(unsafe_code)]
    // SAFETY: `time` is a valid, writable timespec.
    unsafe {
        libc::clock_gettime(libc::CLOCK_REALTIME, &mut time);
    }
    (time.tv_sec as u64).wrapping_mul(1_000_000_000).wrapping_add(time.tv_nsec as u64)
}

/// Writes `message` to standard error (one system call: fit for a forked child's hook).
pub(super) fn write_stderr(message: &[u8]) {
    #[allow(unsafe_code)]
    // SAFETY: `message` is valid for reads of its length.
    unsafe {
        libc::write(2, message.as_ptr().cast(), message.len());
    }
}
