//! With the README tour's imports (`LabelSet` and `LabelValue` both in scope), a derived
//! enum's label-value methods and constants are called by their plain names: the label-set
//! side is named apart (`COMBINATIONS`, `combination_index`, `from_combination_index`).
#![deny(warnings)]

use metricsmith::{LabelSet, LabelValue};

#[derive(LabelValue, Debug, PartialEq)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelSet)]
struct OrderLabels {
    outcome: Outcome,
    priority: bool,
}

fn main() {
    assert_eq!(Outcome::CARDINALITY, 2);
    assert_eq!(Outcome::from_index(0), Some(Outcome::Success));
    assert_eq!(Outcome::Declined.index(), 1);
    assert_eq!(Outcome::Declined.as_str(), "declined");
    assert_eq!(Outcome::COMBINATIONS, 2);
    assert_eq!(Outcome::Declined.combination_index(), 1);
    assert_eq!(OrderLabels::COMBINATIONS, 4);
    let labels = OrderLabels { outcome: Outcome::Declined, priority: true };
    assert_eq!(labels.combination_index(), 3);
    assert!(OrderLabels::from_combination_index(3).is_some_and(|labels| labels.priority));
}
