//! `f64` stored as bits in an `AtomicU64`.

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[inline]
pub(crate) fn load(cell: &AtomicU64) -> f64 {
    f64::from_bits(cell.load(Relaxed))
}

#[inline]
pub(crate) fn store(cell: &AtomicU64, value: f64) {
    cell.store(value.to_bits(), Relaxed);
}

/// Adds with a compare-and-swap loop: there is no atomic float add.
#[inline]
pub(crate) fn add(cell: &AtomicU64, delta: f64) {
    let mut current = cell.load(Relaxed);
    loop {
        let next = (f64::from_bits(current) + delta).to_bits();
        match cell.compare_exchange_weak(current, next, Relaxed, Relaxed) {
            Ok(_) => return,
            Err(actual) => current = actual,
        }
    }
}
