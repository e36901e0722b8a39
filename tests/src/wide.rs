//! Two labels of 40 values each: together, families of 1 600 series, wider than any
//! per-thread sharding of small families, for the tests that need many series.

use metricsmith::LabelValue;

/// Declares a label whose values are `v00` to `v39`.
macro_rules! forty_values {
    ($(#[$attribute:meta])* $name:ident) => {
        // The derive comes first: `#[label]` is its helper attribute.
        #[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
        $(#[$attribute])*
        pub enum $name {
            V00, V01, V02, V03, V04, V05, V06, V07, V08, V09, V10, V11, V12, V13, V14, V15, V16, V17, V18, V19, V20, V21, V22, V23, V24, V25, V26, V27, V28, V29, V30, V31, V32, V33, V34, V35, V36, V37, V38, V39,
        }
    };
}

forty_values!(
    /// A label of 40 values; two of them make a family of 1 600 series.
    #[label(name = "row")]
    Row
);

forty_values!(
    /// A second label of 40 values.
    #[label(name = "column")]
    Column
);

/// How many series a two-label family has.
pub const WIDE: usize = Row::CARDINALITY * Column::CARDINALITY;

/// The series a thread's `i`-th update goes to: threads start apart and walk every series.
pub fn cell(thread: usize, i: usize) -> (Row, Column) {
    let index = (thread * 401 + i * 7) % WIDE;
    let row = Row::from_index(index / Column::CARDINALITY).expect("in range");
    let column = Column::from_index(index % Column::CARDINALITY).expect("in range");
    (row, column)
}

/// Every series of a two-label family, in index order.
pub fn every_cell() -> impl Iterator<Item = (Row, Column)> {
    (0..WIDE).map(|index| {
        (
            Row::from_index(index / Column::CARDINALITY).unwrap(),
            Column::from_index(index % Column::CARDINALITY).unwrap(),
        )
    })
}
