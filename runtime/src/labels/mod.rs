//! Bounded label values and label sets.
//!
//! A label is a closed set of values known at compile time, so every series of a metric
//! can be stored densely, indexed without hashing, and rendered at 0 from start-up.

use crate::checks::{str_eq, CompileTimeMessage};

/// A value of one label, drawn from a closed set: a fieldless enum (`#[derive(LabelValue)]`)
/// or `bool`.
///
/// Values are numbered densely `0..CARDINALITY`; `VALUES[i]` is the text of value `i`.
///
/// ```
/// use metricsmith::LabelValue;
/// assert_eq!(bool::CARDINALITY, 2);
/// assert_eq!(true.as_str(), "true");
/// assert_eq!(bool::from_index(0), Some(false));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a bounded label value",
    label = "not a `LabelValue`",
    note = "labels take values from a closed set known at compile time: derive `LabelValue` on a fieldless enum, or use `bool`",
    note = "free-form values (strings, ids, numbers) make unbounded series: they belong in logs or traces, not labels"
)]
pub trait LabelValue: Sized + 'static {
    /// How many distinct values the label can take.
    const CARDINALITY: usize;
    /// The rendered text of every value, in index order.
    const VALUES: &'static [&'static str];
    /// This value's dense index, in `0..CARDINALITY`.
    fn index(&self) -> usize;
    /// The value at `index`, or `None` when `index >= CARDINALITY`.
    fn from_index(index: usize) -> Option<Self>;
    /// The value's text as it appears in the exposition.
    fn as_str(&self) -> &'static str {
        Self::VALUES.get(self.index()).copied().unwrap_or("")
    }
}

/// A label value type that carries its own label name, so it can be a label set alone or
/// in a tuple. `#[derive(LabelValue)]` implements it; `bool` does not, because `true`
/// says nothing about what is true.
///
/// ```
/// use metricsmith::{LabelValue, NamedLabelValue};
/// #[derive(LabelValue)]
/// #[label(name = "method")]
/// enum PaymentMethod { Card, Wallet }
/// assert_eq!(PaymentMethod::LABEL_NAME, "method");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot label a metric on its own: it is not an enum with `#[derive(LabelValue)]`, which names its label",
    label = "not a named label value",
    note = "a metric's labels are `()`, an enum with `#[derive(LabelValue)]` (label name: its snake_case type name, or `#[label(name = \"...\")]`), a tuple of such enums, or a `#[derive(LabelSet)]` struct, whose field names name its labels: put a `bool` in such a struct",
    note = "free-form values (strings, ids, numbers) make unbounded series: they belong in logs or traces, not labels"
)]
pub trait NamedLabelValue: LabelValue {
    /// The label name, e.g. `method`.
    const LABEL_NAME: &'static str;
}

impl LabelValue for bool {
    const CARDINALITY: usize = 2;
    const VALUES: &'static [&'static str] = &["false", "true"];
    fn index(&self) -> usize {
        usize::from(*self)
    }
    fn from_index(index: usize) -> Option<Self> {
        match index {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// The labels of a metric: `()` for none, a [`NamedLabelValue`], a tuple of them, or a
/// struct with `#[derive(LabelSet)]`.
///
/// Series are numbered densely in `0..COMBINATIONS` (mixed radix, first label most
/// significant), so storage is a flat array and every series exists from the start.
/// A label name may appear once: `#[metric]` rejects `Counter<(Region, Region)>`, or two
/// enums of one label name in a tuple, at compile time.
///
/// Written by hand, a label set gives `COMBINATIONS`, `LABEL_NAMES`, `combination_index`,
/// `from_combination_index` and `label_values`; the registry leaves out (and reports) a
/// family whose names or values the formats cannot carry.
///
/// ```
/// use metricsmith::{LabelSet, LabelValue};
/// #[derive(LabelValue)]
/// enum Outcome { Success, Declined }
/// #[derive(LabelValue)]
/// enum Channel { Web, App, Phone }
///
/// assert_eq!(<(Outcome, Channel)>::COMBINATIONS, 6);
/// assert_eq!((Outcome::Declined, Channel::App).combination_index(), 4);
/// // An enum is both a label value and a label set: both names work on it.
/// assert_eq!(Outcome::from_index(1).map(|outcome| outcome.index()), Some(1));
/// assert_eq!(Outcome::Declined.combination_index(), 1);
/// let mut values = Vec::new();
/// <(Outcome, Channel)>::label_values(4, &mut values);
/// assert_eq!(values, ["declined", "app"]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a label set",
    label = "not a `LabelSet`",
    note = "a metric's labels are `()`, an enum with `#[derive(LabelValue)]`, a tuple of such enums, or a struct with `#[derive(LabelSet)]`, whose field names name its labels: a `bool`, which has no label name of its own, goes in such a struct",
    note = "free-form values (strings, ids, numbers) make unbounded series: they belong in logs or traces, not labels"
)]
pub trait LabelSet: Sized + 'static {
    /// Number of distinct label combinations (the product of the labels' cardinalities):
    /// the family's series.
    const COMBINATIONS: usize;
    /// The label names, in order. `#[metric]` checks at compile time that no name is
    /// there twice (two enums of one label name in a tuple, say).
    const LABEL_NAMES: &'static [&'static str];
    /// Number of labels in the set.
    const LABEL_COUNT: usize = Self::LABEL_NAMES.len();
    /// This combination's dense index, in `0..COMBINATIONS`: its series.
    ///
    /// Named apart from [`LabelValue::index`] so that both can be called on an enum,
    /// which is a label value and, alone, a label set.
    fn combination_index(&self) -> usize;
    /// The combination at `index`, or `None` when out of range.
    fn from_combination_index(index: usize) -> Option<Self>;
    /// Appends the label names, in order: [`LABEL_NAMES`](Self::LABEL_NAMES).
    fn label_names(out: &mut ::std::vec::Vec<&'static str>) {
        out.extend_from_slice(Self::LABEL_NAMES);
    }
    /// Appends the label values of combination `index`, in the order of
    /// [`label_names`](Self::label_names). Appends nothing when out of range.
    fn label_values(index: usize, out: &mut ::std::vec::Vec<&'static str>);
}

impl LabelSet for () {
    const COMBINATIONS: usize = 1;
    const LABEL_NAMES: &'static [&'static str] = &[];
    fn combination_index(&self) -> usize {
        0
    }
    fn from_combination_index(index: usize) -> Option<Self> {
        (index == 0).then_some(())
    }
    fn label_values(_: usize, _: &mut Vec<&'static str>) {}
}

impl<T: NamedLabelValue> LabelSet for T {
    const COMBINATIONS: usize = T::CARDINALITY;
    const LABEL_NAMES: &'static [&'static str] = &[T::LABEL_NAME];
    fn combination_index(&self) -> usize {
        LabelValue::index(self)
    }
    fn from_combination_index(index: usize) -> Option<Self> {
        <T as LabelValue>::from_index(index)
    }
    fn label_values(index: usize, out: &mut Vec<&'static str>) {
        if let Some(value) = T::VALUES.get(index) {
            out.push(value);
        }
    }
}

/// The three [`Family`](crate::Family) methods every family labelled by a `LabelSet` `L`
/// implements the same way: names, series count and values come from `L`.
macro_rules! label_set_family_methods {
    ($labels:ident) => {
        fn label_names(&self, _: &'static str, out: &mut ::std::vec::Vec<&'static str>) {
            <$labels as $crate::labels::LabelSet>::label_names(out);
        }
        fn series_count(&self) -> usize {
            <$labels as $crate::labels::LabelSet>::COMBINATIONS
        }
        fn label_values(&self, series: usize, out: &mut ::std::vec::Vec<&'static str>) {
            <$labels as $crate::labels::LabelSet>::label_values(series, out);
        }
    };
}
pub(crate) use label_set_family_methods;

/// Splits a mixed-radix index into one digit per label; `radices` are the labels'
/// cardinalities, first label most significant. Used by tuple and derived label sets.
#[doc(hidden)]
pub fn __split_index<const N: usize>(mut index: usize, radices: [usize; N]) -> Option<[usize; N]> {
    let mut digits = [0; N];
    for position in (0..N).rev() {
        let radix = radices[position];
        if radix == 0 {
            return None;
        }
        digits[position] = index % radix;
        index /= radix;
    }
    (index == 0).then_some(digits)
}

/// The first two positions of `names` that hold the same name.
const fn duplicate_label_names(names: &[&str]) -> Option<(usize, usize)> {
    let mut second = 1;
    while second < names.len() {
        let mut first = 0;
        while first < second {
            if str_eq(names[first], names[second]) {
                return Some((first, second));
            }
            first += 1;
        }
        second += 1;
    }
    None
}

/// The message of the compile-time check `#[metric]` makes of a metric's label names,
/// or `None` when no name is there twice. `metric` is how messages name it ("counter
/// `shipments_total`"), `label_set` its label type as written, `names` the label set's
/// [`LABEL_NAMES`](LabelSet::LABEL_NAMES), and `sources` the type of each label when
/// the label set is written as a tuple or one type (empty otherwise).
#[doc(hidden)]
pub const fn duplicate_label_message(
    metric: &str,
    label_set: &str,
    names: &[&str],
    sources: &[&str],
) -> Option<CompileTimeMessage> {
    let Some((first, second)) = duplicate_label_names(names) else { return None };
    let name = names[first];
    let message = CompileTimeMessage::new().text(metric);
    if sources.len() != names.len() {
        return Some(
            message
                .text(" has two labels named `")
                .text(name)
                .text("`: labels ")
                .number(first + 1)
                .text(" and ")
                .number(second + 1)
                .text(" of its label set `")
                .text(label_set)
                .text("` are both named `")
                .text(name)
                .text("`, and each label name must be unique: rename one"),
        );
    }
    let (first_source, second_source) = (sources[first], sources[second]);
    let message = if str_eq(first_source, second_source) {
        message
            .text(" has the label `")
            .text(name)
            .text("` twice: its label set `")
            .text(label_set)
            .text("` holds `")
            .text(first_source)
            .text("` twice: keep one, or, for two labels that take its values, write a `#[derive(LabelSet)]` struct with a field for each (`from: ")
            .text(first_source)
            .text(", to: ")
            .text(first_source)
            .text("`), whose field names name the labels")
    } else {
        message
            .text(" has two labels named `")
            .text(name)
            .text("`: `")
            .text(first_source)
            .text("` and `")
            .text(second_source)
            .text("` (labels ")
            .number(first + 1)
            .text(" and ")
            .number(second + 1)
            .text(" of `")
            .text(label_set)
            .text("`) are both named `")
            .text(name)
            .text("`: rename one with `#[label(name = \"...\")]` on its enum, or write a `#[derive(LabelSet)]` struct of the two, whose field names name the labels")
    };
    Some(message)
}

macro_rules! tuple_label_set {
    ($($ty:ident . $idx:tt),+) => {
        impl<$($ty: NamedLabelValue),+> LabelSet for ($($ty,)+) {
            const COMBINATIONS: usize = 1 $(* $ty::CARDINALITY)+;
            const LABEL_NAMES: &'static [&'static str] = &[$($ty::LABEL_NAME),+];
            #[inline]
            fn combination_index(&self) -> usize {
                let mut index = 0;
                $(index = index * $ty::CARDINALITY + LabelValue::index(&self.$idx);)+
                index
            }
            fn from_combination_index(index: usize) -> Option<Self> {
                let digits = __split_index(index, [$($ty::CARDINALITY),+])?;
                Some(($(<$ty as LabelValue>::from_index(digits[$idx])?,)+))
            }
            fn label_values(index: usize, out: &mut Vec<&'static str>) {
                // A hand-written `LabelValue` may have fewer values than its CARDINALITY:
                // a value missing here makes the registry leave the family out.
                if let Some(digits) = __split_index(index, [$($ty::CARDINALITY),+]) {
                    $(out.extend($ty::VALUES.get(digits[$idx]));)+
                }
            }
        }
    };
}

tuple_label_set!(A.0);
tuple_label_set!(A.0, B.1);
tuple_label_set!(A.0, B.1, C.2);
tuple_label_set!(A.0, B.1, C.2, D.3);
tuple_label_set!(A.0, B.1, C.2, D.3, E.4);
tuple_label_set!(A.0, B.1, C.2, D.3, E.4, F.5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bool_round_trips_through_its_index() {
        for value in [false, true] {
            assert_eq!(bool::from_index(LabelValue::index(&value)), Some(value));
        }
        assert_eq!(bool::from_index(2), None);
        assert_eq!(false.as_str(), "false");
    }

    #[test]
    fn unit_label_set_has_one_series_and_no_labels() {
        let mut names = Vec::new();
        <()>::label_names(&mut names);
        assert!(names.is_empty());
        assert_eq!(<() as LabelSet>::COMBINATIONS, 1);
        assert_eq!(<() as LabelSet>::from_combination_index(1), None);
    }

    #[test]
    fn a_label_name_twice_is_found_and_explained() {
        let message = |names: &[&str], sources: &[&str], label_set: &str| {
            duplicate_label_message("counter `shipments_total`", label_set, names, sources)
                .map(|message| message.as_str().to_owned())
        };
        assert_eq!(message(&["region", "kind"], &["Region", "Kind"], "(Region, Kind)"), None);
        assert_eq!(message(&[], &[], "()"), None);
        assert_eq!(
            message(&["region", "region"], &["Region", "Region"], "(Region, Region)").as_deref(),
            Some("counter `shipments_total` has the label `region` twice: its label set `(Region, Region)` holds `Region` twice: keep one, or, for two labels that take its values, write a `#[derive(LabelSet)]` struct with a field for each (`from: Region, to: Region`), whose field names name the labels")
        );
        assert_eq!(
            message(&["carrier", "kind", "kind"], &["Carrier", "ShipmentKind", "CarrierKind"], "(Carrier, ShipmentKind, CarrierKind)").as_deref(),
            Some("counter `shipments_total` has two labels named `kind`: `ShipmentKind` and `CarrierKind` (labels 2 and 3 of `(Carrier, ShipmentKind, CarrierKind)`) are both named `kind`: rename one with `#[label(name = \"...\")]` on its enum, or write a `#[derive(LabelSet)]` struct of the two, whose field names name the labels")
        );
        // A label set behind an alias or written by hand: only positions are known.
        assert_eq!(
            message(&["region", "zone", "region"], &["Route"], "Route").as_deref(),
            Some("counter `shipments_total` has two labels named `region`: labels 1 and 3 of its label set `Route` are both named `region`, and each label name must be unique: rename one")
        );
    }

    #[test]
    fn label_names_come_from_the_types() {
        #[derive(crate::LabelValue)]
        #[label(crate = crate, name = "method")]
        enum PaymentMethod {
            Card,
        }
        assert_eq!(<(PaymentMethod, crate::CallResult)>::LABEL_NAMES, ["method", "result"]);
        assert_eq!(<(PaymentMethod, crate::CallResult)>::LABEL_COUNT, 2);
        let mut names = Vec::new();
        <(PaymentMethod, crate::CallResult)>::label_names(&mut names);
        assert_eq!(names, ["method", "result"]);
        assert_eq!(PaymentMethod::Card.combination_index(), 0);
    }

    #[test]
    fn split_index_is_mixed_radix_first_digit_most_significant() {
        assert_eq!(__split_index(5, [2, 3]), Some([1, 2]));
        assert_eq!(__split_index(6, [2, 3]), None);
        assert_eq!(__split_index(0, [0]), None);
    }
}
