//! `fork()` without `exec`: what the other threads were doing at the fork must not
//! hang or corrupt the child, where those threads no longer exist.
//!
//! One `pthread_atfork` registration runs the [`FORK_HOOKS`] that features place in a
//! link-time slice: `prepare` and `parent` in the forking thread of the parent, before
//! and after the fork; `child` in the child, before `fork()` returns there, first every
//! hook of [`Stage::Detach`] (a feature that gives the child resources of its own: the
//! multiprocess mode's storage file, mapped over the memory the child still shares with
//! its parent), then every hook of [`Stage::Repair`] (storage and locks made consistent
//! again, in the child's own memory, never in the parent's). A child hook runs where
//! only async-signal-safe work is allowed: no allocation, no lock, no wait; it reaches
//! storage through link-time slices, never through anything built lazily.
//!
//! Also here: [`ForkSafeLock`], the one lock the recording paths take (for exemplars),
//! which is never held across a fork and which a signal handler may try.
//!
//! The handlers are registered when the program is loaded (an `.init_array` entry) and,
//! in case the linker left that out, by [`install`] on a thread's first claim of a
//! shard, the first scrape and the first exemplar.

// Off unix nothing registers the handlers: `fork` does not exist there.
#![cfg_attr(not(unix), allow(dead_code))]

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use super::patience::Patience;

/// When a child hook runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Runs first: gives the child what it must not share with its parent (the
    /// multiprocess mode's file mapping), so no repair writes into the parent's values.
    Detach,
    /// Makes consistent what threads that did not survive the fork left mid-update.
    Repair,
}

/// What a feature does around a fork.
pub(crate) struct ForkHook {
    /// In the parent, before the fork: takes what the child must find consistent.
    prepare: fn(),
    /// In the parent, after the fork: gives back what `prepare` took.
    parent: fn(),
    /// In the child, single-threaded: no allocation, no lock, no wait.
    child: fn(),
    stage: Stage,
}

impl ForkHook {
    /// A hook with all three parts.
    pub(crate) const fn new(stage: Stage, prepare: fn(), parent: fn(), child: fn()) -> ForkHook {
        ForkHook { prepare, parent, child, stage }
    }

    /// A hook that only runs in the child.
    pub(crate) const fn in_child(stage: Stage, child: fn()) -> ForkHook {
        ForkHook::new(stage, nothing, nothing, child)
    }
}

fn nothing() {}

#[allow(unsafe_code)] // linkme places the slice in a link section.
mod slice {
    /// Every hook of the program, in link order.
    #[linkme::distributed_slice]
    pub(crate) static FORK_HOOKS: [super::ForkHook];
}
pub(crate) use slice::FORK_HOOKS;

extern "C" fn prepare() {
    FORK_HOOKS.iter().for_each(|hook| (hook.prepare)());
}

extern "C" fn parent() {
    FORK_HOOKS.iter().for_each(|hook| (hook.parent)());
}

extern "C" fn child() {
    for stage in [Stage::Detach, Stage::Repair] {
        FORK_HOOKS.iter().filter(|hook| hook.stage == stage).for_each(|hook| (hook.child)());
    }
}

// The one libc function the core calls, declared here rather than through the `libc`
// crate, which would add its whole build to every library that declares a metric.
#[cfg(unix)]
#[allow(unsafe_code)]
extern "C" {
    /// POSIX: registers handlers run around `fork()`; returns 0 or an error number.
    fn pthread_atfork(
        prepare: Option<extern "C" fn()>,
        parent: Option<extern "C" fn()>,
        child: Option<extern "C" fn()>,
    ) -> core::ffi::c_int;
}

static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Registers the fork handlers, once.
#[inline]
pub(crate) fn install() {
    if !INSTALLED.load(Ordering::Relaxed) {
        install_now();
    }
}

#[cold]
fn install_now() {
    // Names the load-time entry, so the object that holds it is linked.
    #[cfg(unix)]
    core::hint::black_box(&AT_LOAD);
    if INSTALLED.swap(true, Ordering::AcqRel) {
        return;
    }
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: the handlers are `extern "C"` functions that live as long as the program.
    unsafe {
        pthread_atfork(Some(prepare), Some(parent), Some(child));
    }
}

/// Registers the handlers before `main`, so a fork is handled even before the first
/// recording.
#[cfg(unix)]
#[allow(unsafe_code)] // A load-time initialiser lives in a link section.
#[used]
#[cfg_attr(any(target_vendor = "apple"), link_section = "__DATA,__mod_init_func")]
#[cfg_attr(not(target_vendor = "apple"), link_section = ".init_array")]
static AT_LOAD: extern "C" fn() = {
    extern "C" fn install_at_load() {
        install_now();
    }
    install_at_load
};

/// How long [`ForkSafeLock::lock`] waits for another thread (a fork in progress holds
/// the lock from `prepare` to `parent`).
pub(crate) const LOCK_PATIENCE: Duration = Duration::from_millis(200);

thread_local! {
    /// Its address names the thread while it lives (const, no destructor: readable in a
    /// signal handler).
    static THREAD_MARK: u8 = const { 0 };
}

fn this_thread() -> usize {
    THREAD_MARK.with(|mark| mark as *const u8 as usize)
}

/// A lock that is never held across a fork and never waits for good: `lock` gives up
/// (returns `None`) at once when this thread already holds it — a signal handler that
/// interrupted the holder — and after [`LOCK_PATIENCE`] when another thread does.
///
/// Around a fork, [`hold_for_fork`](Self::hold_for_fork) takes it in `prepare` and the
/// parent and child hooks give it back, so the child finds the value as a whole; if it
/// could not be taken, the child resets the value its vanished holder left.
pub(crate) struct ForkSafeLock<T> {
    /// 0: free; otherwise the holding thread's mark.
    holder: AtomicUsize,
    /// Set by `prepare` when it took the lock for the fork.
    held_for_fork: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is only reached through a guard, which one thread at a time holds.
#[allow(unsafe_code)]
unsafe impl<T: Send> Sync for ForkSafeLock<T> {}

impl<T> ForkSafeLock<T> {
    pub(crate) const fn new(value: T) -> ForkSafeLock<T> {
        ForkSafeLock {
            holder: AtomicUsize::new(0),
            held_for_fork: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// The lock, or `None` when this thread holds it already or another thread holds it
    /// for longer than [`LOCK_PATIENCE`].
    pub(crate) fn lock(&self) -> Option<ForkSafeGuard<'_, T>> {
        let me = this_thread();
        let mut patience = Patience::new(LOCK_PATIENCE);
        loop {
            match self.holder.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return Some(ForkSafeGuard { lock: self }),
                Err(holder) if holder == me => return None,
                Err(_) if patience.wait() => {}
                Err(_) => return None,
            }
        }
    }

    /// `prepare`: takes the lock for the fork, if it can be had.
    pub(crate) fn hold_for_fork(&self) {
        if let Some(guard) = self.lock() {
            core::mem::forget(guard);
            self.held_for_fork.store(true, Ordering::Relaxed);
        }
    }

    /// `parent`: gives back what `prepare` took.
    pub(crate) fn release_in_parent(&self) {
        if self.held_for_fork.swap(false, Ordering::Relaxed) {
            self.holder.store(0, Ordering::Release);
        }
    }

    /// `child`: gives back what `prepare` took; if `prepare` could not take the lock and
    /// a thread that did not survive the fork holds it, `reset`s the value that thread
    /// may have left half-changed, then frees the lock.
    pub(crate) fn release_in_child(&self, reset: impl FnOnce(&mut T)) {
        if self.held_for_fork.swap(false, Ordering::Relaxed) {
            self.holder.store(0, Ordering::Release);
            return;
        }
        let holder = self.holder.load(Ordering::Acquire);
        // This thread as the holder: the fork came from a signal handler that interrupted
        // it, and it goes on with the value when the handler returns.
        if holder != 0 && holder != this_thread() {
            #[allow(unsafe_code)]
            // SAFETY: the holder did not survive the fork and the child runs nothing else
            // yet: no reference to the value is live.
            reset(unsafe { &mut *self.value.get() });
            self.holder.store(0, Ordering::Release);
        }
    }
}

/// The value of a [`ForkSafeLock`], while this thread holds it.
pub(crate) struct ForkSafeGuard<'a, T> {
    lock: &'a ForkSafeLock<T>,
}

impl<T> Deref for ForkSafeGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        #[allow(unsafe_code)]
        // SAFETY: this guard is the lock's only holder.
        unsafe {
            &*self.lock.value.get()
        }
    }
}

impl<T> DerefMut for ForkSafeGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        #[allow(unsafe_code)]
        // SAFETY: this guard is the lock's only holder.
        unsafe {
            &mut *self.lock.value.get()
        }
    }
}

impl<T> Drop for ForkSafeGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.holder.store(0, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_gives_up_on_its_own_holder_and_is_given_back_on_drop() {
        let lock = ForkSafeLock::new(1);
        let mut guard = lock.lock().expect("free");
        *guard += 1;
        assert!(lock.lock().is_none(), "this thread holds it: a re-entrant try gives up at once");
        std::thread::scope(|scope| {
            let other = scope.spawn(|| lock.lock().map(|value| *value));
            // The other thread waits its patience out while this one holds the lock.
            assert_eq!(other.join().unwrap(), None);
        });
        drop(guard);
        assert_eq!(lock.lock().map(|value| *value), Some(2));
    }

    #[test]
    fn a_lock_held_for_a_fork_is_given_back_on_both_sides() {
        let lock = ForkSafeLock::new(5);
        lock.hold_for_fork();
        std::thread::scope(|scope| {
            assert!(scope.spawn(|| lock.lock().is_none()).join().unwrap(), "held from prepare to parent");
        });
        lock.release_in_parent();
        assert_eq!(lock.lock().map(|value| *value), Some(5));
        lock.hold_for_fork();
        lock.release_in_child(|value| *value = 0);
        assert_eq!(lock.lock().map(|value| *value), Some(5), "taken whole: nothing to reset");
    }

    #[test]
    fn a_child_resets_what_a_vanished_holder_left() {
        let lock = ForkSafeLock::new(7);
        // As a child sees it: held by a thread that is gone.
        lock.holder.store(1, Ordering::Relaxed);
        lock.release_in_child(|value| *value = 0);
        assert_eq!(lock.lock().map(|value| *value), Some(0));
        // Held by this thread (a fork from a signal handler): left to it.
        let guard = lock.lock().expect("free");
        lock.release_in_child(|value| *value = 9);
        drop(guard);
        assert_eq!(lock.lock().map(|value| *value), Some(0));
    }

    /// A real fork while another thread holds a shard: the child releases that thread's
    /// shard (a new thread of the child can claim it), keeps its own, and exits 0.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_forked_child_releases_the_shards_of_vanished_threads() {
        use super::super::shard;
        install();
        let here = shard::current();
        let (claimed, release) = (std::sync::Barrier::new(2), std::sync::Barrier::new(2));
        std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                let shard = shard::current();
                claimed.wait();
                release.wait();
                shard
            });
            claimed.wait();
            let before = shard::claimed_bits();
            #[allow(unsafe_code)]
            // SAFETY: the child only reads atomics and leaves with `_exit`.
            let pid = unsafe { libc::fork() };
            if pid == 0 {
                let after = shard::claimed_bits();
                let mine = if here == 0 { 0 } else { 1 << (here - 1) };
                let code = if after == mine { 0 } else { 1 };
                #[allow(unsafe_code)]
                // SAFETY: ends the child at once.
                unsafe {
                    libc::_exit(code)
                };
            }
            release.wait();
            let theirs = other.join().unwrap();
            assert!(
                theirs == 0 || before & (1 << (theirs - 1)) != 0,
                "the other thread held its shard at the fork"
            );
            let mut status = 0;
            #[allow(unsafe_code)]
            // SAFETY: waits for our own child.
            unsafe {
                libc::waitpid(pid, &mut status, 0)
            };
            assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child status {status}");
        });
    }
}
