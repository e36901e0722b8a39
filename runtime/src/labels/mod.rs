//! Bounded label values and label sets.
//!
//! A label is a closed set of values known at compile time, so every series of a metric
//! can be stored densely, indexed without hashing, and rendered at 0 from start-up.

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
    /// Number of labels in the set.
    const LABEL_COUNT: usize;
    /// This combination's dense index, in `0..COMBINATIONS`: its series.
    ///
    /// Named apart from [`LabelValue::index`] so that both can be called on an enum,
    /// which is a label value and, alone, a label set.
    fn combination_index(&self) -> usize;
    /// The combination at `index`, or `None` when out of range.
    fn from_combination_index(index: usize) -> Option<Self>;
    /// Appends the label names, in order.
    fn label_names(out: &mut ::std::vec::Vec<&'static str>);
    /// Appends the label values of combination `index`, in the order of
    /// [`label_names`](Self::label_names). Appends nothing when out of range.
    fn label_values(index: usize, out: &mut ::std::vec::Vec<&'static str>);
}

impl LabelSet for () {
    const COMBINATIONS: usize = 1;
    const LABEL_COUNT: usize = 0;
    fn combination_index(&self) -> usize {
        0
    }
    fn from_combination_index(index: usize) -> Option<Self> {
        (index == 0).then_some(())
    }
    fn label_names(_: &mut Vec<&'static str>) {}
    fn label_values(_: usize, _: &mut Vec<&'static str>) {}
}

impl<T: NamedLabelValue> LabelSet for T {
    const COMBINATIONS: usize = T::CARDINALITY;
    const LABEL_COUNT: usize = 1;
    fn combination_index(&self) -> usize {
        LabelValue::index(self)
    }
    fn from_combination_index(index: usize) -> Option<Self> {
        <T as LabelValue>::from_index(index)
    }
    fn label_names(out: &mut Vec<&'static str>) {
        out.push(T::LABEL_NAME);
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

macro_rules! tuple_label_set {
    ($($ty:ident . $idx:tt),+) => {
        impl<$($ty: NamedLabelValue),+> LabelSet for ($($ty,)+) {
            const COMBINATIONS: usize = 1 $(* $ty::CARDINALITY)+;
            const LABEL_COUNT: usize = [$(stringify!($ty)),+].len();
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
            fn label_names(out: &mut Vec<&'static str>) {
                $(out.push($ty::LABEL_NAME);)+
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
    fn split_index_is_mixed_radix_first_digit_most_significant() {
        assert_eq!(__split_index(5, [2, 3]), Some([1, 2]));
        assert_eq!(__split_index(6, [2, 3]), None);
        assert_eq!(__split_index(0, [0]), None);
    }
}
