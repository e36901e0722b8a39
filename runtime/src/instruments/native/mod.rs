//! Native (sparse, exponential) histogram buckets: how a `#[metric(native)]` histogram
//! lays them out ([`NativeConfig`]), finds a value's bucket (`index`), and turns what its
//! shards hold into the buckets a scrape shows ([`start`], [`gather`], [`finish`]). The cells and the protocol
//! that keeps them consistent without a writer ever waiting are `storage::native`'s.

mod index;

use core::sync::atomic::AtomicU64;

use crate::family::{BucketSpan, NativeBuckets, NativeScratch, NativeShape};
use crate::storage::native::{
    self as cells, NativeCells, NativeReader, Sign, Writer, MAX_SCHEMA, MIN_SCHEMA,
};

/// The native buckets of a `#[metric(native(...))]` histogram: resolution, zero bucket
/// and the most buckets a series keeps per sign, fixed at compile time. Generated code
/// builds it from the defaults; the checks here repeat the macro's, for code that builds
/// one by hand.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NativeConfig {
    schema: i8,
    zero_threshold: f64,
    max_buckets: u32,
}

impl NativeConfig {
    /// Schema 3 (8 buckets per power of two, each ≈ 9 % wider than the one before),
    /// zero threshold 2⁻¹²⁸ and 160 buckets, `client_golang`'s usual settings.
    pub const DEFAULT: NativeConfig =
        NativeConfig { schema: 3, zero_threshold: 2.938735877055719e-39, max_buckets: 160 };
    /// The lowest and highest schemas Prometheus accepts.
    pub const SCHEMAS: (i8, i8) = (MIN_SCHEMA, MAX_SCHEMA);
    /// The most buckets per sign a series may keep (each costs four cells, 32 bytes).
    pub const MAX_BUCKETS: u32 = 1_000_000;

    /// With resolution `schema`: `2^(2^-schema)` from one bucket bound to the next.
    pub const fn with_schema(self, schema: i8) -> Self {
        assert!(MIN_SCHEMA <= schema && schema <= MAX_SCHEMA, "a native histogram's schema is -4 to 8");
        NativeConfig { schema, ..self }
    }

    /// With a zero bucket for observations whose magnitude is at most `zero_threshold`.
    pub const fn with_zero_threshold(self, zero_threshold: f64) -> Self {
        assert!(zero_threshold.is_finite() && zero_threshold >= 0.0, "the zero threshold is finite and >= 0");
        NativeConfig { zero_threshold, ..self }
    }

    /// Keeping at most `max_buckets` buckets per sign.
    pub const fn with_max_buckets(self, max_buckets: u32) -> Self {
        assert!(1 <= max_buckets && max_buckets <= Self::MAX_BUCKETS, "max_buckets is 1 to 1 000 000");
        NativeConfig { max_buckets, ..self }
    }

    /// The most buckets a scrape shows per series (the series budget counts them).
    pub const fn max_buckets(self) -> usize {
        self.max_buckets as usize
    }

    /// The cells of one series' native part, in one shard: a window of `max_buckets`
    /// cells per sign and a second one each for changes of resolution, plus the zero
    /// bucket and four window descriptors (`4 × max_buckets + 5`).
    pub const fn cells(self) -> usize {
        cells::native_cells(self.max_buckets as usize)
    }

    /// Its settings, as the multiprocess mode describes them.
    pub(crate) const fn shape(self) -> NativeShape {
        NativeShape {
            schema: self.schema,
            zero_threshold: self.zero_threshold,
            max_buckets: self.max_buckets(),
        }
    }

    /// The settings `shape` describes (read from a file), or `None` if they are not valid.
    // Read by the multiprocess merge only.
    #[cfg_attr(not(feature = "multiprocess"), allow(dead_code))]
    pub(crate) fn from_shape(shape: NativeShape) -> Option<NativeConfig> {
        let valid = (MIN_SCHEMA..=MAX_SCHEMA).contains(&shape.schema)
            && shape.zero_threshold.is_finite()
            && shape.zero_threshold >= 0.0
            && (1..=Self::MAX_BUCKETS as usize).contains(&shape.max_buckets);
        valid.then_some(NativeConfig {
            schema: shape.schema,
            zero_threshold: shape.zero_threshold,
            max_buckets: shape.max_buckets as u32,
        })
    }

    /// The native part of one series in one shard, or `None` if `cells` does not hold one.
    #[inline]
    pub(crate) fn part<'a, A: crate::storage::seqlock::Atom>(
        self,
        cells: &'a [A],
    ) -> Option<NativeCells<'a, A>> {
        NativeCells::new(cells, self.max_buckets as usize)
    }

    /// Counts `value` (not NaN) in the native part `cells`, as writer `W`.
    #[inline]
    pub(crate) fn record<W: Writer>(self, cells: NativeCells<'_, AtomicU64>, value: f64) {
        let magnitude = value.abs();
        if magnitude <= self.zero_threshold {
            cells.record_zero::<W>();
        } else {
            let sign = if value < 0.0 { Sign::Negative } else { Sign::Positive };
            cells.record::<W>(sign, index::key8(magnitude), self.schema);
        }
    }
}

/// Starts gathering the buckets of one series: its shards (or several series', as
/// same-named `#[timed]` functions share one) add to `scratch`.
pub(crate) fn start(scratch: &mut NativeScratch) {
    scratch.zero = 0;
    scratch.buckets.iter_mut().for_each(Vec::clear);
}

/// Adds what `reader` read of one shard to a scratch's `buckets` and `zero` (its
/// `cells` are the reader's).
pub(crate) fn gather(
    buckets: &mut [Vec<(i8, i32, u64)>; 2],
    zero: &mut u64,
    reader: &NativeReader<'_, '_, AtomicU64>,
) {
    *zero = zero.wrapping_add(reader.zero());
    for (buckets, sign) in buckets.iter_mut().zip([Sign::Positive, Sign::Negative]) {
        buckets.extend(reader.buckets(sign));
    }
}

/// Writes what was gathered into `out`, at the coarsest schema any shard holds — and
/// coarser, if need be, to show at most `max_buckets` buckets.
pub(crate) fn finish(scratch: &mut NativeScratch, config: NativeConfig, out: &mut NativeBuckets) {
    let coarsest = scratch.buckets.iter().flatten().map(|(schema, _, _)| *schema).min();
    let mut schema = coarsest.unwrap_or(config.schema);
    for buckets in &mut scratch.buckets {
        for (from, key, _) in buckets.iter_mut() {
            *key = cells::reduce(*key, (*from - schema) as u32);
            *from = schema;
        }
        buckets.sort_unstable_by_key(|(_, key, _)| *key);
        merge_equal_keys(buckets);
    }
    // As `client_golang` does past its bucket limit: halve the resolution until the
    // buckets fit (or the schema is the lowest).
    while scratch.buckets.iter().map(Vec::len).sum::<usize>() > config.max_buckets() && schema > MIN_SCHEMA {
        schema -= 1;
        for buckets in &mut scratch.buckets {
            buckets.iter_mut().for_each(|(_, key, _)| *key = cells::reduce(*key, 1));
            merge_equal_keys(buckets);
        }
    }
    out.schema = i32::from(schema);
    out.zero_threshold = config.zero_threshold;
    out.zero_count = scratch.zero;
    let [positive, negative] = &scratch.buckets;
    NativeBuckets::encode(keys(positive), &mut out.positive_spans, &mut out.positive_deltas);
    NativeBuckets::encode(keys(negative), &mut out.negative_spans, &mut out.negative_deltas);
    let looks_classic = out.zero_threshold == 0.0
        && out.zero_count == 0
        && out.positive_spans.is_empty()
        && out.negative_spans.is_empty();
    if looks_classic {
        out.positive_spans.push(BucketSpan { offset: 0, length: 0 });
    }
}

/// A sign's gathered buckets as `(key, count)`.
fn keys(buckets: &[(i8, i32, u64)]) -> impl Iterator<Item = (i32, u64)> + '_ {
    buckets.iter().map(|(_, key, count)| (*key, *count))
}

/// Adds up neighbours with the same key (the list is sorted by key).
fn merge_equal_keys(buckets: &mut Vec<(i8, i32, u64)>) {
    buckets.dedup_by(|later, kept| {
        let same = later.1 == kept.1;
        if same {
            kept.2 = kept.2.wrapping_add(later.2);
        }
        same
    });
}

#[cfg(test)]
mod tests;
