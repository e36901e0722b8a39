//! How values live in memory: dense `'static` arrays of atomic cells, laid out per family
//! (one copy, or per-thread shards for small hot families), with the seqlock that lets a
//! scrape read a histogram series as one consistent snapshot and `f64` values stored as
//! bits, and since when the cells have been counting (`created`); with the `testing`
//! feature, the copy of each update a test's capture receives (`capture`). The layer below
//! the instruments: it knows nothing of labels, names or formats.

#[cfg(feature = "testing")]
pub(crate) mod capture;
pub(crate) mod created;
pub(crate) mod float_cell;
pub(crate) mod fork;
pub(crate) mod native;
pub(crate) mod patience;
pub(crate) mod race_once;
pub(crate) mod seqlock;
pub(crate) mod shard;

pub(crate) use shard::Layout;
pub use shard::{Cells, SeriesCells};
#[cfg(feature = "multiprocess")]
pub(crate) use shard::{CELLS_PAGE, SHARDS};
