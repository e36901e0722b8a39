//! Label values registered at run time, up to a capacity fixed at compile time: the
//! route templates of a router, the tenants of a config file, the status codes a service
//! returns. Bounded like an enum (the series budget counts the capacity and one overflow
//! value), but filled as the program learns its values.
//!
//! Each label type has one [`RuntimeValues`] table: a fixed array of slots, filled in
//! registration order under a lock, and an open-addressing index from a value's text to
//! its slot that readers probe without locking. A value's handle ([`RuntimeValue`]) is
//! its slot number, so recording with it costs what recording with an enum does.

use core::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use super::NamedLabelValue;
use crate::rejections::{self, Rejection};

/// A label value registered at run time: the handle a label type of such values wraps,
/// `#[derive(LabelValue)] #[label(capacity = N)] struct Tenant(RuntimeValue);`.
///
/// The derive gives the type [`RuntimeLabel`] (how values are registered and looked up)
/// and [`LabelValue`](crate::LabelValue) (how metrics are labelled with them). A value is
/// registered the first time it is looked up, up to the capacity `N`; its series exist,
/// at 0, from then on. Past the capacity, a new value is recorded under the overflow
/// value [`RuntimeValue::OVERFLOW`] (`_OTHER`) and counted in
/// `metricsmith_rejected_values_total{kind="label_value_overflow"}`: never a new series,
/// never a panic. So is a value that is empty or longer than [`RuntimeValue::MAX_LEN`]
/// bytes (`kind="invalid_label_value"`). The series budget counts `N + 1` values.
///
/// A handle holds the value's index: copy it and record with it as with an enum; a
/// lookup by text ([`RuntimeLabel::get`]) takes no lock once the value is registered.
///
/// ```
/// use metricsmith::{metric, Counter, Format, LabelValue, RuntimeLabel, RuntimeValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// #[label(name = "tenant", capacity = 2)]
/// struct Tenant(RuntimeValue);
///
/// /// Requests served, by tenant.
/// #[metric]
/// static TENANT_REQUESTS_TOTAL: Counter<Tenant>;
///
/// let acme = Tenant::try_register("acme").unwrap(); // e.g. from the config file
/// TENANT_REQUESTS_TOTAL.labels(acme).inc();
/// TENANT_REQUESTS_TOTAL.labels(Tenant::get("globex")).inc(); // registered on first sight
/// TENANT_REQUESTS_TOTAL.labels(Tenant::get("initech")).inc(); // past the capacity: `_OTHER`
///
/// assert_eq!(Tenant::get("acme").as_str(), "acme");
/// assert_eq!(Tenant::get("initech").as_str(), RuntimeValue::OVERFLOW);
/// assert_eq!(Tenant::registered().collect::<Vec<_>>(), ["acme", "globex"]);
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("tenant_requests_total{tenant=\"acme\"} 1\n"));
/// assert!(text.contains("tenant_requests_total{tenant=\"globex\"} 1\n"));
/// assert!(text.contains("tenant_requests_total{tenant=\"_OTHER\"} 1\n"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuntimeValue(u32);

impl RuntimeValue {
    /// The text of the overflow value, under which a label type of runtime values records
    /// what it cannot register: `_OTHER`, as OpenTelemetry names values outside a known
    /// set. Looking up this text gives the overflow value (it is never registered).
    pub const OVERFLOW: &'static str = "_OTHER";
    /// The longest value, in bytes, a label type of runtime values registers.
    pub const MAX_LEN: usize = 256;
    /// The most values a label type of runtime values can register (its `capacity`).
    pub const MAX_CAPACITY: usize = 65_535;

    /// The value's index: its slot, in registration order; the capacity for the
    /// overflow value.
    #[inline]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The handle of index `index`, for label types of this crate that keep an index of
    /// their own (the HTTP status codes) or add values past the overflow one (the
    /// unmatched route).
    #[inline]
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) const fn from_index(index: usize) -> RuntimeValue {
        RuntimeValue(index as u32)
    }
}

/// Why a value could not be registered ([`RuntimeLabel::try_register`]).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeValueError {
    /// Every slot is taken.
    Full {
        /// The label's name.
        label: &'static str,
        /// Its capacity.
        capacity: usize,
    },
    /// The value is empty (Prometheus reads an empty label value as no label at all).
    Empty {
        /// The label's name.
        label: &'static str,
    },
    /// The value is longer than [`RuntimeValue::MAX_LEN`] bytes.
    TooLong {
        /// The label's name.
        label: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// The bytes are not UTF-8 text ([`RuntimeLabel::from_utf8`]).
    NotUtf8 {
        /// The label's name.
        label: &'static str,
    },
}

impl std::fmt::Display for RuntimeValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuntimeValueError::Full { label, capacity } => write!(
                f,
                "label `{label}` has registered all {capacity} values its capacity allows: new values are recorded as `{}`; raise `#[label(capacity = ...)]` if it really has more",
                RuntimeValue::OVERFLOW
            ),
            RuntimeValueError::Empty { label } => write!(
                f,
                "label `{label}` cannot take an empty value (Prometheus reads it as no label): give the value some text"
            ),
            RuntimeValueError::TooLong { label, len } => write!(
                f,
                "a value of label `{label}` has {len} bytes, more than the {} a label value may have: shorten it",
                RuntimeValue::MAX_LEN
            ),
            RuntimeValueError::NotUtf8 { label } => {
                write!(f, "a value of label `{label}` is not UTF-8 text: label values are text")
            }
        }
    }
}

// The guidance, also where `.expect()` or `?` from `main` print the `Debug` form.
impl std::fmt::Debug for RuntimeValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for RuntimeValueError {}

/// One slot of a [`RuntimeValues`] table: a value's text, once registered.
#[doc(hidden)]
pub struct RuntimeSlot(OnceLock<&'static str>);

impl RuntimeSlot {
    #[doc(hidden)]
    #[allow(clippy::new_without_default)] // Used in `static` initialisers, which need a const fn.
    pub const fn new() -> Self {
        RuntimeSlot(OnceLock::new())
    }
}

/// The values of one label type registered at run time: what `#[derive(LabelValue)]`
/// with a `capacity` declares. Not a public API; it changes without notice.
#[doc(hidden)]
pub struct RuntimeValues {
    label: &'static str,
    /// Filled in order, under `registering`; a filled slot never changes.
    slots: &'static [RuntimeSlot],
    /// Open addressing from a value's hash to its slot + 1 (0: empty); a power of two
    /// at least twice the capacity, so a probe always meets an empty entry.
    index: &'static [AtomicU32],
    /// Slots filled so far.
    registered: AtomicUsize,
    /// Whether the overflow value was ever recorded (its series exist from then on).
    overflowed: AtomicBool,
    registering: Mutex<()>,
}

/// The index length a table of `capacity` values needs: the power of two at least twice
/// the capacity.
#[doc(hidden)]
pub const fn runtime_index_len(capacity: usize) -> usize {
    (capacity * 2).next_power_of_two()
}

/// A registered value's text, kept for the rest of the program: at most a table's
/// capacity of copies, each at most `MAX_LEN` bytes.
fn keep_copy(text: &str) -> &'static str {
    Box::leak(Box::from(text))
}

/// FNV-1a: short texts (routes, tenants), no adversary that gains more than a longer
/// probe of a small table.
#[inline]
fn hash(text: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in text {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl RuntimeValues {
    #[doc(hidden)]
    pub const fn new(
        label: &'static str,
        slots: &'static [RuntimeSlot],
        index: &'static [AtomicU32],
    ) -> Self {
        assert!(!slots.is_empty() && slots.len() <= RuntimeValue::MAX_CAPACITY, "capacity out of range");
        assert!(index.len() == runtime_index_len(slots.len()), "index does not match the capacity");
        RuntimeValues {
            label,
            slots,
            index,
            registered: AtomicUsize::new(0),
            overflowed: AtomicBool::new(false),
            registering: Mutex::new(()),
        }
    }

    /// How many values the table holds at most.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// The overflow value, whose series exist from now on.
    #[inline]
    pub fn overflow(&self) -> RuntimeValue {
        // A load first: once set, no thread writes the line again.
        if !self.overflowed.load(Ordering::Relaxed) {
            self.overflowed.store(true, Ordering::Relaxed);
        }
        RuntimeValue(self.slots.len() as u32)
    }

    /// The registered value `text`, if it is one: no lock, no allocation.
    #[inline]
    pub fn find(&self, text: &str) -> Option<RuntimeValue> {
        self.find_hashed(text, hash(text.as_bytes()))
    }

    #[inline]
    fn find_hashed(&self, text: &str, hash: u64) -> Option<RuntimeValue> {
        let mask = self.index.len() - 1;
        let mut position = hash as usize & mask;
        // At most every entry; the table is never full, so an empty one ends it sooner.
        for _ in 0..self.index.len() {
            let entry = self.index[position].load(Ordering::Acquire);
            let slot = entry.checked_sub(1)?;
            if self.slots.get(slot as usize).and_then(|slot| slot.0.get()).is_some_and(|found| *found == text)
            {
                return Some(RuntimeValue(slot));
            }
            position = (position + 1) & mask;
        }
        None
    }

    /// The value `text`: registered, registering it if there is room, or the overflow
    /// value (counted) if there is none or `text` is not a valid value.
    #[inline]
    pub fn get(&self, text: &str) -> RuntimeValue {
        match self.find(text) {
            Some(value) => value,
            None => self.get_slow(text, keep_copy),
        }
    }

    /// [`get`](Self::get) for a text that lives for the whole program: registering it
    /// copies nothing.
    #[inline]
    pub fn get_static(&self, text: &'static str) -> RuntimeValue {
        match self.find(text) {
            Some(value) => value,
            None => self.get_slow(text, |_| text),
        }
    }

    #[cold]
    fn get_slow(&self, text: &str, keep: impl FnOnce(&str) -> &'static str) -> RuntimeValue {
        match self.register(text, keep) {
            Ok(value) => value,
            Err(error) => {
                rejections::record(match error {
                    RuntimeValueError::Full { .. } => Rejection::LabelValueOverflow,
                    _ => Rejection::InvalidLabelValue,
                });
                self.overflow()
            }
        }
    }

    /// The overflow value for a value that cannot be one (bytes that are not UTF-8, a
    /// number that is no status code), counted as an invalid value.
    #[cold]
    pub fn invalid(&self) -> RuntimeValue {
        rejections::record(Rejection::InvalidLabelValue);
        self.overflow()
    }

    /// Registers `text` (kept by `keep`) unless it is registered already; the overflow
    /// text is the overflow value.
    pub fn register(
        &self,
        text: &str,
        keep: impl FnOnce(&str) -> &'static str,
    ) -> Result<RuntimeValue, RuntimeValueError> {
        let label = self.label;
        if text == RuntimeValue::OVERFLOW {
            return Ok(self.overflow());
        }
        if text.is_empty() {
            return Err(RuntimeValueError::Empty { label });
        }
        if text.len() > RuntimeValue::MAX_LEN {
            return Err(RuntimeValueError::TooLong { label, len: text.len() });
        }
        let hash = hash(text.as_bytes());
        if let Some(value) = self.find_hashed(text, hash) {
            return Ok(value);
        }
        let full = RuntimeValueError::Full { label, capacity: self.slots.len() };
        // Full: no lock, so a flood of new values past the capacity never queues.
        if self.registered.load(Ordering::Acquire) >= self.slots.len() {
            return Err(full);
        }
        // Nothing the lock guards can be left half-done by a panic: a poisoned lock is as good.
        let _registering = self.registering.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(value) = self.find_hashed(text, hash) {
            return Ok(value); // registered meanwhile
        }
        let slot = self.registered.load(Ordering::Relaxed);
        let Some(free) = self.slots.get(slot) else { return Err(full) };
        let _ = free.0.set(keep(text));
        let mask = self.index.len() - 1;
        let mut position = hash as usize & mask;
        while self.index[position].load(Ordering::Relaxed) != 0 {
            position = (position + 1) & mask;
        }
        // After the slot's text: a reader that finds the entry finds the text.
        self.index[position].store(slot as u32 + 1, Ordering::Release);
        self.registered.store(slot + 1, Ordering::Release);
        Ok(RuntimeValue(slot as u32))
    }

    /// [`register`](Self::register) keeping a copy of `text` for the rest of the program.
    pub fn register_copy(&self, text: &str) -> Result<RuntimeValue, RuntimeValueError> {
        self.register(text, keep_copy)
    }

    /// The text of value `index`: a registered value's, the overflow value's once
    /// recorded, `None` otherwise.
    #[inline]
    pub fn text_at(&self, index: usize) -> Option<&'static str> {
        match self.slots.get(index) {
            Some(slot) => slot.0.get().copied(),
            None if index == self.slots.len() && self.overflowed.load(Ordering::Relaxed) => {
                Some(RuntimeValue::OVERFLOW)
            }
            None => None,
        }
    }

    /// The value at `index`, if it exists.
    #[inline]
    pub fn value_at(&self, index: usize) -> Option<RuntimeValue> {
        self.text_at(index).map(|_| RuntimeValue(index as u32))
    }

    /// How many values exist: those registered, and the overflow value once recorded.
    #[inline]
    pub fn existing(&self) -> usize {
        self.registered.load(Ordering::Acquire) + usize::from(self.overflowed.load(Ordering::Relaxed))
    }

    /// The registered values' texts, in registration order.
    pub fn registered(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.slots.iter().map_while(|slot| slot.0.get().copied())
    }
}

/// What the derive of a struct that failed to compile points its `RuntimeLabel` at, so
/// its uses add no errors of their own. Never reached by a running program.
#[doc(hidden)]
pub fn runtime_values_placeholder() -> &'static RuntimeValues {
    static SLOTS: [RuntimeSlot; 1] = [const { RuntimeSlot::new() }; 1];
    static INDEX: [AtomicU32; 2] = [const { AtomicU32::new(0) }; 2];
    static VALUES: RuntimeValues = RuntimeValues::new("placeholder", &SLOTS, &INDEX);
    &VALUES
}

/// A label type whose values are registered at run time, up to its capacity:
/// `#[derive(LabelValue)] #[label(capacity = N)] struct Tenant(RuntimeValue);` implements
/// it (see [`RuntimeValue`]). Values are looked up by their text; the handle it returns is
/// what metrics are labelled with.
///
/// ```
/// use metricsmith::{LabelValue, RuntimeLabel, RuntimeValue};
///
/// #[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
/// #[label(name = "warehouse", capacity = 8)]
/// struct Warehouse(RuntimeValue);
///
/// assert_eq!(Warehouse::CAPACITY, 8);
/// let berlin = Warehouse::get("berlin");
/// assert_eq!(Warehouse::get("berlin"), berlin);
/// assert_eq!(berlin.as_str(), "berlin");
/// assert!(Warehouse::try_register("").is_err());
/// assert_eq!(Warehouse::get("").as_str(), "_OTHER"); // invalid: the overflow value, counted
/// assert_eq!(Warehouse::from_utf8(b"rome").as_str(), "rome");
/// ```
pub trait RuntimeLabel: NamedLabelValue {
    /// How many values the type registers at most; one more, the overflow value, holds
    /// the rest.
    const CAPACITY: usize;

    #[doc(hidden)]
    fn __values() -> &'static RuntimeValues;
    #[doc(hidden)]
    fn __from_value(value: RuntimeValue) -> Self;

    /// The value `text`: looked up without a lock when registered, registered on first
    /// sight while there is room, and otherwise (or when `text` is empty or longer than
    /// [`RuntimeValue::MAX_LEN`]) the overflow value, counted in
    /// `metricsmith_rejected_values_total`. Never fails, never panics.
    #[inline]
    fn get(text: &str) -> Self {
        Self::__from_value(Self::__values().get(text))
    }

    /// [`get`](Self::get) for bytes that should be UTF-8 text (a header, say); other
    /// bytes are the overflow value, counted as `kind="invalid_label_value"`.
    fn from_utf8(bytes: &[u8]) -> Self {
        match core::str::from_utf8(bytes) {
            Ok(text) => Self::get(text),
            Err(_) => Self::__from_value(Self::__values().invalid()),
        }
    }

    /// Registers `text` now (at start-up, from a config file, say), so its series exist
    /// before anything is recorded; returns the value. Registering a value twice gives
    /// the same value, and the overflow text gives the overflow value.
    ///
    /// # Errors
    ///
    /// When the capacity is used up, or `text` is empty or longer than
    /// [`RuntimeValue::MAX_LEN`] bytes. Nothing is counted: the caller decides.
    fn try_register(text: &str) -> Result<Self, RuntimeValueError> {
        Self::__values().register_copy(text).map(Self::__from_value)
    }

    /// The overflow value (`_OTHER`), under which what cannot be registered is recorded.
    fn overflow() -> Self {
        Self::__from_value(Self::__values().overflow())
    }

    /// The values registered so far, in registration order (their index order).
    fn registered() -> impl Iterator<Item = &'static str> {
        Self::__values().registered()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;

    use super::*;
    use crate::rejections::Counting;

    fn table<const N: usize, const I: usize>() -> &'static RuntimeValues {
        let slots: &'static [RuntimeSlot; N] = Box::leak(Box::new([const { RuntimeSlot::new() }; N]));
        let index: &'static [AtomicU32; I] = Box::leak(Box::new([const { AtomicU32::new(0) }; I]));
        Box::leak(Box::new(RuntimeValues::new("tenant", slots, index)))
    }

    #[test]
    fn values_register_in_order_up_to_the_capacity_then_overflow_and_are_counted() {
        let values = table::<3, 8>();
        let counting = Counting::start();
        let before = counting.count(Rejection::LabelValueOverflow);
        assert_eq!(values.existing(), 0);
        assert_eq!(values.text_at(3), None, "no overflow series before an overflow");
        let a = values.get("a");
        let b = values.get_static("b");
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(values.get("a"), a);
        assert_eq!(values.register_copy("c"), Ok(RuntimeValue(2)));
        assert_eq!(values.existing(), 3);
        let d = values.get("d");
        assert_eq!(d.index(), 3);
        assert_eq!(values.text_at(3), Some("_OTHER"));
        assert_eq!(values.existing(), 4);
        assert_eq!(values.get("e"), d);
        assert_eq!(counting.count(Rejection::LabelValueOverflow) - before, 2);
        assert!(matches!(values.register_copy("f"), Err(RuntimeValueError::Full { capacity: 3, .. })));
        assert_eq!(values.registered().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!((values.text_at(0), values.text_at(2), values.text_at(4)), (Some("a"), Some("c"), None));
        assert_eq!(values.find("c"), Some(RuntimeValue(2)));
        assert_eq!(values.find("e"), None);
    }

    #[test]
    fn empty_long_and_overflow_texts_are_not_registered() {
        let values = table::<4, 8>();
        let counting = Counting::start();
        let before = counting.count(Rejection::InvalidLabelValue);
        let long = "x".repeat(RuntimeValue::MAX_LEN + 1);
        assert_eq!(values.get("").index(), 4);
        assert_eq!(values.get(&long).index(), 4);
        assert_eq!(values.invalid().index(), 4);
        assert_eq!(counting.count(Rejection::InvalidLabelValue) - before, 3);
        assert_eq!(values.get(RuntimeValue::OVERFLOW).index(), 4);
        assert_eq!(values.get(&long[1..]).index(), 0, "MAX_LEN bytes are fine");
        assert_eq!(values.existing(), 2);
    }

    #[test]
    fn concurrent_registrations_give_each_text_one_slot() {
        let values = table::<64, 128>();
        let handles: Vec<_> = (0..4)
            .map(|thread| {
                std::thread::spawn(move || {
                    for i in 0..200 {
                        values.get(&format!("v{}", (i + thread * 7) % 50));
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        let registered: Vec<&str> = values.registered().collect();
        assert_eq!(registered.len(), 50);
        let mut sorted = registered.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 50, "no text twice");
        for (index, text) in registered.iter().enumerate() {
            assert_eq!(values.find(text).map(RuntimeValue::index), Some(index));
        }
    }

    #[test]
    fn errors_say_what_to_do_in_debug_too() {
        let full = RuntimeValueError::Full { label: "tenant", capacity: 4 };
        assert_eq!(format!("{full:?}"), full.to_string());
        assert!(full.to_string().contains("raise `#[label(capacity = ...)]`"));
    }
}
