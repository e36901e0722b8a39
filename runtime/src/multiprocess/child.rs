//! A child forked after `init`: before `fork` returns in it, it maps a fresh file of its
//! own over every run, so it records from zero into its own file while its parent keeps
//! counting into its own. This runs where only async-signal-safe work is allowed: system
//! calls on what `init` prepared, no allocation, no lock.

use core::sync::atomic::Ordering;

use super::files::{self, Header};
use super::state::{State, OWN_FILE, STATE};
use super::sys::{self, Lock};
use crate::storage::fork::{ForkHook, Stage, FORK_HOOKS};

#[allow(unsafe_code)] // linkme places the hook in a link section.
#[linkme::distributed_slice(FORK_HOOKS)]
static DETACH: ForkHook = ForkHook::in_child(Stage::Detach, detach);

fn detach() {
    let Some(state) = STATE.get() else { return };
    // The parent's descriptor: closed here, its lock stays the parent's (a lock is
    // released when every descriptor of it is closed, and the parent keeps one).
    let inherited = OWN_FILE.swap(-1, Ordering::AcqRel);
    if inherited >= 0 {
        sys::close(inherited);
    }
    let pid = sys::pid();
    let nonce = sys::now_nanos();
    match own_file(state, pid, nonce) {
        Ok(fd) => OWN_FILE.store(fd, Ordering::Release),
        Err(_) => {
            // Never record into the parent's file: private zeros instead, which no scrape
            // sees (this child's values are lost, its parent's are safe).
            for &(address, bytes, _) in &state.maps {
                #[allow(unsafe_code)]
                // SAFETY: the runs `init` mapped; only atomics are read and written there.
                let _ = unsafe { sys::map_private_zeros(address, bytes) };
            }
            sys::write_stderr(
                b"metricsmith: multiprocess: a forked child could not create its own file; its values are not shared\n",
            );
        }
    }
}

fn own_file(state: &State, pid: u32, nonce: u64) -> std::io::Result<i32> {
    let directory = state.directory.fd;
    let mut temporary = [0u8; 64];
    let temporary = files::process_file_name(&mut temporary, true, pid, nonce);
    let fd = sys::open_at(directory, temporary, true, true)?;
    let created = (|| {
        if !sys::try_lock(fd, Lock::Exclusive)? {
            return Err(std::io::Error::from(std::io::ErrorKind::WouldBlock));
        }
        let header = Header {
            generation: state.generation,
            layout: state.layout.hash,
            pid,
            nonce,
            ..Header::default()
        };
        sys::write_all_at(fd, &header.encode(), 0)?;
        sys::set_len(fd, state.layout.file_bytes)?;
        for &(address, bytes, offset) in &state.maps {
            #[allow(unsafe_code)]
            // SAFETY: the runs `init` mapped, page-aligned `Cells` statics read and
            // written through atomics only; the child starts them at zero.
            unsafe {
                sys::map_over(address, bytes, fd, offset)?
            };
        }
        let mut name = [0u8; 64];
        sys::rename_at(directory, temporary, files::process_file_name(&mut name, false, pid, nonce))
    })();
    match created {
        Ok(()) => Ok(fd),
        Err(error) => {
            let _ = sys::unlink_at(directory, temporary);
            sys::close(fd);
            Err(error)
        }
    }
}
