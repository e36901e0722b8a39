//! A value computed on first use that no thread ever waits for.
//!
//! `std::sync::OnceLock` makes every other thread wait while one computes the value. In
//! a child forked while a parent thread was computing it, that thread no longer exists,
//! and the child would wait for ever. Here every thread that finds the cell empty
//! computes the value itself and offers it; the first offer wins, the others are dropped.
//! The values cached this way (the registry, rendered label text, series lists) are pure
//! functions of the program, so any offer is as good as another.

use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};

/// A value set once, by whichever thread computes it first.
pub(crate) struct RaceOnce<T> {
    value: AtomicPtr<T>,
    /// Owns a `T`: `Send` exactly when `T` is.
    owns: PhantomData<Box<T>>,
}

impl<T> RaceOnce<T> {
    /// An empty cell.
    pub(crate) const fn new() -> Self {
        RaceOnce { value: AtomicPtr::new(core::ptr::null_mut()), owns: PhantomData }
    }

    /// The value, if some thread has set it.
    #[inline]
    pub(crate) fn get(&self) -> Option<&T> {
        let value = self.value.load(Ordering::Acquire);
        #[allow(unsafe_code)]
        // SAFETY: a non-null pointer came from `Box::into_raw` in `get_or_init` and is
        // freed only when the cell is dropped, which `&self` rules out.
        (!value.is_null()).then(|| unsafe { &*value })
    }

    /// The value, computing it with `compute` if no thread has set it yet (which may
    /// happen on several threads at once: one result is kept).
    pub(crate) fn get_or_init(&self, compute: impl FnOnce() -> T) -> &T {
        if let Some(value) = self.get() {
            return value;
        }
        let offered = Box::into_raw(Box::new(compute()));
        match self.value.compare_exchange(core::ptr::null_mut(), offered, Ordering::AcqRel, Ordering::Acquire)
        {
            #[allow(unsafe_code)]
            // SAFETY: `offered` is ours and now owned by the cell, freed only on drop.
            Ok(_) => unsafe { &*offered },
            Err(kept) => {
                #[allow(unsafe_code)]
                // SAFETY: `offered` was not published; `kept` is the cell's, as in `get`.
                unsafe {
                    drop(Box::from_raw(offered));
                    &*kept
                }
            }
        }
    }
}

impl<T> Default for RaceOnce<T> {
    fn default() -> Self {
        RaceOnce::new()
    }
}

impl<T> Drop for RaceOnce<T> {
    fn drop(&mut self) {
        let value = *self.value.get_mut();
        if !value.is_null() {
            #[allow(unsafe_code)]
            // SAFETY: the pointer came from `Box::into_raw` and nothing else frees it.
            drop(unsafe { Box::from_raw(value) });
        }
    }
}

#[allow(unsafe_code)]
// SAFETY: as for `OnceLock<T>`: threads share the `T` (`T: Sync`), and the one that
// drops the cell may not be the one that computed it (`T: Send`).
unsafe impl<T: Send + Sync> Sync for RaceOnce<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_offer_wins_and_later_ones_are_not_computed() {
        let cell = RaceOnce::new();
        assert!(cell.get().is_none());
        assert_eq!(*cell.get_or_init(|| 1), 1);
        assert_eq!(*cell.get_or_init(|| unreachable!("already set")), 1);
    }

    #[test]
    fn racing_threads_all_see_one_value() {
        let cell: RaceOnce<usize> = RaceOnce::new();
        let cell = &cell;
        let seen: Vec<usize> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..8).map(|n| scope.spawn(move || *cell.get_or_init(|| n))).collect();
            threads.into_iter().map(|thread| thread.join().unwrap()).collect()
        });
        assert!(seen.iter().all(|value| *value == seen[0]), "{seen:?}");
    }
}
